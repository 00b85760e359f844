/// A boxed error from a caller's phase.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong resetting a database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A database on a server this tool did not start, without `--confirm`; `local` adds why
    /// being on this machine is not enough.
    #[error(
        "refusing to reset `{database}` on {server}: its server was not started by this tool (it lacks the `cluster_name` mark){local}\nhint: pass `--confirm {database}` if you really mean to drop everything in it"
    )]
    NotConfirmed { database: String, server: String, local: &'static str },

    /// `--confirm` named another database.
    #[error(
        "`--confirm {given}` does not match the target database `{database}`\nhint: `--confirm` takes the exact name of the database being reset"
    )]
    WrongConfirm { database: String, given: String },

    /// The database carries the protection marker.
    #[error(
        "refusing to reset `{database}`: it carries the `protected` marker (set {set_at} by {set_by}{note})\nhint: run `cargo xtask unprotect` against it first if it really is to be reset"
    )]
    Protected { database: String, set_at: String, set_by: String, note: String },

    /// Another reset holds a live maintenance marker.
    #[error(
        "a reset of `{database}` is already in progress (started {set_at} by {set_by})\nhint: wait for it to finish; `cargo xtask health` exits 3 while it runs"
    )]
    InProgress { database: String, set_at: String, set_by: String },

    /// Objects were still there after the drop (the transaction was rolled back).
    #[error("after dropping, `{database}` still holds {objects}; nothing was dropped")]
    LeftBehind { database: String, objects: String },

    /// A phase after the drop failed; the maintenance marker was cleared.
    #[error(
        "reset of `{database}`: phase `{phase}` failed\nhint: the database is dropped but not fully rebuilt; fix the cause and run the reset again (`gwells-db reset` / `cargo xtask reset`)"
    )]
    Phase {
        database: String,
        phase: String,
        #[source]
        source: BoxError,
    },

    /// A stop was requested (SIGINT, SIGTERM): the reset stopped at a safe point, cleared the
    /// maintenance marker and released the lock.
    #[error("reset of `{database}` stopped {during}: {left}")]
    Interrupted {
        database: String,
        /// Where it stopped: "during `migrate`", "while waiting for the lock".
        during: String,
        left: crate::Left,
    },

    /// The template could not be built or found; the database was not touched.
    #[error(
        "reset of `{database}`: the template could not be prepared\nhint: nothing in `{database}` was changed; fix the cause, or pass `--cold` to reset in place"
    )]
    Template {
        database: String,
        #[source]
        source: BoxError,
    },

    /// A name could not be quoted (NUL byte).
    #[error("cannot quote `{name}`")]
    Quote {
        name: String,
        #[source]
        source: pg::quote::NulByte,
    },

    /// A statement failed; `doing` says what it was for.
    #[error("{doing} in `{database}`")]
    Db {
        database: String,
        doing: &'static str,
        #[source]
        source: pg::ServerError,
    },

    /// Connecting or locking failed (the error names the database).
    #[error(transparent)]
    Pg(#[from] pg::Error),
}

/// Whether the arguments are to blame (exit code 2: nothing was changed): the guards'
/// refusals. A reset already running, a failed phase or a server error is not.
impl pg::report::Classify for Error {
    fn is_bad_input(&self) -> bool {
        match self {
            Error::NotConfirmed { .. } | Error::WrongConfirm { .. } | Error::Protected { .. } => {
                true
            }
            Error::InProgress { .. }
            | Error::LeftBehind { .. }
            | Error::Phase { .. }
            | Error::Interrupted { .. }
            | Error::Template { .. }
            | Error::Quote { .. }
            | Error::Db { .. } => false,
            Error::Pg(e) => e.is_bad_input(),
        }
    }
}

impl Error {
    pub(crate) fn db<'a>(
        database: &'a str,
        doing: &'static str,
    ) -> impl Fn(tokio_postgres::Error) -> Error + 'a {
        move |source| Error::Db { database: database.to_string(), doing, source: source.into() }
    }
}
