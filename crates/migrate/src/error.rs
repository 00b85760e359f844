use std::path::PathBuf;

/// Everything that can go wrong while loading, planning or applying migrations.
///
/// Each variant names its subject: the file (and line), or the app and migration.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("cannot access `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The migrations folder does not exist or is not a folder.
    #[error("no migrations folder `{}`\nhint: pass `--migrations-dir` with the folder that holds one directory per app (the default is `migrations/` of the workspace)", dir.display())]
    NoMigrationsDir { dir: PathBuf },

    /// A `.sql` file whose name is neither `NNNN_name.sql`, `NNNN_name.down.sql` nor `R_name.sql`.
    #[error("`{}` is not a migration file name: {reason}\nhint: name migrations `0001_initial.sql` (four digits, lowercase letters, digits and `_`), down files `0001_initial.down.sql`, repeatable scripts `R_name.sql`", path.display())]
    MalformedName { path: PathBuf, reason: String },

    /// A header line (`-- depends:`, `-- replaces:`, ...) that does not parse, or a file that is not UTF-8.
    #[error("`{}` line {line}: {reason}\nhint: header lines are `-- depends: <app> <name>[, <app> <name>]`, `-- replaces: <app> <name>, ...` and `-- no-transaction`", path.display())]
    MalformedHeader { path: PathBuf, line: usize, reason: String },

    /// SQL the statement splitter cannot split (an unterminated quote or comment).
    #[error("`{}` line {line}: {reason}", path.display())]
    MalformedSql { path: PathBuf, line: usize, reason: String },

    /// Two migrations of one app share a number without declaring their parents.
    #[error(
        "app `{app}` has two migrations numbered {number}: {files}\nhint: renumber one of them, or, for deliberate branches, give each a `-- depends: {app} <parent>` header"
    )]
    DuplicateNumber { app: String, number: String, files: String },

    /// A migration without a `-- depends:` header follows several migrations of one number.
    #[error("`{}` follows several migrations numbered {number} ({files}) and cannot tell which is its parent\nhint: name its parents with `-- depends:` lines; if it follows all of them it is a merge migration", path.display())]
    AmbiguousParent { path: PathBuf, number: String, files: String },

    /// A `.down.sql` file without its migration.
    #[error("`{}` has no forward migration beside it\nhint: add the migration or delete the down file", path.display())]
    OrphanDown { path: PathBuf },

    /// A dependency names a migration that does not exist.
    #[error("`{}` depends on `{dependency}`, which does not exist\nhint: fix the `-- depends:` header or add the missing migration", path.display())]
    MissingDependency { path: PathBuf, dependency: String },

    /// The dependencies form a cycle.
    #[error(
        "migrations depend on each other in a cycle: {cycle}\nhint: remove one of the `-- depends:` lines in the cycle"
    )]
    Cycle { cycle: String },

    /// An app has more than one leaf: two branches nobody merged.
    #[error(
        "app `{app}` has conflicting migrations (more than one leaf): {leaves}\nhint: add a merge migration, e.g. `{app}/{next}_merge.sql` with `-- depends: {app} <leaf>` for each leaf"
    )]
    MultipleLeaves { app: String, leaves: String, next: String },

    /// An applied migration whose parent is not applied.
    #[error(
        "inconsistent history: migration `{migration}` is applied before its dependency `{parent}`\nhint: apply `{parent}` with `cargo xtask migrate {parent} --fake` if its changes are in the database, or repair `django_migrations` by hand"
    )]
    Inconsistent { migration: String, parent: String },

    /// An applied migration whose file has changed since.
    #[error("migration `{migration}` was applied but its file `{}` has changed\nhint: restore the file (git checkout) and put the change in a new migration", path.display())]
    Drifted { migration: String, path: PathBuf },

    /// The database was migrated by a version that kept its ledger in `public`, from migration
    /// files corrected in place since: it has drifted as a whole.
    #[error(
        "this database has drifted: an earlier gwells-db migrated it (its ledger is `{table}`) from migration files corrected in place since; changed since applied: {changed}\nhint: `reset` rebuilds it from the current files (`gwells-db reset --confirm DBNAME` on a server, `cargo xtask reset` on the dev server)"
    )]
    LegacyLedger { table: &'static str, changed: String },

    /// A no-transaction migration stopped part way, and the statements it already ran have changed.
    #[error("migration `{migration}` stopped after statement {done}, and those statements in `{}` have changed since\nhint: restore the first {done} statements; change only the failed statement and those after it", path.display())]
    ResumeChanged { migration: String, path: PathBuf, done: usize },

    /// `migrate APP NAME` names an app or migration that does not exist.
    #[error("no migration `{app} {name}`\nhint: `cargo xtask showmigrations {app}` lists them")]
    UnknownMigration { app: String, name: String },

    /// `--accept-checksum` names a migration the database has not applied.
    #[error(
        "migration `{migration}` is not applied, so there is no checksum to accept\nhint: `cargo xtask migrate` applies it and stores its checksum"
    )]
    NotApplied { migration: String },

    /// An app directory that does not exist.
    #[error("no app `{app}` in `{}`\nhint: apps are the directories of the migrations folder", dir.display())]
    UnknownApp { app: String, dir: PathBuf },

    /// Moving backwards needs a down file for every migration to undo.
    #[error(
        "cannot unapply {migrations}: no `.down.sql` file\nhint: write the missing down files, or move forward with a new migration instead"
    )]
    NoDownFile { migrations: String },

    /// Squashing is refused for this range.
    #[error("cannot squash `{app}`: {reason}")]
    Squash { app: String, reason: String },

    /// A transactional migration failed; it was rolled back with its ledger rows.
    #[error("migration `{migration}` failed at `{}` line {line}, rolled back", path.display())]
    Failed {
        migration: String,
        path: PathBuf,
        line: usize,
        #[source]
        source: pg::ServerError,
    },

    /// A statement of a no-transaction migration failed; earlier statements stay applied.
    #[error("migration `{migration}` failed at statement {k} of {n} (`{}` line {line}); {}\nhint: fix the statement and run migrate again; it continues with statement {k}", path.display(), applied_before(*k))]
    StatementFailed {
        migration: String,
        path: PathBuf,
        k: usize,
        n: usize,
        line: usize,
        #[source]
        source: pg::ServerError,
    },

    /// Connecting or locking failed.
    #[error(transparent)]
    Pg(#[from] pg::Error),

    /// A statement failed; it says what it was for.
    #[error(transparent)]
    Db(#[from] pg::report::Failed),
}

/// Whether the files, the arguments or the database's recorded history are to blame (exit
/// code 2: fix them; nothing was applied), not the server or a migration's SQL.
impl pg::report::Classify for Error {
    fn is_bad_input(&self) -> bool {
        match self {
            Error::NoMigrationsDir { .. }
            | Error::MalformedName { .. }
            | Error::MalformedHeader { .. }
            | Error::MalformedSql { .. }
            | Error::DuplicateNumber { .. }
            | Error::AmbiguousParent { .. }
            | Error::OrphanDown { .. }
            | Error::MissingDependency { .. }
            | Error::Cycle { .. }
            | Error::MultipleLeaves { .. }
            | Error::Drifted { .. }
            | Error::LegacyLedger { .. }
            | Error::ResumeChanged { .. }
            | Error::UnknownApp { .. }
            | Error::UnknownMigration { .. }
            | Error::NotApplied { .. }
            | Error::NoDownFile { .. }
            | Error::Squash { .. } => true,
            Error::Io { .. }
            | Error::Inconsistent { .. }
            | Error::Failed { .. }
            | Error::StatementFailed { .. }
            | Error::Db(_) => false,
            Error::Pg(e) => e.is_bad_input(),
        }
    }
}

/// What stays applied when statement `k` (1-based) of a no-transaction migration fails.
fn applied_before(k: usize) -> String {
    match k {
        0 | 1 => "no statement before it was applied".into(),
        2 => "statement 1 before it is applied and recorded".into(),
        k => format!("statements 1..{} before it are applied and recorded", k - 1),
    }
}

/// Result type of this crate.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::applied_before;

    #[test]
    fn statements_before_the_failed_one() {
        assert_eq!(applied_before(1), "no statement before it was applied");
        assert_eq!(applied_before(2), "statement 1 before it is applied and recorded");
        assert_eq!(applied_before(4), "statements 1..3 before it are applied and recorded");
    }
}
