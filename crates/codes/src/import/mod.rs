//! `codes import`: GWELLS's own code-table files (its `database/code-tables/`, defects and
//! all) turned into canonical CSVs (`codetables/README.md`) that `codes check` passes.
//!
//! Equivalent forms are made canonical without a word (`-08` timestamps, unhyphenated UUIDs,
//! quoted integers, any row order). Real defects are reported once each, at their line, and
//! repaired where the repair is certain (a misnamed header column: the seed loaded by
//! position, so its names are the truth) or kept where GWELLS lived with them. Defects no
//! repair can settle (a ragged row, a value that is no UUID, a duplicate key) fail the import
//! and nothing is written.

mod canon;

pub(crate) use canon::timestamp as canon_timestamp;
mod source;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::schema::AUDIT;
use crate::{Error, check};
use source::Source;

/// What an import read and wrote.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Each table written into the target folder, with its row count, by name.
    pub written: Vec<(String, usize)>,
    /// Files of tables that are not code tables of the schema (`todel.*`, `xform_*`), skipped.
    pub skipped: Vec<String>,
    /// The defects of the source files, each once, in file and line order.
    pub defects: Vec<Defect>,
}

/// One defect of a source file that the import repaired or kept (see `codetables/README.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    /// The file, relative to the import folder (`registries/registries_status_code.csv`).
    pub(crate) file: String,
    /// The line (the header is line 1).
    pub(crate) line: u64,
    /// What is wrong and what the import made of it.
    pub(crate) what: String,
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` line {}: {}", self.file, self.line, self.what)
    }
}

/// The 2018 code tables without `effective_date`/`expiry_date`: the registries app's, and
/// two of the gwells app's. Every other code table has both, and GWELLS's files have neither.
fn has_validity_columns(table: &str) -> bool {
    !(table.starts_with("registries_")
        || matches!(table, "province_state_code" | "drilling_company"))
}

/// Reads every `*.csv` at or below `from` and writes one canonical CSV per code table into
/// `to` (created if missing). Nothing is written unless every file imports.
pub fn import_dir(from: &Path, to: &Path) -> Result<ImportReport, Error> {
    let seeds = source::copy_columns(from)?;
    let files = source::csv_files(from)?;
    if files.is_empty() {
        return Err(Error::NoFiles { dir: from.to_path_buf() });
    }
    let mut report = ImportReport::default();
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for rel in files {
        let table = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if !check::is_code_table(&table) {
            report.skipped.push(rel.display().to_string());
            continue;
        }
        let name = rel.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        match source::read(from, &rel, seeds.get(&name).map(Vec::as_slice), &mut report.defects) {
            Ok(s) => sources.push(s),
            Err(Error::Invalid { problems: p }) => problems.extend(p),
            Err(other) => return Err(other),
        }
    }
    let mut seen = HashSet::new();
    for s in &sources {
        if !seen.insert(s.table.clone()) {
            problems.push(Error::Header {
                file: s.file.clone(),
                reason: format!("a second file for table `{}`", s.table),
            });
        }
    }
    // A column named like another table's key refers to it; Django's initial migration adds
    // those columns after the table's own, so the canonical order puts them last.
    let keys: HashSet<String> =
        sources.iter().filter_map(|s| own_columns(s).first().cloned()).collect();
    let mut out = Vec::new();
    for s in &sources {
        match canonical(s, &keys, &mut report.defects) {
            Ok(csv) => out.push((s.table.clone(), csv)),
            Err(p) => problems.extend(p),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid { problems });
    }
    std::fs::create_dir_all(to).map_err(|source| Error::Io { path: to.to_path_buf(), source })?;
    for (table, (text, rows)) in out {
        let path: PathBuf = to.join(format!("{table}.csv"));
        std::fs::write(&path, text).map_err(|source| Error::Io { path, source })?;
        report.written.push((table, rows));
    }
    report.written.sort();
    report.defects.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Ok(report)
}

/// The non-audit columns in the seed's order.
fn own_columns(s: &Source) -> Vec<String> {
    s.columns.iter().filter(|c| !AUDIT.contains(&c.as_str())).cloned().collect()
}

/// The canonical text of one table and its row count. Columns: the audit ones, the table's
/// own (key first) in the seed's order, `effective_date, expiry_date` where the table has them,
/// then references to other code tables: the order of the table's columns in the schema.
fn canonical(
    s: &Source,
    keys: &HashSet<String>,
    defects: &mut Vec<Defect>,
) -> Result<(String, usize), Vec<Error>> {
    let own = own_columns(s);
    let key = own.first().cloned().unwrap_or_default();
    let (refs, plain): (Vec<String>, Vec<String>) =
        own.into_iter().partition(|c| *c != key && keys.contains(c));
    let mut columns: Vec<String> = AUDIT.iter().map(|c| c.to_string()).collect();
    columns.extend(plain);
    if has_validity_columns(&s.table) {
        columns.extend(["effective_date".to_string(), "expiry_date".to_string()]);
    }
    columns.extend(refs.iter().cloned());
    let at: HashMap<&str, usize> =
        s.columns.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    let mut problems = Vec::new();
    let mut rows: Vec<(u64, Vec<Option<String>>)> = Vec::new();
    for row in &s.rows {
        let mut values = Vec::with_capacity(columns.len());
        for c in &columns {
            // GWELLS's seed left `effective_date` to the column default, the day it ran,
            // which no file records: the row's `create_date` stands in (codetables/README.md).
            let from = if c == "effective_date" { "create_date" } else { c.as_str() };
            let raw = at.get(from).and_then(|i| row.values[*i].as_deref());
            match raw.map(|v| canon::value(c, v)).transpose() {
                Ok(v) => values.push(v),
                Err(reason) => {
                    problems.push(Error::Value {
                        file: s.file.clone(),
                        line: row.line,
                        column: c.clone(),
                        reason,
                    });
                    values.push(None);
                }
            }
        }
        rows.push((row.line, values));
    }
    let key_at = AUDIT.len();
    let mut first: BTreeMap<Option<String>, u64> = BTreeMap::new();
    for (line, values) in &rows {
        if let Some(at) = first.get(&values[key_at]) {
            problems.push(Error::DuplicateKey {
                file: s.file.clone(),
                line: *line,
                key: check::render_key(&[values[key_at].as_deref()]),
                first: *at,
            });
        } else {
            first.insert(values[key_at].clone(), *line);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    defects.extend(repeated_descriptions(s, &columns, &refs, &rows));
    rows.sort_by(|a, b| a.1[key_at].cmp(&b.1[key_at]));
    let mut text = canon::csv_line(&columns.iter().map(|c| Some(c.as_str())).collect::<Vec<_>>());
    for (_, values) in &rows {
        text.push_str(&canon::csv_line(&values.iter().map(|v| v.as_deref()).collect::<Vec<_>>()));
    }
    Ok((text, rows.len()))
}

/// A row's parent references and description.
type Described<'a> = (Vec<Option<&'a str>>, Option<&'a str>);

/// Rows whose description repeats an earlier row's under the same parent (or in the whole
/// table, for one without references): GWELLS's `MON` qualification under the water-well
/// subactivity reads "Water supply well", `WAT`'s text. Kept, reported.
fn repeated_descriptions(
    s: &Source,
    columns: &[String],
    refs: &[String],
    rows: &[(u64, Vec<Option<String>>)],
) -> Vec<Defect> {
    let pos = |name: &str| columns.iter().position(|c| c == name);
    let Some(description) = pos("description") else { return Vec::new() };
    let code = columns[AUDIT.len()..]
        .iter()
        .position(|c| c == "code" || (c.ends_with("_code") && !refs.contains(c)))
        .map_or(AUDIT.len(), |i| AUDIT.len() + i);
    let parents: Vec<usize> = refs.iter().filter_map(|r| pos(r)).collect();
    // (parent, description) -> the first row's (line, code).
    let mut first: HashMap<Described<'_>, (u64, Option<&str>)> = HashMap::new();
    let mut out = Vec::new();
    for (line, values) in rows {
        let parent: Vec<Option<&str>> = parents.iter().map(|i| values[*i].as_deref()).collect();
        let text = values[description].as_deref();
        let this = values[code].as_deref();
        match first.get(&(parent.clone(), text)) {
            Some((at, other)) => out.push(Defect {
                file: s.file.clone(),
                line: *line,
                what: format!(
                    "`{}` has the description {:?} of `{}` (line {at}){}; kept as GWELLS has it",
                    this.unwrap_or_default(),
                    text.unwrap_or_default(),
                    other.unwrap_or_default(),
                    if refs.is_empty() {
                        String::new()
                    } else {
                        format!(" under the same `{}`", refs.join("`, `"))
                    }
                ),
            }),
            None => {
                first.insert((parent, text), (*line, this));
            }
        }
    }
    out
}
