//! The steps of a reset after the drop, and how each one is reported: shared by the in-place
//! path (`run`) and the template path (`template`), which therefore do not import each other.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use pg::Target;

use crate::BoxError;

pub(crate) type PhaseFuture = Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send>>;

/// One step after the drop (migrate, codes, FDW, replication, admin): a name and a function
/// of the target returning a one-line summary.
pub struct Phase {
    pub(crate) name: String,
    pub(crate) run: Box<dyn FnOnce(Target) -> PhaseFuture + Send>,
}

impl Phase {
    /// A phase named `name` running `f`.
    pub fn new<F, Fut>(name: &str, f: F) -> Phase
    where
        F: FnOnce(Target) -> Fut + Send + 'static,
        Fut: Future<Output = Result<String, BoxError>> + Send + 'static,
    {
        Phase { name: name.to_string(), run: Box::new(move |t| Box::pin(f(t))) }
    }
}

/// How one phase went.
#[derive(Debug, Clone)]
pub struct PhaseReport {
    /// `drop`, `migrate`, ...
    pub name: String,
    /// Wall time.
    pub elapsed: Duration,
    /// What it did, in one line.
    pub summary: String,
}

/// Records a finished phase and tells the caller at once.
pub(crate) fn report(
    reports: &mut Vec<PhaseReport>,
    on_phase: &mut (dyn FnMut(&PhaseReport) + Send),
    name: &str,
    started: Instant,
    summary: String,
) {
    let report = PhaseReport { name: name.into(), elapsed: started.elapsed(), summary };
    on_phase(&report);
    reports.push(report);
}
