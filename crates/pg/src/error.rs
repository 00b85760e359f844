use std::time::Duration;

use crate::report::{Failed, ServerError};

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
    #[error("cannot connect to {target}")]
    Connect {
        target: String,
        #[source]
        source: ServerError,
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

    /// A statement failed; it says what it was for ("taking the gwells-db lock").
    #[error(transparent)]
    Db(#[from] Failed),
}

/// Whether the input is to blame (exit code 2): a URL, a variable or a TLS root file that is
/// wrong. A server that is down, refuses the login or times out is not.
impl crate::report::Classify for Error {
    fn is_bad_input(&self) -> bool {
        match self {
            Error::BadUrl { .. }
            | Error::AtInUserInfo { .. }
            | Error::Incomplete { .. }
            | Error::BadVar { .. }
            | Error::RootCert { .. } => true,
            Error::Connect { .. }
            | Error::Tls { .. }
            | Error::NotReady { .. }
            | Error::LockTimeout { .. }
            | Error::Db(_) => false,
        }
    }
}
