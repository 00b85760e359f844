//! What a probe observes, and how long it keeps looking.
//!
//! Liveness: the maintenance marker can be read (the database answers). Readiness: also the
//! migration status and the code tables. A session ended by a template reset's swap, or a
//! database missing for the moment of the renames, is looked at again for up to
//! [`SWAP_WINDOW`], so a probe sees "reset in progress", not "unhealthy". The decision itself
//! is [`crate::verdict`], pure.

use std::time::{Duration, Instant};

use crate::{Folders, Observed, Readiness};

/// How long the readiness checks may take before the probe answers "unhealthy" anyway.
pub(crate) const READINESS_BUDGET: Duration = Duration::from_secs(5);

/// How long a probe keeps looking again at a database whose sessions were ended or which was
/// missing: a template reset's swap takes milliseconds.
pub const SWAP_WINDOW: Duration = Duration::from_secs(2);

/// Observes `target`: liveness, and readiness against `ready`'s folders when given. Looks again
/// while a session is cut off by a template reset's swap (the database is renamed away and its
/// sessions ended; a moment later the new one carries the maintenance marker).
pub async fn observe(target: &pg::Target, ready: Option<&Folders>) -> Observed {
    let deadline = Instant::now() + SWAP_WINDOW;
    loop {
        match observe_once(target, ready).await {
            Ok(observed) => return observed,
            Err(Ended(error)) if Instant::now() >= deadline => {
                return Observed { connect_error: Some(error), ..Default::default() };
            }
            Err(Ended(_)) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// The session was ended by the server, or the database was missing: look again.
struct Ended(String);

async fn observe_once(target: &pg::Target, ready: Option<&Folders>) -> Result<Observed, Ended> {
    let mut observed = Observed::default();
    match reset::markers(target).await {
        Ok(m) => observed.maintenance = m.maintenance,
        Err(e) if ended(&e) => return Err(Ended(chain(&e))),
        Err(e) => {
            observed.connect_error = Some(chain(&e));
            return Ok(observed);
        }
    }
    // During a reset the readiness queries would queue behind its locks: a probe must answer.
    let Some(folders) = ready else { return Ok(observed) };
    if observed.maintenance.is_some() {
        return Ok(observed);
    }
    let checked = tokio::time::timeout(READINESS_BUDGET, readiness(target, folders)).await;
    let checked = match checked {
        Ok(r) => Ok(r?),
        Err(elapsed) => Err(elapsed),
    };
    // A reset that began after the first look holds locks the checks queue behind: look again.
    if checked.as_ref().map_or(true, |r| !r.errors.is_empty())
        && let Ok(m) = reset::markers(target).await
        && m.maintenance.is_some()
    {
        observed.maintenance = m.maintenance;
        return Ok(observed);
    }
    match checked {
        Ok(r) => observed.ready = Some(r),
        Err(_) => {
            let mut r = Readiness::default();
            r.errors.push(format!(
                "the readiness checks did not finish within {} s (locks held by another session?)",
                READINESS_BUDGET.as_secs()
            ));
            observed.ready = Some(r);
        }
    }
    Ok(observed)
}

async fn readiness(target: &pg::Target, folders: &Folders) -> Result<Readiness, Ended> {
    let mut r = Readiness::default();
    match migrate::status(target, &folders.migrations).await {
        Ok(s) => {
            r.pending = s.pending.iter().map(|k| k.to_string()).collect();
            r.drifted = s.drifted.iter().map(|d| d.key.to_string()).collect();
            if s.legacy_ledger {
                r.drifted.push("the whole database: an earlier gwells-db migrated it".into());
            }
            r.inconsistent =
                s.inconsistent.iter().map(|i| format!("{} before {}", i.key, i.parent)).collect();
        }
        Err(e) if ended(&e) => return Err(Ended(chain(&e))),
        Err(e) => r.errors.push(format!("migration status: {}", chain(&e))),
    }
    match codes::loaded(target, &folders.codetables).await {
        Ok(tables) => {
            r.codes_missing = tables
                .iter()
                .filter(|t| t.db_rows.unwrap_or(0) < t.csv_rows as i64)
                .map(|t| t.table.clone())
                .collect();
        }
        Err(e) if ended(&e) => return Err(Ended(chain(&e))),
        Err(e) => r.errors.push(format!("code tables: {}", chain(&e))),
    }
    Ok(r)
}

/// The error with its causes, one line (`pg::report`'s protocol): a probe's reason must say
/// why, not only that.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    pg::report::Report::of(error).one_line()
}

/// Whether `error` (or a cause of it) is the server ending the session or not finding the
/// database: what a probe sees while a template reset swaps the database.
fn ended(error: &(dyn std::error::Error + 'static)) -> bool {
    use tokio_postgres::error::SqlState;
    let mut next = Some(error);
    while let Some(e) = next {
        // A server's error ends a chain as a `pg::ServerError` (`pg::report`'s protocol).
        if let Some(server) = e.downcast_ref::<pg::ServerError>() {
            let e = server.inner();
            return e.is_closed()
                || e.code().is_some_and(|c| {
                    *c == SqlState::ADMIN_SHUTDOWN || *c == SqlState::UNDEFINED_DATABASE
                });
        }
        next = e.source();
    }
    false
}
