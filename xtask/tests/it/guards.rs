//! The reset guard and the URL rules, judged by what is true (issue 14, items 4, 7, 8, 10): a
//! server the tool did not start is not reset without `--confirm`, however local it looks;
//! `hostaddr` is where a connection goes and the banner says so; an FDW schema is never an
//! application schema; a URL with an unencoded `@` shows nothing of its user-info.

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::support::{database, fingerprint, output, run, text, xtask};

/// A plain PostgreSQL server on a free loopback port, started the way an operator would: no
/// `cluster_name` mark. Stopped and removed on drop.
struct Plain {
    server: duct::Handle,
    dir: tempfile::TempDir,
    port: u16,
}

impl Plain {
    /// Starts one, or `None` (with a loud SKIP, a failure under `CI`) without server binaries.
    #[allow(clippy::print_stderr)]
    fn start() -> Option<Plain> {
        let bins = match devdb::Binaries::find() {
            Ok(bins) => bins,
            Err(e) if pg::vars::in_ci() => {
                panic!("CI is set but there are no server binaries: {e}")
            }
            Err(e) => {
                eprintln!("SKIP: a plain server needs PostgreSQL server binaries: {e}");
                return None;
            }
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let ids = postgres_ids();
        if let Some((uid, gid)) = ids {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).expect("chown");
        }
        let data = dir.path().join("data");
        let initdb = duct::cmd!(
            bins.bindir.join("initdb"),
            "-D",
            &data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync"
        );
        let out = as_postgres(initdb, ids)
            .stdout_capture()
            .stderr_capture()
            .unchecked()
            .run()
            .expect("initdb");
        assert!(out.status.success(), "initdb: {}", text(&out.stderr));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log");
        let postgres = duct::cmd!(
            bins.bindir.join("postgres"),
            "-D",
            &data,
            "-p",
            port.to_string(),
            "-k",
            dir.path(),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off"
        );
        let server = as_postgres(postgres, ids)
            .stdout_file(log.try_clone().expect("log"))
            .stderr_file(log)
            .unchecked()
            .start()
            .expect("postgres");
        Some(Plain { server, dir, port })
    }

    /// The superuser's target for `dbname` over TCP.
    fn target(&self, dbname: &str) -> pg::Target {
        let url = format!("postgres://postgres@127.0.0.1:{}/{dbname}", self.port);
        pg::Target::parse(&url, pg::Source::Flag).expect("url")
    }

