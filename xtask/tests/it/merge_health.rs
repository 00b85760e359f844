//! `health --ready` while a merge replication runs on the database: ready (exit 0) every time.

use std::time::{Duration, Instant};

use crate::support::{database, root, run, text, xtask};

#[tokio::test(flavor = "multi_thread")]
async fn health_is_ready_every_time_during_a_merge() {
    let Some(db) = database("merge_health", true).await else { return };
    let t = db.target();
    let conn = pg::connect(t, "xtask test").await.expect("connect");
    let ddl = std::fs::read_to_string(root().join("crates/legacy/src/schema.sql")).expect("ddl");
    conn.batch_execute(&format!(
        "CREATE SCHEMA wells; SET search_path = wells; {ddl}; RESET search_path;
         INSERT INTO wells.wells_bcgs_numbers (bcgs_id, bcgs_number, who_created) VALUES (1, '092G.001', 'B');
         INSERT INTO wells.wells_wells (well_id, well_tag_number, acceptance_status_code, bcgs_id, who_created)
         SELECT g, 100000 + g * 3, 'ACCEPTED', 1, 'W' FROM generate_series(1, 2000) g;
         INSERT INTO wells.wells_screens (screen_id, well_id, screen_from, who_created)
         SELECT g, 1 + g % 2000, g % 50, 'S' FROM generate_series(1, 3000) g;"
    ))
    .await
    .expect("legacy rows");
    let out = run(t, &["replicate", "--subset"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("bulk path"), "{}", text(&out.stderr));
    conn.batch_execute(
        "UPDATE wells.wells_wells SET general_remarks = 'changed' WHERE well_id = 5",
    )
    .await
    .expect("change");

    // Hold the merge inside its apply: a SHARE lock on `screen` (as a CREATE INDEX would take)
    // makes it wait, with every lock it took so far, until the holder commits.
    let holder = pg::connect(t, "merge test holder").await.expect("connect");
    holder.batch_execute("BEGIN; LOCK TABLE screen IN SHARE MODE").await.expect("lock");
    let url = t.url_with_password();
    let merge = xtask(["replicate", "--subset"], &[(pg::vars::DATABASE_URL, &url)])
        .stdout_capture()
        .stderr_capture()
        .unchecked()
        .start()
        .expect("spawn");
    let started = Instant::now();
    loop {
        let applying: bool = conn
            .query_one(
                "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE datname = current_database()
                                  AND application_name = 'gwells-db replicate (watch)')",
                &[],
            )
            .await
            .expect("activity")
            .get(0);
        if applying {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the merge never reached its apply");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for probe in 1..=3 {
        let out = run(t, &["health", "--ready"], &[]);
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(0), "probe {probe} during the merge:\n{all}");
    }
    holder.batch_execute("COMMIT").await.expect("release");
    let out = merge.into_output().expect("merge");
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("merge path (the target holds replicated rows)"), "{err}");
    assert!(text(&out.stdout).contains("every difference explained"), "{}", text(&out.stdout));
}
