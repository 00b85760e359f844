//! Checksums over a normalised text, so that edits which change nothing do not count.
//!
//! Two forms, told apart by their prefix:
//!
//! * [`sql`] (`sha256-sql:`), stored since comments stopped counting: the text as [`text`]
//!   normalises it, then without its comments, as the statement splitter's lexer finds them (so
//!   `--` inside a literal, a quoted identifier or a dollar-quoted body is not a comment). A line
//!   left blank by a removed comment goes too. It is exact: two texts with the same checksum
//!   send the server the same tokens. Kept are comments that are header lines (`-- depends:`,
//!   `-- replaces:`, `-- no-transaction`), which change what the tool does, and the presence
//!   (not the words) of a `/* */` comment right after a `'...'` literal, because there it keeps
//!   a following literal on the next line from being joined to the first (PostgreSQL joins
//!   `'a'` and `'b'` separated by a line break, a `--` comment or both, not by `/* */`).
//!   A text the lexer cannot read (an unterminated quote) keeps its comments.
//! * [`text`] (`sha256:`), what the tool stored before: a UTF-8 byte order mark, CRLF or CR
//!   line endings, trailing whitespace on a line and blank lines at the end of the file do not
//!   count; everything else does, comments included. Rows stored this way still match a file
//!   whose text checksum is the same, and `migrate` rewrites them to the `sql` form.

use sha2::{Digest, Sha256};

/// The text as the checksum sees it: no BOM, `\n` line endings, no trailing whitespace.
pub(crate) fn normalise(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let trimmed = out.trim_end_matches('\n').len();
    out.truncate(trimmed);
    out
}

/// `sha256:` followed by the hex digest of the normalised text: comments count.
pub(crate) fn text(text: &str) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(normalise(text).as_bytes())))
}

/// `sha256-sql:` followed by the hex digest of the normalised text without its comments.
pub(crate) fn sql(text: &str) -> String {
    format!("sha256-sql:{}", hex::encode(Sha256::digest(without_comments(text).as_bytes())))
}

/// Whether a checksum stored in the ledger matches a file whose checksums are `sql` and `text`.
pub(crate) fn matches(stored: &str, sql: &str, text: &str) -> bool {
    stored == sql || stored == text
}

/// A header line's words: such comments change what the tool does, so they count.
const HEADER_WORDS: [&str; 4] = ["depends", "replaces", "no-transaction", "no_transaction"];

