//! SIGINT and SIGTERM for the commands that change a database (`reset`, `replicate`).
//!
//! Kubernetes stops a pod with SIGTERM, a terminal with SIGINT. Once [`Interrupt::install`] has
//! run, the first of either no longer ends the process: it requests the command's [`pg::Stop`],
//! the command stops at its next safe point (the step in flight rolls back or finishes, the
//! maintenance marker is cleared, the lock released), prints one line saying what state the
//! database is in, and exits 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM. A
//! second signal exits at once, as the default would.
//!
//! It does not know what a safe point is: the crates do (`reset::run`, `pg::finish_or_cancel`).

use std::process::ExitCode;
use std::sync::{Arc, OnceLock};

use anyhow::Context;
use tokio::signal::unix::{SignalKind, signal};

use crate::ctx::say;

/// The signals handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    Int,
    Term,
}

impl Signal {
    fn name(self) -> &'static str {
        match self {
            Signal::Int => "SIGINT",
            Signal::Term => "SIGTERM",
        }
    }

    fn number(self) -> u8 {
        match self {
            Signal::Int => 2,
            Signal::Term => 15,
        }
    }

    /// 128 + the signal's number, as a shell reports a process the signal ended: 130, 143.
    pub(crate) fn exit_code(self) -> ExitCode {
        ExitCode::from(128 + self.number())
    }
}

/// The handlers of one command: the stop they request and the signal that requested it.
pub(crate) struct Interrupt {
    stop: pg::Stop,
    received: Arc<OnceLock<Signal>>,
}

impl Interrupt {
    /// Installs the handlers for `command` (named in the line printed when a signal arrives).
    pub(crate) fn install(command: &'static str) -> anyhow::Result<Interrupt> {
        let mut int = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
        let mut term = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
        let stop = pg::Stop::new();
        let received = Arc::new(OnceLock::new());
        let (task_stop, task_received) = (stop.clone(), Arc::clone(&received));
        tokio::spawn(async move {
            loop {
                let signal = tokio::select! {
                    Some(()) = int.recv() => Signal::Int,
                    Some(()) = term.recv() => Signal::Term,
                    else => return,
                };
                if task_received.set(signal).is_err() {
                    say(&format!("{command}: {}: a second signal, exiting at once", signal.name()));
                    std::process::exit(i32::from(128 + signal.number()));
                }
                say(&format!(
                    "{command}: {} received: stopping at the next safe point (a second signal exits at once)",
                    signal.name()
                ));
                task_stop.request();
            }
        });
        Ok(Interrupt { stop, received })
    }

    /// The stop the handlers request.
    pub(crate) fn stop(&self) -> &pg::Stop {
        &self.stop
    }

    /// The first signal received, if any.
    pub(crate) fn received(&self) -> Option<Signal> {
        self.received.get().copied()
    }

    /// Prints `line` (what state the database is in) and returns the exit code of `signal`.
    pub(crate) fn exit(signal: Signal, line: &str) -> ExitCode {
        say(&format!("interrupted by {}: {}", signal.name(), pg::mask_url(line)));
        signal.exit_code()
    }
}

/// The end of an interrupted `replicate`: the run is one transaction, so either it committed
/// (`committed`) or the database holds what it held before.
pub(crate) fn replicated(signal: Signal, database: &str, committed: bool) -> ExitCode {
    let line = if committed {
        format!("replication committed before it could stop: `{database}` holds the new data")
    } else {
        format!("replication rolled back: `{database}` holds the data it had before")
    };
    Interrupt::exit(signal, &line)
}
