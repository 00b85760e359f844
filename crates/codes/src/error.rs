use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong with code tables. File problems name the file and line (1-based,
/// counting the header as line 1) and, where there is one, the column.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("cannot access `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The directory holds no `*.csv` file.
    #[error("`{}` holds no code-table CSV files\nhint: pass `--dir` with the folder of the CSVs", dir.display())]
    NoFiles { dir: PathBuf },

    /// The CSV syntax itself is broken (an unterminated quote, ...).
    #[error("`{file}` line {line}: {reason}")]
    Syntax { file: String, line: u64, reason: String },

    /// A field is not valid UTF-8.
    #[error(
        "`{file}` line {line}, column `{column}`: the value is not valid UTF-8\nhint: save the file as UTF-8 (a BOM is accepted)"
    )]
    Utf8 { file: String, line: u64, column: String },

    /// A row has more or fewer fields than the header.
    #[error(
        "`{file}` line {line}: {found} fields, but the header names {expected} columns\nhint: quote values that contain commas, e.g. \"Debruin, W.\""
    )]
    Ragged { file: String, line: u64, expected: usize, found: usize },

    /// The header does not name the table's columns.
    #[error("`{file}` line 1: {reason}")]
    Header { file: String, reason: String },

    /// A value does not fit its column.
    #[error("`{file}` line {line}, column `{column}`: {reason}")]
    Value { file: String, line: u64, column: String, reason: String },

    /// Two rows carry the same key.
    #[error("`{file}` line {line}: duplicate key {key}, first used on line {first}")]
    DuplicateKey { file: String, line: u64, key: String, first: u64 },

    /// Rows are not in key order, so `codes dump` would not reproduce the file.
    #[error(
        "`{file}` line {line}: key {key} comes after {previous}; rows must be in ascending key order (byte order), as `codes dump` writes them\nhint: sort the rows by key, or load and dump the table"
    )]
    Order { file: String, line: u64, key: String, previous: String },

    /// A value names a row of another code table that its CSV does not have.
    #[error(
        "`{file}` line {line}, column `{column}`: `{value}` is not a key of `{table}`\nhint: add it to `{table}.csv` or correct the value"
    )]
    UnknownReference { file: String, line: u64, column: String, value: String, table: String },

    /// A CSV names a table that is not a code table (`auth_user.csv`): never loaded.
    #[error(
        "`{file}`: `{table}` is not a code table, so `codes` never loads it\nhint: code tables are named `*_code`, or are one of {}; move the file out of the folder",
        crate::check::CODE_TABLES_WITHOUT_SUFFIX.map(|t| format!("`{t}`")).join(", ")
    )]
    NotCodeTable { file: String, table: String },

    /// A CSV with a header and no rows: loading it would delete every row of its table.
    #[error(
        "`{file}`: no rows, so loading it would delete every row of `{table}`\nhint: pass `--allow-empty {table}` if the table is meant to be empty"
    )]
    Empty { file: String, table: String },

    /// A CSV names a table the database does not have.
    #[error(
        "`{file}`: table `{table}` does not exist in the database\nhint: apply the migrations first (`cargo xtask migrate`)"
    )]
    NoTable { file: String, table: String },

    /// Several problems, each of them one of the variants above.
    #[error("{}", ProblemList(problems))]
    Invalid { problems: Vec<Error> },

    /// Rows the CSVs no longer list are still referenced; nothing was changed.
    #[error("{}", ReferenceList(references))]
    Referenced { references: Vec<Reference> },

    /// A statement failed; it says what it was for.
    #[error(transparent)]
    Db(#[from] pg::report::Failed),

    /// Connecting or locking.
    #[error(transparent)]
    Pg(#[from] pg::Error),
}

/// Whether the files or the arguments are to blame (exit code 2: fix them; nothing was
/// changed), not the server.
impl pg::report::Classify for Error {
    fn is_bad_input(&self) -> bool {
        match self {
            Error::NoFiles { .. }
            | Error::Syntax { .. }
            | Error::Utf8 { .. }
            | Error::Ragged { .. }
            | Error::Header { .. }
            | Error::Value { .. }
            | Error::DuplicateKey { .. }
            | Error::Order { .. }
            | Error::UnknownReference { .. }
            | Error::NotCodeTable { .. }
            | Error::Empty { .. }
            | Error::NoTable { .. }
            | Error::Invalid { .. }
            | Error::Referenced { .. } => true,
            Error::Io { .. } | Error::Db(_) => false,
            Error::Pg(e) => e.is_bad_input(),
        }
    }
}

/// One referencing row that keeps a code row from being deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The code table whose row the CSV no longer lists.
    pub table: String,
    /// That row's key, e.g. `OLD`.
    pub key: String,
    /// The referencing table, e.g. `well`.
    pub from_table: String,
    /// The referencing row, e.g. `well_tag_number=5`.
    pub from_row: String,
}

struct ProblemList<'a>(&'a [Error]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "{n} problem{} in the code tables", if n == 1 { "" } else { "s" })?;
        for problem in self.0 {
            write!(f, "\n{}", pg::report::list_item(problem))?;
        }
        Ok(())
    }
}

struct ReferenceList<'a>(&'a [Reference]);

impl fmt::Display for ReferenceList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("refusing to delete code rows that are still referenced; nothing was changed")?;
        for r in self.0 {
            write!(
                f,
                "\n  `{}` {} is referenced by `{}` {}",
                r.table, r.key, r.from_table, r.from_row
            )?;
        }
        f.write_str(
            "\nhint: keep the rows in the CSV, change the referencing rows, or pass `--keep-removed`",
        )
    }
}

impl Error {
    /// The problems inside, one per file defect (an `Invalid` unpacked, anything else alone).
    pub fn problems(&self) -> Vec<&Error> {
        match self {
            Error::Invalid { problems } => problems.iter().collect(),
            other => vec![other],
        }
    }
}
