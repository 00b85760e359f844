//! Replication under faults: `kill -9` of `xtask replicate --full` at seeded
//! points of a calibrated run, each followed by a re-run that must converge; and two
//! replications racing on one database. The driver sets keys and indexes aside inside its
//! transaction, so after any kill every constraint must still be there, with a complete
//! replication's rows (the previous one's, or this one's if its COMMIT landed).

use std::process::Output;
use std::time::{Duration, Instant};

use devdb::TestDb;

use crate::support::{Points, database, kill_mid_run, schema_fingerprint, text, xtask};

/// Wells in the stand-in: a full run of a few seconds, long enough to land kills in every phase.
const WELLS: u32 = 4_000;

/// A migrated, coded target with the foreign schema `wells` over a stand-in of [`WELLS`] wells
/// in a database of its own; the stand-in's summary says what a full run must load.
async fn replica(test: &str) -> Option<(TestDb, TestDb, legacy::Summary)> {
    let source = TestDb::empty(&format!("{test}_legacy")).await?;
    let spec = legacy::Spec { wells: WELLS, seed: 5, ..legacy::Spec::default() };
    let summary = legacy::create(source.target(), &spec).await.expect("stand-in");
    let target = database(test, true).await?;
    let fdw_spec = fdw::Spec::rehearsal(target.admin(), source.name(), &spec.schema);
    fdw::setup(target.target(), &fdw_spec, &fdw::SetupOptions::default()).await.expect("fdw");
    Some((target, source, summary))
}

fn spawn(db: &pg::Target) -> duct::Handle {
    let url = db.url_with_password();
    xtask(["replicate", "--full"], &[(pg::vars::DATABASE_URL, &url)])
        .stdout_capture()
        .stderr_capture()
        .unchecked()
        .start()
        .expect("spawn xtask")
}

fn replicate_ok(db: &pg::Target) -> Duration {
    let started = Instant::now();
    let out = spawn(db).into_output().expect("run xtask");
    assert!(out.status.success(), "`xtask replicate --full` failed:\n{}", text(&out.stderr));
    started.elapsed()
}

/// Waits until no session of a killed driver is left on the database: its backend notices the
/// lost client within a second (`client_connection_check_interval`) and rolls back.
async fn wait_for_rollback(db: &pg::Target) {
    let conn = pg::connect(db, "xtask test").await.expect("connect");
    let started = Instant::now();
    loop {
        let left: i64 = conn
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                  WHERE datname = current_database() AND application_name LIKE 'gwells-db replicate%'",
                &[],
            )
            .await
            .expect("sessions")
            .get(0);
        if left == 0 {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the killed run's session lingers");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Rows per replicated table, and whether the staging table is gone.
async fn counts(db: &pg::Target) -> Vec<(String, i64)> {
    let conn = pg::connect(db, "xtask test").await.expect("connect");
    let mut out = Vec::new();
    for table in replicate::TABLES {
        let sql = format!("SELECT count(*) FROM {table}");
        out.push((table.to_string(), conn.query_one(&sql, &[]).await.expect("count").get(0)));
    }
    let staged: bool = conn
        .query_one("SELECT to_regclass('xform_well') IS NOT NULL", &[])
        .await
        .expect("staging")
        .get(0);
    out.push(("xform_well left behind".into(), i64::from(staged)));
    out
}

fn expected(summary: &legacy::Summary) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = replicate::TABLES
        .iter()
        .map(|t| (t.to_string(), summary.expected_full.get(*t).copied().unwrap_or(-1)))
        .collect();
    out.push(("xform_well left behind".into(), 0));
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn replicate_killed_at_random_points_keeps_its_keys_and_converges_on_rerun() {
    let Some((db, _source, summary)) = replica("kill_replicate").await else { return };
    let t = db.target();
    let schema = schema_fingerprint(t).await;
    let want = expected(&summary);
    // Calibration: a clean run, which also leaves a complete replication to fall back on.
    let window = replicate_ok(t);
    assert_eq!(counts(t).await, want);

    let mut points = Points(2018);
    for _ in 0..10 {
        let delay = Duration::from_millis(points.next_below(window.as_millis() as u64));
        // A run that ends before its kill leaves a whole replication, as the calibration did,
        // so the shorter retry can run on the same database.
        let ((), delay, _) = kill_mid_run(delay, |_| async { ((), spawn(t)) }).await;
        wait_for_rollback(t).await;
        // Atomic: the previous replication, or this one whole if its COMMIT landed; never a
        // table without its keys or indexes.
        assert_eq!(schema_fingerprint(t).await, schema, "kill at {delay:?}: definitions differ");
        assert_eq!(counts(t).await, want, "kill at {delay:?}: rows differ before the re-run");

        replicate_ok(t);
        assert_eq!(schema_fingerprint(t).await, schema, "kill at {delay:?}: re-run's definitions");
        assert_eq!(counts(t).await, want, "kill at {delay:?}: the re-run's rows");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_replications_at_once_wait_for_each_other_or_name_the_holder() {
    let Some((db, _source, summary)) = replica("two_replicates").await else { return };
    let t = db.target();
    let schema = schema_fingerprint(t).await;
    let outputs: Vec<Output> =
        [spawn(t), spawn(t)].into_iter().map(|c| c.into_output().expect("wait")).collect();
    let winners = outputs.iter().filter(|o| o.status.success()).count();
    assert!(winners >= 1, "neither run succeeded:\n{}", text(&outputs[0].stderr));
    for out in outputs.iter().filter(|o| !o.status.success()) {
        let err = text(&out.stderr);
        assert!(
            err.contains("waiting for the gwells-db lock") && err.contains("held by pid"),
            "the loser must fail on the lock, naming its holder:\n{err}"
        );
    }
    for out in outputs.iter().filter(|o| o.status.success()) {
        assert!(text(&out.stdout).contains("every difference explained"), "{}", text(&out.stdout));
    }
    assert_eq!(counts(t).await, expected(&summary));
    assert_eq!(schema_fingerprint(t).await, schema);
}
