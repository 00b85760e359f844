//! The lifecycle operations in process, against real PostgreSQL: each test on its own database
//! cloned from a GWELLS template, or on a server of its own.

use std::collections::HashMap;
use std::path::PathBuf;

use lifecycle::{Folders, Settings, State};

fn folders() -> Folders {
    Folders {
        migrations: templates::migrations_dir(),
        codetables: devdb::workspace_root().join("codetables"),
    }
}

async fn scalar(db: &pg::Target, sql: &str) -> i64 {
    let conn = pg::connect(db, "lifecycle tests").await.unwrap_or_else(|e| panic!("{e}"));
    conn.query_one(sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn health_tells_live_from_ready_and_names_what_is_missing() {
    let Some(db) = templates::test_db("lc_health", templates::Contents::Migrated).await else {
        return;
    };
    let live = lifecycle::verdict(&lifecycle::health::observe(db.target(), None).await);
    assert_eq!(live.state, State::Healthy, "{live:?}");
    let ready =
        lifecycle::verdict(&lifecycle::health::observe(db.target(), Some(&folders())).await);
    assert_eq!(ready.state, State::Unhealthy, "{ready:?}");
    assert!(ready.reasons.iter().any(|r| r.contains("code tables not loaded")), "{ready:?}");

    let gone = db.target().with_dbname("lc_health_no_such_database");
    let started = std::time::Instant::now();
    let missing = lifecycle::verdict(&lifecycle::health::observe(&gone, None).await);
    assert_eq!(missing.state, State::Unhealthy);
    assert!(missing.reasons[0].contains("does not exist"), "{missing:?}");
    // A missing database is looked at again for the swap window, no longer.
    let waited = started.elapsed();
    assert!(waited >= lifecycle::health::SWAP_WINDOW, "{waited:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_composes_its_phases_from_the_settings_and_leaves_a_ready_database() {
    let Some(db) = templates::test_db("lc_reset", templates::Contents::Coded).await else { return };
    let t = db.target();
    let conn = pg::connect(t, "lifecycle tests").await.unwrap_or_else(|e| panic!("{e}"));
    conn.batch_execute("CREATE TABLE stray (id int); DELETE FROM well_status_code")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    drop(conn);
    let vars: HashMap<&str, &str> = [
        (pg::vars::DJANGO_ADMIN_USER, "lc-admin"),
        (pg::vars::DJANGO_ADMIN_PASSWORD, "Lc-S3cret-pass"),
        (pg::vars::DB_REPLICATE, "None"),
    ]
    .into();
    let env = |name: &str| vars.get(name).map(|v| v.to_string());
    let settings = Settings::for_reset(None, &env).unwrap_or_else(|e| panic!("{e}"));
    let throwaway = lifecycle::reset::is_throwaway(t).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(throwaway, "test servers carry the devdb mark");
    let spec = lifecycle::reset::ResetSpec {
        folders: folders(),
        settings,
        confirm: None,
        drop_fdw: false,
        cold: true,
        set_by: "lifecycle tests".into(),
        stop: pg::Stop::new(),
        template: None,
    };
    let mut seen = Vec::new();
    let reports = lifecycle::reset::reset(t, throwaway, spec, &mut |r| seen.push(r.name.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(seen, ["drop", "migrate", "codes", "admin"]);
    assert_eq!(reports.len(), 4);
    assert_eq!(scalar(t, "SELECT count(*) FROM pg_tables WHERE tablename = 'stray'").await, 0);
    let admins = "SELECT count(*) FROM auth_user WHERE username = 'lc-admin' AND is_superuser";
    assert_eq!(scalar(t, admins).await, 1);
    let ready = lifecycle::verdict(&lifecycle::health::observe(t, Some(&folders())).await);
    assert_eq!(ready.state, State::Healthy, "{ready:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_setting_is_refused_before_the_database_is_touched() {
    let vars: HashMap<&str, &str> = [(pg::vars::DB_REPLICATE, "Everything")].into();
    let env = |name: &str| vars.get(name).map(|v| v.to_string());
    let err = Settings::for_reset(None, &env).expect_err("a bad mode");
    assert!(err.to_string().contains("DB_REPLICATE"), "{err}");
}

/// The rehearsal inside a container: the foreign server must be given the container's own
/// address (the host-mapped port does not exist inside it). The report folder cannot be
/// written, and both runs still come back verified with the write's error beside them.
#[tokio::test(flavor = "multi_thread")]
#[allow(clippy::print_stderr)] // a test that cannot run says so, loudly
async fn a_rehearsal_in_a_container_reaches_the_stand_in_and_keeps_its_reports() {
    let options = devdb::ServerOptions { backend: devdb::Backend::Docker, ..Default::default() };
    let server = match devdb::Server::start(&options).await {
        Ok(s) => s,
        Err(e @ (devdb::Error::NoDocker(_) | devdb::Error::MissingImage { .. })) => {
            assert!(!pg::vars::in_ci(), "CI must run the container tests: {e}");
            eprintln!("SKIP container test: {e}");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    let fdw_server = server.self_target().unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(fdw_server.to_string(), server.target().to_string(), "the host port was kept");
    let file = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("{e}"));
    let spec = lifecycle::rehearse::RehearsalSpec {
        mode: replicate::Mode::Subset,
        wells: 400,
        seed: 2,
        folders: folders(),
        report_dir: PathBuf::from(file.path()).join("reports"),
        fdw_server,
    };
    let mut phases = Vec::new();
    let done = lifecycle::rehearse::rehearse(server.target(), &spec, &mut |step| {
        if let lifecycle::rehearse::Step::Phase(name, _) = step {
            phases.push(name);
        }
    })
    .await;
    server.stop().await;
    let done = done.unwrap_or_else(|e| panic!("{}", pg::report::Report::of(&e)));
    assert_eq!(phases, ["legacy", "target", "fdw", "replicate", "mutate", "merge"]);
    for run in [&done.bulk, &done.merge] {
        assert!(run.report.verified, "{:?}", run.report);
        assert!(run.written.is_err(), "a report was written below a file");
    }
    assert!(done.bulk.report.rows_loaded() > 0);
    assert_eq!(done.merge.report.path, replicate::Path::Merge);
}
