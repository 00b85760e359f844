//! The foreign data wrapper that brings the legacy `WELLS` schema into the GWELLS database.
//!
//! * [`Spec`]: the configuration, from the seed's `FDW_*` variables or a rehearsal's values;
//!   the driver (`oracle_fdw` in production, `postgres_fdw` for rehearsals) follows from the
//!   form of `FDW_FOREIGN_SERVER` unless chosen explicitly;
//! * [`render`]: the DDL of the setup, pure, with the password masked or not;
//! * [`setup`]: applies it in one transaction under the tool's advisory lock, unless the
//!   fingerprint stored in the database (and the seed's `fdw.conf` lock file) says the same
//!   configuration is already in place;
//! * [`status`]: configured? current? imported? does a probe query succeed?
//!
//! The password is a [`pg::Secret`]: it reaches the server inside the DDL and nowhere else —
//! not in rendered output (masked), errors (redacted) or status. It deliberately does not
//! know what the foreign tables contain; replication does.

mod apply;
mod error;
mod render;
mod spec;

pub use apply::{Outcome, SetupOptions, Status, Why, setup, status};
pub use error::Error;
pub use render::{MASK, fingerprint, render};
pub use spec::{Driver, DriverKind, Spec};
