//! Reading one code-table CSV into rows of optional strings.
//!
//! Conventions (see `codetables/README.md`): the first row names the columns; an empty unquoted
//! field is NULL, a quoted empty field `""` is the empty string; UTF-8 with an optional BOM; LF
//! or CRLF line endings. This module only reads; what the values mean is `schema`'s job.

use std::path::{Path, PathBuf};

use crate::Error;

/// One CSV file: the table it fills, its header and its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeTable {
    /// The table name: the file name without `.csv`.
    pub(crate) name: String,
    /// Where it was read from.
    pub(crate) path: PathBuf,
    /// The header row.
    pub columns: Vec<String>,
    /// The data rows, in file order.
    pub rows: Vec<Row>,
}

/// One data row; `None` is NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    /// One value per header column (a ragged row is an error, never a row of a [`CodeTable`]).
    pub values: Vec<Option<String>>,
}

impl CodeTable {
    /// The file name as messages show it.
    pub(crate) fn file(&self) -> String {
        self.path.display().to_string()
    }
}

/// Reads and parses `path`. Every defect found is returned, not only the first.
pub(crate) fn read(path: &Path) -> Result<CodeTable, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.into(), source })?;
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    parse(&name, path, &bytes)
}

/// Parses the CSV text of code table `name` as [`crate::check_dir`] reads `<name>.csv`: the
/// header and the rows, or every defect found (syntax, UTF-8, ragged rows), each naming its
/// line. Public for the fuzz targets; nothing about the values' meaning is checked here.
pub fn parse_csv(name: &str, bytes: &[u8]) -> Result<CodeTable, Error> {
    parse(name, Path::new(&format!("{name}.csv")), bytes)
}

/// Every row has `width` fields, else one `Ragged` problem per row that has not.
pub(crate) fn all_of_width(file: &str, width: usize, rows: &[Row]) -> Result<(), Error> {
    let problems: Vec<Error> = rows
        .iter()
        .filter(|r| r.values.len() != width)
        .map(|r| Error::Ragged {
            file: file.to_string(),
            line: r.line,
            expected: width,
            found: r.values.len(),
        })
        .collect();
    if problems.is_empty() { Ok(()) } else { Err(Error::Invalid { problems }) }
}

/// Parses CSV bytes already read. Pure; the unit tests call it directly.
pub(crate) fn parse(name: &str, path: &Path, bytes: &[u8]) -> Result<CodeTable, Error> {
    let file = path.display().to_string();
    let (columns, rows) = parse_records(path, bytes)?;
    if let Some(problem) = header_count_problem(&file, &columns, &rows) {
        // One defect of the header, not one per row: every row after it would repeat it.
        return Err(Error::Invalid { problems: vec![problem] });
    }
    all_of_width(&file, columns.len(), &rows)?;
    Ok(CodeTable { name: name.to_string(), path: path.to_path_buf(), columns, rows })
}

/// Parses CSV bytes into the header and rows of any width (syntax and UTF-8 defects are
/// errors, field counts are not compared): the reading half of [`parse`], shared with
/// `import`, which names the columns itself.
pub(crate) fn parse_records(path: &Path, bytes: &[u8]) -> Result<(Vec<String>, Vec<Row>), Error> {
    let file = path.display().to_string();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut problems = Vec::new();
    let mut columns: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    let (mut counted, mut lines_seen) = (0usize, 0u64);
    loop {
        let start = reader.position().clone();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => {
                let line = lines_seen
                    + 1
                    + line_breaks(
                        bytes,
                        counted.min(start.byte() as usize)
                            ..(start.byte() as usize).min(bytes.len()),
                    );
                problems.push(Error::Syntax { file: file.clone(), line, reason: err.to_string() });
                break;
            }
        }
        // With CRLF endings the reader counts a record as starting at the `\n` before it, so
        // the line and the raw bytes are taken from the first byte after any line ending.
        let to = (reader.position().byte() as usize).min(bytes.len());
        let mut from = record.position().map_or(start.byte(), |p| p.byte()) as usize;
        while from < to && matches!(bytes[from], b'\r' | b'\n') {
            from += 1;
        }
        lines_seen += line_breaks(bytes, counted.min(from)..from);
        counted = counted.max(from);
        let line = lines_seen + 1;
        let quoted = quoted_fields(&bytes[from.min(to)..to]);
        let Some(header) = &columns else {
            let mut names = Vec::new();
            for (i, field) in record.iter().enumerate() {
                match std::str::from_utf8(field) {
                    Ok(s) => names.push(s.to_string()),
                    Err(_) => {
                        problems.push(Error::Utf8 {
                            file: file.clone(),
                            line,
                            column: format!("#{}", i + 1),
                        });
                        names.push(String::new());
                    }
                }
            }
            columns = Some(names);
            continue;
        };
        let mut values = Vec::with_capacity(record.len());
        for (i, field) in record.iter().enumerate() {
            let is_quoted = quoted.get(i).copied().unwrap_or(false);
            match std::str::from_utf8(field) {
                Ok("") if !is_quoted => values.push(None),
                Ok(s) => values.push(Some(s.to_string())),
                Err(_) => {
                    let column = header.get(i).cloned().unwrap_or_else(|| format!("#{}", i + 1));
                    problems.push(Error::Utf8 { file: file.clone(), line, column });
                    values.push(None);
                }
            }
        }
        rows.push(Row { line, values });
    }
    let Some(columns) = columns else {
        problems.push(Error::Header {
            file,
            reason: "the file is empty; the first row must name the columns".into(),
        });
        return Err(Error::Invalid { problems });
    };
    if !problems.is_empty() {
        return Err(Error::Invalid { problems });
    }
    Ok((columns, rows))
}

