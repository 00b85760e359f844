//! Database tests of reset: each on its own database cloned from the migrated template.

use std::path::PathBuf;

use devdb::TestDb;
use pg::Target;
use reset::{DropOptions, Error, Kept, Options, Phase, Place, Template};

fn migrations() -> PathBuf {
    templates::migrations_dir()
}

async fn migrated(test: &str) -> Option<TestDb> {
    templates::test_db(test, templates::Contents::Migrated).await
}

/// The migrated template's name on the server of `admin` (the one test databases come from).
async fn migrated_template(admin: Target) -> Result<String, devdb::BoxError> {
    templates::ensure_contents(&admin, templates::Contents::Migrated).await
}

/// The template path with the migrated template (the one the test databases come from).
fn template(db: &TestDb, recreated: Vec<Kept>) -> Template {
    let admin = db.target().with_dbname("postgres");
    Template::new(admin, &["migrate"], recreated, migrated_template)
}

fn options(place: Place) -> Options {
    Options {
        place,
        confirm: None,
        drop: DropOptions::default(),
        set_by: "reset tests".into(),
        stop: pg::Stop::new(),
    }
}

fn migrate_phase() -> Phase {
    Phase::new("migrate", |target: Target| async move {
        let report = migrate::migrate_all(&target, &migrations()).await?;
        Ok(format!("{} migration(s)", report.steps.len()))
    })
}

async fn connect(target: &Target) -> pg::Conn {
    pg::connect(target, "reset tests").await.unwrap_or_else(|e| panic!("{e}"))
}

async fn dump(target: &Target) -> Vec<String> {
    let conn = connect(target).await;
    let mut out: Vec<String> = conn
        .query(include_str!("schema_dump.sql"), &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|r| r.get(0))
        .collect();
    for row in conn
        .query("SELECT app, name FROM django_migrations ORDER BY app, name", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    {
        out.push(format!("ledger {} {}", row.get::<_, String>(0), row.get::<_, String>(1)));
    }
    out
}

/// Two dumps hold the same lines; the message lists what only one of them has.
fn assert_same(got: &[String], expected: &[String], got_is: &str, expected_is: &str) {
    let only_got: Vec<_> = got.iter().filter(|l| !expected.contains(l)).collect();
    let only_expected: Vec<_> = expected.iter().filter(|l| !got.contains(l)).collect();
    assert!(
        only_got.is_empty() && only_expected.is_empty(),
        "only {got_is}: {only_got:#?}\nonly {expected_is}: {only_expected:#?}"
    );
}

async fn exists(target: &Target, regclass: &str) -> bool {
    connect(target)
        .await
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&regclass])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .get(0)
}

async fn canary(target: &Target) {
    connect(target)
        .await
        .batch_execute("CREATE TABLE canary (x int); INSERT INTO canary VALUES (1);")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

async fn run(target: &Target, options: &Options, phases: Vec<Phase>) -> Result<Vec<String>, Error> {
    run_with(target, options, None, phases)
        .await
        .map(|seen| seen.into_iter().map(|r| r.0).collect())
}

/// Runs a reset; returns each phase's name and summary.
async fn run_with(
    target: &Target,
    options: &Options,
    template: Option<Template>,
    phases: Vec<Phase>,
) -> Result<Vec<(String, String)>, Error> {
    let mut seen = Vec::new();
    reset::run(target, options, template, phases, &mut |r| {
        seen.push((r.name.clone(), r.summary.clone()))
    })
    .await?;
    Ok(seen)
}

/// A phase asserting that the maintenance marker is set and live while it runs.
fn marker_check(name: &str) -> Phase {
    Phase::new(name, |target: Target| async move {
        let markers = reset::markers(&target).await?;
        match markers.maintenance {
            Some(m) if m.live => Ok("marker live".to_string()),
            other => Err(format!("no live maintenance marker: {other:?}").into()),
        }
    })
}

/// Databases left by the template path of this process.
async fn scratch_left(target: &Target) -> Vec<String> {
    let pattern = format!("gwells\\_%\\_{}\\_%", std::process::id());
    connect(target)
        .await
        .query("SELECT datname::text FROM pg_database WHERE datname LIKE $1", &[&pattern])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|r| r.get(0))
        .collect()
}

