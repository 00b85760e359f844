//! Database tests of the legacy stand-in, each on its own database (devdb::TestDb).

use devdb::TestDb;
use legacy::Spec;

fn spec(wells: u32, seed: i64) -> Spec {
    Spec { schema: "wells".to_string(), wells, seed, replace: false }
}

async fn exec(target: &pg::Target, sql: &str) {
    let conn = pg::connect(target, "legacy test").await.expect("connect");
    conn.batch_execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Every column of every table in `schema`: table, position, name, type, NOT NULL.
async fn columns(target: &pg::Target, schema: &str) -> Vec<(String, i16, String, String, bool)> {
    let conn = pg::connect(target, "legacy test").await.expect("connect");
    conn.query(
        "SELECT c.relname::text, a.attnum, a.attname::text, format_type(a.atttypid, a.atttypmod),
                a.attnotnull
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY 1, 2",
        &[&schema],
    )
    .await
    .expect("catalog")
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
    .collect()
}

#[tokio::test]
async fn generator_is_deterministic_and_dirty() {
    // 8000 wells: enough for parallel workers (the generator stays serial below ~7k).
    let Some(db) = TestDb::empty("legacy_deterministic").await else { return };
    let summary = legacy::create(db.target(), &spec(8000, 7)).await.expect("create");
    assert!(summary.created);
    assert_eq!(summary.rows["wells_wells"], 8000);
    let first = legacy::content_hash(db.target(), "wells").await.expect("hash");

    // Same spec again: a no-op, same content.
    let again = legacy::create(db.target(), &spec(8000, 7)).await.expect("create again");
    assert!(!again.created);
    assert_eq!(again.rows, summary.rows);
    assert_eq!(legacy::content_hash(db.target(), "wells").await.expect("hash"), first);

    // Another spec in the same place needs `replace`.
    let err = legacy::create(db.target(), &spec(8000, 8)).await.expect_err("exists");
    assert!(err.to_string().contains("already exists"), "{err}");

    // Re-generated with the same seed elsewhere, with no parallel worker this time (another
    // plan, another physical order): the same hash. Another seed: another hash.
    let database = pg::quote::ident(db.name()).expect("database name");
    exec(db.target(), &format!("ALTER DATABASE {database} SET max_parallel_workers = 0")).await;
    let mut other = spec(8000, 7);
    other.schema = "wells_again".to_string();
    legacy::create(db.target(), &other).await.expect("create copy");
    assert_eq!(legacy::content_hash(db.target(), "wells_again").await.expect("hash"), first);
    let mut reseeded = spec(8000, 8);
    reseeded.replace = true;
    legacy::create(db.target(), &reseeded).await.expect("replace");
    assert_ne!(legacy::content_hash(db.target(), "wells").await.expect("hash"), first);

    for (kind, n) in &summary.dirt {
        if kind == "null_who_created" {
            assert_eq!(*n, 0, "who_created must never be NULL");
        } else {
            assert!(*n > 0, "no `{kind}` in 8000 wells: {:#?}", summary.dirt);
        }
    }
    // 8000 wells leave functional-test tags in gaps: wells moved there, and ACCEPTED.
    assert_eq!(summary.functional_tags, 8, "{summary:#?}");
    eprintln!("{summary:#?}");
}

#[tokio::test]
async fn tables_have_the_declared_shape_and_nothing_else() {
    let Some(db) = TestDb::empty("legacy_shape").await else { return };
    legacy::create(db.target(), &spec(300, 1)).await.expect("create");
    exec(
        db.target(),
        &format!(
            "CREATE SCHEMA shape; SET search_path TO shape; {}",
            include_str!("../../src/schema.sql")
        ),
    )
    .await;
    let declared = columns(db.target(), "shape").await;
    assert_eq!(declared.iter().filter(|c| c.1 == 1).count(), legacy::TABLES.len());
    assert_eq!(columns(db.target(), "wells").await, declared);

    // Every table UNLOGGED, and the generator's driver table gone.
    let conn = pg::connect(db.target(), "legacy test").await.expect("connect");
    let tables: Vec<(String, String)> = conn
        .query(
            "SELECT relname::text, relpersistence::text FROM pg_class
              WHERE relnamespace = 'wells'::regnamespace AND relkind = 'r' ORDER BY 1",
            &[],
        )
        .await
        .expect("tables")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut expected: Vec<(String, String)> =
        legacy::TABLES.iter().map(|t| (t.to_string(), "u".to_string())).collect();
    expected.sort();
    assert_eq!(tables, expected);
}

#[tokio::test]
async fn emptied_or_outdated_stand_ins_are_generated_again() {
    let Some(db) = TestDb::empty("legacy_emptied").await else { return };
    legacy::create(db.target(), &spec(400, 5)).await.expect("create");
    let first = legacy::content_hash(db.target(), "wells").await.expect("hash");

    // What a crash does to UNLOGGED tables: empty, the schema and its marker kept.
    let truncate = format!("TRUNCATE {}", legacy::TABLES.map(|t| format!("wells.{t}")).join(", "));
    exec(db.target(), &truncate).await;
    let again = legacy::create(db.target(), &spec(400, 5)).await.expect("create again");
    assert!(again.created, "emptied tables must be generated again");
    assert_eq!(again.rows["wells_wells"], 400);
    assert_eq!(legacy::content_hash(db.target(), "wells").await.expect("hash"), first);

    // The first generator's marker for the same spec: other content, generated again.
    exec(db.target(), "COMMENT ON SCHEMA wells IS 'gwells-db legacy stand-in: wells=400 seed=5'")
        .await;
    let regenerated = legacy::create(db.target(), &spec(400, 5)).await.expect("regenerate");
    assert!(regenerated.created, "an older generator's stand-in must be generated again");
    assert!(!legacy::create(db.target(), &spec(400, 5)).await.expect("keep").created);
}
