//! A reset from start to end: guard, maintenance marker, drop, the caller's phases.

use std::fmt;
use std::time::Instant;

use pg::Target;

use crate::drop::drop_all;
use crate::guard::clearance;
use crate::marker::Maintenance;
use crate::phase::{Phase, PhaseReport, report};
use crate::template::{Outcome, Template, replace};
use crate::{DropOptions, Error, Place};

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
    /// Asked for by a signal: stop at the next safe point (see [`run`]).
    pub stop: pg::Stop,
}

/// Resets `target`: the guard, then under the maintenance marker either the template path (when
/// `template` is given and the target would lose nothing by it; see [`Template`]) or the drop,
/// then each remaining phase in order, reporting each as it finishes. The marker is cleared and
/// the lock released on every path that returns.
///
/// When `options.stop` is requested, the reset stops at the next safe point and returns
/// [`Error::Interrupted`] saying what the database holds: waiting for the lock is abandoned; a
/// step that changes the database (the drop, a phase, the template's preparation) has its
/// statements cancelled and rolls back, or finishes if it was past its last statement; the
/// swap of the template path is never interrupted; no further phase starts.
pub async fn run(
    target: &Target,
    options: &Options,
    template: Option<Template>,
    phases: Vec<Phase>,
    on_phase: &mut (dyn FnMut(&PhaseReport) + Send),
) -> Result<Vec<PhaseReport>, Error> {
    let database = target.dbname().to_string();
    clearance(&options.place, &database, options.confirm.as_deref())?;
    let lock_options = pg::LockOptions {
        application_name: "gwells-db reset".into(),
        ..pg::LockOptions::default()
    };
    // Nothing has changed yet: waiting for the lock can simply be abandoned.
    let lock = tokio::select! {
        lock = pg::Lock::acquire(target, &lock_options) => lock?,
        () = options.stop.requested() => {
            return Err(Error::Interrupted {
                database,
                during: "while waiting for the lock".into(),
                left: Left::Unchanged,
            });
        }
    };
    // On the template path the target is replaced, so the marker's keeper sits elsewhere.
    let keeper = template.as_ref().map_or(target, |t| t.admin());
    let maintenance = match Maintenance::begin(target, keeper, &options.set_by).await {
        Ok(m) => m,
        Err(err) => {
            let _ = lock.release().await;
            return Err(err);
        }
    };
    let mut lock = Some(lock);
    let result =
        rebuild(target, options, &mut lock, template, &maintenance, phases, on_phase).await;
    // The marker first: a reset that gets the lock next must not find it still live.
    let ended = maintenance.end(target).await;
    if let Some(lock) = lock.take() {
        lock.release().await?;
    }
    let reports = result?;
    ended?;
    Ok(reports)
}

async fn rebuild(
    target: &Target,
    options: &Options,
    lock: &mut Option<pg::Lock>,
    template: Option<Template>,
    maintenance: &Maintenance,
    mut phases: Vec<Phase>,
    on_phase: &mut (dyn FnMut(&PhaseReport) + Send),
) -> Result<Vec<PhaseReport>, Error> {
    let database = target.dbname();
    let stop = &options.stop;
    let mut reports = Vec::new();
    // What the database holds so far, by phase: said if the reset is interrupted.
    let mut done: Vec<String> = Vec::new();
    let outcome = match template {
        Some(t) => replace(target, options, t, maintenance, lock, &mut reports, on_phase).await?,
        None => Outcome::Declined,
    };
    match outcome {
        Outcome::Replaced { covers } => {
            phases.retain(|p| !covers.contains(&p.name));
            done = covers;
        }
        Outcome::Interrupted { during } => {
            return Err(interrupted(database, &during, Left::Unchanged));
        }
        Outcome::Declined => {
            let started = Instant::now();
            // One transaction: cancelled, it rolls back and the database is as it was.
            let dropped = pg::finish_or_cancel(stop, drop_all(target, &options.drop)).await;
            let statements = match dropped {
                Err(_) if stop.is_requested() => {
                    return Err(interrupted(database, "drop", Left::Unchanged));
                }
                dropped => dropped?,
            };
            // The phases take the lock themselves; the maintenance marker keeps other resets out.
            if let Some(lock) = lock.take() {
                lock.release().await?;
            }
            let summary = format!("{} drop statement(s)", statements.len());
            report(&mut reports, on_phase, "drop", started, summary);
            done.push("drop".into());
        }
    }
    let names: Vec<String> = phases.iter().map(|p| p.name.clone()).collect();
    for (i, phase) in phases.into_iter().enumerate() {
        let left = || Left::Partial { done: done.clone(), not_done: names[i..].to_vec() };
        if stop.is_requested() {
            let during = done.last().map_or("swap", String::as_str);
            return Err(interrupted(database, during, left()));
        }
        let started = Instant::now();
        let ran = pg::finish_or_cancel(stop, (phase.run)(target.clone())).await;
        let summary = match ran {
            Err(_) if stop.is_requested() => {
                return Err(interrupted(database, &phase.name, left()));
            }
            ran => ran.map_err(|source| Error::Phase {
                database: database.into(),
                phase: phase.name.clone(),
                source,
            })?,
        };
        report(&mut reports, on_phase, &phase.name, started, summary);
        done.push(phase.name);
    }
    Ok(reports)
}

/// Where an interrupted reset left the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Left {
    /// As it was: nothing had changed, or the step that was changing it rolled back.
    Unchanged,
    /// Some phases finished (`done`: `drop`, `migrate`, ..., or on the template path the phases
    /// the template holds), the others (`not_done`) did not run or were rolled back.
    Partial { done: Vec<String>, not_done: Vec<String> },
}

impl fmt::Display for Left {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |names: &[String]| {
            names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        };
        match self {
            Left::Unchanged => f.write_str("the database is unchanged"),
            Left::Partial { done, .. } if done.len() == 1 && done[0] == "drop" => f.write_str(
                "the database is dropped and not rebuilt; run the reset again (`gwells-db reset` / `cargo xtask reset`)",
            ),
            Left::Partial { done, not_done } => write!(
                f,
                "the database is only partly rebuilt (done: {}; not done: {}); run the reset again (`gwells-db reset` / `cargo xtask reset`)",
                list(done),
                list(not_done)
            ),
        }
    }
}

/// Stopped during the step `during`.
fn interrupted(database: &str, during: &str, left: Left) -> Error {
    Error::Interrupted { database: database.into(), during: format!("during `{during}`"), left }
}
