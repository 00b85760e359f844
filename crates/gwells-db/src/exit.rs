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
        let (message, hints) = render(&self.0);
        f.write_str(&message)?;
        hints.iter().try_for_each(|h| write!(f, "\nhint: {h}"))
    }
}

/// The error's chain as one message — causes joined by `: `, as `{:#}` does, but a cause left
/// out when the message right above it already ends with it (many errors name their source in
/// their own text) — and the `hint: ` lines found anywhere in it, in order.
pub fn render(err: &anyhow::Error) -> (String, Vec<String>) {
    let mut message = String::new();
    let mut hints = Vec::new();
    let mut above = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        let mut own = Vec::new();
        for line in text.lines() {
            match line.strip_prefix("hint: ") {
                Some(hint) => hints.push(hint.to_string()),
                None => own.push(line),
            }
        }
        let own = own.join("\n");
        if !above.ends_with(&format!(": {own}")) && above != own {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&own);
        }
        above = own;
    }
    (message, hints)
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
    let (message, hints) = render(&err);
    let message = pg::mask_url(&message);
    eprintln!("error: {}", message.trim_end());
    for hint in hints {
        eprintln!("hint: {}", pg::mask_url(&hint));
    }
    if err.chain().any(|e| e.is::<BadInput>()) { ExitCode::from(2) } else { ExitCode::from(1) }
}

#[cfg(test)]
mod tests {
    use super::render;

    fn io() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::NotFound, "no such file")
    }

    #[test]
    fn a_cause_its_message_already_names_is_printed_once() {
        // A message that ends with its source, as `codes::Error::Io` does.
        let err = anyhow::Error::new(io()).context(format!("cannot access `x`: {}", io()));
        let (message, hints) = render(&err.context("cannot dump"));
        assert_eq!(message, "cannot dump: cannot access `x`: no such file");
        assert!(hints.is_empty());
    }

    #[test]
    fn every_other_cause_is_kept_in_order() {
        let err = anyhow::Error::new(io()).context("reading `y`").context("cannot load");
        assert_eq!(render(&err).0, "cannot load: reading `y`: no such file");
        // The same words higher up do not hide a cause: only the message right above counts.
        let err = anyhow::Error::new(io()).context("reading `y`").context("no such file here");
        assert_eq!(render(&err).0, "no such file here: reading `y`: no such file");
    }

    #[test]
    fn hints_are_collected_and_causes_stay_in_the_message() {
        let err = anyhow::Error::new(io()).context("cannot open\nhint: check the path");
        let err = crate::exit::bad_input(err);
        let (message, hints) = render(&err);
        assert_eq!(message, "cannot open: no such file");
        assert_eq!(hints, ["check the path"]);
    }
}
