//! Exit codes and how errors reach the terminal.
//!
//! 0 ok, 1 failed, 2 bad input or usage, 3 reset in progress (health only). Errors print as
//! `error: ` and the error's chain on stderr, each cause once; any `hint: ...` line inside the
//! message is moved after it.

use std::fmt;
use std::process::ExitCode;

/// Marks an error as the user's input being wrong (exit code 2), not the operation failing.
#[derive(Debug)]
pub struct BadInput(pub anyhow::Error);

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&chain(&self.0))
    }
}

/// The error and its causes joined by `: `, as `{:#}` does, leaving out a cause whose text the
/// message already holds (many errors name their source in their own message).
fn chain(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
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
    let text = pg::mask_url(&chain(&err));
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

#[cfg(test)]
mod tests {
    use super::chain;

    #[test]
    fn each_cause_is_printed_once() {
        let io = || std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        // A message that already names its source, as `codes::Error::Io` does.
        let err = anyhow::Error::new(io()).context(format!("cannot access `x`: {}", io()));
        let err = err.context("cannot dump");
        assert_eq!(chain(&err), "cannot dump: cannot access `x`: no such file");
        // Causes the message does not name are all kept, in order.
        let err = anyhow::Error::new(io()).context("reading `y`").context("cannot load");
        assert_eq!(chain(&err), "cannot load: reading `y`: no such file");
    }
}
