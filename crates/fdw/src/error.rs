use std::path::PathBuf;

/// Everything that can go wrong while configuring the foreign data wrapper.
///
/// No variant ever carries the password: no statement holds it, so no server message can
/// quote it; database messages are still masked where a secret can appear (a `password`
/// option's value, a URL's user-info) before they are wrapped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more of the `FDW_*` variables are unset or empty; every missing one is named.
    #[error(
        "missing FDW settings: {}\nhint: set {} (or pass the matching flags); see `cargo xtask fdw setup --help`",
        names(.vars), names(.vars)
    )]
    Missing { vars: Vec<&'static str> },

    /// `FDW_FOREIGN_SERVER` could not be understood.
    #[error("`{var}` is not a server the tool understands: {reason}\nhint: {hint}")]
    BadServer { var: &'static str, reason: String, hint: String },

    /// A value holds something PostgreSQL text cannot represent (a NUL byte).
    #[error("`{var}` contains a NUL byte, which PostgreSQL text cannot hold")]
    NulByte { var: &'static str },

    /// `FDW_SCHEMA` names a schema the application or the server keeps its tables in.
    #[error(
        "`{var}` is `{schema}`, a schema the application or the server keeps its tables in: fdw setup replaces its schema and reset keeps it whole\nhint: set `{var}` to a schema of the FDW's own (the seed's is `wells`)"
    )]
    ApplicationSchema { var: &'static str, schema: String },

    /// `--driver` was given a name that is not a driver.
    #[error("`{given}` is not a driver\nhint: use `oracle_fdw` or `postgres_fdw`")]
    BadDriver { given: String },

    /// The database refused a statement of the setup; the transaction was rolled back.
    #[error("fdw setup of server `{server}` failed at `{statement}`: {message}")]
    Apply { server: String, statement: String, message: String },

    /// A setting would record the statement that creates the user mapping, with the password,
    /// and this role may not turn it off for the setup; nothing was changed.
    #[error(
        "`{setting}` is `{value}`, which would write the FDW password to the server's records, and this role may not turn it off for the setup\nhint: run the setup as a superuser (or a role granted `SET` on `{setting}`), turn `{setting}` off on the server, or pass `--allow-logged-secret` to accept that the password is recorded"
    )]
    LoggedSecret { setting: &'static str, value: String },

    /// Any other database error (connection, lock, catalog queries); `doing` says which.
    #[error("fdw on `{database}`: {doing}: {message}")]
    Db { doing: &'static str, database: String, message: String },

    /// The lock file could not be read or written.
    #[error("cannot {action} the lock file `{}`", path.display())]
    LockFile {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Whether the settings are to blame (exit code 2; nothing was changed).
impl pg::report::Classify for Error {
    fn is_bad_input(&self) -> bool {
        match self {
            Error::Missing { .. }
            | Error::BadServer { .. }
            | Error::NulByte { .. }
            | Error::ApplicationSchema { .. }
            | Error::BadDriver { .. }
            | Error::LoggedSecret { .. } => true,
            Error::Apply { .. } | Error::Db { .. } | Error::LockFile { .. } => false,
        }
    }
}

fn names(vars: &[&'static str]) -> String {
    vars.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}
