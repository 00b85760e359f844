//! The application layer: what ties the domain crates together into the lifecycle operations
//! both binaries run.
//!
//! * [`settings`]: the FDW spec, the replication mode, the admin account and the folders, read
//!   and validated once, before anything changes (one spelling of the replication mode);
//! * [`reset`](mod@reset): the reset composed of its phases — migrate, codes, FDW, replication,
//!   admin — over the `reset` crate, which knows none of them, with the template path on a
//!   throwaway server when the caller can build one;
//! * [`health`]: what a probe observes (markers, migration status, code tables) with its retry
//!   policy around a template reset's swap, and [`verdict`], the pure decision;
//! * [`replication`]: a replication and its JSON report, whose loss never turns a committed run
//!   into a failure;
//! * [`rehearse`](mod@rehearse): the rehearsal pipeline on a server the caller started.
//!
//! Each takes plain specs (no clap types) and is tested in process. It depends on every domain
//! crate; none of them depends on it, nor on each other.

mod error;
pub mod health;
pub mod rehearse;
pub mod replication;
pub mod reset;
pub mod settings;
mod verdict;

pub use error::Error;
pub use settings::{Folders, Settings};
pub use verdict::{Observed, Readiness, State, Verdict, verdict};
