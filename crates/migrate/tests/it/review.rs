//! Issue 14, items 14 and 17: where a failed migration failed, and applied files whose text
//! changed only in comments, were reviewed (`accept_checksum`) or were applied by Django.

use migrate::{Error, accept_checksum, migrate_all, status};

use crate::{exec, fixture, has_table, test_db};

/// A folder with one app `a` holding `files` (`name`, text).
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::create_dir(dir.path().join("a")).expect("mkdir");
    for (name, text) in files {
        std::fs::write(dir.path().join("a").join(name), text).expect("write");
    }
    dir
}

/// The tool's stored checksum of `a <name>`.
async fn stored(db: &devdb::TestDb, name: &str) -> String {
    let conn = pg::connect(db.target(), "migrate tests").await.expect("connect");
    let row = conn
        .query_one(
            "SELECT checksum FROM gwells_db.migration WHERE app = 'a' AND name = $1",
            &[&name],
        )
        .await
        .expect("a row");
    row.get(0)
}

#[tokio::test]
async fn a_failure_without_a_position_names_the_failing_statement() {
    let db = test_db!("migrate_review_position");
    let dir = folder(&[(
        "0001_initial.sql",
        "CREATE TABLE r_one (id int);\nSELECT 2;\n\nSELECT 1/0;\nSELECT 3;\n",
    )]);
    let err = migrate_all(db.target(), dir.path()).await.expect_err("division by zero");
    assert!(matches!(err, Error::Failed { line: 4, .. }), "{err}");
    assert!(err.to_string().contains("0001_initial.sql` line 4, rolled back"), "{err}");
    assert!(!has_table(&db, "r_one").await, "rolled back");

    let dir = folder(&[("0001_initial.sql", "-- no-transaction\nSELECT 1/0;\nSELECT 2;\n")]);
    let err = migrate_all(db.target(), dir.path()).await.expect_err("division by zero");
    assert!(matches!(err, Error::StatementFailed { k: 1, line: 2, .. }), "{err}");
    let text = pg::report::Report::of(&err).one_line();
    assert!(text.contains("; no statement before it was applied: division by zero"), "{text}");
}

#[tokio::test]
async fn comment_only_changes_are_not_drift_and_a_reviewed_change_is_accepted() {
    let db = test_db!("migrate_review_comments");
    let dir = fixture("basic");
    migrate_all(db.target(), dir.path()).await.expect("apply");
    let file = dir.path().join("a/0001_initial.sql");
    std::fs::write(
        &file,
        "-- Creates a_one.\nCREATE TABLE a_one (id/* the key */int); -- reviewed\n/* end */\n",
    )
    .expect("write");
    let st = status(db.target(), dir.path()).await.expect("status");
    assert!(st.is_current() && st.old_checksums.is_empty(), "{st:?}");
    assert!(migrate_all(db.target(), dir.path()).await.expect("no-op").is_noop());

    // A comment inside a literal is SQL: drift, refused until accepted.
    std::fs::write(&file, "CREATE TABLE a_one (id int); SELECT '-- not a comment';\n")
        .expect("write");
    assert_eq!(status(db.target(), dir.path()).await.expect("status").drifted.len(), 1);
    migrate_all(db.target(), dir.path()).await.expect_err("drift");
    let before = stored(&db, "0001_initial").await;
    let accepted =
        accept_checksum(db.target(), dir.path(), "a", "0001_initial").await.expect("accept");
    assert!(accepted.changed() && accepted.previous.as_deref() == Some(before.as_str()));
    assert!(status(db.target(), dir.path()).await.expect("status").is_current());
    assert_eq!(stored(&db, "0001_initial").await, accepted.checksum);
    let conn = pg::connect(db.target(), "migrate tests").await.expect("connect");
    let audit: (String, String) = conn
        .query_one(
            "SELECT previous_checksum, checksum FROM gwells_db.accepted_checksum
              WHERE app = 'a' AND name = '0001_initial'",
            &[],
        )
        .await
        .map(|r| (r.get(0), r.get(1)))
        .expect("the acceptance is recorded");
    assert_eq!(audit, (before, accepted.checksum.clone()));
    let again = accept_checksum(db.target(), dir.path(), "a", "0001_initial").await.expect("again");
    assert!(!again.changed());

    let pending = folder(&[("0001_initial.sql", "SELECT 1;\n")]);
    let err = accept_checksum(db.target(), pending.path(), "a", "0009_none").await.expect_err("");
    assert!(matches!(err, Error::UnknownMigration { .. }), "{err}");
}

#[tokio::test]
async fn checksums_stored_in_the_text_form_still_match_and_are_upgraded() {
    let db = test_db!("migrate_review_upgrade");
    let dir = fixture("basic");
    migrate_all(db.target(), dir.path()).await.expect("apply");
    let source = migrate::load(dir.path()).expect("load");
    // What versions before the `sql` form stored.
    for m in &source.migrations {
        exec(
            &db,
            &format!(
                "UPDATE gwells_db.migration SET checksum = '{}' WHERE app = '{}' AND name = '{}'",
                m.text_checksum, m.key.app, m.key.name
            ),
        )
        .await;
    }
    let st = status(db.target(), dir.path()).await.expect("status");
    assert!(st.is_current() && st.drifted.is_empty(), "not drifted: {st:?}");
    assert_eq!(st.old_checksums.len(), 3);

    let report = migrate_all(db.target(), dir.path()).await.expect("upgrade");
    assert_eq!(report.upgraded_checksums.len(), 3);
    assert!(report.steps.is_empty());
    for m in &source.migrations {
        if m.key.app == "a" {
            assert_eq!(stored(&db, &m.key.name).await, m.checksum);
        }
    }
    let st = status(db.target(), dir.path()).await.expect("status");
    assert!(st.is_current() && st.old_checksums.is_empty(), "{st:?}");
    assert!(migrate_all(db.target(), dir.path()).await.expect("no-op").is_noop());
}

#[tokio::test]
async fn a_migration_applied_by_django_is_unchecked_until_accepted() {
    let db = test_db!("migrate_review_django");
    let dir = fixture("basic");
    migrate_all(db.target(), dir.path()).await.expect("apply");
    exec(&db, "DELETE FROM gwells_db.migration WHERE app = 'a' AND name = '0002_more'").await;
    let st = status(db.target(), dir.path()).await.expect("status");
    assert!(st.is_current(), "unchecked is not out of date: {st:?}");
    assert_eq!(st.unchecked, [migrate::Key::new("a", "0002_more")]);
    let report = migrate_all(db.target(), dir.path()).await.expect("no-op");
    assert_eq!(report.unchecked, [migrate::Key::new("a", "0002_more")]);

    let accepted = accept_checksum(db.target(), dir.path(), "a", "0002_more").await.expect("ok");
    assert_eq!(accepted.previous, None);
    assert!(status(db.target(), dir.path()).await.expect("status").unchecked.is_empty());
    assert_eq!(stored(&db, "0002_more").await, accepted.checksum);

    exec(&db, "DELETE FROM django_migrations WHERE app = 'b'").await;
    let err = accept_checksum(db.target(), dir.path(), "b", "0001_initial").await.expect_err("");
    assert!(matches!(err, Error::NotApplied { .. }), "{err}");
}