fn without_comments(text: &str) -> String {
    let text = normalise(text);
    let Ok((_, comments)) = crate::split::lex(&text) else { return text };
    // Output lines, each with whether a comment was taken out of it.
    let mut lines: Vec<(String, bool)> = vec![(String::new(), false)];
    let push = |lines: &mut Vec<(String, bool)>, s: &str, touched: bool| {
        let mut parts = s.split('\n');
        if let (Some(first), Some(last)) = (parts.next(), lines.last_mut()) {
            last.0.push_str(first);
            last.1 |= touched;
        }
        lines.extend(parts.map(|p| (p.to_string(), false)));
    };
    let mut at = 0;
    for c in &comments {
        push(&mut lines, &text[at..c.range.start], false);
        at = c.range.end;
        let body = &text[c.range.clone()];
        if c.block {
            // A block comment separates tokens as a space does, except after a literal.
            push(&mut lines, if c.after_literal { "/**/" } else { " " }, true);
        } else if HEADER_WORDS.iter().any(|w| body[2..].trim_start().starts_with(w)) {
            push(&mut lines, body, false);
        } else {
            push(&mut lines, "", true);
        }
    }
    push(&mut lines, &text[at..], false);
    // A line that only held comments goes; a line blank in the file stays, as in `text`.
    let kept: Vec<&str> = lines
        .iter()
        .map(|(line, touched)| (line.trim_end(), touched))
        .filter(|(line, touched)| !(**touched && line.is_empty()))
        .map(|(line, _)| line)
        .collect();
    kept.join("\n").trim_end_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: &str, b: &str, equal: bool) {
        assert_eq!(text(a) == text(b), equal, "{a:?} vs {b:?}");
    }

    #[test]
    fn formatting_does_not_count() {
        let lf = "CREATE TABLE a (id int);\nSELECT 1;\n";
        check(lf, "CREATE TABLE a (id int);\r\nSELECT 1;\r\n", true);
        check(lf, "\u{feff}CREATE TABLE a (id int);\nSELECT 1;\n", true);
        check(lf, "\u{feff}CREATE TABLE a (id int);\r\nSELECT 1;\r\n", true);
        check(lf, "CREATE TABLE a (id int);  \t\nSELECT 1;", true);
        check(lf, "CREATE TABLE a (id int);\nSELECT 1;\n\n\n", true);
        check(lf, "CREATE TABLE a (id int);\rSELECT 1;\r", true);
    }

    #[test]
    fn content_counts() {
        let lf = "CREATE TABLE a (id int);\nSELECT 1;\n";
        check(lf, "CREATE TABLE a (id bigint);\nSELECT 1;\n", false);
        check(lf, "  CREATE TABLE a (id int);\nSELECT 1;\n", false);
        check(lf, "CREATE TABLE a (id int);\n\nSELECT 1;\n", false);
        check("SELECT 'a  ';", "SELECT 'a';", false);
        check(lf, "-- note\nCREATE TABLE a (id int);\nSELECT 1;\n", false);
    }

    #[test]
    fn stable_value() {
        // Stored in databases: changing the algorithm would make every applied migration drift.
        assert_eq!(
            text("SELECT 1;\r\n"),
            "sha256:17db4fd369edb9244b9f91d9aeed145c3d04ad8ba6e95d06247f07a63527d11a"
        );
        assert_eq!(
            sql("-- why\nSELECT 1; -- one\r\n"),
            "sha256-sql:17db4fd369edb9244b9f91d9aeed145c3d04ad8ba6e95d06247f07a63527d11a"
        );
    }

    /// `a` and `b` without comments, and whether their `sql` checksums agree.
    fn check_sql(a: &str, b: &str, equal: bool) {
        assert_eq!(sql(a) == sql(b), equal, "{a:?} vs {b:?}");
    }

    #[test]
    fn comments_do_not_count() {
        let base = "CREATE TABLE a (id int);\nSELECT 1;\n";
        check_sql(base, "-- Adds a.\nCREATE TABLE a (id int);\nSELECT 1;\n", true);
        check_sql(base, "CREATE TABLE a (id int); -- the table\nSELECT 1;\n-- the end\n", true);
        check_sql(base, "CREATE TABLE a (id int);\n/* a\n   block */\nSELECT 1;\n", true);
        check_sql(base, "CREATE TABLE a (id/* key */int);\nSELECT 1;\n", true);
        check_sql("SELECT 1-2;", "SELECT 1/* minus */-2;", false);
        check_sql("SELECT 1 -2;", "SELECT 1/* minus */-2;", true);
        // Blank lines of the file still count, as in the text form.
        check_sql(base, "CREATE TABLE a (id int);\n\nSELECT 1;\n", false);
    }

    #[test]
    fn what_looks_like_a_comment_inside_sql_counts() {
        check_sql("SELECT '-- a';", "SELECT '-- b';", false);
        check_sql("SELECT '/* a */';", "SELECT '/* b */';", false);
        check_sql("SELECT \"--a\" FROM t;", "SELECT \"--b\" FROM t;", false);
        check_sql(
            "DO $$ BEGIN -- a\nPERFORM 1; END $$;",
            "DO $$ BEGIN -- b\nPERFORM 1; END $$;",
            false,
        );
        check_sql("SELECT E'\\' -- a';", "SELECT E'\\' -- b';", false);
        // Unterminated: comments count.
        check_sql("SELECT 'x; -- a", "SELECT 'x; -- b", false);
    }

    #[test]
    fn header_lines_count() {
        check_sql("SELECT 1;", "-- no-transaction\nSELECT 1;", false);
        check_sql("SELECT 1;", "-- depends: a 0001_initial\nSELECT 1;", false);
        check_sql("-- replaces: a 0001_x\nSELECT 1;", "-- replaces: a 0002_y\nSELECT 1;", false);
    }

    /// `'a'` and `'b'` on two lines are one literal; a block comment between them stops that.
    #[test]
    fn literal_continuation_is_kept() {
        let joined = "SELECT 'a'\n'b';";
        check_sql(joined, "SELECT 'a' -- note\n'b';", true);
        check_sql(joined, "SELECT 'a'\n-- note\n'b';", true);
        check_sql(joined, "SELECT 'a'\n/* note */\n'b';", false);
        check_sql(joined, "SELECT 'a' /* note */\n'b';", false);
        check_sql("SELECT 'a' /* x */\n'b';", "SELECT 'a' /* y */\n'b';", true);
    }
}
