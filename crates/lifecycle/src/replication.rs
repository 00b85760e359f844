//! A replication and its JSON report. The report is written after the run committed, so a
//! folder that cannot be written is returned beside the report, never in place of it: the
//! caller prints the table and warns, and the exit code says the replication succeeded.

use std::path::{Path, PathBuf};

/// A finished replication: its report, and where the JSON went (or why it did not).
#[derive(Debug)]
pub struct Replicated {
    pub report: replicate::Report,
    pub written: Result<PathBuf, replicate::Error>,
}

/// What a finished run means for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `--plan`: nothing changed.
    Planned,
    /// Every difference explained by a declared rule.
    Verified,
    /// A difference no declared rule explains (the report's `failure` says which).
    Unexplained,
}

impl Replicated {
    /// The run's outcome; whether the report was written does not change it.
    pub fn outcome(&self) -> Outcome {
        if self.report.plan {
            Outcome::Planned
        } else if self.report.verified {
            Outcome::Verified
        } else {
            Outcome::Unexplained
        }
    }
}

/// Runs the driver, reporting its events to `on`, then writes the JSON report into
/// `report_dir`.
pub async fn replicate(
    target: &pg::Target,
    options: &replicate::Options,
    report_dir: &Path,
    on: &mut (dyn FnMut(replicate::Event) + Send),
) -> Result<Replicated, replicate::Error> {
    let report = replicate::replicate(target, options, on).await?;
    let written = report.write_json(report_dir);
    Ok(Replicated { report, written })
}
