//! How an error reads, the same in every crate and command.
//!
//! The protocol:
//! * a message says what failed and never repeats its source: the chain of sources follows it,
//!   one cause per line (`error:` then `caused by:` lines);
//! * a hint is a line of a message that starts with `hint: `; every hint of the chain prints
//!   after it, outermost first;
//! * a server's error enters a chain as a [`ServerError`]: one line that ends the chain (the
//!   server's message with its SQLSTATE and detail, which tokio-postgres splits into a bare
//!   "db error" and a `DbError` that omits the code);
//! * each crate's error answers `is_bad_input()` (exit code 2: nothing was changed, the input is
//!   to be fixed) by an exhaustive `match`, so a new variant must be classified to compile.

use std::error::Error as StdError;
use std::fmt;

/// Whether an error is the input's fault: exit code 2, nothing was changed, the input is to be
/// fixed (a file, a flag, a variable); otherwise the operation failed (exit code 1).
pub trait Classify {
    /// Decided by an exhaustive `match` over the variants, so a new one must be classified.
    fn is_bad_input(&self) -> bool;
}

/// An error's messages, its own first then each cause's, and the hints found in any of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// One entry per error of the chain (hint lines taken out; an error whose whole text was
    /// hints adds none).
    pub messages: Vec<String>,
    /// Every `hint: ` line of the chain, outermost first.
    pub hints: Vec<String>,
}

impl Report {
    /// Walks `err` and its sources.
    pub fn of(err: &(dyn StdError + 'static)) -> Report {
        let mut report = Report { messages: Vec::new(), hints: Vec::new() };
        let mut next = Some(err);
        while let Some(e) = next {
            let (message, hints) = split_hints(&e.to_string());
            if !message.is_empty() {
                report.messages.push(message);
            }
            report.hints.extend(hints);
            next = e.source();
        }
        report
    }

    /// The messages joined by `: `, without hints: for one-line places (a probe's reason).
    pub fn one_line(&self) -> String {
        self.messages.join(": ")
    }
}

/// What stderr shows: `error: ` and the message, a `caused by: ` line per cause, then the hints.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, message) in self.messages.iter().enumerate() {
            let label = if i == 0 { "error" } else { "caused by" };
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{label}: {message}")?;
        }
        for hint in &self.hints {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

/// A text's lines without its `hint: ` lines, and those hints.
pub(crate) fn split_hints(text: &str) -> (String, Vec<String>) {
    let mut own = Vec::new();
    let mut hints = Vec::new();
    for line in text.lines() {
        match line.strip_prefix("hint: ") {
            Some(hint) => hints.push(hint.to_string()),
            None => own.push(line),
        }
    }
    (own.join("\n").trim_end().to_string(), hints)
}

/// One item of a list of problems, indented under the list's heading, its hints indented under
/// it: inside a list a hint belongs to its problem, so it is not moved to the end.
pub fn list_item(item: &dyn fmt::Display) -> String {
    let (message, hints) = split_hints(&item.to_string());
    let mut out = format!("  {}", message.replace('\n', "\n  "));
    for hint in hints {
        out.push_str(&format!("\n    hint: {hint}"));
    }
    out
}

/// A statement that failed and what it was for: the `Db` variant of the crates' errors.
#[derive(Debug, thiserror::Error)]
#[error("{doing}")]
pub struct Failed {
    /// What the statement was for: "beginning the load's transaction".
    pub doing: String,
    /// The server's error.
    #[source]
    pub source: ServerError,
}

/// Wraps a server error with what the statement was for (`.map_err(doing("…"))?`).
pub fn doing(doing: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> Failed {
    let doing = doing.into();
    move |e| Failed { doing, source: e.into() }
}

/// A database or connection error as one line that ends an error chain: the server's message,
/// its SQLSTATE and detail (see [`describe`]). The original stays available for its code.
#[derive(Debug)]
pub struct ServerError(tokio_postgres::Error);

impl ServerError {
    /// The tokio-postgres error, for its SQLSTATE or whether the connection closed.
    pub fn inner(&self) -> &tokio_postgres::Error {
        &self.0
    }
}

impl From<tokio_postgres::Error> for ServerError {
    fn from(err: tokio_postgres::Error) -> Self {
        ServerError(err)
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&describe(&self.0))
    }
}

/// No source: the text already holds the causes (see the module's protocol).
impl StdError for ServerError {}

/// A server error in one line: its message, then its SQLSTATE and its detail — or, without a
/// detail, the first line of where it happened (inside a function); any other error (a lost
/// connection, ...) as tokio-postgres words it, followed by its causes ("error connecting to
/// server: Connection refused (os error 111)").
pub fn describe(err: &tokio_postgres::Error) -> String {
    let Some(e) = err.as_db_error() else {
        let mut line = err.to_string();
        let mut cause = StdError::source(err);
        while let Some(c) = cause {
            line.push_str(": ");
            line.push_str(&c.to_string());
            cause = c.source();
        }
        return line;
    };
    let code = e.code().code();
    match (e.detail(), e.where_()) {
        (Some(detail), _) => format!("{} ({code}; {detail})", e.message()),
        (None, Some(at)) => {
            format!("{} ({code}; at {})", e.message(), at.lines().next().unwrap_or(""))
        }
        (None, None) => format!("{} ({code})", e.message()),
    }
}

#[cfg(test)]
mod tests {
    use super::{Report, list_item, split_hints};

    #[derive(Debug, thiserror::Error)]
    #[error("cannot load `x`\nhint: check the folder")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn a_chain_prints_each_error_once_and_the_hints_last() {
        let err = Outer(std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"));
        let report = Report::of(&err);
        assert_eq!(report.messages, ["cannot load `x`", "no such file"]);
        assert_eq!(report.hints, ["check the folder"]);
        assert_eq!(
            report.to_string(),
            "error: cannot load `x`\ncaused by: no such file\nhint: check the folder"
        );
        assert_eq!(report.one_line(), "cannot load `x`: no such file");
    }

    #[test]
    fn only_a_line_that_starts_with_the_word_is_a_hint() {
        let (message, hints) = split_hints("a\n  hint: kept\nhint: moved\nno hint: here");
        assert_eq!(message, "a\n  hint: kept\nno hint: here");
        assert_eq!(hints, ["moved"]);
    }

    #[tokio::test]
    async fn a_connection_error_is_one_line_with_its_cause() {
        // Port 1 on loopback: nothing listens there, the kernel refuses at once.
        let config: tokio_postgres::Config = "host=127.0.0.1 port=1 user=x connect_timeout=2"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let err = match config.connect(tokio_postgres::NoTls).await {
            Ok(_) => panic!("something listens on 127.0.0.1:1"),
            Err(e) => super::ServerError::from(e),
        };
        let report = Report::of(&err);
        assert_eq!(report.messages.len(), 1, "{report}");
        assert!(report.messages[0].starts_with("error connecting to server: "), "{report}");
        assert!(report.messages[0].contains("refused"), "{report}");
    }

    #[test]
    fn a_list_item_keeps_its_hints_under_it() {
        let item = "`t.csv` line 2: bad\nhint: fix it";
        assert_eq!(list_item(&item), "  `t.csv` line 2: bad\n    hint: fix it");
    }
}
