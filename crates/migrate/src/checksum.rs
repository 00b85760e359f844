//! Checksums over a normalised text, so that edits which change nothing do not count.
//!
//! A UTF-8 byte order mark, CRLF or CR line endings, trailing whitespace on a line and blank
//! lines at the end of the file are not part of the checksum. Everything else is, comments
//! included: this is deliberately line-based, not a SQL lexer, so a literal is never rewritten.

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

/// `sha256:` followed by the hex digest of the normalised text.
pub(crate) fn checksum(text: &str) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(normalise(text).as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: &str, b: &str, equal: bool) {
        assert_eq!(checksum(a) == checksum(b), equal, "{a:?} vs {b:?}");
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
            checksum("SELECT 1;\r\n"),
            "sha256:17db4fd369edb9244b9f91d9aeed145c3d04ad8ba6e95d06247f07a63527d11a"
        );
    }
}
