//! Database tests of the FDW setup, each on its own databases (devdb::TestDb).
//!
//! `postgres_fdw` runs for real against the legacy stand-in in a second database of the same
//! server. Oracle cannot exist here: the `oracle_fdw` DDL runs against a wrapper of that name
//! created without a handler, so PostgreSQL itself checks the server and user-mapping DDL;
//! `IMPORT FOREIGN SCHEMA` needs the handler and is the one statement not executed.

use devdb::TestDb;
use fdw::{Outcome, SetupOptions, Spec, Why};
use pg::Secret;

const PASSWORD: &str = "s3cr'et;\\pw-ü";

/// The rehearsals' spec with a hostile password: it must reach the user mapping quoted and
/// never be printed.
fn rehearsal(legacy: &TestDb) -> Spec {
    Spec {
        password: Secret::new(PASSWORD),
        ..Spec::rehearsal(legacy.target(), legacy.name(), "wells")
    }
}

fn assert_no_secret(text: &str) {
    assert!(!text.contains(PASSWORD), "password leaked: {text}");
    assert!(!text.contains("s3cr"), "password leaked: {text}");
}

/// The options of the server's PUBLIC user mapping, as PostgreSQL stored them.
async fn conn_query_mapping(target: &pg::Target, server: &str) -> Vec<String> {
    let conn = pg::connect(target, "fdw test").await.expect("connect");
    conn.query_one(
        "SELECT umoptions FROM pg_user_mappings WHERE srvname = $1 AND usename = 'public'",
        &[&server],
    )
    .await
    .expect("user mapping")
    .get(0)
}

/// The server's comment: where the fingerprint is stored.
async fn comment(target: &pg::Target, server: &str) -> String {
    let conn = pg::connect(target, "fdw test").await.expect("connect");
    conn.query_one(
        "SELECT obj_description(oid, 'pg_foreign_server') FROM pg_foreign_server WHERE srvname = $1",
        &[&server],
    )
    .await
    .expect("comment")
    .get(0)
}

