//! `cargo xtask replicate`: run the replication functions against the target database,
//! verify the result, and report it (table on stdout, JSON into `--report-dir`).

use std::process::ExitCode;

use anyhow::{Context, Result};
use replicate::Mode;

use crate::ctx::{Ctx, say};
use crate::replication;

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask replicate --subset                 # wells 100001..113567 and their children
  DB_REPLICATE=Full cargo xtask replicate        # the mode from the seed's variable
  cargo xtask replicate --full --plan          # what a run would change, changing nothing
  cargo xtask replicate --full --discard-submissions

Without --subset/--full the mode comes from DB_REPLICATE: `None` (skip), `Subset` or `Full`
(or lowercase). The foreign schema `wells` must exist (`cargo xtask fdw setup`).

On a database that holds replicated rows the run merges, online: it stages the legacy rows
in its own schema, compares them by key and applies only the difference (plain INSERT,
UPDATE, DELETE in one transaction), so readers and `health --ready` never wait. On an empty
database it takes the bulk path (truncate, bare load, keys and indexes re-created), which
locks the tables for the run. The output says which, and why; --bulk / --merge force one.
Exit codes: 0 verified, 1 a difference no declared rule explains, 2 bad input, 130 / 143 stopped
by SIGINT / SIGTERM (the run is rolled back, or committed if it was past its last statement).")]
pub struct Args {
    /// Replicate the subset (well_tag_number 100001..113567).
    #[arg(long)]
    subset: bool,
    /// Replicate every accepted well.
    #[arg(long)]
    full: bool,
    /// Discard rows replication did not create (user submissions, ...) instead of refusing.
    #[arg(long)]
    discard_submissions: bool,
    /// Print the report as JSON on stdout instead of a table.
    #[arg(long)]
    json: bool,
    /// Take the bulk path even on a populated database (locks the tables for the run).
    #[arg(long, conflicts_with = "merge")]
    bulk: bool,
    /// Merge even into an empty database.
    #[arg(long)]
    merge: bool,
    /// Stage and compare, print what a run would change, and change nothing.
    #[arg(long, conflicts_with = "bulk")]
    plan: bool,
}

pub(crate) async fn run(args: Args, ctx: &Ctx) -> Result<ExitCode> {
    let env = |name: &str| std::env::var(name).ok();
    let chosen = lifecycle::settings::mode_from_flags(args.subset, args.full)?;
    let mode = lifecycle::settings::replication_mode(chosen, &env)?;
    if mode == Mode::None {
        say("replicate: mode is None (DB_REPLICATE), nothing to do");
        return Ok(crate::exit::OK);
    }
    let interrupt = crate::interrupt::Interrupt::install("replicate")?;
    let target = ctx.target().await?;
    let path = match (args.bulk, args.merge) {
        (true, _) => replicate::Choice::Bulk,
        (_, true) => replicate::Choice::Merge,
        _ => replicate::Choice::Auto,
    };
    let options = replicate::Options {
        discard_submissions: args.discard_submissions,
        path,
        plan: args.plan,
        ..replicate::Options::new(mode)
    };
    let mut progress = replication::Progress::new(mode);
    let report_dir = ctx.report_dir();
    let mut on = |e| progress.on(e);
    let run = lifecycle::replication::replicate(&target, &options, &report_dir, &mut on);
    let result = pg::finish_or_cancel(interrupt.stop(), run).await;
    if let Some(signal) = interrupt.received() {
        return Ok(crate::interrupt::replicated(signal, target.dbname(), result.is_ok()));
    }
    let report = result.with_context(|| format!("cannot replicate into `{}`", target.dbname()))?;
    replication::finish(&report, args.json)
}
