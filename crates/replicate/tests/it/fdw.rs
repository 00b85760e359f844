//! Through a real postgres_fdw against the generated stand-in: the subset predicate reaches
//! the foreign server, and the counts match the generator's known distribution.

use replicate::Mode;

use crate::{coded_db, exec, run, texts};

async fn with_stand_in(db: &devdb::TestDb, wells: u32) -> legacy::Summary {
    let legacy_db = format!("{}_legacy", db.name());
    exec(db.admin(), &format!("CREATE DATABASE {legacy_db}")).await;
    let source = db.admin().with_dbname(&legacy_db);
    let spec = legacy::Spec { wells, seed: 3, ..legacy::Spec::default() };
    let summary = legacy::create(&source, &spec).await.expect("stand-in");
    let fdw_spec = fdw::Spec::rehearsal(db.admin(), &legacy_db, &spec.schema);
    fdw::setup(db.target(), &fdw_spec, &fdw::SetupOptions::default()).await.expect("fdw setup");
    summary
}

#[tokio::test]
async fn subset_and_full_match_the_generator_and_push_the_subset_down() {
    let Some(db) = coded_db("fdw_subset_full").await else { return };
    let summary = with_stand_in(&db, 20_000).await;
    let t = db.target();

    let subset = run(t, Mode::Subset).await;
    assert!(subset.verified, "{subset:#?}");
    for table in &subset.tables {
        assert_eq!(
            Some(&table.loaded),
            summary.expected_subset.get(&table.table),
            "subset `{}`",
            table.table
        );
    }
    let well = subset.tables.iter().find(|r| r.table == "well").expect("well");
    assert_eq!(well.source, summary.subset_wells);

    // The children's read, as the loaders run it, with the subset ids bound: the remote SQL
    // must carry the well_id predicate (no full scan of the child table).
    // The plan of the same EXECUTE ... USING the loaders run.
    exec(
        t,
        "SELECT populate_xform(true);
         CREATE FUNCTION pg_temp.plan() RETURNS SETOF text LANGUAGE plpgsql AS $f$
         BEGIN
           RETURN QUERY EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) SELECT s.* FROM wells.wells_screens s
             JOIN xform_well xform ON xform.well_id = s.well_id
            WHERE $1::bigint[] IS NULL OR s.well_id = ANY($1)' USING replicate_subset_well_ids();
         END $f$;
         CREATE TABLE plan AS SELECT * FROM pg_temp.plan() AS line;",
    )
    .await;
    let plan = texts(t, "SELECT line FROM plan").await.join("\n");
    let remote: Vec<&str> = plan.lines().filter(|l| l.contains("Remote SQL")).collect();
    assert!(
        remote.iter().any(|l| l.contains("well_id = ANY")),
        "the subset predicate is not pushed down:\n{plan}"
    );

    let full = run(t, Mode::Full).await;
    assert!(full.verified, "{full:#?}");
    for table in &full.tables {
        assert_eq!(
            Some(&table.loaded),
            summary.expected_full.get(&table.table),
            "full `{}`",
            table.table
        );
    }
    exec(db.admin(), &format!("DROP DATABASE {}_legacy WITH (FORCE)", db.name())).await;
}
