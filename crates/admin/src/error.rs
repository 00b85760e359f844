use std::path::PathBuf;

/// Everything that can go wrong creating the Django superuser.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A required value is in neither the secret directory nor the environment.
    #[error(
        "`{key}` is not set\nhint: export `{key}`, put a file `{key}` in `--secret-dir`, or pass the password with `--password-stdin`"
    )]
    Missing { key: String },

    /// A value is present but unusable; `reason` never contains the value of a secret.
    #[error("`{key}` is invalid: {reason}")]
    Invalid { key: String, reason: String },

    /// A file of the secret directory (or stdin) could not be read.
    #[error("cannot read `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The encoded password is not in a format we can verify.
    #[error(
        "unsupported password hash format `{algorithm}`\nhint: only `pbkdf2_sha256` (Django's default) is supported"
    )]
    Format { algorithm: String },

    /// `auth_user` does not exist: the database is not migrated.
    #[error(
        "table `auth_user` does not exist in `{database}`\nhint: run `cargo xtask migrate` first"
    )]
    NotMigrated { database: String },

    /// A statement failed; `doing` says what it was for.
    #[error("{doing} in `{database}`")]
    Db {
        database: String,
        doing: &'static str,
        #[source]
        source: pg::ServerError,
    },

    /// Connecting, locking or stashing the hash failed (the error says which).
    #[error(transparent)]
    Pg(#[from] pg::Error),
}

/// Whether the settings are to blame (exit code 2: nothing was changed).
impl pg::report::Classify for Error {
    fn is_bad_input(&self) -> bool {
        match self {
            Error::Missing { .. } | Error::Invalid { .. } | Error::Read { .. } => true,
            Error::Format { .. } | Error::NotMigrated { .. } | Error::Db { .. } => false,
            Error::Pg(e) => e.is_bad_input(),
        }
    }
}
