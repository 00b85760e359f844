//! Throwaway PostgreSQL servers and databases for laptops, CI and tests.
//!
//! * [`Server`]: a server started by the tool — a local cluster copied from a cached `initdb`
//!   (the default when server binaries are found) or a container through `testcontainers`.
//!   Every server is recorded under `target/devdb/servers/`; each start first reaps servers
//!   whose owner process is gone (native and container alike).
//! * The dev server of `cargo xtask db up`: one persistent server reused across runs.
//! * Templates: a database built once, keyed by a hash of its inputs, then only ever cloned.
//! * [`TestDb`]: one database per test, cloned from a template, dropped on success and kept
//!   (with a `psql` line) on failure.
//!
//! It deliberately knows nothing about GWELLS: callers say what a template contains. It knows
//! only which workspace crates build templates (`builders.rs`), so a key covers their code.

#[cfg(test)]
mod builders;
mod dev;
mod docker;
mod error;
mod local;
mod paths;
mod registry;
mod server;
mod template;
mod testdb;

pub use dev::{DEV_DATABASE, DevOptions, DevStatus, dev_server, dev_server_down, dev_server_up};
pub use error::{BoxError, Error};
pub use local::Binaries;
pub use paths::{target_dir, workspace_root};
pub use server::{Backend, Server, ServerOptions};
pub use template::{TemplateSpec, clone_database, drop_database, ensure_template, inputs_hash};
pub use testdb::TestDb;

/// The mark every server this crate starts carries (imported for the start code) and its test,
/// both defined in `pg`, since the product binary, which links no server code, reads it too.
use pg::SERVER_MARK;
pub use pg::is_devdb_server;

/// Result type of this crate.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
