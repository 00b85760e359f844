//! Stopping at a safe point: a [`Stop`] request, and cancelling the statements this process has
//! in flight on the server, as psql does on Ctrl-C.
//!
//! Every connection made by [`connect`](crate::connect) registers its cancel key here for as long
//! as its connection task runs. [`cancel_running`] asks the server to cancel whatever each open
//! session is executing: the statement fails with SQLSTATE 57014 and its transaction is rolled
//! back by the code that owns it, exactly as on any other error; a session that is idle ignores
//! the request. The registry is process-wide because a signal is: the sessions belong to crates
//! that know nothing about signals.
//!
//! It deliberately does not decide when or where to stop: a caller that owns a long operation
//! checks its [`Stop`] between steps and runs each step under [`finish_or_cancel`].

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio_postgres::CancelToken;
use tokio_postgres_rustls::MakeRustlsConnect;

/// A request to stop at the next safe point, shared (by cloning) between whoever asks — a signal
/// handler — and whoever checks. The default is never requested unless some clone asks.
#[derive(Clone, Debug)]
pub struct Stop(Arc<watch::Sender<bool>>);

impl Default for Stop {
    fn default() -> Self {
        Stop(Arc::new(watch::Sender::new(false)))
    }
}

impl Stop {
    /// A request nobody has made yet.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Asks every holder of a clone to stop.
    pub fn request(&self) {
        self.0.send_replace(true);
    }

    /// Whether a stop was requested.
    pub fn is_requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once a stop is requested (at once if it already was).
    pub async fn requested(&self) {
        let mut rx = self.0.subscribe();
        // The sender lives in `self`, so `wait_for` cannot fail while this future exists.
        let _ = rx.wait_for(|stop| *stop).await;
    }
}

/// How often [`finish_or_cancel`] repeats its cancel requests: one that reaches a session between
/// two statements cancels nothing.
const CANCEL_EVERY: Duration = Duration::from_millis(50);

/// Runs `step` to its end. If `stop` is requested meanwhile, asks the server to cancel the
/// statements this process is running ([`cancel_running`]), again every 50 ms until the step
/// ends, so the step fails at its next statement and rolls its transaction back — or finishes,
/// if it was past its last one. Either way the step's own code has run to completion when this
/// returns: nothing is left executing on the server.
pub async fn finish_or_cancel<F: Future>(stop: &Stop, step: F) -> F::Output {
    tokio::pin!(step);
    tokio::select! {
        out = &mut step => return out,
        () = stop.requested() => {}
    }
    loop {
        // The step keeps running while the requests go out; they are all sent before this
        // returns, so none reaches a later statement of whoever continues.
        let cancels = cancel_running();
        tokio::pin!(cancels);
        tokio::select! {
            out = &mut step => {
                cancels.await;
                return out;
            }
            _ = &mut cancels => {}
        }
        tokio::select! {
            out = &mut step => return out,
            () = tokio::time::sleep(CANCEL_EVERY) => {}
        }
    }
}

/// Asks the server to cancel the statement each session of this process is running; returns
/// how many requests were delivered. A session that is idle ignores it.
pub async fn cancel_running() -> usize {
    let tokens: Vec<(CancelToken, MakeRustlsConnect)> =
        OPEN.lock().map(|open| open.values().cloned().collect()).unwrap_or_default();
    let sent = futures_util::future::join_all(
        tokens.into_iter().map(|(t, tls)| async move { t.cancel_query(tls).await }),
    )
    .await;
    sent.iter().filter(|r| r.is_ok()).count()
}

/// The cancel keys of the open sessions and the connector each came through, by registration
/// number.
static OPEN: Mutex<BTreeMap<u64, (CancelToken, MakeRustlsConnect)>> = Mutex::new(BTreeMap::new());

/// A session's entry in the registry, removed when dropped (by its connection task, as it ends).
pub(crate) struct Registered(u64);

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut open) = OPEN.lock() {
            open.remove(&self.0);
        }
    }
}

/// Records the cancel key of a session that has just connected.
pub(crate) fn register(token: CancelToken, tls: MakeRustlsConnect) -> Registered {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut open) = OPEN.lock() {
        open.insert(id, (token, tls));
    }
    Registered(id)
}