async fn query_one_i64(target: &pg::Target, sql: &str) -> i64 {
    let conn = pg::connect(target, "fdw test").await.expect("connect");
    conn.query_one(sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
}

#[tokio::test]
async fn postgres_fdw_setup_status_noop_change_force() {
    let Some(source) = TestDb::empty("fdw_pg_source").await else { return };
    let Some(app) = TestDb::empty("fdw_pg_app").await else { return };
    let summary = legacy::create(
        source.target(),
        &legacy::Spec { schema: "wells".into(), wells: 3000, seed: 11, replace: false },
    )
    .await
    .expect("stand-in");
    let spec = rehearsal(&source).with_grantee(Some("postgres"));
    let options = SetupOptions::default();

    let first = fdw::setup(app.target(), &spec, &options).await.expect("setup");
    assert_eq!(first, Outcome::Applied { why: Why::New, foreign_tables: 9 });
    assert_no_secret(&first.to_string());

    let status = fdw::status(app.target(), &spec).await.expect("status");
    assert!(status.healthy(), "{status}");
    assert_eq!(status.probe, Some(Ok("wells_wells".to_string())));
    assert_no_secret(&status.to_string());

    // Through the wrapper: every well, and the subset predicate pushed down to the source.
    assert_eq!(query_one_i64(app.target(), "SELECT count(*) FROM wells.wells_wells").await, 3000);
    let subset =
        "SELECT count(*) FROM wells.wells_wells WHERE well_tag_number BETWEEN 100001 AND 113567";
    assert_eq!(query_one_i64(app.target(), subset).await, summary.subset_wells);
    let conn = pg::connect(app.target(), "fdw test").await.expect("connect");
    let plan: Vec<String> = conn
        .query("EXPLAIN VERBOSE SELECT well_id FROM wells.wells_wells WHERE well_tag_number BETWEEN 100001 AND 113567", &[])
        .await
        .expect("explain")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let remote = plan.iter().find(|l| l.contains("Remote SQL")).expect("a Remote SQL line");
    assert!(
        remote.contains("((well_tag_number >= 100001)) AND ((well_tag_number <= 113567))"),
        "the tag range is not pushed down: {plan:#?}"
    );
    drop(conn);

    // Unchanged: a no-op.
    let again = fdw::setup(app.target(), &spec, &options).await.expect("setup again");
    assert_eq!(again, Outcome::Unchanged { by_lock_file: false });

    // A changed FDW_USER is re-applied, nothing deleted by hand. Its name is hostile to the
    // quoting of the `DO` block that builds the user mapping (quotes, backslash, `%L`).
    let other_user = format!("{}_r'e\\%L\"d", app.name());
    let admin = pg::connect(app.admin(), "fdw test").await.expect("connect admin");
    admin
        .batch_execute(&format!(
            "CREATE ROLE {} LOGIN SUPERUSER",
            pg::quote::ident(&other_user).expect("ident")
        ))
        .await
        .expect("create role");
    let mut changed = spec.clone();
    changed.user = other_user.clone();
    let outcome = fdw::setup(app.target(), &changed, &options).await.expect("changed");
    assert_eq!(outcome, Outcome::Applied { why: Why::Changed, foreign_tables: 9 });
    let status = fdw::status(app.target(), &changed).await.expect("status");
    assert!(status.healthy(), "{status}");
    let mapping: Vec<String> = conn_query_mapping(app.target(), &spec.name).await;
    assert_eq!(mapping, [format!("user={other_user}"), format!("password={PASSWORD}")]);
    let old = fdw::status(app.target(), &spec).await.expect("status");
    assert!(!old.current, "the old configuration must read as stale");

    let forced =
        fdw::setup(app.target(), &changed, &SetupOptions { force: true, ..options.clone() })
            .await
            .expect("forced");
    assert_eq!(forced, Outcome::Applied { why: Why::Forced, foreign_tables: 9 });

    // A failing setup rolls back whole and its error carries no password.
    let mut broken = changed.clone();
    broken.foreign_schema = "no_such_schema".into();
    let err = fdw::setup(app.target(), &broken, &options).await.expect_err("missing remote schema");
    let text = err.to_string();
    assert!(text.contains("IMPORT FOREIGN SCHEMA"), "{text}");
    assert_no_secret(&text);
    assert!(
        fdw::status(app.target(), &changed).await.expect("status").healthy(),
        "rollback kept the old setup"
    );

    drop(admin);
    let admin = pg::connect(app.admin(), "fdw test").await.expect("connect admin");
    // The role is cluster-wide; the mapping names it only in options, so it can go now.
    let _ = admin
        .batch_execute(&format!("DROP ROLE {}", pg::quote::ident(&other_user).expect("ident")))
        .await;
}

#[tokio::test]
async fn lock_file_is_honoured_and_written() {
    let Some(source) = TestDb::empty("fdw_lock_source").await else { return };
    let Some(app) = TestDb::empty("fdw_lock_app").await else { return };
    legacy::create(
        source.target(),
        &legacy::Spec { schema: "wells".into(), wells: 50, seed: 1, replace: false },
    )
    .await
    .expect("stand-in");
    let spec = rehearsal(&source);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("fdw.conf");
    let options = SetupOptions { lock_file: Some(path.clone()), ..SetupOptions::default() };

    // The seed's empty lock file does not stop a first setup: the database has nothing.
    std::fs::write(&path, "").expect("seed lock");
    let first = fdw::setup(app.target(), &spec, &options).await.expect("setup");
    assert!(matches!(first, Outcome::Applied { why: Why::New, .. }), "{first}");
    let written = std::fs::read_to_string(&path).expect("lock file");
    assert!(fdw::fingerprint_matches(&spec, &written), "{written}");
    let stored = comment(app.target(), &spec.name).await;
    assert_eq!(stored, format!("gwells-db fdw fingerprint {}", written.trim()));
    assert_no_secret(&written);

    // The same configuration in another database: another salt, so another stored value.
    let Some(other) = TestDb::empty("fdw_lock_other").await else { return };
    let elsewhere = fdw::setup(other.target(), &spec, &SetupOptions::default()).await;
    assert!(matches!(elsewhere, Ok(Outcome::Applied { why: Why::New, .. })), "{elsewhere:?}");
    let other_stored = comment(other.target(), &spec.name).await;
    assert_ne!(other_stored, stored, "the same configuration twice must differ (a salt)");
    assert!(fdw::status(other.target(), &spec).await.expect("status").current);

    // The current fingerprint in the file: skipped without reading the database.
    let again = fdw::setup(app.target(), &spec, &options).await.expect("again");
    assert_eq!(again, Outcome::Unchanged { by_lock_file: true });

    // A changed configuration is re-applied despite the file, which then follows it.
    let mut changed = spec.clone();
    changed.password = Secret::new("rotated-password");
    let outcome = fdw::setup(app.target(), &changed, &options).await.expect("changed");
    assert!(matches!(outcome, Outcome::Applied { why: Why::Changed, .. }), "{outcome}");
    let written = std::fs::read_to_string(&path).expect("lock");
    assert!(
        fdw::fingerprint_matches(&changed, &written) && !fdw::fingerprint_matches(&spec, &written)
    );
    assert_eq!(conn_query_mapping(app.target(), &spec.name).await[1], "password=rotated-password");

    // `force` ignores a current lock file.
    let forced =
        fdw::setup(app.target(), &changed, &SetupOptions { force: true, ..options.clone() })
            .await
            .expect("forced");
    assert!(matches!(forced, Outcome::Applied { why: Why::Forced, .. }), "{forced}");
}

fn oracle_spec() -> Spec {
    let env = |name: &str| {
        Some(
            match name {
                "FDW_NAME" => "wells_oradb; --\"x",
                "FDW_FOREIGN_SERVER" => "//nrk1-scan.bcgov/env'prod1;\\ü",
                "FDW_USER" => "proxy_'wells\\",
                "FDW_PASS" => PASSWORD,
                "FDW_FOREIGN_SCHEMA" => "WELLS",
                "FDW_SCHEMA" => "wells été",
                _ => return None,
            }
            .to_string(),
        )
    };
    Spec::from_env(&env).expect("complete")
}

#[tokio::test]
async fn oracle_fdw_ddl_runs_up_to_import() {
    let Some(app) = TestDb::empty("fdw_oracle").await else { return };
    let conn = pg::connect(app.target(), "fdw test").await.expect("connect");
    // No oracle_fdw here: a wrapper of that name without a handler accepts the DDL.
    conn.batch_execute("CREATE FOREIGN DATA WRAPPER oracle_fdw").await.expect("wrapper");
    let spec = oracle_spec();

    // The shown statements are the ones sent, but for the user mapping (sent as a `DO` block
    // reading the stashed password: the postgres_fdw test checks it) and the fingerprint.
    // Every one but those and IMPORT, in order, in one transaction.
    let statements = fdw::render(&spec);
    conn.batch_execute("BEGIN").await.expect("begin");
    for sql in statements.iter().filter(|s| {
        !s.starts_with("IMPORT FOREIGN SCHEMA") && !s.starts_with("CREATE USER MAPPING")
    }) {
        conn.batch_execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    conn.batch_execute("COMMIT").await.expect("commit");

    // PostgreSQL stored exactly the hostile values: quoting round-trips.
    let row = conn
        .query_one(
            "SELECT s.srvoptions FROM pg_foreign_server s WHERE s.srvname = $1",
            &[&spec.name],
        )
        .await
        .expect("server");
    let server_options: Vec<String> = row.get(0);
    assert_eq!(
        server_options,
        ["dbserver=//nrk1-scan.bcgov/env'prod1;\\ü", "isolation_level=read_only"]
    );
    let schema: i64 = conn
        .query_one("SELECT count(*) FROM pg_namespace WHERE nspname = 'wells été'", &[])
        .await
        .expect("schema")
        .get(0);
    assert_eq!(schema, 1);

    let status = fdw::status(app.target(), &spec).await.expect("status");
    assert!(status.configured && !status.current, "a masked fingerprint is no match: {status}");
    assert_eq!((status.foreign_tables, status.probe.clone()), (0, None));
    assert_no_secret(&status.to_string());

    // The whole setup stops at IMPORT (no handler), rolls back, and says so without the password.
    conn.batch_execute(&format!(
        "DROP SERVER {} CASCADE",
        pg::quote::ident(&spec.name).expect("ident")
    ))
    .await
    .expect("drop");
    let err =
        fdw::setup(app.target(), &spec, &SetupOptions::default()).await.expect_err("no handler");
    let text = err.to_string();
    assert!(text.contains("IMPORT FOREIGN SCHEMA \"WELLS\""), "{text}");
    assert_no_secret(&text);
    assert_no_secret(&format!("{err:?}"));
    let servers: i64 = conn
        .query_one("SELECT count(*) FROM pg_foreign_server WHERE srvname = $1", &[&spec.name])
        .await
        .expect("servers")
        .get(0);
    assert_eq!(servers, 0, "the failed setup must leave nothing behind");
}