    /// The socket directory.
    fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Waits until it accepts connections (bounded: a server that never starts fails the test).
    async fn ready(&self) {
        let started = Instant::now();
        while pg::connect(&self.target("postgres"), "guards test").await.is_err() {
            let log = std::fs::read_to_string(self.dir.path().join("server.log"));
            assert!(started.elapsed() < Duration::from_secs(60), "not ready: {log:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Plain {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// The `postgres` user's ids when running as root (PostgreSQL refuses root).
fn postgres_ids() -> Option<(u32, u32)> {
    let id =
        |args: &[&str]| -> Option<u32> { duct::cmd("id", args).read().ok()?.trim().parse().ok() };
    if id(&["-u"])? != 0 {
        return None;
    }
    Some((id(&["-u", "postgres"]).expect("a postgres user"), id(&["-g", "postgres"])?))
}

fn as_postgres(expr: duct::Expression, ids: Option<(u32, u32)>) -> duct::Expression {
    use std::os::unix::process::CommandExt;
    let Some((uid, gid)) = ids else { return expr };
    expr.before_spawn(move |cmd| {
        cmd.uid(uid).gid(gid);
        Ok(())
    })
}

/// `reset` with `env` as the only target setting.
fn reset(env: &[(&str, String)], extra: &[&str]) -> Output {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    output(&xtask(["reset"].iter().chain(extra), &env)).expect("run xtask")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unmarked_server_on_this_machine_is_not_reset_without_confirm() {
    let Some(server) = Plain::start() else { return };
    server.ready().await;
    let admin = pg::connect(&server.target("postgres"), "guards test").await.expect("connect");
    admin.batch_execute("CREATE DATABASE gwells_guard").await.expect("create database");
    let target = server.target("gwells_guard");
    let conn = pg::connect(&target, "guards test").await.expect("connect");
    conn.batch_execute("CREATE TABLE public.keep (x int); INSERT INTO public.keep VALUES (1)")
        .await
        .expect("seed");
    let before = fingerprint(&target).await;

    let port = server.port.to_string();
    let socket = server.socket_dir().display().to_string();
    let url = |s: &str| vec![("DATABASE_URL", s.to_string())];
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("loopback", url(&format!("postgres://postgres@127.0.0.1:{port}/gwells_guard"))),
        ("localhost", url(&format!("postgres://postgres@localhost:{port}/gwells_guard"))),
        (
            "unix socket",
            url(&format!("host={socket} port={port} user=postgres dbname=gwells_guard")),
        ),
        (
            "hostaddr beside a remote-looking host",
            url(&format!(
                "postgres://postgres@db.prod.invalid:{port}/gwells_guard?hostaddr=127.0.0.1"
            )),
        ),
        (
            // The database pod: its own variables resolve to localhost.
            "POSTGRESQL_* variables",
            vec![
                ("POSTGRESQL_USER", "postgres".into()),
                ("POSTGRESQL_PASSWORD", "unused-with-trust".into()),
                ("POSTGRESQL_DATABASE", "gwells_guard".into()),
                ("POSTGRESQL_SERVICE_PORT", port.clone()),
            ],
        ),
    ];
    for (name, env) in &cases {
        let out = reset(env, &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains("error: refusing to reset `gwells_guard`"), "{name}: {err}");
        assert!(err.contains("not started by this tool"), "{name}: {err}");
        assert!(err.contains("hint: pass `--confirm gwells_guard`"), "{name}: {err}");
        assert_eq!(fingerprint(&target).await, before, "{name}: the database changed");
    }
    // Item 7: the banner names the address dialled, not only the host beside it.
    let out = reset(&cases[3].1, &[]);
    let banner = text(&out.stderr).lines().next().unwrap_or_default().to_string();
    assert!(banner.contains(&format!("connects to 127.0.0.1:{port}")), "{banner}");

    // Confirmed, it resets, in place (no template path on a server the tool did not start).
    let out = reset(&cases[0].1, &["--confirm", "gwells_guard"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("reset: drop "), "{err}");
    let gone = conn
        .query_one("SELECT to_regclass('public.keep') IS NULL", &[])
        .await
        .expect("query")
        .get::<_, bool>(0);
    assert!(gone, "the confirmed reset kept `keep`");
}

fn fdw_env(schema: &str) -> Vec<(&'static str, String)> {
    vec![
        ("FDW_NAME", "wells_oradb".into()),
        ("FDW_FOREIGN_SERVER", "//nrk1-scan.example/envprod1".into()),
        ("FDW_USER", "proxy_wells_gwells".into()),
        ("FDW_PASS", "Planted-Fdw-S3cret".into()),
        ("FDW_FOREIGN_SCHEMA", "WELLS".into()),
        ("FDW_SCHEMA", schema.into()),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn an_fdw_schema_holding_application_tables_is_refused_before_anything_changes() {
    let Some(db) = database("guards_fdw_schema", false).await else { return };
    let conn = pg::connect(db.target(), "guards test").await.expect("connect");
    conn.batch_execute("CREATE SCHEMA archive; CREATE TABLE archive.old_well (id int)")
        .await
        .expect("seed");
    let before = fingerprint(db.target()).await;
    for args in [&["fdw", "setup"][..], &["reset"][..]] {
        let env = fdw_env("archive");
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = run(db.target(), args, &env);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("error: `FDW_SCHEMA` is `archive`"), "{args:?}: {err}");
        assert!(err.contains("hint: set `FDW_SCHEMA`"), "{args:?}: {err}");
        assert_eq!(fingerprint(db.target()).await, before, "{args:?}: the database changed");
    }
}

#[test]
fn a_url_with_an_unencoded_at_shows_nothing_of_its_user_info() {
    for args in [&["health", "--json"][..], &["health"][..], &["migrate", "--check"][..]] {
        let url = "postgres://postgres:Hunter@Secret2@db.example/gwells";
        let out = output(&xtask(args, &[("DATABASE_URL", url)])).expect("run xtask");
        let all = text(&out.stdout) + &text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {all}");
        assert!(all.contains("unencoded `@`") && all.contains("%40"), "{args:?}: {all}");
        for part in ["Hunter", "Secret2"] {
            assert!(!all.contains(part), "{args:?} shows `{part}`: {all}");
        }
    }
}
