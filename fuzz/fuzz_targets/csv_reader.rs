//! The code-table CSV reader (`codes::parse_csv`) on arbitrary bytes.
//!
//! Beyond "no panic": a table has one value per column in every row, rows on increasing lines
//! after the header's, and the very values `csv-core` reads, NULL exactly where a field is
//! empty and unquoted; a refusal lists problems that each name a line of the file.

#![no_main]

use codes::{Error, parse_csv};
use csv_core::{ReadFieldResult, Reader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = 1 + line_breaks(data, data.len());
    let table = match parse_csv("fuzz", data) {
        Ok(table) => table,
        Err(err) => {
            let problems = err.problems();
            assert!(!problems.is_empty(), "an error without problems");
            for problem in problems {
                let line = match problem {
                    Error::Syntax { line, .. }
                    | Error::Utf8 { line, .. }
                    | Error::Ragged { line, .. } => *line,
                    Error::Header { .. } => 1,
                    other => panic!("the reader returned a foreign error: {other}"),
                };
                assert!((1..=lines).contains(&line), "{problem} names line {line} of {lines}");
                assert!(problem.to_string().contains(&format!("line {line}")), "{problem}");
            }
            return;
        }
    };

    let mut previous = 1;
    for row in &table.rows {
        assert_eq!(row.values.len(), table.columns.len(), "ragged row at line {}", row.line);
        assert!(row.line > previous, "row on line {} after line {previous}", row.line);
        assert!(row.line <= lines, "row on line {} of {lines}", row.line);
        previous = row.line;
    }

    let mut records = reference(data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data)).into_iter();
    let (_, header) = records.next().expect("a table has a header record");
    let names: Vec<&[u8]> = header.iter().map(|f| f.value.as_slice()).collect();
    let columns: Vec<&[u8]> = table.columns.iter().map(|c| c.as_bytes()).collect();
    assert_eq!(columns, names, "header");
    let records: Vec<_> = records.collect();
    assert_eq!(table.rows.len(), records.len(), "row count");
    for (row, (line, fields)) in table.rows.iter().zip(&records) {
        assert_eq!(row.line, *line, "line of a row");
        for (value, field) in row.values.iter().zip(fields) {
            let expected = if field.value.is_empty() && !field.quoted {
                None
            } else {
                Some(field.value.as_slice())
            };
            assert_eq!(value.as_deref().map(str::as_bytes), expected, "line {line}");
        }
    }
});

/// One field as `csv-core` reads it, and whether it was written in quotes.
struct Field {
    value: Vec<u8>,
    quoted: bool,
}

/// Every record of `bytes` with the line it starts on, read field by field with `csv-core`
/// (the state machine the `csv` crate runs) so that each field's raw bytes are known.
fn reference(bytes: &[u8]) -> Vec<(u64, Vec<Field>)> {
    let mut reader = Reader::new();
    let mut records = Vec::new();
    let (mut record, mut value) = (Vec::new(), Vec::new());
    let (mut pos, mut field_start, mut record_line) = (0, 0, 0);
    let mut out = [0u8; 64];
    loop {
        let (result, nin, nout) = reader.read_field(&bytes[pos..], &mut out);
        pos += nin;
        value.extend_from_slice(&out[..nout]);
        let record_end = match result {
            ReadFieldResult::InputEmpty | ReadFieldResult::OutputFull => continue,
            ReadFieldResult::End => break,
            ReadFieldResult::Field { record_end } => record_end,
        };
        let mut raw = &bytes[field_start..pos];
        if record.is_empty() {
            // A record's first field begins after the line endings csv-core skips, and the
            // first record's after a byte order mark.
            if records.is_empty() {
                raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
            }
            let skipped = raw.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
            let start = pos - raw.len() + skipped;
            record_line = 1 + line_breaks(bytes, start);
            raw = &raw[skipped..];
        }
        record
            .push(Field { value: std::mem::take(&mut value), quoted: raw.first() == Some(&b'"') });
        field_start = pos;
        if record_end {
            records.push((record_line, std::mem::take(&mut record)));
        }
    }
    records
}

/// Line endings before `end`: LF, CRLF and a bare CR, as the `csv` reader ends records.
fn line_breaks(bytes: &[u8], end: usize) -> u64 {
    let ends = (0..end)
        .filter(|&i| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')));
    ends.count() as u64
}
