use std::time::Duration;

/// Everything that can go wrong in the shared plumbing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A connection URL or connection string did not parse. `origin` names the flag or variable.
    #[error("`{origin}` is not a valid PostgreSQL URL: {reason}")]
    BadUrl { origin: String, reason: String },

    /// A URL whose user-info holds an `@` that is not percent-encoded: nothing of it is shown,
    /// since the parser would take the tail of the password for the host.
    #[error(
        "`{origin}` is not a valid PostgreSQL URL: its user name or password holds an unencoded `@`\nhint: percent-encode `@` as `%40` in the user name and password (`p@ss` is written `p%40ss`)"
    )]
    AtInUserInfo { origin: String },

    /// Some of a group of variables were set and others were not.
    #[error("incomplete database settings: {missing} must be set together with {present}")]
    Incomplete { missing: String, present: String },

    /// A variable held a value outside what it allows.
    #[error("`{var}` has an invalid value: {reason}")]
    BadVar { var: String, reason: String },

    /// The server could not be reached or refused the login.
    #[error("cannot connect to {target}: {source}")]
    Connect {
        target: String,
        #[source]
        source: tokio_postgres::Error,
    },

    /// The TLS roots (`sslrootcert`, or the system's) could not be used.
    #[error("cannot use the TLS roots `{roots}` (sslrootcert): {reason}")]
    RootCert { roots: String, reason: String },

    /// The TLS handshake failed for a reason the options explain (an untrusted certificate, a
    /// server without TLS under `sslmode=require`).
    #[error("cannot connect to {target}: {reason}")]
    Tls { target: String, reason: String },

    /// The server did not accept a connection before the deadline of a wait.
    /// The last attempt's error is the source.
    #[error("{target} did not accept connections within {seconds:.1} s ({attempts} attempts)")]
    NotReady {
        target: String,
        seconds: f64,
        attempts: u32,
        #[source]
        last: Box<Error>,
    },

    /// Another session held the tool's advisory lock for longer than the timeout.
    #[error(
        "timed out after {waited:?} waiting for the gwells-db lock on `{database}`; held by {holder}"
    )]
    LockTimeout { database: String, waited: Duration, holder: String },

    /// Any other database error.
    #[error(transparent)]
    Db(#[from] tokio_postgres::Error),
}

/// A server error in one line: its message, then its SQLSTATE and its detail — or, without a
/// detail, the first line of where it happened (inside a function); any other error (a lost
/// connection, ...) as tokio-postgres words it.
pub fn describe(err: &tokio_postgres::Error) -> String {
    let Some(e) = err.as_db_error() else { return err.to_string() };
    let code = e.code().code();
    match (e.detail(), e.where_()) {
        (Some(detail), _) => format!("{} ({code}; {detail})", e.message()),
        (None, Some(at)) => {
            format!("{} ({code}; at {})", e.message(), at.lines().next().unwrap_or(""))
        }
        (None, None) => format!("{} ({code})", e.message()),
    }
}