/// When every row has the same number of fields and the header another, the header is what
/// is wrong: an extra or missing name (GWELLS's `yield_estimation_method_code.csv` has an empty
/// fifth name over rows of seven fields). Reported once, at line 1, instead of at every row.
fn header_count_problem(file: &str, columns: &[String], rows: &[Row]) -> Option<Error> {
    // One row alone may just hold an unquoted comma: it takes two to blame the header.
    let found = rows.first()?.values.len();
    if rows.len() < 2 || found == columns.len() || rows.iter().any(|r| r.values.len() != found) {
        return None;
    }
    let names = columns.len();
    let empty: Vec<String> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.trim().is_empty())
        .map(|(i, _)| format!("column {}", i + 1))
        .collect();
    let hint = if names > found && !empty.is_empty() {
        format!("remove the empty name ({}) from the header", empty.join(", "))
    } else if names > found {
        format!("the header has {} name(s) too many; remove them", names - found)
    } else {
        format!(
            "the header lacks {} name(s): add them, or quote values that contain commas",
            found - names
        )
    };
    Some(Error::Header {
        file: file.to_string(),
        reason: format!(
            "the header names {names} columns, but every row has {found} fields\nhint: {hint}"
        ),
    })
}

/// The line endings that begin in `range` of `bytes`: LF, CRLF, and a bare CR, which the `csv`
/// reader also takes for the end of a record. Counting only LF put every row of a CR-only file
/// on line 1, the header's line (found by `cargo xtask fuzz`).
fn line_breaks(bytes: &[u8], range: std::ops::Range<usize>) -> u64 {
    let breaks = bytes[range.clone()].iter().enumerate().filter(|&(i, &b)| {
        b == b'\n' || (b == b'\r' && bytes.get(range.start + i + 1) != Some(&b'\n'))
    });
    breaks.count() as u64
}

