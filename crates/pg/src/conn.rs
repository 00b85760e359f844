//! Connections whose NOTICEs are kept.
//!
//! tokio-postgres hands server notices to whoever polls the connection; the default spawn
//! pattern drops them. Replication reports its per-table counts through `RAISE NOTICE`, so every
//! connection made here forwards them into a channel the caller can drain or stream.

use std::ops::{Deref, DerefMut};

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_postgres::AsyncMessage;

use crate::{Error, Result, Target};

/// A server NOTICE (or WARNING, INFO, ...): severity and message text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// `NOTICE`, `WARNING`, `INFO`, ...
    pub(crate) severity: String,
    /// The message text.
    pub message: String,
}

/// A client plus the notices its server sent.
pub struct Conn {
    client: tokio_postgres::Client,
    notices: mpsc::UnboundedReceiver<Notice>,
}

/// Connects to `target`, naming the session `application_name` in `pg_stat_activity`.
pub async fn connect(target: &Target, application_name: &str) -> Result<Conn> {
    connect_within(target, application_name, target.connect_timeout()).await
}

/// [`connect`] with another limit for the attempt (a wait's last one ends at its deadline).
pub(crate) async fn connect_within(
    target: &Target,
    application_name: &str,
    timeout: std::time::Duration,
) -> Result<Conn> {
    let mut config = target.config().clone();
    config.application_name(application_name);
    config.connect_timeout(timeout);
    let tls = target.tls_connector()?;
    let (client, mut connection) =
        config.connect(tls.clone()).await.map_err(|source| connect_error(target, source))?;
    let (tx, notices) = mpsc::unbounded_channel();
    // Cancel requests go the way the session went: over TLS when it did.
    let registered = crate::cancel::register(client.cancel_token(), tls);
    // The task ends by itself once the client is dropped and the socket closes.
    tokio::spawn(async move {
        // The session can be cancelled (`cancel_running`) as long as it is open.
        let _registered = registered;
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notice(n)) => {
                    let notice = Notice {
                        severity: n.severity().to_string(),
                        message: n.message().to_string(),
                    };
                    // The receiver may be gone; notices are then simply not wanted.
                    let _ = tx.send(notice);
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
    });
    Ok(Conn { client, notices })
}

/// A failed connection, worded for the TLS options when the failure is TLS's.
fn connect_error(target: &Target, source: tokio_postgres::Error) -> Error {
    match crate::tls::explain(&source, target.tls_options(), &target.first_host()) {
        Some(reason) => Error::Tls { target: target.to_string(), reason },
        None => Error::Connect { target: target.to_string(), source: source.into() },
    }
}

impl Conn {
    /// Splits the connection into the client and the notice stream, so one task can run a
    /// long statement while another reports its notices as they arrive.
    pub fn split(self) -> (tokio_postgres::Client, mpsc::UnboundedReceiver<Notice>) {
        (self.client, self.notices)
    }

    /// The server's backend pid for this session.
    pub async fn backend_pid(&self) -> Result<i32> {
        let row = self
            .client
            .query_one("SELECT pg_backend_pid()", &[])
            .await
            .map_err(crate::report::doing("reading the session's backend pid"))?;
        Ok(row.get(0))
    }
}

impl Deref for Conn {
    type Target = tokio_postgres::Client;
    fn deref(&self) -> &Self::Target {
        &self.client
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.client
    }
}
