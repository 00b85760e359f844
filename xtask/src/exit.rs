//! Exit codes and how errors reach the terminal.
//!
//! 0 ok, 1 failed, 2 bad input or usage, 3 reset in progress (health only). Errors print as
//! `error: {err:#}` on stderr; any `hint: ...` line inside the message is moved after it.

use std::fmt;
use std::process::ExitCode;

/// Marks an error as the user's input being wrong (exit code 2), not the operation failing.
#[derive(Debug)]
pub struct BadInput(pub anyhow::Error);

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for BadInput {}

/// Wraps an error as bad input (exit code 2).
pub fn bad_input(err: impl Into<anyhow::Error>) -> anyhow::Error {
    anyhow::Error::new(BadInput(err.into()))
}

/// Exit code 0, for commands that report success.
pub const OK: ExitCode = ExitCode::SUCCESS;

/// Exit code 1: the operation ran and failed (a check found problems, ...).
pub fn failed() -> ExitCode {
    ExitCode::from(1)
}

/// Prints the error and its hints, and chooses the exit code.
#[allow(clippy::print_stderr)]
pub fn report(err: anyhow::Error) -> ExitCode {
    let text = pg::mask_url(&format!("{err:#}"));
    let mut hints = Vec::new();
    let mut message = String::new();
    for (i, part) in text.split("\nhint: ").enumerate() {
        if i == 0 {
            message.push_str(part);
        } else {
            // A hint ends at its line; the rest of the chain continues the message.
            let (hint, rest) = part.split_once('\n').unwrap_or((part, ""));
            hints.push(hint.to_string());
            message.push_str(rest);
        }
    }
    eprintln!("error: {}", message.trim_end());
    for hint in hints {
        eprintln!("hint: {hint}");
    }
    if err.chain().any(|e| e.is::<BadInput>()) { ExitCode::from(2) } else { ExitCode::from(1) }
}
