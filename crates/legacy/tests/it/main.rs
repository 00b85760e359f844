//! Database tests of the legacy stand-in, each on its own database (devdb::TestDb).

use devdb::TestDb;
use legacy::Spec;

fn spec(wells: u32, seed: i64) -> Spec {
    Spec { schema: "wells".to_string(), wells, seed, replace: false }
}

#[tokio::test]
async fn generator_is_deterministic_and_dirty() {
    let Some(db) = TestDb::empty("legacy_deterministic").await else { return };
    let summary = legacy::create(db.target(), &spec(5000, 7)).await.expect("create");
    assert!(summary.created);
    assert_eq!(summary.rows["wells_wells"], 5000);
    let first = legacy::content_hash(db.target(), "wells").await.expect("hash");

    // Same spec again: a no-op, same content.
    let again = legacy::create(db.target(), &spec(5000, 7)).await.expect("create again");
    assert!(!again.created);
    assert_eq!(again.rows, summary.rows);
    assert_eq!(legacy::content_hash(db.target(), "wells").await.expect("hash"), first);

    // Another spec in the same place needs `replace`.
    let err = legacy::create(db.target(), &spec(5000, 8)).await.expect_err("exists");
    assert!(err.to_string().contains("already exists"), "{err}");

    // Re-generated with the same seed elsewhere: the same hash; another seed: another hash.
    let mut other = spec(5000, 7);
    other.schema = "wells_again".to_string();
    legacy::create(db.target(), &other).await.expect("create copy");
    assert_eq!(legacy::content_hash(db.target(), "wells_again").await.expect("hash"), first);
    let mut reseeded = spec(5000, 8);
    reseeded.replace = true;
    legacy::create(db.target(), &reseeded).await.expect("replace");
    assert_ne!(legacy::content_hash(db.target(), "wells").await.expect("hash"), first);

    for (kind, n) in &summary.dirt {
        if kind == "null_who_created" {
            assert_eq!(*n, 0, "who_created must never be NULL");
        } else {
            assert!(*n > 0, "no `{kind}` in 5000 wells: {:#?}", summary.dirt);
        }
    }
    eprintln!("{summary:#?}");
}
