//! Replication's progress, report and exit code, shared by `replicate` and `cargo xtask
//! rehearse` (the command files call this module, never each other).

use std::process::ExitCode;

use anyhow::{Context, Result};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use indicatif::{ProgressBar, ProgressStyle};
use replicate::{Event, Report};

use lifecycle::replication::{Outcome, Replicated};

use crate::ctx::say;

/// A progress line per table on stderr, fed the driver's events.
pub struct Progress {
    style: ProgressStyle,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Announces the mode and starts showing progress.
    pub fn new(mode: replicate::Mode) -> Progress {
        say(&format!("replicate: mode {mode}"));
        let style = ProgressStyle::with_template("{spinner} {prefix:>22} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        Progress { style, bar: None }
    }

    /// Shows one event.
    pub fn on(&mut self, event: Event) {
        match event {
            Event::Path { path, reason } => say(&format!("replicate: {path} path ({reason})")),
            Event::Compared { changes, seconds } => say(&format!(
                "  {:>22} {:>12} {seconds:>8.2} s",
                "compare",
                format!("{changes} changes")
            )),
            Event::Applying => {
                say("replicate: applying the difference (plain DML, readers do not wait)")
            }
            Event::Waiting { attempt, blocker, retry_in } => say(&format!(
                "replicate: attempt {attempt} timed out waiting for a lock held by {}; retrying in {} s",
                blocker.as_deref().unwrap_or("a session that ended since"),
                retry_in.as_secs_f64()
            )),
            Event::Applied { changes, seconds } => say(&format!(
                "  {:>22} {:>12} {seconds:>8.2} s",
                "apply",
                format!("{changes} changes")
            )),
            Event::Discarding { table, rows } => say(&format!(
                "replicate: discarding {rows} rows of `{table}` (--discard-submissions)"
            )),
            Event::Started { table } => {
                let b =
                    ProgressBar::new_spinner().with_style(self.style.clone()).with_prefix(table);
                b.enable_steady_tick(std::time::Duration::from_millis(120));
                self.bar = Some(b);
            }
            Event::Notice(message) => {
                if let Some(b) = &self.bar {
                    b.set_message(message);
                }
            }
            Event::Keys { step, objects, seconds } => {
                if let Some(b) = self.bar.take() {
                    b.finish_and_clear();
                }
                let objects = format!("{objects} objects");
                say(&format!("  {step:>22} {objects:>12} {seconds:>8.2} s"));
            }
            Event::Finished { table, rows, seconds } => {
                if let Some(b) = self.bar.take() {
                    b.finish_and_clear();
                }
                let rows = rows.map(|n| format!("{n} rows")).unwrap_or_default();
                say(&format!("  {table:>22} {rows:>12} {seconds:>8.2} s"));
            }
            Event::Verifying => say("replicate: verifying source -> staging -> application"),
        }
    }
}

/// Prints the report, says where its JSON went, and chooses the exit code. The run has
/// committed by now: a report folder that could not be written is a warning, never a failure,
/// or an operator would run again a replication that already happened.
pub fn finish(replicated: &Replicated, json: bool) -> Result<ExitCode> {
    let report = &replicated.report;
    if json {
        crate::ctx::print_line(&serde_json::to_string_pretty(report).context("report as JSON")?);
    } else {
        crate::ctx::print_line(&render(report));
    }
    match &replicated.written {
        Ok(path) => say(&format!("replicate: report written to {}", path.display())),
        Err(err) => {
            say(&format!(
                "warning: the replication report was not written: {}",
                pg::report::Report::of(err).one_line()
            ));
            say(
                "hint: the replication itself is done; name a writable folder with `--report-dir DIR`",
            );
        }
    }
    match replicated.outcome() {
        Outcome::Planned => {
            say("replicate: --plan: nothing was changed");
            Ok(crate::exit::OK)
        }
        Outcome::Verified => Ok(crate::exit::OK),
        Outcome::Unexplained => {
            say(
                "replicate: verification failed: a difference no declared rule explains (see `failure`)",
            );
            Ok(crate::exit::failed())
        }
    }
}

/// The report as a table: the merge's changes (if any), then the verification.
pub(crate) fn render(report: &Report) -> String {
    let changes = render_changes(report);
    if report.plan {
        return format!(
            "{changes}\nmode {}, --plan: {} rows would change; nothing was changed",
            report.mode,
            report.rows_changed()
        );
    }
    format!("{changes}{}", render_verification(report))
}

/// The merge's change report, or nothing on the bulk path.
fn render_changes(report: &Report) -> String {
    if report.tables.iter().all(|t| t.changes.is_none()) {
        return String::new();
    }
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(["table", "inserted", "updated", "deleted", "unchanged", "example keys"]);
    for t in &report.tables {
        let Some(c) = &t.changes else { continue };
        let keys = |kind: &str, n: i64, keys: &[i64]| {
            (n > 0).then(|| {
                let list = keys.iter().map(i64::to_string).collect::<Vec<_>>().join(" ");
                let more = if (n as usize) > keys.len() { " ..." } else { "" };
                format!("{kind} {}: {list}{more}", c.key)
            })
        };
        let examples: Vec<String> = [
            keys("inserted", c.inserted, &c.inserted_keys),
            keys("updated", c.updated, &c.updated_keys),
            keys("deleted", c.deleted, &c.deleted_keys),
        ]
        .into_iter()
        .flatten()
        .collect();
        table.add_row([
            t.table.clone(),
            c.inserted.to_string(),
            c.updated.to_string(),
            c.deleted.to_string(),
            c.unchanged.to_string(),
            examples.join("\n"),
        ]);
    }
    format!("{table}\n")
}

/// The verification table and the summary line.
fn render_verification(report: &Report) -> String {
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
    let how = match report.path {
        replicate::Path::Bulk => format!(
            "{} keys and indexes set aside and re-created in {:.2} s",
            report.keys_set_aside, report.keys_seconds
        ),
        replicate::Path::Merge => format!(
            "merged: {} rows changed, applied in {:.2} s ({} attempt{})",
            report.rows_changed(),
            report.apply_seconds,
            report.apply_attempts,
            if report.apply_attempts == 1 { "" } else { "s" }
        ),
    };
    format!(
        "{table}\nmode {}, {} path: {} rows in {:.2} s ({:.0} rows/s; {how}), verified in {:.2} s, committed in {:.2} s: {}{}",
        report.mode,
        report.path,
        report.rows_loaded(),
        report.load_seconds,
        report.rows_per_second,
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
