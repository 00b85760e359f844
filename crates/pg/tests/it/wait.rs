//! `wait_ready`: a server that starts late is waited for; nothing at all fails at the deadline.

use std::time::{Duration, Instant};

use devdb::{Backend, Server, ServerOptions};
use pg::{Source, Target};

use crate::{chain, have_server_binaries};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Forwards every connection to `listen` to `to`, from the moment it is called.
async fn forward(listen: u16, to: u16) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", listen)).await.expect("bind");
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(("127.0.0.1", to)).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_starts_later_is_waited_for() {
    if !have_server_binaries("a_server_that_starts_later_is_waited_for") {
        return;
    }
    let port = free_port();
    let target =
        Target::parse(&format!("postgres://postgres@127.0.0.1:{port}/postgres"), Source::Flag)
            .expect("url");
    let waiting = tokio::spawn(async move {
        let mut failures = Vec::new();
        let waited =
            pg::wait_ready(&target, Duration::from_secs(60), |p| failures.push(chain(p.error)))
                .await;
        (waited, failures)
    });
    // Nothing listens for ~3 s; then the port leads to a server started now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let server =
        Server::start(&ServerOptions { backend: Backend::Local, ..ServerOptions::default() })
            .await
            .expect("start");
    forward(port, server.target().config().get_ports()[0]).await;
    let (waited, failures) = waiting.await.expect("join");
    let waited = waited.expect("the server accepted a connection in time");
    assert!(waited >= Duration::from_secs(3), "{waited:?}");
    assert!(failures.len() >= 3, "{failures:?}");
    assert!(failures.iter().all(|f| f.contains("Connection refused")), "{failures:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_listening_fails_at_the_deadline_with_the_last_error() {
    let port = free_port();
    let target =
        Target::parse(&format!("postgres://postgres@127.0.0.1:{port}/postgres"), Source::Flag)
            .expect("url");
    let started = Instant::now();
    let mut attempts = 0;
    let err = pg::wait_ready(&target, Duration::from_secs(2), |_| attempts += 1)
        .await
        .expect_err("nothing listens");
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(2) && took < Duration::from_secs(4), "{took:?}");
    let text = chain(&err);
    assert!(
        text.starts_with(&format!(
            "postgres://postgres@127.0.0.1:{port}/postgres did not accept connections within 2."
        )),
        "{text}"
    );
    assert!(
        text.contains(" attempts): cannot connect to ") && text.contains("Connection refused"),
        "{text}"
    );
    assert!(attempts >= 3, "{attempts}");
}

#[tokio::test(flavor = "multi_thread")]
async fn what_waiting_cannot_cure_fails_at_once() {
    if !have_server_binaries("what_waiting_cannot_cure_fails_at_once") {
        return;
    }
    let server =
        Server::start(&ServerOptions { backend: Backend::Local, ..ServerOptions::default() })
            .await
            .expect("start");
    let missing = server.target().with_dbname("no_such_database");
    let started = Instant::now();
    let err = pg::wait_ready(&missing, Duration::from_secs(30), |_| {})
        .await
        .expect_err("no such database");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(chain(&err).contains("does not exist"), "{}", chain(&err));
}
