//! `cargo xtask replicate`: run the replication functions against the target database,
//! verify the result, and report it (table on stdout, JSON under `target/reports/`).

use std::process::ExitCode;

use anyhow::{Context, Result};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use indicatif::{ProgressBar, ProgressStyle};
use replicate::{Event, Mode, Report};

use crate::ctx::{Ctx, say};
use crate::exit::bad_input;

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask replicate --subset                 # wells 100001..113567 and their children
  DB_REPLICATE=Full cargo xtask replicate        # the mode from the seed's variable
  cargo xtask replicate --full --discard-submissions

Without --subset/--full the mode comes from DB_REPLICATE: `None` (skip), `Subset` or `Full`,
exactly these spellings. The foreign schema `wells` must exist (`cargo xtask fdw setup`).
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
}

pub async fn run(args: Args, ctx: &Ctx) -> Result<ExitCode> {
    let env = std::env::var(pg::vars::DB_REPLICATE).ok();
    let mode = Mode::resolve(args.subset, args.full, env.as_deref()).map_err(bad_input)?;
    if mode == Mode::None {
        say("replicate: mode is None (DB_REPLICATE), nothing to do");
        return Ok(crate::exit::OK);
    }
    let interrupt = crate::interrupt::Interrupt::install("replicate")?;
    let target = ctx.target().await?;
    let options = replicate::Options {
        discard_submissions: args.discard_submissions,
        ..replicate::Options::new(mode)
    };
    let result = pg::finish_or_cancel(interrupt.stop(), run_with_progress(&target, &options)).await;
    if let Some(signal) = interrupt.received() {
        return Ok(crate::interrupt::replicated(signal, target.dbname(), result.is_ok()));
    }
    let report = result.map_err(|e| match e {
        replicate::Error::Submissions { .. } => bad_input(e),
        e => anyhow::Error::new(e).context(format!("cannot replicate into `{}`", target.dbname())),
    })?;
    finish(&report, ctx, args.json)
}

/// Runs the driver with a progress line per table on stderr.
pub async fn run_with_progress(
    target: &pg::Target,
    options: &replicate::Options,
) -> Result<Report, replicate::Error> {
    say(&format!("replicate: mode {}", options.mode));
    let style = ProgressStyle::with_template("{spinner} {prefix:>22} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    let mut bar: Option<ProgressBar> = None;
    let mut on = |event: Event| match event {
        Event::Discarding { table, rows } => {
            say(&format!("replicate: discarding {rows} rows of `{table}` (--discard-submissions)"))
        }
        Event::Started { table } => {
            let b = ProgressBar::new_spinner().with_style(style.clone()).with_prefix(table);
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            bar = Some(b);
        }
        Event::Notice(message) => {
            if let Some(b) = &bar {
                b.set_message(message);
            }
        }
        Event::Keys { step, objects, seconds } => {
            if let Some(b) = bar.take() {
                b.finish_and_clear();
            }
            let objects = format!("{objects} objects");
            say(&format!("  {step:>22} {objects:>12} {seconds:>8.2} s"));
        }
        Event::Finished { table, rows, seconds } => {
            if let Some(b) = bar.take() {
                b.finish_and_clear();
            }
            let rows = rows.map(|n| format!("{n} rows")).unwrap_or_default();
            say(&format!("  {table:>22} {rows:>12} {seconds:>8.2} s"));
        }
        Event::Verifying => say("replicate: verifying source -> staging -> application"),
    };
    replicate::replicate(target, options, &mut on).await
}

/// Prints the report, writes its JSON, and chooses the exit code.
#[allow(clippy::print_stdout)]
pub fn finish(report: &Report, ctx: &Ctx, json: bool) -> Result<ExitCode> {
    let dir = ctx.target_dir().join("reports");
    let path = report.write_json(&dir).context("cannot write the replication report")?;
    if json {
        println!("{}", serde_json::to_string_pretty(report).context("report as JSON")?);
    } else {
        println!("{}", render(report));
    }
    say(&format!("replicate: report written to {}", path.display()));
    if report.verified {
        Ok(crate::exit::OK)
    } else {
        say(
            "replicate: verification failed: a difference no declared rule explains (see `failure`)",
        );
        Ok(crate::exit::failed())
    }
}

/// The report as a table.
pub fn render(report: &Report) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header([
        "table", "source", "staged", "rules", "expected", "loaded", "orphaned", "s", "rows/s",
        "verified",
    ]);
    for t in &report.tables {
        let rules: Vec<String> = t
            .rules
            .iter()
            .filter(|r| r.rows > 0)
            .map(|r| format!("-{} {}", r.rows, r.rule))
            .collect();
        table.add_row([
            t.table.clone(),
            t.source.to_string(),
            t.staged.map(|n| n.to_string()).unwrap_or_else(|| "-".into()),
            rules.join("\n"),
            t.expected.to_string(),
            t.loaded.to_string(),
            t.orphaned.map(|n| n.to_string()).unwrap_or_else(|| "-".into()),
            format!("{:.2}", t.seconds),
            format!("{:.0}", t.rows_per_second),
            match &t.failure {
                None => "yes".to_string(),
                Some(f) => format!("NO: {f}"),
            },
        ]);
    }
    format!(
        "{table}\nmode {}: {} rows in {:.2} s ({:.0} rows/s; {} keys and indexes set aside and re-created in {:.2} s), verified in {:.2} s, committed in {:.2} s: {}{}",
        report.mode,
        report.rows_loaded(),
        report.load_seconds,
        report.rows_per_second,
        report.keys_set_aside,
        report.keys_seconds,
        report.verify_seconds,
        report.commit_seconds,
        if report.verified { "every difference explained" } else { "UNEXPLAINED DIFFERENCES" },
        if report.null_status_wells > 0 {
            format!(
                "\n{} wells with a NULL acceptance status were skipped",
                report.null_status_wells
            )
        } else {
            String::new()
        },
    )
}
