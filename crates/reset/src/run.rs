//! A reset from start to end: guard, maintenance marker, drop, the caller's phases.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use pg::Target;

use crate::marker::Maintenance;
use crate::template::{Outcome, Template, replace};
use crate::{BoxError, DropOptions, Error, Place, clearance, drop_all};

pub(crate) type PhaseFuture = Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send>>;

/// One step after the drop (migrate, codes, FDW, replication, admin): a name and a function
/// of the target returning a one-line summary.
pub struct Phase {
    name: String,
    run: Box<dyn FnOnce(Target) -> PhaseFuture + Send>,
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

/// What the reset is allowed to do and who it says it is.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the target lives (for the guard).
    pub place: Place,
    /// `--confirm`.
    pub confirm: Option<String>,
    /// `--drop-fdw` and the FDW's schemas.
    pub drop: DropOptions,
    /// Recorded in the maintenance marker: `cargo xtask reset (pid 123)`.
    pub set_by: String,
}

/// Resets `target`: the guard, then under the maintenance marker either the template path (when
/// `template` is given and the target would lose nothing by it; see [`Template`]) or the drop,
/// then each remaining phase in order, reporting each as it finishes. The marker is cleared on
/// every path that returns.
pub async fn run(
    target: &Target,
    options: &Options,
    template: Option<Template>,
    phases: Vec<Phase>,
    on_phase: &mut (dyn FnMut(&PhaseReport) + Send),
) -> Result<Vec<PhaseReport>, Error> {
    let database = target.dbname().to_string();
    clearance(&options.place, &database, options.confirm.as_deref())?;
    let lock = pg::Lock::acquire(
        target,
        &pg::LockOptions {
            application_name: "gwells-db reset".into(),
            ..pg::LockOptions::default()
        },
    )
    .await
    .map_err(Error::db(&database))?;
    // On the template path the target is replaced, so the marker's keeper sits elsewhere.
    let keeper = template.as_ref().map_or(target, |t| t.admin());
    let maintenance = Maintenance::begin(target, keeper, &options.set_by).await?;
    let result = rebuild(target, options, lock, template, &maintenance, phases, on_phase).await;
    let ended = maintenance.end(target).await;
    let reports = result?;
    ended?;
    Ok(reports)
}

async fn rebuild(
    target: &Target,
    options: &Options,
    lock: pg::Lock,
    template: Option<Template>,
    maintenance: &Maintenance,
    mut phases: Vec<Phase>,
    on_phase: &mut (dyn FnMut(&PhaseReport) + Send),
) -> Result<Vec<PhaseReport>, Error> {
    let database = target.dbname();
    let mut reports = Vec::new();
    let mut lock = Some(lock);
    let outcome = match template {
        Some(t) => {
            replace(target, options, t, maintenance, &mut lock, &mut reports, on_phase).await?
        }
        None => Outcome::Declined,
    };
    match outcome {
        Outcome::Replaced { covers } => phases.retain(|p| !covers.contains(&p.name)),
        Outcome::Declined => {
            let started = Instant::now();
            let statements = drop_all(target, &options.drop).await?;
            // The phases take the lock themselves; the maintenance marker keeps other resets out.
            if let Some(lock) = lock.take() {
                lock.release().await.map_err(Error::db(database))?;
            }
            let summary = format!("{} drop statement(s)", statements.len());
            report(&mut reports, on_phase, "drop", started, summary);
        }
    }
    for phase in phases {
        let started = Instant::now();
        let summary = (phase.run)(target.clone()).await.map_err(|source| Error::Phase {
            database: database.into(),
            phase: phase.name.clone(),
            source,
        })?;
        report(&mut reports, on_phase, &phase.name, started, summary);
    }
    Ok(reports)
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
