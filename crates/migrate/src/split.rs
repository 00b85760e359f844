//! Splits a SQL script into statements, for no-transaction migrations.
//!
//! PostgreSQL runs a multi-statement simple query as one implicit transaction, so a
//! no-transaction migration must be sent one statement at a time. The lexer knows what can hide a
//! `;`: `--` and nested `/* */` comments, `'...'` literals (with `''`), `E'...'` literals (with
//! backslash escapes), `"..."` identifiers and `$tag$...$tag$` bodies. It does not parse SQL.

use std::path::Path;

use crate::error::{Error, Result};

/// One statement: its text without the `;`, and the 1-based line where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement from its first byte to the byte before its `;`, trailing whitespace removed.
    pub text: String,
    /// The 1-based line of its first byte.
    pub line: usize,
}

/// Unterminated quote or comment, with the line where it began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SplitError {
    pub(crate) line: usize,
    pub(crate) reason: String,
}

/// The statements of a no-transaction migration as `migrate` sends them, one by one; an
/// unterminated quote or comment is [`Error::MalformedSql`] naming `path`. Public for the fuzz
/// targets and tools that show statements.
pub fn split_statements(path: &Path, sql: &str) -> Result<Vec<Statement>> {
    split(sql).map_err(|e| Error::MalformedSql {
        path: path.into(),
        line: e.line,
        reason: e.reason,
    })
}

/// A comment outside literals, identifiers and dollar-quoted bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comment {
    /// Its bytes: `--` up to (not including) the line break, or `/*` through `*/`.
    pub(crate) range: std::ops::Range<usize>,
    /// A `/* */` comment.
    pub(crate) block: bool,
    /// Whether the last token before it is a `'...'` literal: there, a block comment is not
    /// whitespace for the rule that joins two literals separated by a line break.
    pub(crate) after_literal: bool,
}

/// The statements of `sql`, skipping empty ones and comments between statements.
pub(crate) fn split(sql: &str) -> std::result::Result<Vec<Statement>, SplitError> {
    lex(sql).map(|(statements, _)| statements)
}

/// The statements of `sql` and every comment in it, in order.
pub(crate) fn lex(sql: &str) -> std::result::Result<(Vec<Statement>, Vec<Comment>), SplitError> {
    let b = sql.as_bytes();
    let mut comments = Vec::new();
    let mut after_literal = false;
    let line_of = |pos: usize| 1 + b[..pos].iter().filter(|&&c| c == b'\n').count();
    let unterminated = |pos: usize, what: &str| SplitError {
        line: line_of(pos),
        reason: format!("unterminated {what} starting here"),
    };
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            let end = b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| i + p);
            comments.push(Comment { range: i..end, block: false, after_literal });
            i = end;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let end = skip_block_comment(b, i).ok_or_else(|| unterminated(i, "comment"))?;
            comments.push(Comment { range: i..end, block: true, after_literal });
            i = end;
            continue;
        }
        if is_space(c) {
            i += 1;
            continue;
        }
        after_literal = false;
        if c == b';' {
            if let Some(s) = start.take() {
                out.push(Statement { text: trim_end(&sql[s..i]).to_string(), line: line_of(s) });
            }
            i += 1;
            continue;
        }
        start.get_or_insert(i);
        i = match c {
            b'\'' => {
                let escapes =
                    i > 0 && matches!(b[i - 1], b'E' | b'e') && (i < 2 || !is_ident(b[i - 2]));
                after_literal = true;
                skip_literal(b, i, escapes).ok_or_else(|| unterminated(i, "string literal"))?
            }
            b'"' => skip_quoted_ident(b, i).ok_or_else(|| unterminated(i, "quoted identifier"))?,
            b'$' if i == 0 || !is_ident(b[i - 1]) => match dollar_tag(b, i) {
                Some(tag) => {
                    let body = i + tag.len();
                    let end = find(b, body, tag).ok_or_else(|| unterminated(i, "dollar quote"))?;
                    end + tag.len()
                }
                None => i + 1,
            },
            _ => i + 1,
        };
    }
    if let Some(s) = start {
        out.push(Statement { text: trim_end(&sql[s..]).to_string(), line: line_of(s) });
    }
    Ok((out, comments))
}

/// Whitespace as PostgreSQL's lexer has it (`space` in `scan.l`: `[ \t\n\r\f\v]`). The lexer skips and the trim
/// removes the same set: `u8::is_ascii_whitespace` lacks `\v` and `str::trim_end` also takes
/// Unicode spaces, so a statement of only `\v` came out empty (found by `cargo xtask fuzz`).
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

