//! The one error type of this crate.

/// What can go wrong while replicating.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `DB_REPLICATE` holds a value that is not a mode.
    #[error(
        "`{variable}` is `{value}`, expected one of `None`, `Subset`, `Full` (exact case)\nhint: set `{variable}=Subset`, or choose with a flag (`replicate --subset`, `reset --replicate subset`)"
    )]
    BadMode {
        /// The variable (`DB_REPLICATE`).
        variable: &'static str,
        /// What it held.
        value: String,
    },
    /// Both `--subset` and `--full`.
    #[error("`--subset` and `--full` exclude each other")]
    BothModes,
    /// The truncation would destroy rows that replication does not re-create.
    #[error(
        "replication would discard rows it did not create: {}\nhint: pass `--discard-submissions` to discard them, or back them up first",
        list(.tables)
    )]
    Submissions {
        /// Table and row count, for each table holding such rows.
        tables: Vec<(String, i64)>,
    },
    /// `--merge` with `--discard-submissions`, and the merge would delete rows it did not
    /// create: discarding them is the bulk path's.
    #[error(
        "the merge would delete rows replication did not create: {}\nhint: the merge never discards them; run without `--merge` to discard them on the bulk path (it locks the tables for the run), or back them up first",
        list(.tables)
    )]
    MergeWouldDiscard {
        /// Table and row count, for each table holding such rows.
        tables: Vec<(String, i64)>,
    },
    /// The merge's apply kept timing out waiting for a lock another session holds.
    #[error(
        "the merge could not lock the rows it changes after {attempts} attempts: blocked by {blocker}\nhint: nothing was changed; retry when that session has finished, or end it (`SELECT pg_terminate_backend(pid)`)"
    )]
    Blocked {
        /// Attempts made.
        attempts: u32,
        /// The blocking session, as last seen (pid, application, role, state).
        blocker: String,
    },
    /// A replication function is missing: the repeatable scripts were not applied.
    #[error(
        "function `{function}` does not exist in the target database\nhint: run `cargo xtask migrate` first (it applies `migrations/gwells/R_replicate*.sql`)"
    )]
    Missing {
        /// The function.
        function: String,
    },
    /// A statement of one step failed.
    #[error("replication step `{step}` failed")]
    Step {
        /// The step (`populate_xform`, `verify well`, ...).
        step: String,
        /// The database error.
        #[source]
        source: pg::ServerError,
    },
    /// An index or key set aside for the load could not be re-created: the loaded rows break it
    /// (an unknown code, a duplicate plate number, ...).
    #[error(
        "cannot re-create {object} after the load: {reason}\nhint: nothing was committed, the previous rows, keys and indexes are unchanged; correct the legacy value named above, or add the missing code to the code tables"
    )]
    Restore {
        /// ``foreign key `x` on `well` ``.
        object: String,
        /// The server's message and detail (the detail names the offending value).
        reason: String,
    },
    /// Connecting, locking, ...
    #[error(transparent)]
    Pg(#[from] pg::Error),
    /// A statement failed; it says what it was for.
    #[error(transparent)]
    Db(#[from] pg::report::Failed),
    /// A name that cannot be quoted.
    #[error("cannot quote `{name}`")]
    Quote {
        /// The name.
        name: String,
        /// Why.
        source: pg::quote::NulByte,
    },
    /// Writing the report.
    #[error("cannot write the report `{}`", path.display())]
    Report {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Whether the settings or the flags are to blame (exit code 2: nothing was changed), not
/// the server or the legacy data.
impl pg::report::Classify for Error {
    fn is_bad_input(&self) -> bool {
        match self {
            Error::BadMode { .. }
            | Error::BothModes
            | Error::Submissions { .. }
            | Error::MergeWouldDiscard { .. } => true,
            Error::Missing { .. }
            | Error::Blocked { .. }
            | Error::Step { .. }
            | Error::Restore { .. }
            | Error::Db(_)
            | Error::Quote { .. }
            | Error::Report { .. } => false,
            Error::Pg(e) => e.is_bad_input(),
        }
    }
}

fn list(tables: &[(String, i64)]) -> String {
    tables.iter().map(|(t, n)| format!("{n} rows in `{t}`")).collect::<Vec<_>>().join(", ")
}

impl Error {
    /// [`Error::Restore`] from the server's error.
    pub(crate) fn restore(object: String, source: &tokio_postgres::Error) -> Error {
        Error::Restore { object, reason: pg::describe(source) }
    }

    pub(crate) fn step(step: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> Error {
        let step = step.into();
        move |source| {
            // An undefined function means the scripts were never applied: say so.
            if source.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_FUNCTION) {
                return Error::Missing { function: step };
            }
            Error::Step { step, source: source.into() }
        }
    }
}