const POPULATE: &str = "
    INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                           is_staff, is_active, date_joined)
    VALUES ('!', false, 'someone', '', '', '', false, true, now());
    CREATE SCHEMA scratch;
    CREATE TABLE scratch.t (id serial PRIMARY KEY, v text);
    CREATE TABLE public.extra (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                               t int REFERENCES scratch.t (id));
    CREATE VIEW public.extra_v AS SELECT e.id, t.v FROM public.extra e JOIN scratch.t t ON t.id = e.t;
    CREATE MATERIALIZED VIEW public.extra_m AS SELECT count(*) FROM public.extra;
    CREATE SEQUENCE public.loose_seq;
    CREATE TYPE public.mood AS ENUM ('ok', 'not ok');
    CREATE TYPE public.pair AS (a int, b text);
    CREATE TYPE public.span AS RANGE (subtype = int4);
    CREATE DOMAIN public.positive AS int CHECK (VALUE > 0);
    CREATE FUNCTION public.f(m public.mood) RETURNS int LANGUAGE sql AS 'SELECT 1';
    CREATE PROCEDURE public.p() LANGUAGE sql AS 'SELECT 1';
    CREATE AGGREGATE public.agg(int) (sfunc = int4pl, stype = int);
    CREATE TABLE public.parted (k int) PARTITION BY RANGE (k);
    CREATE TABLE public.parted_1 PARTITION OF public.parted FOR VALUES FROM (0) TO (10);
";