fn trim_end(s: &str) -> &str {
    s.trim_end_matches(|c: char| c.is_ascii() && is_space(c as u8))
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

/// Position after the comment opened at `i`; comments nest in PostgreSQL.
fn skip_block_comment(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Position after the literal whose opening quote is at `i`.
fn skip_literal(b: &[u8], mut i: usize, escapes: bool) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' if escapes => i += 2,
            b'\'' if b.get(i + 1) == Some(&b'\'') => i += 2,
            b'\'' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_quoted_ident(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        if b[i] == b'"' {
            if b.get(i + 1) == Some(&b'"') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// `$$` or `$tag$` at `i`; `$1` (a parameter) is not a tag.
fn dollar_tag(b: &[u8], i: usize) -> Option<&[u8]> {
    let rest = &b[i + 1..];
    let len = rest.iter().position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80))?;
    if rest.get(len) != Some(&b'$') || rest.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some(&b[i..i + len + 2])
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b[from..].windows(needle.len()).position(|w| w == needle).map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sql: &str, expected: &[(&str, usize)]) {
        let got = split(sql).unwrap_or_else(|e| panic!("{sql:?}: {e:?}"));
        let got: Vec<(&str, usize)> = got.iter().map(|s| (s.text.as_str(), s.line)).collect();
        assert_eq!(got, expected, "input {sql:?}");
    }

    fn check_err(sql: &str, line: usize, reason: &str) {
        assert_eq!(split(sql), Err(SplitError { line, reason: reason.to_string() }), "{sql:?}");
    }

    #[test]
    fn plain() {
        check("SELECT 1; SELECT 2;", &[("SELECT 1", 1), ("SELECT 2", 1)]);
        check("SELECT 1;\n\nSELECT 2", &[("SELECT 1", 1), ("SELECT 2", 3)]);
        check(";;  ;\n", &[]);
        check("", &[]);
        check("-- only a comment\n/* and another */\n", &[]);
    }

    #[test]
    fn whitespace() {
        check("\x0b", &[]);
        check("SELECT 1\x0b\x0c;\x0b;", &[("SELECT 1", 1)]);
        // Not whitespace to PostgreSQL: it is sent, and the server reports the syntax error.
        check("SELECT 1;\u{a0};", &[("SELECT 1", 1), ("\u{a0}", 1)]);
    }

    /// Inputs `cargo xtask fuzz` found, each kept as it crashed the target.
    #[test]
    fn fuzz_regressions() {
        // `\v` after the last statement: the lexer took it for a statement, the trim emptied it.
        let sql = include_str!("../tests/fuzz/sql_splitter_vertical_tab.sql");
        check(sql, &[("DROP TABLE \"profile\"", 1)]);
    }

    #[test]
    fn comments() {
        check("-- a; b\nSELECT 1; -- c; d\n", &[("SELECT 1", 2)]);
        check("/* a; /* nested; */ still; */ SELECT 1;", &[("SELECT 1", 1)]);
        check("SELECT /* ; */ 1;", &[("SELECT /* ; */ 1", 1)]);
        check("SELECT 1 -- trailing; comment\n, 2;", &[("SELECT 1 -- trailing; comment\n, 2", 1)]);
        check("SELECT 10/2; SELECT 3-1;", &[("SELECT 10/2", 1), ("SELECT 3-1", 1)]);
    }

    #[test]
    fn literals_and_identifiers() {
        check("SELECT 'a;b', 'it''s;';", &[("SELECT 'a;b', 'it''s;'", 1)]);
        check(r"SELECT E'a\';b'; SELECT 2;", &[(r"SELECT E'a\';b'", 1), ("SELECT 2", 1)]);
        check(r"SELECT e'\\'; SELECT 2;", &[(r"SELECT e'\\'", 1), ("SELECT 2", 1)]);
        // Not an E string: `name'...'` is not valid SQL, but a backslash must not escape here.
        check(r"SELECT '\'; SELECT 2;", &[(r"SELECT '\'", 1), ("SELECT 2", 1)]);
        check(r#"CREATE TABLE "a;""b" (x int);"#, &[(r#"CREATE TABLE "a;""b" (x int)"#, 1)]);
        check("SELECT '--not a comment;';", &[("SELECT '--not a comment;'", 1)]);
    }

    #[test]
    fn dollar_quotes() {
        let f = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nSELECT f();";
        check(
            f,
            &[
                ("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", 1),
                ("SELECT f()", 2),
            ],
        );
        let tagged = "DO $body$ BEGIN PERFORM $$;$$; END $body$; SELECT 1;";
        check(tagged, &[("DO $body$ BEGIN PERFORM $$;$$; END $body$", 1), ("SELECT 1", 1)]);
        check(
            "PREPARE p AS SELECT $1; SELECT 2;",
            &[("PREPARE p AS SELECT $1", 1), ("SELECT 2", 1)],
        );
        check("SELECT a$b$c FROM t; SELECT 2;", &[("SELECT a$b$c FROM t", 1), ("SELECT 2", 1)]);
    }

    #[test]
    fn unterminated() {
        check_err("SELECT 1;\nSELECT 'abc;", 2, "unterminated string literal starting here");
        check_err("/* a /* b */ SELECT 1;", 1, "unterminated comment starting here");
        check_err(
            "SELECT 1;\n\nDO $x$ BEGIN END $y$;",
            3,
            "unterminated dollar quote starting here",
        );
        check_err("SELECT \"a;", 1, "unterminated quoted identifier starting here");
    }
}
