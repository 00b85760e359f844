//! The migration header parser (`migrate::parse_header`) on arbitrary text.
//!
//! Beyond "no panic": an accepted header names every dependency on a `-- depends:` line that
//! is inside the header, with a key that survives being written back as a header and parsed
//! again; a refused one names a line of the file.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use migrate::{Error, Key, Migration, parse_header};

fn parse(sql: String) -> Result<Migration, Error> {
    parse_header(Key::new("fuzz", "0002_fuzz"), 2, Path::new("fuzz/0002_fuzz.sql"), sql)
}

fuzz_target!(|data: &[u8]| {
    // `migrate::load` refuses a file that is not UTF-8 before the header parser sees it.
    let Ok(sql) = std::str::from_utf8(data) else { return };
    let lines: Vec<&str> = sql.lines().collect();
    let m = match parse(sql.to_string()) {
        Ok(m) => m,
        Err(Error::MalformedHeader { line, .. }) => {
            assert!(
                (1..=lines.len()).contains(&line),
                "error names line {line} of {}",
                lines.len()
            );
            return;
        }
        Err(other) => panic!("the header parser returned a foreign error: {other}"),
    };
    assert_eq!(m.sql, sql, "the text is kept as it was");

    let mut previous = 0;
    for (key, line) in &m.depends {
        assert!(*line >= previous, "depends lines go down: {line} after {previous}");
        previous = *line;
        let text = lines.get(line - 1).map(|l| l.trim()).unwrap_or_default();
        let header = text.strip_prefix("--").map(str::trim).unwrap_or_default();
        assert!(header.starts_with("depends:"), "line {line} is not a depends header: {text:?}");
        check_key(key);
    }
    m.replaces.iter().for_each(check_key);

    // Written back as a header, the same dependencies, replaces and transaction mode come out.
    let mut again = String::new();
    if !m.depends.is_empty() {
        let keys: Vec<String> =
            m.depends.iter().map(|(k, _)| format!("{} {}", k.app, k.name)).collect();
        again.push_str(&format!("-- depends: {}\n", keys.join(", ")));
    }
    if !m.replaces.is_empty() {
        let keys: Vec<String> =
            m.replaces.iter().map(|k| format!("{} {}", k.app, k.name)).collect();
        again.push_str(&format!("-- replaces: {}\n", keys.join(", ")));
    }
    if !m.atomic {
        again.push_str("-- no-transaction\n");
    }
    again.push_str("SELECT 1;\n");
    let round = parse(again.clone()).unwrap_or_else(|e| panic!("{again:?} does not parse: {e}"));
    let keys = |m: &Migration| m.depends.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&round), keys(&m), "depends do not round-trip through {again:?}");
    assert_eq!(round.replaces, m.replaces, "replaces do not round-trip through {again:?}");
    assert_eq!(round.atomic, m.atomic, "no-transaction does not round-trip");
});

/// A key as Django stores it: an app label and one word of a name.
fn check_key(key: &Key) {
    assert!(!key.app.is_empty() && !key.name.is_empty(), "empty part in {key:?}");
    let word = |s: &str| !s.contains(|c: char| c.is_whitespace() || c == ',');
    assert!(word(&key.app) && word(&key.name), "a part holds a separator: {key:?}");
    assert!(
        key.app.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_'),
        "app label {:?} is not lowercase letters, digits and `_`",
        key.app
    );
}
