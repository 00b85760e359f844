//! Concurrency and faults: processes racing on one database, and `kill -9` at
//! seeded random points followed by a re-run that must converge.

use std::time::{Duration, Instant};

use devdb::TestDb;

use crate::support::{
    Points, content_fingerprint, database, kill_mid_run, output, root, schema_fingerprint, text,
    xtask,
};

fn spawn(db: &pg::Target, args: &[&str]) -> duct::Handle {
    let url = db.url_with_password();
    xtask(args, &[(pg::vars::DATABASE_URL, &url)])
        .stdout_null()
        .stderr_capture()
        .unchecked()
        .start()
        .expect("spawn xtask")
}

fn run_ok(db: &pg::Target, args: &[&str]) {
    let url = db.url_with_password();
    let out = output(&xtask(args, &[(pg::vars::DATABASE_URL, &url)])).expect("run xtask");
    assert!(out.status.success(), "`xtask {}` failed:\n{}", args.join(" "), text(&out.stderr));
}

async fn migration_rows(db: &pg::Target) -> Vec<(String, String, i64)> {
    let conn = pg::connect(db, "xtask test").await.expect("connect");
    conn.query("SELECT app, name, count(*) FROM django_migrations GROUP BY 1, 2 ORDER BY 1, 2", &[])
        .await
        .expect("ledger")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn eight_migrate_processes_apply_every_migration_exactly_once() {
    let Some(db) = TestDb::empty("eight_migrates").await else { return };
    let children: Vec<_> = (0..8).map(|_| spawn(db.target(), &["migrate"])).collect();
    for child in children {
        let out = child.into_output().expect("wait");
        assert!(out.status.success(), "a racing migrate failed:\n{}", text(&out.stderr));
    }
    let rows = migration_rows(db.target()).await;
    assert!(rows.len() >= 20, "only {} migrations recorded", rows.len());
    let twice: Vec<_> = rows.iter().filter(|(_, _, n)| *n != 1).collect();
    assert!(twice.is_empty(), "recorded more than once: {twice:?}");
    let Some(reference) = database("eight_migrates_reference", false).await else { return };
    assert_eq!(schema_fingerprint(db.target()).await, schema_fingerprint(reference.target()).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn four_codes_loads_at_once_leave_the_tables_exactly_loaded() {
    let Some(db) = database("four_code_loads", false).await else { return };
    let dir = root().join("codetables").display().to_string();
    let children: Vec<_> =
        (0..4).map(|_| spawn(db.target(), &["codes", "load", "--dir", &dir])).collect();
    for child in children {
        let out = child.into_output().expect("wait");
        assert!(out.status.success(), "a racing codes load failed:\n{}", text(&out.stderr));
    }
    let Some(reference) = database("four_code_loads_reference", true).await else { return };
    assert_eq!(
        content_fingerprint(db.target()).await,
        content_fingerprint(reference.target()).await
    );
}

/// How long one clean run of `args` takes here: kill points are drawn inside it.
fn duration_of(db: &pg::Target, args: &[&str]) -> Duration {
    let started = Instant::now();
    run_ok(db, args);
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_killed_at_random_points_converges_on_rerun() {
    let Some(reference) = database("kill_migrate_reference", false).await else { return };
    let expected = schema_fingerprint(reference.target()).await;
    let Some(calibration) = TestDb::empty("kill_migrate_calibration").await else { return };
    let window = duration_of(calibration.target(), &["migrate"]);
    let mut points = Points(7);
    for point in 0..10 {
        let delay = Duration::from_millis(points.next_below(window.as_millis() as u64));
        let (db, delay, _) = kill_mid_run(delay, |attempt| async move {
            let db = TestDb::empty(&format!("kill_migrate_{point}_{attempt}")).await;
            let db = db.expect("the test server");
            let child = spawn(db.target(), &["migrate"]);
            (db, child)
        })
        .await;
        run_ok(db.target(), &["migrate"]);
        assert_eq!(
            schema_fingerprint(db.target()).await,
            expected,
            "kill at {delay:?}: schema differs"
        );
        let rows = migration_rows(db.target()).await;
        assert!(rows.iter().all(|(_, _, n)| *n == 1), "kill at {delay:?}: {rows:?}");
        run_ok(db.target(), &["migrate", "--check"]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn codes_load_killed_at_random_points_converges_on_rerun() {
    let Some(reference) = database("kill_codes_reference", true).await else { return };
    let expected = content_fingerprint(reference.target()).await;
    let dir = root().join("codetables").display().to_string();
    let args = ["codes", "load", "--dir", dir.as_str()];
    let Some(calibration) = database("kill_codes_calibration", false).await else { return };
    let window = duration_of(calibration.target(), &args);
    let mut points = Points(42);
    for point in 0..10 {
        let delay = Duration::from_millis(points.next_below(window.as_millis() as u64));
        let (db, delay, _) = kill_mid_run(delay, |attempt| async move {
            let db = database(&format!("kill_codes_{point}_{attempt}"), false).await;
            let db = db.expect("the test server");
            let child = spawn(db.target(), &args);
            (db, child)
        })
        .await;
        run_ok(db.target(), &args);
        assert_eq!(
            content_fingerprint(db.target()).await,
            expected,
            "kill at {delay:?}: tables differ"
        );
    }
}

/// `reset` on a throwaway server takes the template path (clone, marker, swap, drop the old
/// copy): killed anywhere in it, the database still answers under its name, and the next reset
/// converges and removes what the killed one left.
#[tokio::test(flavor = "multi_thread")]
async fn reset_killed_at_random_points_converges_on_rerun() {
    let Some(reference) = database("kill_reset_reference", true).await else { return };
    let url = reference.target().url_with_password();
    let out = output(&xtask(["reset"], &[(pg::vars::DATABASE_URL, &url)])).expect("run xtask");
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(out.status.success() && said.contains("reset: swap"), "not the template path:\n{said}");
    let expected = content_fingerprint(reference.target()).await;
    // Four fifths of the shortest of three runs: the runs vary, and a point after the end kills
    // nothing.
    let window = (0..3).map(|_| duration_of(reference.target(), &["reset"])).min();
    let window = window.unwrap_or_default() * 4 / 5;
    let mut points = Points(99);
    for point in 0..10 {
        let delay = Duration::from_millis(points.next_below(window.as_millis() as u64));
        let (db, delay, pid) = kill_mid_run(delay, |attempt| async move {
            let db = database(&format!("kill_reset_{point}_{attempt}"), true).await;
            let db = db.expect("the test server");
            let conn = pg::connect(db.target(), "xtask test").await.expect("connect");
            conn.batch_execute("CREATE TABLE canary (x int)").await.expect("canary");
            drop(conn);
            let child = spawn(db.target(), &["reset"]);
            (db, child)
        })
        .await;
        // The name never goes missing: the old database or the clone answers (a connection
        // racing the rename itself is refused once, as `health` knows, and answers on retry).
        let mut answer = pg::connect(db.target(), "xtask test").await.map(drop);
        for _ in 0..40 {
            if answer.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            answer = pg::connect(db.target(), "xtask test").await.map(drop);
        }
        if let Err(e) = answer {
            panic!("kill at {delay:?}: `{}` does not answer: {e:?}", db.name());
        }
        run_ok(db.target(), &["reset"]);
        assert_eq!(
            content_fingerprint(db.target()).await,
            expected,
            "kill at {delay:?}: the reset did not converge"
        );
        let admin = pg::connect(db.target(), "xtask test").await.expect("connect");
        let left: Vec<String> = admin
            .query(
                "SELECT datname::text FROM pg_database WHERE datname LIKE $1",
                &[&format!("gwells\\_%\\_{pid}\\_%")],
            )
            .await
            .expect("databases")
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert!(left.is_empty(), "kill at {delay:?}: left behind {left:?}");
    }
}
