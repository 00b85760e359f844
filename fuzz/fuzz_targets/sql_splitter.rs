//! The statement splitter (`migrate::split_statements`) on arbitrary text.
//!
//! Beyond "no panic": every statement is non-empty, trimmed, found in the input at the line it
//! claims and after the previous one (so statements lie inside the input and never overlap),
//! and splits again to exactly itself; a refusal names a line of the input.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use migrate::{Error, split_statements};

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else { return };
    let path = Path::new("fuzz/0002_fuzz.sql");
    let lines = 1 + sql.bytes().filter(|&b| b == b'\n').count();
    let statements = match split_statements(path, sql) {
        Ok(statements) => statements,
        Err(Error::MalformedSql { line, .. }) => {
            assert!((1..=lines).contains(&line), "error names line {line} of {lines}");
            return;
        }
        Err(other) => panic!("the splitter returned a foreign error: {other}"),
    };
    let mut cursor = 0;
    for s in &statements {
        let first = s.text.bytes().next();
        assert!(first.is_some(), "an empty statement at line {}", s.line);
        assert!(
            !matches!(first, Some(b';')) && !first.is_some_and(is_space),
            "statement starts with a separator: {:?}",
            s.text
        );
        assert!(!s.text.bytes().last().is_some_and(is_space), "trailing whitespace kept");
        cursor = find_at_line(sql, cursor, &s.text, s.line).unwrap_or_else(|| {
            panic!(
                "statement {:?} is not in the input at line {} after byte {cursor}",
                s.text, s.line
            )
        }) + s.text.len();

        let again = split_statements(path, &s.text)
            .unwrap_or_else(|e| panic!("statement {:?} does not split again: {e}", s.text));
        let texts: Vec<&str> = again.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, [s.text.as_str()], "a statement splits to itself");
    }
});

/// Whitespace to PostgreSQL's lexer (`space` in `scan.l`); `str::trim` would take more.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// The first position at or after `from` where `needle` occurs and begins on line `line`.
/// Taking the first such position is safe: the real one can only be later, so the next
/// statement's real position stays reachable.
fn find_at_line(haystack: &str, from: usize, needle: &str, line: usize) -> Option<usize> {
    let mut at = from;
    while let Some(p) = haystack.get(at..)?.find(needle) {
        let pos = at + p;
        if 1 + haystack[..pos].bytes().filter(|&b| b == b'\n').count() == line {
            return Some(pos);
        }
        at = pos + haystack[pos..].chars().next().map_or(1, char::len_utf8);
    }
    None
}
