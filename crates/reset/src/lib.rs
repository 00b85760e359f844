//! Resetting a database to a clean migrated state, safely, and leaving the markers probes read.
//!
//! * `clearance` / `not_protected`: the guard, pure — a database on a server this tool
//!   started (it carries devdb's `cluster_name` mark) resets freely, anything else, loopback
//!   included, needs `--confirm <exact database name>`, and a database carrying the protection
//!   marker is refused whatever the flags;
//! * markers ([`markers`], [`set_protected`]): rows in `gwells_db_meta.marker`, a schema of the
//!   tool's own that reset never drops. The maintenance marker is committed before anything is
//!   dropped, so `health` in other sessions sees it, and it records the backend of a session that
//!   lives as long as the reset: a marker whose session is gone is a reset that was interrupted;
//! * `plan_drop`: every object of the application schemas, read from the catalog (no list of
//!   table names), as `DROP ... IF EXISTS ... CASCADE` statements, run in one transaction;
//!   extensions, the tool's schema and (unless asked) the FDW's server and schema are kept;
//! * [`run`]: guard, marker, drop, then the caller's phases (migrate, codes, FDW, ...), each
//!   timed; the marker is cleared at the end, also when a phase fails or a stop is requested
//!   (`Options::stop`: the current step rolls back or finishes, and [`Left`] says what the
//!   database holds);
//! * [`Template`]: on a throwaway server, instead of the drop and the phases a template holds,
//!   the database is replaced by a clone of the template (names swapped in one transaction),
//!   unless that would lose something a reset in place keeps;
//!
//! It deliberately does not depend on `migrate`, `codes`, `fdw` or `admin`: the caller passes
//! those steps in as [`Phase`]s, so this crate stays about dropping things safely.

mod drop;
mod error;
mod guard;
mod marker;
mod phase;
mod run;
mod template;

pub use drop::DropOptions;
pub use error::{BoxError, Error};
pub use guard::{Place, application_schemas};
pub use marker::{Marker, Markers, markers, set_protected};
pub use phase::{Phase, PhaseReport};
pub use run::{Left, Options, run};
pub use template::{Kept, Template};
