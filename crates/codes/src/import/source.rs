//! Reading GWELLS's own code-table files as its seed read them: positionally, with the column
//! names the seed's `\copy` gave (`copy-columns.txt`), the file's first line being a header
//! that is skipped. Where that header disagrees, the disagreement is a defect of line 1.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Defect;
use crate::Error;
use crate::schema::AUDIT;
use crate::table::{self, Row};

/// The file that maps each seed file to the columns its `\copy` loaded, in file order:
/// `table|col,col,...|file` a line, `#` comments.
pub(crate) const COPY_COLUMNS: &str = "copy-columns.txt";

/// One GWELLS file, its columns named.
#[derive(Debug)]
pub(crate) struct Source {
    /// The table, from the file name.
    pub(crate) table: String,
    /// The path below the import folder, as messages show it.
    pub(crate) file: String,
    /// The column names, one per field of every row.
    pub(crate) columns: Vec<String>,
    /// The data rows (the header left out), each as wide as `columns`.
    pub(crate) rows: Vec<Row>,
}

/// The seed's column lists by file name (`registries_activity_code.csv`); empty when `dir`
/// has no `copy-columns.txt`, and then each file's own header names its columns.
pub(crate) fn copy_columns(dir: &Path) -> Result<BTreeMap<String, Vec<String>>, Error> {
    let path = dir.join(COPY_COLUMNS);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(source) => return Err(Error::Io { path, source }),
    };
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        let [_, columns, file] = fields[..] else {
            return Err(Error::Syntax {
                file: path.display().to_string(),
                line: i as u64 + 1,
                reason: "expected `table|columns|file`".into(),
            });
        };
        out.insert(file.to_string(), columns.split(',').map(str::to_string).collect());
    }
    Ok(out)
}

/// Every `*.csv` at or below `dir`, as paths relative to it, sorted.
pub(crate) fn csv_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        // `dir.join("")` would show as `dir/` in messages.
        let here = if rel.as_os_str().is_empty() { dir.to_path_buf() } else { dir.join(&rel) };
        let io = |source| Error::Io { path: here.clone(), source };
        for entry in std::fs::read_dir(&here).map_err(io)? {
            let entry = entry.map_err(io)?;
            let rel = rel.join(entry.file_name());
            if entry.file_type().map_err(io)?.is_dir() {
                pending.push(rel);
            } else if rel.extension().is_some_and(|e| e == "csv") {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The key column of a code table GWELLS named otherwise than after the table (the others'
/// key is the table's own name, or their first `*_guid`).
const KEY_COLUMNS: [(&str, &str); 2] = [
    ("screen_intake_method_code", "screen_intake_code"),
    ("well_activity_code", "well_activity_type_code"),
];

fn key_column(table: &str) -> &str {
    KEY_COLUMNS.iter().find(|(t, _)| *t == table).map_or(table, |(_, k)| k)
}

/// Reads `rel` below `dir`, names its columns (`seed`, else the file's repaired header), and
/// reports each header defect once, at line 1, naming the column.
pub(crate) fn read(
    dir: &Path,
    rel: &Path,
    seed: Option<&[String]>,
    defects: &mut Vec<Defect>,
) -> Result<Source, Error> {
    let path = dir.join(rel);
    let file = rel.display().to_string();
    let table = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let bytes = std::fs::read(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
    let (header, rows) = table::parse_records(Path::new(&file), &bytes)?;
    let mut defect = |what: String| defects.push(Defect { file: file.clone(), line: 1, what });
    let columns = match seed {
        Some(seed) => {
            compare(&header, seed, &mut defect);
            seed.to_vec()
        }
        None => repair(&table, &header, &mut defect),
    };
    table::all_of_width(&file, columns.len(), &rows)?;
    Ok(Source { table, file, columns, rows })
}

/// The file's header against the seed's names: empty names (a stray comma) first, then each
/// remaining name that differs, by its position in the file.
fn compare(header: &[String], seed: &[String], defect: &mut impl FnMut(String)) {
    let named: Vec<(usize, &String)> =
        header.iter().enumerate().filter(|(_, h)| !h.trim().is_empty()).collect();
    for (i, _) in header.iter().enumerate().filter(|(_, h)| h.trim().is_empty()) {
        defect(format!(
            "header column {} is empty: the header names {} columns over rows of {} fields",
            i + 1,
            header.len(),
            seed.len()
        ));
    }
    if named.len() != seed.len() {
        defect(format!(
            "the header names {} columns, but the seed loaded {} (`{}`)",
            named.len(),
            seed.len(),
            seed.join(",")
        ));
        return;
    }
    for ((i, found), expected) in named.iter().zip(seed) {
        if *found != expected {
            defect(format!("header column {} is `{found}`, but the column is `{expected}`", i + 1));
        }
    }
}

/// A header the seed never loaded, repaired: names trimmed, and a key named `code` or after
/// the table where the table's key column is named otherwise.
fn repair(table: &str, header: &[String], defect: &mut impl FnMut(String)) -> Vec<String> {
    let key_at = if header.iter().take(AUDIT.len()).eq(AUDIT.iter()) { AUDIT.len() } else { 0 };
    header
        .iter()
        .enumerate()
        .map(|(i, found)| {
            let mut name = found.trim().to_string();
            if i == key_at && (name == "code" || name == table) {
                name = key_column(table).to_string();
            }
            if &name != found {
                defect(format!("header column {} is `{found}`, but the column is `{name}`", i + 1));
            }
            name
        })
        .collect()
}
