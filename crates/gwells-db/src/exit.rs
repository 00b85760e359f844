//! Exit codes and how errors reach the terminal.
//!
//! 0 ok, 1 failed, 2 bad input or usage, 3 reset in progress (health only). An error prints as
//! `pg::report` words it: `error:` and its message, a `caused by:` line per cause, then every
//! `hint:`; the exit code is 2 when the outermost error that can tell says it is bad input.

use std::error::Error as StdError;
use std::fmt;
use std::process::ExitCode;

use pg::report::{Classify, Report};

/// Marks an error made by a command file (a flag that makes no sense, ...) as the user's input
/// being wrong (exit code 2). Domain errors need no mark: they say so themselves.
#[derive(Debug)]
pub(crate) struct BadInput(anyhow::Error);

/// The wrapped error's own message; its causes follow as the wrapped error's.
impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for BadInput {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

/// Wraps an error as bad input (exit code 2).
pub fn bad_input(err: impl Into<anyhow::Error>) -> anyhow::Error {
    anyhow::Error::new(BadInput(err.into()))
}

/// An error of a crate this one does not know (xtask's devdb and legacy), bad input when it
/// says so.
pub fn classified<E: Classify + StdError + Send + Sync + 'static>(err: E) -> anyhow::Error {
    if err.is_bad_input() { bad_input(err) } else { anyhow::Error::new(err) }
}

/// Exit code 0, for commands that report success.
pub const OK: ExitCode = ExitCode::SUCCESS;

/// Exit code 1: the operation ran and failed (a check found problems, ...).
pub fn failed() -> ExitCode {
    ExitCode::from(1)
}

/// Prints the error, its causes and hints, and chooses the exit code.
#[allow(clippy::print_stderr)]
pub(crate) fn report(err: anyhow::Error) -> ExitCode {
    eprintln!("{}", pg::mask_url(&Report::of(err.as_ref()).to_string()));
    if is_bad_input(&err) { ExitCode::from(2) } else { ExitCode::from(1) }
}

/// Whether the outermost error of the chain that can tell — a [`BadInput`] mark, or a domain
/// crate's error — says the input is to blame. The context a command adds cannot tell.
fn is_bad_input(err: &anyhow::Error) -> bool {
    err.chain().find_map(verdict).unwrap_or(false)
}

fn verdict(e: &(dyn StdError + 'static)) -> Option<bool> {
    fn says<E: Classify + StdError + 'static>(e: &(dyn StdError + 'static)) -> Option<bool> {
        e.downcast_ref::<E>().map(Classify::is_bad_input)
    }
    if e.is::<BadInput>() {
        return Some(true);
    }
    says::<lifecycle::Error>(e)
        .or_else(|| says::<migrate::Error>(e))
        .or_else(|| says::<codes::Error>(e))
        .or_else(|| says::<fdw::Error>(e))
        .or_else(|| says::<replicate::Error>(e))
        .or_else(|| says::<reset::Error>(e))
        .or_else(|| says::<admin::Error>(e))
        .or_else(|| says::<pg::Error>(e))
}

#[cfg(test)]
mod tests {
    use super::{bad_input, is_bad_input};

    fn io() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::NotFound, "no such file")
    }

    #[test]
    fn a_domain_error_decides_under_any_context() {
        let bad = migrate::Error::UnknownApp { app: "x".into(), dir: "m".into() };
        assert!(is_bad_input(&anyhow::Error::new(bad).context("cannot migrate")));
        let failed = migrate::Error::Io { path: "m".into(), source: io() };
        assert!(!is_bad_input(&anyhow::Error::new(failed).context("cannot migrate")));
    }

    #[test]
    fn the_outermost_error_that_can_tell_decides() {
        // A reset's phase failed on a migration file: the reset failed, it is not bad input.
        let inner = migrate::Error::UnknownApp { app: "x".into(), dir: "m".into() };
        let outer = reset::Error::Phase {
            database: "d".into(),
            phase: "migrate".into(),
            source: Box::new(inner),
        };
        assert!(!is_bad_input(&anyhow::Error::new(outer)));
        assert!(is_bad_input(&bad_input(anyhow::anyhow!("`--runs` must be at least 1"))));
        assert!(!is_bad_input(&anyhow::Error::new(io())));
    }

    #[test]
    fn a_mark_keeps_the_chain_of_what_it_wraps() {
        let err = bad_input(anyhow::Error::new(io()).context("cannot open `x`"));
        let report = pg::report::Report::of(err.as_ref());
        assert_eq!(report.messages, ["cannot open `x`", "no such file"]);
    }
}
