//! The driver against the seed's psql path, its refusal to discard submissions, idempotence.

use replicate::Mode;

use crate::{DRILLER, coded_db, exec, local_legacy, run, submission, texts};

/// A few wells with children, inside and outside the subset, in every status.
async fn small_legacy(t: &pg::Target) {
    local_legacy(t).await;
    exec(
        t,
        "INSERT INTO wells.wells_bcgs_numbers (bcgs_id, bcgs_number, who_created) VALUES (1, '092G.001', 'B');
         INSERT INTO wells.wells_wells (well_id, well_tag_number, acceptance_status_code, bcgs_id, who_created)
         SELECT g, 100000 + g * 3, (ARRAY['ACCEPTED','ACCEPTED','PENDING',NULL])[1 + g % 4], 1, 'W'
           FROM generate_series(1, 6000) g;
         INSERT INTO wells.wells_screens (screen_id, well_id, screen_from, who_created)
         SELECT g, 1 + g % 6000, g % 100, 'S' FROM generate_series(1, 9000) g;
         INSERT INTO wells.wells_perforations (perforation_id, well_id, liner_from, who_created)
         SELECT g, 1 + g % 6000, CASE WHEN g % 5 > 0 THEN 1 END, 'P' FROM generate_series(1, 3000) g;",
    )
    .await;
}

const FINGERPRINT: &str = "SELECT concat_ws('|', (SELECT count(*) FROM bcgs_number),
        (SELECT count(*) FROM well), (SELECT sum(well_tag_number) FROM well),
        (SELECT count(*) FROM screen), (SELECT sum(screen_from) FROM screen),
        (SELECT count(*) FROM perforation),
        (SELECT md5(string_agg(w::text, ',' ORDER BY well_tag_number)) FROM
           (SELECT well_tag_number, owner_full_name, province_state_code, create_user FROM well) w),
        (SELECT last_value FROM well_well_tag_number_seq),
        to_regclass('xform_well') IS NULL)";

#[tokio::test]
async fn psql_steps_match_the_driver_and_a_rerun_converges() {
    let Some(a) = coded_db("psql_steps_a").await else { return };
    let Some(b) = coded_db("psql_steps_b").await else { return };
    small_legacy(a.target()).await;
    small_legacy(b.target()).await;

    let first = run(a.target(), Mode::Subset).await;
    assert!(first.verified, "{first:#?}");
    let driver = texts(a.target(), FINGERPRINT).await;
    // Subset: tags 100003..=113565 step 3, i.e. g 1..=4522; half accepted.
    let well = first.tables.iter().find(|r| r.table == "well").expect("well");
    assert_eq!((well.source, well.loaded), (4522, 2261));
    assert_eq!(well.rules[1].rows, 1130, "NULL statuses");

    exec(b.target(), "SELECT db_replicate_step1(_subset_ind=>true)").await;
    exec(b.target(), "SELECT db_replicate_step2()").await;
    assert_eq!(texts(b.target(), FINGERPRINT).await, driver);

    let second = run(a.target(), Mode::Subset).await;
    assert!(second.verified);
    assert_eq!(texts(a.target(), FINGERPRINT).await, driver, "a second run is identical");
    let counts = |r: &replicate::Report| r.tables.iter().map(|t| t.loaded).collect::<Vec<_>>();
    assert_eq!(counts(&first), counts(&second));

    let full = run(a.target(), Mode::Full).await;
    assert!(full.verified, "{full:#?}");
    assert_eq!(full.tables.iter().find(|r| r.table == "well").map(|w| w.loaded), Some(3000));
}

#[tokio::test]
async fn refuses_to_discard_submissions_unless_told() {
    let Some(db) = coded_db("refuses_submissions").await else { return };
    let t = db.target();
    small_legacy(t).await;
    exec(t, DRILLER).await;
    exec(t, &submission("user", None)).await;
    let options = replicate::Options::new(Mode::Subset);
    let err = replicate::replicate(t, &options, &mut |_| {}).await.expect_err("must refuse");
    assert_eq!(
        err.to_string(),
        "replication would discard rows it did not create: 1 rows in `activity_submission`\nhint: pass `--discard-submissions` to discard them, or back them up first"
    );
    assert_eq!(texts(t, "SELECT count(*)::text FROM activity_submission").await, ["1"]);
    assert_eq!(texts(t, "SELECT count(*)::text FROM well").await, ["0"]);

    let options = replicate::Options { discard_submissions: true, ..options };
    let mut events = Vec::new();
    let report = replicate::replicate(t, &options, &mut |e| events.push(e)).await.expect("run");
    assert_eq!(report.discarded, [("activity_submission".to_string(), 1)]);
    assert!(
        events.contains(&replicate::Event::Discarding {
            table: "activity_submission".into(),
            rows: 1
        })
    );
    assert_eq!(texts(t, "SELECT count(*)::text FROM activity_submission").await, ["0"]);
}
