//! The ledger: Django's table as found, squashes, inconsistency, backwards.

use migrate::{Error, Options, State, migrate_all, run, status};

use crate::{exec, fixture, has_table, rows, test_db};

#[tokio::test]
async fn an_existing_django_table_and_foreign_rows_are_kept() {
    let db = test_db!("migrate_existing_ledger");
    // Django ≤ 4.0 with AutoField: `serial`, and a row of an app we do not know.
    exec(&db, "CREATE TABLE django_migrations (id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL);
               INSERT INTO django_migrations (app, name, applied) VALUES ('other', '0001_initial', now());").await;
    migrate_all(db.target(), fixture("basic").path()).await.expect("apply");
    assert_eq!(
        rows(&db).await,
        ["a 0001_initial", "a 0002_more", "b 0001_initial", "other 0001_initial"]
    );
}

#[tokio::test]
async fn history_with_a_gap_is_inconsistent() {
    let db = test_db!("migrate_inconsistent");
    let dir = fixture("basic");
    migrate_all(db.target(), dir.path()).await.expect("apply");
    exec(&db, "DELETE FROM django_migrations WHERE app = 'a' AND name = '0002_more'").await;
    let st = status(db.target(), dir.path()).await.expect("status");
    assert_eq!(st.inconsistent.len(), 1);
    assert_eq!(st.inconsistent[0].key.to_string(), "b 0001_initial");
    let err = migrate_all(db.target(), dir.path()).await.expect_err("inconsistent");
    assert!(matches!(err, Error::Inconsistent { .. }), "{err}");
}

#[tokio::test]
async fn a_squash_records_replaced_rows_and_itself() {
    let db = test_db!("migrate_squash_fresh");
    migrate_all(db.target(), fixture("squash").path()).await.expect("apply");
    assert_eq!(
        rows(&db).await,
        ["a 0001_initial", "a 0001_squashed_0002_more", "a 0002_more", "a 0003_after"]
    );
    assert!(has_table(&db, "s_three").await);
}

#[tokio::test]
async fn a_squash_added_later_is_recorded() {
    let db = test_db!("migrate_squash_later");
    let dir = fixture("squash");
    let squash = dir.path().join("a/0001_squashed_0002_more.sql");
    let text = std::fs::read_to_string(&squash).expect("read");
    std::fs::remove_file(&squash).expect("remove");
    migrate_all(db.target(), dir.path()).await.expect("apply the originals");
    std::fs::write(&squash, text).expect("restore");
    let st = status(db.target(), dir.path()).await.expect("status");
    assert_eq!(st.apps[0].1[0].state, State::Unrecorded);
    let report = migrate_all(db.target(), dir.path()).await.expect("record");
    assert_eq!(report.recorded_squashes.len(), 1);
    assert!(report.steps.is_empty());
    assert!(status(db.target(), dir.path()).await.expect("status").is_current());
}

#[tokio::test]
async fn backwards_needs_down_files() {
    let db = test_db!("migrate_backwards");
    let dir = fixture("downs");
    migrate_all(db.target(), dir.path()).await.expect("apply");
    let to = |name: &str| Options { to: Some(("a".into(), name.into())), ..Options::default() };
    let err =
        run(db.target(), dir.path(), &to("0001_initial")).await.expect_err("0003 has no down file");
    assert!(
        matches!(&err, Error::NoDownFile { migrations } if migrations == "`a 0003_three`"),
        "{err}"
    );
    assert_eq!(rows(&db).await.len(), 3);

    std::fs::write(dir.path().join("a/0003_three.down.sql"), "DROP TABLE d_three;\n")
        .expect("write");
    let report = run(db.target(), dir.path(), &to("0001_initial")).await.expect("backwards");
    assert_eq!(report.steps.len(), 2);
    assert_eq!(rows(&db).await, ["a 0001_initial"]);
    assert!(has_table(&db, "d_one").await && !has_table(&db, "d_two").await);

    run(db.target(), dir.path(), &to("zero")).await.expect("zero");
    assert!(rows(&db).await.is_empty() && !has_table(&db, "d_one").await);
    run(db.target(), dir.path(), &to("0002_two")).await.expect("forwards to 0002");
    assert_eq!(rows(&db).await, ["a 0001_initial", "a 0002_two"]);
}
