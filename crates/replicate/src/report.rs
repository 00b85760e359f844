//! The report of a run: data first (JSON), rendered as a table by the caller.

use std::path::PathBuf;

use serde::Serialize;

use crate::{Error, Mode};

/// How a run writes the application tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Path {
    /// Truncate, load bare tables, re-create keys and indexes: fast, but the tables are locked
    /// (ACCESS EXCLUSIVE) for the run. For an empty target.
    Bulk,
    /// Stage, compare by key, apply only the difference with plain DML: readers never wait.
    /// For a populated target.
    Merge,
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Path::Bulk => "bulk",
            Path::Merge => "merge",
        })
    }
}

/// Everything a run did and found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Subset or full.
    pub mode: Mode,
    /// The path taken.
    pub path: Path,
    /// Why that path (`--bulk`, `the target's replicated tables are empty`, ...).
    pub(crate) path_reason: String,
    /// `--plan`: staged and compared only; nothing in the application tables changed and
    /// nothing was verified.
    pub plan: bool,
    /// One entry per application table, in fill order.
    pub tables: Vec<TableReport>,
    /// Rows that were not created by replication and were discarded (`--discard-submissions`).
    pub discarded: Vec<(String, i64)>,
    /// Wells whose acceptance status was NULL (skipped, reported by `populate_xform`).
    pub null_status_wells: i64,
    /// Wall time of the load, seconds.
    pub load_seconds: f64,
    /// Of `load_seconds`, the time spent setting keys and indexes aside and re-creating them.
    pub keys_seconds: f64,
    /// Foreign keys, unique constraints and indexes set aside for the load (and re-created).
    pub keys_set_aside: usize,
    /// Merge: wall time of the apply (the DML of the difference), seconds, retries included.
    pub apply_seconds: f64,
    /// Merge: how many times the apply ran (more than 1 after lock timeouts).
    pub apply_attempts: u32,
    /// Wall time of the verification, seconds.
    pub verify_seconds: f64,
    /// Wall time of the COMMIT, seconds (deferred checks would run here; none are left).
    pub commit_seconds: f64,
    /// Rows loaded into application tables per second of load time.
    pub rows_per_second: f64,
    /// Whether every difference is explained by a declared rule.
    pub verified: bool,
}

/// One application table.
#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    /// The application table.
    pub table: String,
    /// The legacy table it comes from.
    pub source_table: String,
    /// Rows at the source in the run's scope (subset range or all), before any rule.
    pub source: i64,
    /// Rows in the staging table (`xform_well` for `well`), where there is one.
    pub staged: Option<i64>,
    /// Rows expected after the declared rules.
    pub expected: i64,
    /// Rows in the application table after the run.
    pub loaded: i64,
    /// The count the function's NOTICE reported.
    pub(crate) notice: Option<i64>,
    /// Rows removed by each declared rule (`status filter`, `children of filtered wells`, ...).
    pub rules: Vec<Rule>,
    /// Rows the status filter rejected (wells) or that belong to rejected wells (children).
    pub rejected: i64,
    /// Children whose legacy well does not exist (full runs only; `None` in a subset run).
    pub orphaned: Option<i64>,
    /// Hash of the expected keys (`well_tag_number` multiset; `bcgs_id` for `bcgs_number`).
    pub(crate) source_hash: String,
    /// Hash of the same keys in the application table.
    pub(crate) loaded_hash: String,
    /// Seconds the table's step took.
    pub seconds: f64,
    /// `loaded / seconds`.
    pub rows_per_second: f64,
    /// `None` when verified, else what did not match, with example keys.
    pub failure: Option<String>,
    /// Merge: what the run changed (or, with `--plan`, would change); `None` on the bulk path.
    pub changes: Option<Changes>,
}

/// The difference a merge applies to one table.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Changes {
    /// The key the examples are given in: `well_tag_number` (for `well` and its children, the
    /// child's well) or `bcgs_id`.
    pub key: String,
    /// Rows inserted.
    pub inserted: i64,
    /// Rows updated in place (a child row keeps its guid).
    pub updated: i64,
    /// Rows deleted.
    pub deleted: i64,
    /// Rows left as they were.
    pub unchanged: i64,
    /// Up to [`EXAMPLES`] distinct keys of inserted rows, ascending.
    pub inserted_keys: Vec<i64>,
    /// … of updated rows.
    pub updated_keys: Vec<i64>,
    /// … of deleted rows.
    pub deleted_keys: Vec<i64>,
}

/// How many example keys of each kind a [`Changes`] lists.
pub const EXAMPLES: usize = 10;

impl Changes {
    /// Rows inserted, updated or deleted.
    pub(crate) fn total(&self) -> i64 {
        self.inserted + self.updated + self.deleted
    }
}

/// Rows a declared transform rule accounts for.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Rule {
    /// The rule, as the report names it.
    pub rule: String,
    /// How many rows it removed.
    pub rows: i64,
}

impl Report {
    /// Writes the report as pretty JSON to `dir/replicate-<mode>-<unix time>.json` and returns
    /// the path.
    pub fn write_json(&self, dir: &std::path::Path) -> Result<PathBuf, Error> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let path =
            dir.join(format!("replicate-{}-{stamp}.json", self.mode.to_string().to_lowercase()));
        let io = |source| Error::Report { path: path.clone(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        // Serialising plain data with string keys cannot fail.
        let text = serde_json::to_string_pretty(self).map_err(|e| io(std::io::Error::other(e)))?;
        std::fs::write(&path, text + "\n").map_err(io)?;
        Ok(path)
    }

    /// Rows a merge inserted, updated or deleted, all tables (0 on the bulk path).
    pub fn rows_changed(&self) -> i64 {
        self.tables.iter().filter_map(|t| t.changes.as_ref()).map(Changes::total).sum()
    }

    /// Rows loaded into all application tables.
    pub fn rows_loaded(&self) -> i64 {
        self.tables.iter().map(|t| t.loaded).sum()
    }
}

impl TableReport {
    pub(crate) fn empty(table: &str) -> TableReport {
        TableReport {
            table: table.to_string(),
            source_table: String::new(),
            source: 0,
            staged: None,
            expected: 0,
            loaded: 0,
            notice: None,
            rules: Vec::new(),
            rejected: 0,
            orphaned: None,
            source_hash: String::new(),
            loaded_hash: String::new(),
            seconds: 0.0,
            rows_per_second: 0.0,
            failure: None,
            changes: None,
        }
    }
}
