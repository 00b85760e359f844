//! The keys and indexes the driver sets aside for the load come back exactly as they were, and
//! a load whose rows break one of them fails naming it, with nothing changed.

use replicate::Mode;

use replicate::Choice;

use crate::{coded_db, exec, local_legacy, run_path, texts};

/// Every constraint, index and NOT NULL column of `public` as the server prints them, with the
/// flags a re-creation could get wrong (validated, deferrable, valid) and the comments.
const DEFINITIONS: &str = "
  SELECT format('constraint %s %s %s validated=%s %s', c.conrelid::regclass, c.conname,
                pg_get_constraintdef(c.oid), c.convalidated, obj_description(c.oid, 'pg_constraint'))
    FROM pg_constraint c WHERE c.connamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('index %s valid=%s clustered=%s %s', pg_get_indexdef(i.indexrelid), i.indisvalid,
                i.indisclustered, obj_description(i.indexrelid, 'pg_class'))
    FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
   WHERE x.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('not null %s.%s', a.attrelid::regclass, a.attname)
    FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid
   WHERE t.relnamespace = 'public'::regnamespace AND t.relkind = 'r'
     AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull
   ORDER BY 1";

/// The objects' identities: a re-created object gets a new oid, one left in place keeps it.
const OIDS: &str = "SELECT string_agg(format('%s=%s', relname, oid), ' ' ORDER BY relname)
                      FROM pg_class
                     WHERE relname IN ('well_pkey', 'screen_pkey', 'well_latlong', 'casing_pkey')";

async fn legacy_with_children(t: &pg::Target) {
    local_legacy(t).await;
    exec(
        t,
        "INSERT INTO wells.wells_bcgs_numbers (bcgs_id, bcgs_number, who_created) VALUES (1, '092G.001', 'B');
         INSERT INTO wells.wells_wells (well_id, well_tag_number, acceptance_status_code, bcgs_id,
                well_identification_plate_no, status_of_well_code, latitude, longitude, who_created)
         SELECT g, 100000 + g, 'ACCEPTED', 1, g, 'NEW', 49, -120, 'W' FROM generate_series(1, 300) g;
         INSERT INTO wells.wells_screens (screen_id, well_id, screen_from, who_created)
         SELECT g, 1 + g % 300, g % 100, 'S' FROM generate_series(1, 500) g;
         INSERT INTO wells.wells_lithology_descriptions (lithology_description_id, well_id,
                water_bearing_est_flw_unt_cd, lithology_raw_data, who_created)
         SELECT g, 1 + g % 300, 'USGM', 'sand', 'L' FROM generate_series(1, 900) g;
         COMMENT ON INDEX well_latlong IS 'map lookups';
         COMMENT ON CONSTRAINT screen_pkey ON screen IS 'one screen, one row';
         ALTER TABLE casing CLUSTER ON casing_pkey;",
    )
    .await;
}

#[tokio::test]
async fn keys_and_indexes_come_back_exactly_as_they_were() {
    let Some(db) = coded_db("keys_restored").await else { return };
    let t = db.target();
    legacy_with_children(t).await;
    let before = texts(t, DEFINITIONS).await;
    assert!(before.iter().any(|d| d.contains("map lookups")), "the comment is in the snapshot");
    let oids = texts(t, OIDS).await;

    for mode in [Mode::Subset, Mode::Full] {
        let report = run_path(t, mode, Choice::Bulk).await;
        assert!(report.verified, "{report:#?}");
        // As migrated: 51 foreign keys, the plate number's unique key, 7 primary keys and 90
        // other indexes; casing's primary key stays here, CLUSTER is marked to use it.
        assert!(report.keys_set_aside > 100, "{mode}: only {} set aside", report.keys_set_aside);
        let after = texts(t, DEFINITIONS).await;
        let lost: Vec<_> = before.iter().filter(|d| !after.contains(d)).collect();
        let new: Vec<_> = after.iter().filter(|d| !before.contains(d)).collect();
        assert!(lost.is_empty() && new.is_empty(), "{mode}: lost {lost:#?}\nnew {new:#?}");
    }
    assert_eq!(texts(t, "SELECT count(*)::text FROM lithology_description").await, ["900"]);

    // Re-created, not merely kept: the oids changed, except well's primary key, which other
    // tables' foreign keys point at, and the index CLUSTER is marked to use.
    let now = texts(t, OIDS).await;
    let part = |s: &[String], name: &str| {
        s[0].split(' ').find(|p| p.starts_with(&format!("{name}="))).map(str::to_string)
    };
    assert_eq!(part(&now, "well_pkey"), part(&oids, "well_pkey"));
    assert_eq!(part(&now, "casing_pkey"), part(&oids, "casing_pkey"));
    assert_ne!(part(&now, "screen_pkey"), part(&oids, "screen_pkey"));
    assert_ne!(part(&now, "well_latlong"), part(&oids, "well_latlong"));
}

/// What a run that fails must not change: the application rows, the definitions, the staging.
async fn state(t: &pg::Target) -> Vec<String> {
    let mut out = texts(
        t,
        "SELECT concat_ws('|', (SELECT count(*) FROM well), (SELECT sum(well_tag_number) FROM well),
                (SELECT count(*) FROM screen), (SELECT count(*) FROM lithology_description),
                (SELECT string_agg(well_guid::text, ',' ORDER BY well_guid) FROM well),
                to_regclass('xform_well') IS NULL)",
    )
    .await;
    out.extend(texts(t, DEFINITIONS).await);
    out
}

#[tokio::test]
async fn rows_that_break_a_key_fail_the_run_naming_it_and_change_nothing() {
    let Some(db) = coded_db("keys_broken").await else { return };
    let t = db.target();
    legacy_with_children(t).await;
    let first = run_path(t, Mode::Full, Choice::Bulk).await;
    assert!(first.verified);
    let good = state(t).await;

    let cases = [
        (
            "UPDATE wells.wells_wells SET status_of_well_code = 'BOGUS' WHERE well_id = 7",
            "cannot re-create foreign key `well_well_status_code_",
            "Key (well_status_code)=(BOGUS) is not present",
        ),
        (
            "UPDATE wells.wells_wells SET well_identification_plate_no = 1 WHERE well_id = 8",
            "cannot re-create constraint `well_identification_plate_number_key` on `well`",
            "Key (identification_plate_number)=(1) is duplicated",
        ),
    ];
    for (breaks, names, detail) in cases {
        exec(t, breaks).await;
        let options =
            replicate::Options { path: Choice::Bulk, ..replicate::Options::new(Mode::Full) };
        let err = replicate::replicate(t, &options, &mut |_| {}).await.expect_err(breaks);
        let text = err.to_string();
        assert!(text.starts_with(names), "{breaks}: {text}");
        assert!(text.contains(detail), "{breaks}: {text}");
        assert!(text.contains("\nhint: nothing was committed"), "{text}");
        assert_eq!(state(t).await, good, "{breaks}: the failed run changed something");
        exec(t, "UPDATE wells.wells_wells SET status_of_well_code = 'NEW', well_identification_plate_no = well_id")
            .await;
    }
}
