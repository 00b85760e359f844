//! Applying: the real migrations, failures, no-transaction resume, concurrency, drift.

use migrate::{Error, Options, migrate_all, render_plan, render_showmigrations, run, status};

use crate::{fixture, has_table, real_migrations, rows, test_db};

#[tokio::test]
async fn the_real_set_applies_then_is_a_no_op() {
    let db = test_db!("migrate_real_set");
    let dir = real_migrations();
    let before = status(db.target(), &dir).await.expect("status");
    let source = migrate::load(&dir).expect("load");
    insta::assert_snapshot!(
        "real_plan",
        render_plan(
            &source,
            &before
                .pending
                .iter()
                .map(|k| migrate::Step { key: k.clone(), backwards: false })
                .collect::<Vec<_>>(),
            &before.repeatables
        )
    );

    let report = migrate_all(db.target(), &dir).await.expect("first run");
    assert_eq!(report.steps.len(), source.migrations.len());
    assert_eq!(report.repeatables.len(), source.repeatables.len());
    assert_eq!(rows(&db).await.len(), source.migrations.len());

    let again = migrate_all(db.target(), &dir).await.expect("second run");
    assert!(again.is_noop() && !again.locked, "{again:?}");
    let after = status(db.target(), &dir).await.expect("status");
    assert!(after.is_current(), "{after:?}");
    insta::assert_snapshot!("real_showmigrations", render_showmigrations(&after, None));

    // Django 5.2's final auth_user, and the post-deploy objects.
    let conn = pg::connect(db.target(), "migrate tests").await.expect("connect");
    let cols = conn
        .query(
            "SELECT column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '') || ' ' || is_nullable
               FROM information_schema.columns WHERE table_name = 'auth_user' ORDER BY ordinal_position",
            &[],
        )
        .await
        .expect("columns");
    let cols: Vec<String> = cols.iter().map(|r| r.get(0)).collect();
    insta::assert_snapshot!("auth_user_columns", cols.join("\n"));
    let default: Option<String> = conn
        .query_one("SELECT column_default FROM information_schema.columns WHERE table_name = 'well_status_code' AND column_name = 'effective_date'", &[])
        .await
        .expect("default")
        .get(0);
    assert_eq!(default.as_deref(), Some("CURRENT_DATE"));
    assert!(has_table(&db, "well_latlong").await);
}

#[tokio::test]
async fn a_failing_migration_changes_nothing() {
    let db = test_db!("migrate_failing");
    let dir = fixture("failing");
    let err = migrate_all(db.target(), dir.path()).await.expect_err("0002 names a missing column");
    let text = pg::report::Report::of(&err).one_line();
    assert!(matches!(err, Error::Failed { line: 3, .. }), "{text}");
    assert!(
        text.contains("a 0002_breaks")
            && text.contains("0002_breaks.sql")
            && text.contains("no_such_column"),
        "{text}"
    );
    assert_eq!(rows(&db).await, ["a 0001_initial"]);
    assert!(has_table(&db, "f_one").await);
    assert!(!has_table(&db, "f_two").await);
    let st = status(db.target(), dir.path()).await.expect("status");
    assert_eq!(st.pending.len(), 1);
}

#[tokio::test]
async fn a_no_transaction_migration_resumes_where_it_failed() {
    let db = test_db!("migrate_notx");
    let dir = fixture("notx");
    let file = dir.path().join("a/0002_concurrently.sql");
    let err = migrate_all(db.target(), dir.path()).await.expect_err("n_missing does not exist");
    assert!(matches!(err, Error::StatementFailed { k: 3, n: 4, line: 4, .. }), "{err}");
    assert!(err.to_string().contains("statement 3 of 4"), "{err}");
    assert!(err.to_string().contains("statements 1..2 before it are applied"), "{err}");
    assert!(has_table(&db, "n_one").await && !has_table(&db, "n_three").await);
    assert_eq!(rows(&db).await, ["a 0001_initial"]);
    let st = status(db.target(), dir.path()).await.expect("status");
    assert_eq!((st.partial.len(), st.partial[0].done, st.partial[0].total), (1, 2, 4));

    // Changing a statement that already ran is refused.
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replace("note text", "note varchar")).expect("write");
    let err = migrate_all(db.target(), dir.path()).await.expect_err("statement 1 changed");
    assert!(matches!(err, Error::ResumeChanged { done: 2, .. }), "{err}");

    // Fixing the failed statement continues with it: statements 1 and 2 do not run again.
    std::fs::write(
        &file,
        text.replace(
            "INSERT INTO n_missing VALUES ('a;b', $$ ; $$)",
            "CREATE TABLE n_two (id int)",
        ),
    )
    .expect("write");
    let report = migrate_all(db.target(), dir.path()).await.expect("resume");
    assert_eq!(report.steps.len(), 1);
    assert!(has_table(&db, "n_two").await && has_table(&db, "n_three").await);
    assert_eq!(rows(&db).await, ["a 0001_initial", "a 0002_concurrently"]);
    assert!(status(db.target(), dir.path()).await.expect("status").is_current());
}

#[tokio::test]
async fn an_edited_applied_migration_is_refused() {
    let db = test_db!("migrate_drift");
    let dir = fixture("basic");
    migrate_all(db.target(), dir.path()).await.expect("apply");
    let file = dir.path().join("a/0001_initial.sql");
    // Line endings, a BOM and trailing blanks are not changes.
    std::fs::write(&file, "\u{feff}CREATE TABLE a_one (id int);  \r\n\r\n").expect("write");
    assert!(status(db.target(), dir.path()).await.expect("status").is_current());
    std::fs::write(&file, "CREATE TABLE a_one (id bigint);\n").expect("write");
    let st = status(db.target(), dir.path()).await.expect("status");
    assert_eq!(st.drifted.len(), 1);
    let err = migrate_all(db.target(), dir.path()).await.expect_err("drift");
    let text = err.to_string();
    assert!(
        text.contains("`a 0001_initial` was applied")
            && text.contains("a/0001_initial.sql")
            && text.contains("\nhint: "),
        "{text}"
    );
}

#[tokio::test]
async fn eight_concurrent_runs_apply_each_migration_once() {
    let db = test_db!("migrate_concurrent");
    let dir = real_migrations();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (target, dir) = (db.target().clone(), dir.clone());
        tasks.push(tokio::spawn(async move { migrate_all(&target, &dir).await }));
    }
    let mut applied = 0;
    for task in tasks {
        let report = task.await.expect("task").expect("every run succeeds");
        applied += report.steps.len();
    }
    let n = migrate::load(&dir).expect("load").migrations.len();
    assert_eq!(applied, n, "each migration applied by exactly one run");
    let rows = rows(&db).await;
    let mut unique = rows.clone();
    unique.dedup();
    assert_eq!((rows.len(), unique.len()), (n, n));
}

#[tokio::test]
async fn fake_records_without_running() {
    let db = test_db!("migrate_fake");
    let dir = fixture("basic");
    let options = Options { fake: true, ..Options::default() };
    let report = run(db.target(), dir.path(), &options).await.expect("fake");
    assert!(report.steps.iter().all(|s| s.fake));
    assert_eq!(rows(&db).await, ["a 0001_initial", "a 0002_more", "b 0001_initial"]);
    assert!(!has_table(&db, "a_one").await);
    assert!(status(db.target(), dir.path()).await.expect("status").is_current());
}
