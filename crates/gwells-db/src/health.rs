//! `cargo xtask health [--ready] [--json]`: exit codes fit for a probe.
//!
//! Liveness (default): the database answers. Readiness (`--ready`): also no migration pending,
//! drifted or inconsistent, and every code table loaded. Both: exit 3 while a reset holds the
//! maintenance marker, so a probe wrapper can wait instead of rolling the deployment back. What
//! is observed, and the decision, are `lifecycle`'s; this file chooses the target and prints.

use std::process::ExitCode;

use crate::ctx::{Ctx, say};

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  gwells-db health                     # liveness: the database answers
  gwells-db health --ready --json      # readiness, as JSON on stdout

  # a probe wrapper that waits out a reset instead of failing:
  while gwells-db health --ready; rc=$?; [ $rc -eq 3 ]; do sleep 5; done; exit $rc

Exit codes: 0 healthy, 1 unhealthy (every reason listed, a failed connection with its cause), 3
reset in progress.
Never starts a server: without a configured database `cargo xtask` checks the running dev
server, `gwells-db` exits 2.")]
pub struct Args {
    /// Readiness: also migrations applied and unchanged, and code tables loaded.
    #[arg(long)]
    ready: bool,
    /// Print the verdict as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let target = match ctx.configured_target()? {
        Some(t) => Some(t),
        None => match ctx.dev() {
            Some(dev) => dev.running().await,
            // The product has no server to look for: a probe without a target is misconfigured.
            None => return ctx.target().await.map(|_| crate::exit::failed()),
        },
    };
    if let Some(t) = &target {
        // A wait that runs out is not an error here: the observation below reports the
        // connection failure as a reason, with the probe's exit code.
        let _ = ctx.wait_for(t).await;
    }
    let observed = match &target {
        None => lifecycle::Observed {
            connect_error: Some("no database configured and no dev server running".into()),
            ..Default::default()
        },
        Some(t) if !args.ready => lifecycle::health::observe(t, None).await,
        Some(t) => match folders(ctx) {
            Ok(folders) => lifecycle::health::observe(t, Some(&folders)).await,
            Err(e) => {
                let errors = vec![format!("{e:#}")];
                let ready = Some(lifecycle::Readiness { errors, ..Default::default() });
                lifecycle::Observed { ready, ..Default::default() }
            }
        },
    };
    let verdict = lifecycle::verdict(&observed);
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
            lifecycle::State::Healthy => "healthy",
            lifecycle::State::ResetInProgress => "reset in progress",
            lifecycle::State::Unhealthy => "unhealthy",
        };
        say(&format!("health: {shown}: {state}"));
        for reason in &verdict.reasons {
            say(&format!("  - {}", pg::mask_url(reason)));
        }
    }
    Ok(ExitCode::from(verdict.state.exit_code()))
}

/// The folders readiness compares the database with.
fn folders(ctx: &Ctx) -> anyhow::Result<lifecycle::Folders> {
    Ok(lifecycle::Folders { migrations: ctx.migrations_dir()?, codetables: ctx.codetables_dir()? })
}
