//! Replication from the legacy database: the driver, its verification and its report.
//!
//! The transforms themselves are SQL, in `migrations/gwells/R_replicate*.sql`, so a pod can
//! still run `SELECT db_replicate_step1(...)` / `db_replicate_step2()` with psql. This crate
//! runs the same per-table functions ([`replicate`]) in the given [`Mode`]: it refuses to
//! destroy rows replication did not create, holds the tool's advisory lock, turns NOTICEs into
//! per-table counts, verifies source → staging → application counts and key hashes against
//! declared rules, and returns a [`Report`]. Into an empty target it takes the bulk [`Path`]:
//! for speed it loads bare tables, the reloaded tables' foreign keys and secondary indexes set
//! aside and re-created from their captured definitions, all in the run's one transaction
//! (which locks the tables for the run). Into a populated one it merges (`merge`): the same
//! functions fill staging copies in the tool's own schema, and only the difference is applied
//! with plain DML, so readers never wait; each table's [`Changes`] go into the report.
//!
//! It deliberately does not create the legacy stand-in (`legacy`) or the foreign schema (`fdw`).

mod error;
mod guard;
mod keys;
mod merge;
mod mode;
mod plan;
mod report;
mod run;
mod verify;

pub use error::Error;
pub use mode::Mode;
pub use plan::TABLES;
pub use report::{Changes, EXAMPLES, Path, Report, Rule, TableReport};
pub use run::{Choice, Event, Options, replicate};
