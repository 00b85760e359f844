//! The foreign data wrapper that brings the legacy `WELLS` schema into the GWELLS database.
//!
//! * [`Spec`]: the configuration, from the seed's `FDW_*` variables or a rehearsal's values;
//!   the driver (`oracle_fdw` in production, `postgres_fdw` for rehearsals) follows from the
//!   form of `FDW_FOREIGN_SERVER` unless chosen explicitly;
//! * [`render`]: the DDL of the setup, pure, as shown (password and fingerprint masked);
//! * `fingerprint`: a salted, slow hash of the configuration, verified by recomputing;
//! * [`setup`]: applies it in one transaction under the tool's advisory lock, unless the
//!   fingerprint stored in the database (and the seed's `fdw.conf` lock file) says the same
//!   configuration is already in place;
//! * [`status`]: configured? current? imported? does a probe query succeed?
//!
//! The password is a [`pg::Secret`]: it reaches the server only as COPY data
//! ([`pg::stash_secret`]), from which a `DO` block builds the user mapping, so no statement
//! carries it — not in the server log, `pg_stat_activity`, rendered output, errors or status.
//! It deliberately does not know what the foreign tables contain; replication does.

mod apply;
mod error;
mod fingerprint;
mod redact;
mod render;
mod spec;

pub use apply::{Outcome, SetupOptions, Status, Why, setup, status};
pub use error::Error;
pub use fingerprint::fingerprint_matches;
pub use render::render;
pub use spec::{Driver, DriverKind, Spec};
