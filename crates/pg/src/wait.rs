//! Waiting for a database to accept connections, as an init container does before `migrate`.
//!
//! Only what passes with time is retried: nothing listening yet (refused, no socket file), a
//! name not yet in DNS, an attempt timing out, a server still starting (SQLSTATE 57P03). A wrong
//! password, a missing database or an untrusted certificate fails at once: waiting would not
//! change it.

use std::time::{Duration, Instant};

use crate::{Error, Result, Target};

/// One failed attempt of [`wait_ready`], for the caller's progress line.
#[derive(Debug)]
pub struct WaitProgress<'a> {
    /// Attempts made so far.
    pub attempt: u32,
    /// Time left before the deadline.
    pub remaining: Duration,
    /// Why the last attempt failed.
    pub error: &'a Error,
}

/// The first pause between attempts, doubled after each, up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const MAX_PAUSE: Duration = Duration::from_secs(1);

/// Connects to `target` until it accepts a session or `timeout` has passed, calling `progress`
/// after each failed attempt that will be retried. Returns how long it took; at the deadline,
/// [`Error::NotReady`] with the last attempt's error. An error that waiting cannot cure is
/// returned as it is, at once.
pub async fn wait_ready(
    target: &Target,
    timeout: Duration,
    mut progress: impl FnMut(&WaitProgress<'_>),
) -> Result<Duration> {
    let start = Instant::now();
    let deadline = start + timeout;
    let mut pause = FIRST_PAUSE;
    let mut attempt = 0;
    loop {
        attempt += 1;
        // No attempt outlives the deadline by more than a moment.
        let left = deadline.saturating_duration_since(Instant::now()).max(FIRST_PAUSE);
        let limit = target.connect_timeout().min(left);
        let error = match crate::conn::connect_within(target, "gwells-db wait", limit).await {
            Ok(_conn) => return Ok(start.elapsed()),
            Err(e) if retryable(&e) => e,
            Err(e) => return Err(e),
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(Error::NotReady {
                target: target.to_string(),
                seconds: start.elapsed().as_secs_f64(),
                attempts: attempt,
                last: Box::new(error),
            });
        }
        progress(&WaitProgress { attempt, remaining, error: &error });
        tokio::time::sleep(pause.min(remaining)).await;
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

/// Whether waiting may cure `err`.
pub(crate) fn retryable(err: &Error) -> bool {
    let Error::Connect { source, .. } = err else { return false };
    let source = source.inner();
    if let Some(db) = source.as_db_error() {
        return *db.code() == tokio_postgres::error::SqlState::CANNOT_CONNECT_NOW;
    }
    use std::error::Error as _;
    let mut cause = source.source();
    while let Some(e) = cause {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            // DNS failures come as `Other`/`Uncategorized` with getaddrinfo's words.
            let dns = io.to_string().contains("lookup address");
            return dns
                || matches!(
                    io.kind(),
                    ConnectionRefused
                        | NotFound
                        | TimedOut
                        | ConnectionReset
                        | ConnectionAborted
                        | AddrNotAvailable
                        | UnexpectedEof
                );
        }
        cause = e.source();
    }
    // tokio-postgres's own time limit and a socket closed mid-start-up carry no io error.
    let text = source.to_string();
    text.contains("timeout") || text.contains("timed out") || text.contains("connection closed")
}