/// For each field of one raw record, whether it was written with quotes. The `csv` crate
/// unquotes without saying so, and an empty field means NULL only when it was not quoted.
///
/// The rules are `csv`'s: a field is quoted when its first byte is `"`; inside, `""` is a quote
/// and a lone `"` ends the quoting; a `"` later in a field (`6" casing`) is a plain byte.
/// Toggling on every `"` lost count after such a byte, and a quoted `""` further on in the row
/// became NULL (found by `cargo xtask fuzz`).
fn quoted_fields(raw: &[u8]) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Start,
        Unquoted,
        Quoted,
        AfterQuote,
    }
    let mut out = Vec::new();
    let mut state = State::Start;
    for &b in raw {
        if state == State::Start {
            out.push(b == b'"');
            if b == b'"' {
                state = State::Quoted;
                continue;
            }
            state = State::Unquoted;
        }
        state = match (state, b) {
            (State::Quoted, b'"') => State::AfterQuote,
            (State::Quoted, _) => State::Quoted,
            (State::AfterQuote, b'"') => State::Quoted,
            (_, b',') => State::Start,
            (_, b'\r' | b'\n') => return out,
            _ => State::Unquoted,
        };
    }
    if state == State::Start {
        out.push(false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `input` and renders the header and rows (NULL as `∅`), or the error.
    fn check(input: &str, expected: &str) {
        let got = match parse("t", Path::new("t.csv"), input.as_bytes()) {
            Ok(t) => {
                let mut out = t.columns.join("|");
                for row in &t.rows {
                    let values: Vec<String> = row
                        .values
                        .iter()
                        .map(|v| v.as_deref().map_or("∅".to_string(), |s| format!("[{s}]")))
                        .collect();
                    out.push_str(&format!("\n{}: {}", row.line, values.join(" ")));
                }
                out
            }
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expected, "input {input:?}");
    }

    #[test]
    fn nulls_and_empty_strings() {
        check("a,b,c\n1,,\"\"\n", "a|b|c\n2: [1] ∅ []");
        check("a,b\n,\n", "a|b\n2: ∅ ∅");
        check("a,b\n\"\",x\n", "a|b\n2: [] [x]");
        check("a,b\n1,2", "a|b\n2: [1] [2]");
        check("a,b\n1,", "a|b\n2: [1] ∅");
    }

    #[test]
    fn quoting_bom_and_line_endings() {
        check(
            "\u{feff}a,b\r\n1,\"x, y\"\r\n2,\"say \"\"hi\"\"\"\r\n",
            "a|b\n2: [1] [x, y]\n3: [2] [say \"hi\"]",
        );
        check("a,b\n1,\"two\nlines\"\n2,z\n", "a|b\n2: [1] [two\nlines]\n4: [2] [z]");
        check("a,b\r\n1,\r\n,\"\"\r\n\r\n3,x", "a|b\n2: [1] ∅\n3: ∅ []\n5: [3] [x]");
    }

    #[test]
    fn bare_carriage_returns_end_lines() {
        check("a,b\r1,2\r\r3,\"x\ry\"\r4,z", "a|b\n2: [1] [2]\n4: [3] [x\ry]\n6: [4] [z]");
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_a_plain_byte() {
        check("a,b,c\n6\" pipe,,\"\"\n", "a|b|c\n2: [6\" pipe] ∅ []");
        check("a,b,c\nx\"\"y,\"\",\"q\"\"\"\n", "a|b|c\n2: [x\"\"y] [] [q\"]");
        check("a,b\n\"x\"y,\"\"\n", "a|b\n2: [xy] []");
    }

    /// Inputs `cargo xtask fuzz` found, each kept as it crashed the target.
    #[test]
    fn fuzz_regressions() {
        // Bare CRs end records, but only LF counted as a line: every row was on line 1.
        let bytes = include_bytes!("../tests/fuzz/csv_reader_bare_cr.csv");
        let table = parse("t", Path::new("t.csv"), bytes).expect("three columns, one row");
        assert_eq!(table.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2]);
        // A `"` inside an unquoted field flipped the quote tracking: the quoted `""` later in
        // the row came out NULL instead of the empty string.
        let bytes = include_bytes!("../tests/fuzz/csv_reader_stray_quote.csv");
        let table = parse("t", Path::new("t.csv"), bytes).expect("three columns");
        assert_eq!(table.rows[0].values[1..], [None, Some(String::new())]);
    }

    #[test]
    fn defects() {
        check(
            "a,b\n1,2,3\n",
            "error: 1 problem in the code tables\n  `t.csv` line 2: 3 fields, but the header names 2 columns\n    hint: quote values that contain commas, e.g. \"Debruin, W.\"",
        );
        check(
            "",
            "error: 1 problem in the code tables\n  `t.csv` line 1: the file is empty; the first row must name the columns",
        );
    }

    /// Every row one field short of the header (GWELLS's `yield_estimation_method_code.csv`):
    /// one problem, at the header, with a hint that fixes the header, not the rows.
    #[test]
    fn a_header_wider_than_every_row_is_one_header_problem() {
        check(
            "a,,b,c\n1,2,3\n4,5,6\n7,8,9\n",
            "error: 1 problem in the code tables\n  `t.csv` line 1: the header names 4 columns, but every row has 3 fields\n    hint: remove the empty name (column 2) from the header",
        );
        check(
            "a,b\n1,2,3\n4,5,6\n",
            "error: 1 problem in the code tables\n  `t.csv` line 1: the header names 2 columns, but every row has 3 fields\n    hint: the header lacks 1 name(s): add them, or quote values that contain commas",
        );
        // Rows that disagree among themselves are each reported, against the header.
        check(
            "a,b,c\n1,2\n4,5,6,7\n",
            "error: 2 problems in the code tables\n  `t.csv` line 2: 2 fields, but the header names 3 columns\n    hint: quote values that contain commas, e.g. \"Debruin, W.\"\n  `t.csv` line 3: 4 fields, but the header names 3 columns\n    hint: quote values that contain commas, e.g. \"Debruin, W.\"",
        );
    }

    #[test]
    fn invalid_utf8_names_the_column() {
        let got = parse("t", Path::new("t.csv"), b"a,b\n1,\xff\n").map(|_| ()).unwrap_err();
        assert_eq!(
            got.problems()[0].to_string().lines().next(),
            Some("`t.csv` line 2, column `b`: the value is not valid UTF-8")
        );
    }
}
