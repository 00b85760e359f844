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
    #[error("cannot read `{}`: {source}", path.display())]
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

    /// A database operation failed.
    #[error("database `{database}`: {source}")]
    Db {
        database: String,
        #[source]
        source: pg::Error,
    },
}
