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
pub use server::{Backend, DEFAULT_IMAGE, Server, ServerOptions};
pub use template::{TemplateSpec, clone_database, drop_database, ensure_template};
pub use testdb::TestDb;

/// Passed as `-c` to every server this crate starts, local or container, so that a tool holding
/// only a URL can tell a throwaway server (where databases may be cloned, renamed and dropped at
/// will) from any other: see [`is_devdb_server`]. `cluster_name` is set only when the server
/// starts — a client cannot set it for its session (the connection is refused) nor a role or
/// database — so no URL option can make a real server look throwaway. It also names the
/// server's processes in `ps`.
pub const SERVER_MARK: &str = "cluster_name=gwells-devdb";

/// Whether the server of `target` was started by this crate (it carries [`SERVER_MARK`]).
pub async fn is_devdb_server(target: &pg::Target) -> Result<bool> {
    let conn = pg::connect(target, "gwells-db devdb").await?;
    let row =
        conn.query_one("SELECT current_setting('cluster_name') = 'gwells-devdb'", &[]).await?;
    Ok(row.get(0))
}

/// Result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
