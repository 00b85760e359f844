//! devdb against real servers: local clusters and containers.

use std::time::Duration;

use devdb::{Backend, Server, ServerOptions, TemplateSpec, TestDb};

async fn select_one(target: &pg::Target) -> i32 {
    let conn = pg::connect(target, "devdb test").await.expect("connect");
    conn.query_one("SELECT 1", &[]).await.expect("select").get(0)
}

/// A local server's directory and its postmaster's pid (first line of `postmaster.pid`).
fn dir_and_pid(server: &Server) -> (std::path::PathBuf, u32) {
    let log = server.log_path().expect("local servers log to a file");
    let dir = log.parent().expect("server dir").to_path_buf();
    let pid = std::fs::read_to_string(dir.join("data/postmaster.pid"))
        .expect("pid file")
        .lines()
        .next()
        .and_then(|l| l.parse().ok())
        .expect("pid");
    (dir, pid)
}

fn pid_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default().contains(") Z")
}

#[tokio::test(flavor = "multi_thread")]
async fn local_server_starts_answers_and_leaves_nothing_behind() {
    if devdb::Binaries::find().is_err() {
        assert!(!pg::vars::in_ci(), "CI must have PostgreSQL server binaries");
        eprintln!("SKIP: no PostgreSQL server binaries");
        return;
    }
    let server =
        Server::start(&ServerOptions { backend: Backend::Local, ..ServerOptions::default() })
            .await
            .expect("start");
    assert_eq!(server.backend(), "local");
    assert_eq!(select_one(server.target()).await, 1);
    assert!(devdb::is_devdb_server(server.target()).await.expect("mark"), "local server unmarked");
    // The mark cannot be forged from a URL: a session may not set `cluster_name`.
    let url = server.target().url_with_password();
    let sep = if url.contains('?') { '&' } else { '?' };
    let forged = format!("{url}{sep}options=-c%20cluster_name%3Dgwells-devdb");
    let forged = pg::Target::parse(&forged, pg::Source::Flag).expect("parse");
    let message = match pg::connect(&forged, "devdb test").await {
        Err(pg::Error::Connect { source, .. }) => {
            source.inner().as_db_error().map(|d| d.message().to_string()).unwrap_or_default()
        }
        other => panic!("the server did not refuse the session: {:?}", other.err()),
    };
    assert!(message.contains("cluster_name"), "{message}");
    let (dir, pid) = dir_and_pid(&server);
    assert!(pid_alive(pid));
    server.stop().await;
    assert!(!pid_alive(pid), "postmaster {pid} survived stop");
    assert!(!dir.exists(), "{} survived stop", dir.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn container_server_starts_answers_and_leaves_nothing_behind() {
    let options = ServerOptions { backend: Backend::Docker, ..ServerOptions::default() };
    let server = match Server::start(&options).await {
        Ok(s) => s,
        Err(e @ (devdb::Error::NoDocker(_) | devdb::Error::MissingImage { .. })) => {
            assert!(!pg::vars::in_ci(), "CI must run the container tests: {e}");
            eprintln!("SKIP container test: {e}");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    assert_eq!(server.backend(), "docker");
    assert_eq!(select_one(server.target()).await, 1);
    assert!(devdb::is_devdb_server(server.target()).await.expect("mark"), "container unmarked");
    let host = server.target().to_string();
    assert!(host.contains("@127.0.0.1:"), "{host}");
    assert!(
        !host.contains(server.target().password().expect("pw").expose()),
        "password shown: {host}"
    );
    let id = server.container_id().expect("id").to_string();
    server.stop().await;
    let left = duct::cmd!("docker", "ps", "-a", "-q", "--filter", format!("id={id}"))
        .read()
        .expect("docker ps");
    assert!(left.trim().is_empty(), "container {id} left behind");
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_image_fails_fast_with_a_hint() {
    let options = ServerOptions {
        backend: Backend::Docker,
        image: "gwells-db/no-such-image:0".into(),
        ..ServerOptions::default()
    };
    match Server::start(&options).await {
        Err(devdb::Error::NoDocker(e)) => {
            assert!(!pg::vars::in_ci(), "CI must have Docker: {e}");
            eprintln!("SKIP: no Docker daemon ({e})");
        }
        Err(e @ devdb::Error::MissingImage { .. }) => {
            let text = e.to_string();
            assert!(text.contains("gwells-db/no-such-image:0"), "{text}");
            assert!(text.contains("hint: run `scripts/build-pg-image.sh`"), "{text}");
        }
        Err(e) => panic!("unexpected error: {e}"),
        Ok(_) => panic!("an image that does not exist started"),
    }
}

#[test]
fn unknown_backend_and_missing_binaries_explain_themselves() {
    let err = "podman".parse::<Backend>().expect_err("unknown backend");
    assert_eq!(
        err.to_string(),
        "unknown backend `podman`: expected `local`, `docker` or `auto`\nhint: set `--backend` or `GWELLS_DEVDB_BACKEND` to one of them"
    );
    let err = devdb::Binaries::find_in(&[std::env::temp_dir()]).expect_err("no binaries in /tmp");
    let text = err.to_string();
    assert!(text.starts_with("no PostgreSQL server binaries found"), "{text}");
    assert!(text.contains("hint: run `scripts/install-postgres.sh`"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_test_databases_are_isolated() {
    let mut dbs = Vec::new();
    for i in 0..4 {
        let Some(db) = TestDb::empty(&format!("isolated_{i}")).await else { return };
        dbs.push(db);
    }
    let tasks: Vec<_> = dbs
        .iter()
        .enumerate()
        .map(|(i, db)| {
            let target = db.target().clone();
            tokio::spawn(async move {
                let conn = pg::connect(&target, "devdb test").await.expect("connect");
                conn.batch_execute(&format!("CREATE TABLE only_in_{i} (x int)"))
                    .await
                    .expect("create");
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    for (i, db) in dbs.iter().enumerate() {
        let conn = pg::connect(db.target(), "devdb test").await.expect("connect");
        let tables: Vec<String> = conn
            .query(
                "SELECT tablename::text FROM pg_tables WHERE tablename LIKE 'only_in_%' ORDER BY 1",
                &[],
            )
            .await
            .expect("list")
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(tables, vec![format!("only_in_{i}")]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clone_has_the_templates_contents_and_the_template_is_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("seed.sql"), format!("-- {}", std::process::id()))
        .expect("write");
    let spec = TemplateSpec {
        label: "devdb-test".into(),
        inputs: vec![dir.path().into()],
        extra: String::new(),
    };
    let build = |target: pg::Target| async move {
        let conn = pg::connect(&target, "devdb test").await?;
        conn.batch_execute(
            "CREATE TABLE seeded (v text); INSERT INTO seeded VALUES ('from the template')",
        )
        .await?;
        Ok(())
    };
    let Some(db) = TestDb::from_template("clone_contents", &spec, build).await else { return };
    let conn = pg::connect(db.target(), "devdb test").await.expect("connect");
    let v: String = conn.query_one("SELECT v FROM seeded", &[]).await.expect("row").get(0);
    assert_eq!(v, "from the template");
    // A second clone reuses the template without building (the closure would panic).
    let again = TestDb::from_template("clone_again", &spec, |_t| async {
        panic!("rebuilt a current template")
    })
    .await;
    assert!(again.is_some());
    let admin = pg::connect(db.admin(), "devdb test").await.expect("connect");
    let row = admin
        .query_one(
            "SELECT datistemplate, datallowconn FROM pg_database WHERE datname LIKE 'gwells_tpl_devdb_test_%'",
            &[],
        )
        .await
        .expect("template row");
    assert_eq!((row.get::<_, bool>(0), row.get::<_, bool>(1)), (true, false));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_whose_owner_was_killed_is_reaped_by_the_next_start() {
    if devdb::Binaries::find().is_err() {
        assert!(!pg::vars::in_ci(), "CI must have PostgreSQL server binaries");
        return;
    }
    // Unchecked: its exit by SIGKILL below is the point, not an error.
    let owner = duct::cmd!("sleep", "600").unchecked().start().expect("spawn owner");
    let owner_pid = owner.pids()[0];
    let options = ServerOptions { backend: Backend::Local, owner_pid, ..ServerOptions::default() };
    let orphan = Server::start(&options).await.expect("start");
    let (dir, pid) = dir_and_pid(&orphan);
    // The handle would stop it on drop; an owner killed with -9 never gets that far.
    std::mem::forget(orphan);
    owner.kill().expect("kill -9"); // duct's kill is SIGKILL
    owner.wait().expect("reap owner");
    assert!(pid_alive(pid), "the orphan must still run before the next start");
    let next =
        Server::start(&ServerOptions { backend: Backend::Local, ..ServerOptions::default() })
            .await
            .expect("next start");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while pid_alive(pid) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!pid_alive(pid), "orphaned postmaster {pid} was not reaped");
    assert!(!dir.exists(), "orphan's directory {} was not removed", dir.display());
    next.stop().await;
}
