//! Database tests of the migrate crate: one binary, each test on its own empty database.
//!
//! Without PostgreSQL each test says it is skipping (devdb); under `CI` it fails instead.

mod apply;
mod ledger;
mod review;

use std::path::{Path, PathBuf};

use devdb::TestDb;

/// The test's database, or return early after devdb's loud SKIP.
macro_rules! test_db {
    ($name:expr) => {
        match devdb::TestDb::empty($name).await {
            Some(db) => db,
            None => return,
        }
    };
}
pub(crate) use test_db;

/// The workspace's real migrations.
fn real_migrations() -> PathBuf {
    devdb::workspace_root().join("migrations")
}

/// A fixture folder, copied so the test can edit it.
fn fixture(case: &str) -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(case);
    let dir = tempfile::tempdir().expect("a temp dir");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.expect("a readable fixture");
        let to = dir.path().join(entry.path().strip_prefix(&from).expect("inside the fixture"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
    dir
}

/// `django_migrations` as `app name` lines, sorted, duplicates kept.
async fn rows(db: &TestDb) -> Vec<String> {
    let conn = pg::connect(db.target(), "migrate tests").await.expect("connect");
    let rows = conn
        .query("SELECT app || ' ' || name FROM django_migrations ORDER BY 1", &[])
        .await
        .expect("read django_migrations");
    rows.iter().map(|r| r.get(0)).collect()
}

/// Whether a table exists.
async fn has_table(db: &TestDb, name: &str) -> bool {
    let conn = pg::connect(db.target(), "migrate tests").await.expect("connect");
    let row = conn.query_one("SELECT to_regclass($1) IS NOT NULL", &[&name]).await.expect("query");
    row.get(0)
}

/// Runs SQL on the test database.
async fn exec(db: &TestDb, sql: &str) {
    let conn = pg::connect(db.target(), "migrate tests").await.expect("connect");
    conn.batch_execute(sql).await.expect("exec");
}
