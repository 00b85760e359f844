//! Replication from the legacy database: the driver, its verification and its report.
//!
//! The transforms themselves are SQL, in `migrations/gwells/R_replicate*.sql`, so a pod can
//! still run `SELECT db_replicate_step1(...)` / `db_replicate_step2()` with psql. This crate
//! runs the same per-table functions ([`replicate`]): it resolves the [`Mode`], refuses to
//! destroy rows replication did not create, holds the tool's advisory lock, turns NOTICEs into
//! per-table counts, verifies source → staging → application counts and key hashes against
//! declared rules, and returns a [`Report`].
//!
//! It deliberately does not create the legacy stand-in (`legacy`) or the foreign schema (`fdw`).

mod error;
mod guard;
mod mode;
mod plan;
mod report;
mod run;
mod verify;

pub use error::Error;
pub use mode::Mode;
pub use plan::TABLES;
pub use report::{Report, Rule, TableReport};
pub use run::{Event, Options, replicate};
