//! A connection that fails is reported with its cause (issue 14 items 12 and 13): `health`, in
//! text and `--json`, says "password authentication failed", "does not exist" or "connection
//! refused" as `migrate` does; `reset` with a wrong password reports the authentication error and
//! never suggests restarting the dev server (which would delete its data).
//!
//! A wrong password needs a server that checks passwords: the test starts its own local server
//! and turns on `scram-sha-256` for TCP logins other than `postgres`.

use std::path::Path;
use std::process::Output;

use devdb::{Backend, Server, ServerOptions};

use crate::support::{output, text, xtask};

/// The role the test logs in as, with its right password.
const ROLE: &str = "gwells_causes";
const PASSWORD: &str = "Right-Pass-1";

/// A local server of this test's own where [`ROLE`] must give its password over TCP.
#[allow(clippy::print_stderr)] // a test that cannot run says so, loudly
async fn password_server() -> Option<Server> {
    let options = ServerOptions { backend: Backend::Local, ..ServerOptions::default() };
    let server = match Server::start(&options).await {
        Ok(s) => s,
        Err(e) if !pg::vars::in_ci() => {
            eprintln!("SKIP: no local PostgreSQL server ({e})");
            return None;
        }
        Err(e) => panic!("CI must be able to start a local server: {e}"),
    };
    let data = server.log_path().expect("a local server has a log").with_file_name("data");
    let hba = "local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n";
    std::fs::write(data.join("pg_hba.conf"), hba).expect("pg_hba.conf");
    let conn = pg::connect(server.target(), "xtask test").await.expect("connect");
    let role = pg::quote::ident(ROLE).expect("ident");
    let password = pg::quote::literal(PASSWORD).expect("literal");
    for sql in [
        format!("CREATE ROLE {role} LOGIN PASSWORD {password}"),
        format!("CREATE DATABASE {role} OWNER {role}"),
        "SELECT pg_reload_conf()".to_string(),
    ] {
        conn.batch_execute(&sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    Some(server)
}

/// `postgres://ROLE:password@host:port/ROLE` on `server`.
fn url(server: &Server, password: &str) -> String {
    url_of(server, password, ROLE)
}

fn url_of(server: &Server, password: &str, database: &str) -> String {
    let config = server.target().config();
    let port = config.get_ports().first().copied().expect("port");
    format!("postgres://{ROLE}:{password}@127.0.0.1:{port}/{database}")
}

fn with_url(args: &[&str], url: &str) -> Output {
    output(&xtask(args, &[(pg::vars::DATABASE_URL, url)])).expect("run xtask")
}

/// `health` and `health --json` both name `cause`, and exit 1.
fn health_says(url: &str, cause: &str) {
    let out = with_url(&["health"], url);
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains(cause), "health does not say `{cause}`:\n{said}");
    let out = with_url(&["health", "--json"], url);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("health --json");
    let reasons = json["reasons"].to_string();
    assert!(reasons.contains(&cause.replace('"', "\\\"")), "--json lacks `{cause}`: {reasons}");
}

#[tokio::test(flavor = "multi_thread")]
async fn health_names_the_cause_of_a_failed_connection() {
    let Some(server) = password_server().await else { return };
    // The right password answers: the server is sound, only the login differs.
    let out = with_url(&["health"], &url(&server, PASSWORD));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let auth = format!("password authentication failed for user \"{ROLE}\"");
    health_says(&url(&server, "Wrong-Pass-2"), &auth);
    health_says(&url_of(&server, PASSWORD, "no_such_db"), "database \"no_such_db\" does not exist");
    health_says("postgres://postgres@127.0.0.1:1/gwells", "Connection refused");
}

/// `dev.json` of a dev server in `dir` (as `db up` writes it) for `server`, so the child sees
/// `server` as the running dev server.
fn lease(dir: &Path, server: &Server) {
    let port = server.target().config().get_ports()[0];
    let lease = serde_json::json!({
        "record": {
            "id": "causes", "backend": "local", "pid": 0, "dir": dir, "port": port,
            "owner_pid": 0, "started_at": 0,
        },
        "url": format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        "version": server.version(),
    });
    std::fs::create_dir_all(dir.join("devdb")).expect("mkdir");
    std::fs::write(dir.join("devdb/dev.json"), lease.to_string()).expect("dev.json");
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_with_a_wrong_password_reports_it_and_suggests_no_restart() {
    let Some(server) = password_server().await else { return };
    let right = url(&server, PASSWORD);
    let target = pg::Target::parse(&right, pg::Source::DatabaseUrl).expect("url");
    let conn = pg::connect(&target, "xtask test").await.expect("connect");
    conn.batch_execute("CREATE TABLE canary (x int)").await.expect("canary");
    // The misreport came when the target is the dev server's host and port: a dev server lease
    // of this test's own says that `server` is the dev server.
    let dir = tempfile::tempdir().expect("tempdir");
    lease(dir.path(), &server);
    let wrong = url(&server, "Wrong-Pass-2");
    let target_dir = dir.path().to_str().expect("a UTF-8 path");
    let env = [(pg::vars::DATABASE_URL, wrong.as_str()), ("CARGO_TARGET_DIR", target_dir)];
    let out = output(&xtask(["reset"], &env)).expect("run xtask");
    let said = text(&out.stdout) + &text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains(&format!("password authentication failed for user \"{ROLE}\"")),
        "{said}"
    );
    assert!(!said.contains("predates") && !said.contains("db down"), "{said}");
    assert!(!said.contains("Wrong-Pass-2"), "the password is echoed:\n{said}");
    let left: bool = conn
        .query_one("SELECT to_regclass('canary') IS NOT NULL", &[])
        .await
        .expect("canary")
        .get(0);
    assert!(left, "the database changed:\n{said}");
}
