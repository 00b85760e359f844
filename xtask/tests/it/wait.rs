//! `--wait`: a command waits for a database that starts accepting connections later, and fails
//! at the deadline with the last error when nothing ever does.

use std::time::{Duration, Instant};

use devdb::{Backend, Server, ServerOptions};

use crate::support::{output, text, xtask};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

#[test]
fn wait_fails_at_the_deadline_with_the_last_error() {
    let port = free_port();
    let started = Instant::now();
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let args = ["--wait", "2", "showmigrations"];
    let out = output(&xtask(args, &[(pg::vars::DATABASE_URL, &url)])).expect("run xtask");
    let took = started.elapsed();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(took >= Duration::from_secs(2) && took < Duration::from_secs(6), "{took:?}");
    assert!(stderr.contains("waiting for the database ("), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: postgres://postgres@127.0.0.1:{port}/postgres did not accept connections within 2."
        )) && stderr.contains("Connection refused"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_outlasts_a_server_that_starts_later() {
    if devdb::Binaries::find().is_err() {
        assert!(!pg::vars::in_ci(), "CI must have PostgreSQL server binaries");
        return;
    }
    let port = free_port();
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let args = ["--wait", "60", "--connect-timeout", "5", "showmigrations"];
    let child = xtask(args, &[(pg::vars::DATABASE_URL, &url)])
        .stdout_capture()
        .stderr_capture()
        .unchecked()
        .start()
        .expect("spawn xtask");
    // Nothing listens for ~3 s; then the port leads to a server started now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let server =
        Server::start(&ServerOptions { backend: Backend::Local, ..ServerOptions::default() })
            .await
            .expect("start");
    let to = server.target().config().get_ports()[0];
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(("127.0.0.1", to)).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    let out = tokio::task::spawn_blocking(move || child.into_output())
        .await
        .expect("join")
        .expect("xtask output");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("): error connecting to server: Connection refused (os error 111)"),
        "{stderr}"
    );
    assert!(stderr.contains("database accepts connections after "), "{stderr}");
    assert!(text(&out.stdout).contains("[ ]"), "showmigrations lists migrations");
}