#[tokio::test]
async fn reset_of_a_populated_database_leaves_exactly_the_migrated_state() {
    let Some(db) = migrated("reset_populated").await else { return };
    let Some(fresh) = migrated("reset_populated_fresh").await else { return };
    let conn = connect(db.target()).await;
    conn.batch_execute(POPULATE).await.unwrap_or_else(|e| panic!("{e}"));
    // An extension (and its objects in public) must survive.
    conn.batch_execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    connect(fresh.target())
        .await
        .batch_execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(dump(db.target()).await, dump(fresh.target()).await, "populating changed nothing");

    let seen = run(db.target(), &options(Place::DevServer), vec![migrate_phase()]).await;
    assert_eq!(seen.ok(), Some(vec!["drop".to_string(), "migrate".to_string()]));

    let got = dump(db.target()).await;
    assert_same(&got, &dump(fresh.target()).await, "after reset", "in a fresh database");
    assert!(got.iter().any(|l| l == "extension pg_trgm"));
    let users: i64 = connect(db.target())
        .await
        .query_one("SELECT count(*) FROM auth_user", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .get(0);
    assert_eq!(users, 0);
    let markers = reset::markers(db.target()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(markers, reset::Markers::default());
}

#[tokio::test]
async fn a_protected_database_is_refused_and_unchanged() {
    let Some(db) = migrated("reset_protected").await else { return };
    canary(db.target()).await;
    assert!(reset::set_protected(db.target(), true, "tests", "production").await.unwrap_or(false));
    // Setting it twice changes nothing.
    assert!(!reset::set_protected(db.target(), true, "tests", "again").await.unwrap_or(true));
    let err = run(db.target(), &options(Place::DevServer), vec![migrate_phase()]).await;
    let message = err.err().map(|e| pg::report::Report::of(&e).one_line()).unwrap_or_default();
    assert!(
        message.starts_with("refusing to reset")
            && message.contains("`protected` marker")
            && message.contains("by tests: production"),
        "{message}"
    );
    assert!(exists(db.target(), "public.canary").await);
    let markers = reset::markers(db.target()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(markers.maintenance.is_none());
    // The template path is refused alike, before any template is looked at.
    let never =
        Template::new(db.target().with_dbname("postgres"), &["migrate"], vec![], |_| async {
            Err("the template was consulted".into())
        });
    let err = run_with(db.target(), &options(Place::DevServer), Some(never), vec![]).await;
    assert!(matches!(err, Err(Error::Protected { .. })), "{err:?}");
    assert!(exists(db.target(), "public.canary").await);

    assert!(reset::set_protected(db.target(), false, "tests", "").await.unwrap_or(false));
    assert!(run(db.target(), &options(Place::DevServer), vec![]).await.is_ok());
    assert!(!exists(db.target(), "public.canary").await);
}

#[tokio::test]
async fn a_remote_target_without_confirm_is_refused_and_unchanged() {
    let Some(db) = migrated("reset_remote").await else { return };
    canary(db.target()).await;
    let remote = Place::Unmarked { server: "postgres://u@db.example/x".into(), local: false };
    let err = run(db.target(), &options(remote.clone()), vec![]).await;
    assert!(matches!(err, Err(Error::NotConfirmed { .. })), "{err:?}");
    assert!(exists(db.target(), "public.canary").await);
    // Not even the tool's schema was created.
    assert!(!exists(db.target(), "gwells_db_meta.marker").await);

    let mut confirmed = options(remote);
    confirmed.confirm = Some(db.name().to_string());
    assert!(run(db.target(), &confirmed, vec![]).await.is_ok());
    assert!(!exists(db.target(), "public.canary").await);
}

#[tokio::test]
async fn a_failed_phase_clears_the_maintenance_marker() {
    let Some(db) = migrated("reset_failed_phase").await else { return };
    let failing = Phase::new("codes", |_| async { Err("the CSV is ragged".into()) });
    let err = run(db.target(), &options(Place::DevServer), vec![migrate_phase(), failing]).await;
    let message = err.err().map(|e| pg::report::Report::of(&e).one_line()).unwrap_or_default();
    assert!(message.contains("phase `codes` failed: the CSV is ragged"), "{message}");
    let markers = reset::markers(db.target()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(markers.maintenance.is_none(), "{markers:?}");
    // The phases before it ran.
    assert!(exists(db.target(), "django_migrations").await);
}

#[tokio::test]
async fn the_maintenance_marker_is_visible_to_other_sessions_during_a_reset() {
    let Some(db) = migrated("reset_visible").await else { return };
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let waits = Phase::new("wait", move |_| async move {
        let _ = started_tx.send(());
        release_rx.await.map_err(|e| e.to_string())?;
        Ok("waited".to_string())
    });
    let target = db.target().clone();
    let running =
        tokio::spawn(async move { run(&target, &options(Place::DevServer), vec![waits]).await });
    started_rx.await.unwrap_or_else(|e| panic!("{e}"));

    let markers = reset::markers(db.target()).await.unwrap_or_else(|e| panic!("{e}"));
    let marker = markers.maintenance.clone().unwrap_or_else(|| panic!("no maintenance marker"));
    assert!(marker.live && marker.set_by == "reset tests", "{marker:?}");
    // What `health` reads as "reset in progress": a marker whose session is alive.
    assert!(markers.maintenance.as_ref().is_some_and(|m| m.live), "{markers:?}");
    // A second reset meanwhile is refused.
    let second = run(db.target(), &options(Place::DevServer), vec![]).await;
    assert!(matches!(second, Err(Error::InProgress { .. })), "{second:?}");

    let _ = release_tx.send(());
    let done = running.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.ok(), Some(vec!["drop".to_string(), "wait".to_string()]));
    let after = reset::markers(db.target()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(after.maintenance.is_none());
}

#[tokio::test]
async fn an_interrupted_reset_is_unhealthy_and_the_next_reset_takes_over() {
    let Some(db) = migrated("reset_interrupted").await else { return };
    // A marker whose session is gone, as a kill -9 leaves it.
    assert!(run(db.target(), &options(Place::DevServer), vec![]).await.is_ok());
    connect(db.target())
        .await
        .batch_execute(
            "INSERT INTO gwells_db_meta.marker (name, set_by, backend_pid, backend_start)
             VALUES ('maintenance', 'a killed reset', 2147483000, now())",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let markers = reset::markers(db.target()).await.unwrap_or_else(|e| panic!("{e}"));
    // What `health` reads as an interrupted reset: a marker whose session is gone.
    let marker = markers.maintenance.unwrap_or_else(|| panic!("no marker"));
    assert!(!marker.live && marker.set_by == "a killed reset", "{marker:?}");
    assert!(run(db.target(), &options(Place::DevServer), vec![migrate_phase()]).await.is_ok());
    let after = reset::markers(db.target()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(after.maintenance.is_none());
}

/// An FDW as `fdw setup` leaves one: extension, server, user mapping, foreign schema.
const FDW: &str = "
    CREATE EXTENSION IF NOT EXISTS postgres_fdw;
    CREATE SERVER legacy FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'nowhere');
    CREATE USER MAPPING FOR CURRENT_USER SERVER legacy OPTIONS (user 'x');
    CREATE SCHEMA wells;
    CREATE FOREIGN TABLE wells.wells_wells (well_tag_number int) SERVER legacy;
";

#[tokio::test]
async fn the_fdw_is_kept_unless_asked() {
    let Some(db) = migrated("reset_fdw").await else { return };
    connect(db.target()).await.batch_execute(FDW).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(run(db.target(), &options(Place::DevServer), vec![]).await.is_ok());
    assert!(exists(db.target(), "wells.wells_wells").await);

    let mut drop_fdw = options(Place::DevServer);
    drop_fdw.drop = DropOptions { drop_fdw: true, fdw_schemas: vec!["wells".into()] };
    let seen =
        run_with(db.target(), &drop_fdw, None, vec![]).await.unwrap_or_else(|e| panic!("{e}"));
    // Only the drop ran, and it dropped something (what is gone is checked below).
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].0 == "drop" && seen[0].1 != "0 drop statement(s)", "{seen:?}");
    assert!(!exists(db.target(), "wells.wells_wells").await);
    let conn = connect(db.target()).await;
    let servers: i64 = conn
        .query_one("SELECT count(*) FROM pg_foreign_server", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .get(0);
    let extension: i64 = conn
        .query_one("SELECT count(*) FROM pg_extension WHERE extname = 'postgres_fdw'", &[])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .get(0);
    assert_eq!((servers, extension), (0, 1));
}

#[tokio::test]
async fn the_template_path_leaves_the_same_state_as_a_reset_in_place() {
    let Some(db) = migrated("reset_tpl_same").await else { return };
    let Some(twin) = migrated("reset_tpl_same_twin").await else { return };
    for d in [&db, &twin] {
        let conn = connect(d.target()).await;
        conn.batch_execute(POPULATE).await.unwrap_or_else(|e| panic!("{e}"));
        // The database's owner survives the swap.
        conn.batch_execute(&format!(
            "DO $$ BEGIN CREATE ROLE reset_tpl_owner NOLOGIN;
                     EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
             ALTER DATABASE {} OWNER TO reset_tpl_owner",
            pg::quote::ident(d.name()).unwrap_or_else(|e| panic!("{e}"))
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }
    // The twin is reset in place.
    run(twin.target(), &options(Place::DevServer), vec![migrate_phase()])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // While the template is prepared, the target still carries the marker...
    let admin = db.target().with_dbname("postgres");
    let target = db.target().clone();
    let checked = Template::new(admin, &["migrate"], vec![], move |admin| async move {
        match reset::markers(&target).await?.maintenance {
            Some(m) if m.live => migrated_template(admin).await,
            other => Err(format!("no live maintenance marker: {other:?}").into()),
        }
    });
    // ... and the clone carries it once swapped in (`after`); `migrate` is what it stands for.
    let seen = run_with(
        db.target(),
        &options(Place::DevServer),
        Some(checked),
        vec![migrate_phase(), marker_check("after")],
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["template", "swap", "after"], "{seen:?}");

    let (got, expected) = (dump(db.target()).await, dump(twin.target()).await);
    assert_same(&got, &expected, "after the template path", "after a reset in place");
    let owner: String = connect(db.target())
        .await
        .query_one(
            "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = current_database()",
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .get(0);
    assert_eq!(owner, "reset_tpl_owner");
    let markers = reset::markers(db.target()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(markers, reset::Markers::default());
    assert_eq!(scratch_left(db.target()).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_template_that_cannot_be_prepared_changes_nothing() {
    let Some(db) = migrated("reset_tpl_fails").await else { return };
    canary(db.target()).await;
    let admin = db.target().with_dbname("postgres");
    let failing =
        Template::new(admin, &["migrate"], vec![], |_| async { Err("0007 does not parse".into()) });
    let err =
        run_with(db.target(), &options(Place::DevServer), Some(failing), vec![migrate_phase()])
            .await;
    let message = err.err().map(|e| pg::report::Report::of(&e).to_string()).unwrap_or_default();
    assert!(
        message.contains("template could not be prepared\ncaused by: 0007 does not parse\n")
            && message.contains("hint: nothing in"),
        "{message}"
    );
    assert!(exists(db.target(), "public.canary").await);
    let markers = reset::markers(db.target()).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(markers.maintenance.is_none(), "{markers:?}");
}

#[tokio::test]
async fn the_template_path_is_declined_when_the_clone_would_lose_something() {
    let Some(db) = migrated("reset_tpl_declined").await else { return };
    let setup = "
        ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;
        GRANT CREATE ON SCHEMA public TO PUBLIC;
    ";
    let conn = connect(db.target()).await;
    conn.batch_execute(FDW).await.unwrap_or_else(|e| panic!("{e}"));
    conn.batch_execute(setup).await.unwrap_or_else(|e| panic!("{e}"));
    drop(conn);
    canary(db.target()).await;
    // Nothing re-creates the FDW: a reset in place keeps it, so the clone is not used.
    let seen = run_with(
        db.target(),
        &options(Place::DevServer),
        Some(template(&db, vec![])),
        vec![migrate_phase()],
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["template", "drop", "migrate"], "{seen:?}");
    let summary = &seen[0].1;
    for lost in [
        "extension `postgres_fdw`",
        "foreign server `legacy`",
        "schema `wells`",
        "default privileges",
        "privileges on schema public",
    ] {
        assert!(summary.contains(lost), "{lost} not named: {summary}");
    }
    assert!(exists(db.target(), "wells.wells_wells").await);
    assert!(!exists(db.target(), "public.canary").await);
    assert_eq!(scratch_left(db.target()).await, Vec::<String>::new());

    // Without the privileges, and with a later phase (the FDW's) building the other three again,
    // the clone is used.
    connect(db.target())
        .await
        .batch_execute(
            "ALTER DEFAULT PRIVILEGES REVOKE SELECT ON TABLES FROM PUBLIC;
             REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let recreated = vec![
        Kept::Extension("postgres_fdw".into()),
        Kept::Server("legacy".into()),
        Kept::Schema("wells".into()),
    ];
    let seen = run_with(
        db.target(),
        &options(Place::DevServer),
        Some(template(&db, recreated)),
        vec![migrate_phase()],
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["template", "swap"], "{seen:?}");
    assert!(!exists(db.target(), "wells.wells_wells").await);
}
