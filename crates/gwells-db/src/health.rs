//! `cargo xtask health [--ready] [--json]`: exit codes fit for a probe.
//!
//! Liveness (default): the database answers. Readiness (`--ready`): also no migration pending,
//! drifted or inconsistent, and every code table loaded. Both: exit 3 while a reset holds the
//! maintenance marker, so a probe wrapper can wait instead of rolling the deployment back. The
//! decision is `reset::verdict`; this file only gathers the observations.

use std::process::ExitCode;

use crate::ctx::{Ctx, say};

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask health                   # liveness: the database answers
  cargo xtask health --ready --json    # readiness, as JSON on stdout

  # a probe wrapper that waits out a reset instead of failing:
  while cargo xtask health --ready; rc=$?; [ $rc -eq 3 ]; do sleep 5; done; exit $rc

Exit codes: 0 healthy, 1 unhealthy (every reason listed, a failed connection with its cause), 3
reset in progress.
Never starts a server: without a configured database it checks the running dev server.")]
pub struct Args {
    /// Readiness: also migrations applied and unchanged, and code tables loaded.
    #[arg(long)]
    ready: bool,
    /// Print the verdict as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let target = match ctx.configured_target()? {
        Some(t) => Some(t),
        None => match ctx.dev() {
            Some(dev) => dev.running().await,
            // The product has no server to look for: a probe without a target is misconfigured.
            None => return ctx.target().await.map(|_| crate::exit::failed()),
        },
    };
    let observed = match &target {
        None => reset::Observed {
            connect_error: Some("no database configured and no dev server running".into()),
            ..Default::default()
        },
        Some(t) => observe(ctx, t, args.ready).await,
    };
    let verdict = reset::verdict(&observed);
    if args.json {
        let json = serde_json::json!({
            "database": target.as_ref().map(|t| t.to_string()),
            "check": if args.ready { "ready" } else { "live" },
            "state": verdict.state,
            "exit_code": verdict.state.exit_code(),
            "reasons": verdict.reasons,
        });
        crate::ctx::print_line(&serde_json::to_string_pretty(&json)?);
    } else {
        let shown = target.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "-".into());
        let state = match verdict.state {
            reset::State::Healthy => "healthy",
            reset::State::ResetInProgress => "reset in progress",
            reset::State::Unhealthy => "unhealthy",
        };
        say(&format!("health: {shown}: {state}"));
        for reason in &verdict.reasons {
            say(&format!("  - {}", pg::mask_url(reason)));
        }
    }
    Ok(ExitCode::from(verdict.state.exit_code()))
}

/// Observes `target`, looking again while a session is cut off by a template reset's swap (the
/// database is renamed away and its sessions ended; a moment later the new one carries the
/// maintenance marker).
async fn observe(ctx: &Ctx, target: &pg::Target, ready: bool) -> reset::Observed {
    let deadline = std::time::Instant::now() + SWAP_WINDOW;
    loop {
        match observe_once(ctx, target, ready).await {
            Ok(observed) => return observed,
            Err(Ended(error)) if std::time::Instant::now() >= deadline => {
                return reset::Observed { connect_error: Some(error), ..Default::default() };
            }
            Err(Ended(_)) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
}

/// The session was ended by the server, or the database was missing: look again.
struct Ended(String);

async fn observe_once(
    ctx: &Ctx,
    target: &pg::Target,
    ready: bool,
) -> Result<reset::Observed, Ended> {
    let mut observed = reset::Observed::default();
    match reset::markers(target).await {
        Ok(m) => observed.maintenance = m.maintenance,
        Err(e) if ended(&e) => return Err(Ended(chain(e))),
        Err(e) => {
            observed.connect_error = Some(chain(e));
            return Ok(observed);
        }
    }
    // During a reset the readiness queries would queue behind its locks: a probe must answer.
    if !ready || observed.maintenance.is_some() {
        return Ok(observed);
    }
    let checked = tokio::time::timeout(READINESS_BUDGET, readiness(ctx, target)).await;
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
            let mut r = reset::Readiness::default();
            r.errors.push(format!(
                "the readiness checks did not finish within {} s (locks held by another session?)",
                READINESS_BUDGET.as_secs()
            ));
            observed.ready = Some(r);
        }
    }
    Ok(observed)
}

/// How long the readiness checks may take before the probe answers "unhealthy" anyway.
const READINESS_BUDGET: std::time::Duration = std::time::Duration::from_secs(5);

/// How long a probe keeps looking again at a database whose sessions were ended or which was
/// missing: a template reset's swap takes milliseconds.
const SWAP_WINDOW: std::time::Duration = std::time::Duration::from_secs(2);

async fn readiness(ctx: &Ctx, target: &pg::Target) -> Result<reset::Readiness, Ended> {
    let mut r = reset::Readiness::default();
    let (migrations, codetables) = match (ctx.migrations_dir(), ctx.codetables_dir()) {
        (Ok(m), Ok(c)) => (m, c),
        (Err(e), _) | (_, Err(e)) => {
            r.errors.push(format!("{e:#}"));
            return Ok(r);
        }
    };
    match migrate::status(target, &migrations).await {
        Ok(s) => {
            r.pending = s.pending.iter().map(|k| k.to_string()).collect();
            r.drifted = s.drifted.iter().map(|d| d.key.to_string()).collect();
            r.inconsistent =
                s.inconsistent.iter().map(|i| format!("{} before {}", i.key, i.parent)).collect();
        }
        Err(e) if ended(&e) => return Err(Ended(chain(e))),
        Err(e) => r.errors.push(format!("migration status: {}", chain(e))),
    }
    match codes::loaded(target, &codetables).await {
        Ok(tables) => {
            r.codes_missing = tables
                .iter()
                .filter(|t| t.db_rows.unwrap_or(0) < t.csv_rows as i64)
                .map(|t| t.table.clone())
                .collect();
        }
        Err(e) if ended(&e) => return Err(Ended(chain(e))),
        Err(e) => r.errors.push(format!("code tables: {}", chain(e))),
    }
    Ok(r)
}

/// The error with its causes, as `error:` lines print it ("cannot connect to ...: db error: FATAL:
/// password authentication failed for user ..."): a probe's reason must say why, not only that.
fn chain(error: impl std::error::Error + Send + Sync + 'static) -> String {
    crate::exit::render(&anyhow::Error::new(error)).0
}

/// Whether `error` (or a cause of it) is the server ending the session or not finding the
/// database: what a probe sees while a template reset swaps the database.
fn ended(error: &(dyn std::error::Error + 'static)) -> bool {
    use tokio_postgres::error::{DbError, SqlState};
    let code = |c: Option<&SqlState>| {
        c.is_some_and(|c| *c == SqlState::ADMIN_SHUTDOWN || *c == SqlState::UNDEFINED_DATABASE)
    };
    let client = |e: &tokio_postgres::Error| e.is_closed() || code(e.code());
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(pg::Error::Connect { source, .. } | pg::Error::Db(source)) =
            e.downcast_ref::<pg::Error>()
            && client(source)
        {
            return true;
        }
        if e.downcast_ref::<tokio_postgres::Error>().is_some_and(client)
            || e.downcast_ref::<DbError>().is_some_and(|d| code(Some(d.code())))
        {
            return true;
        }
        next = e.source();
    }
    false
}
