//! The database tests of `codes`, in one binary: each test on its own database cloned from the
//! migrated template. Without PostgreSQL they print a loud SKIP (and fail under `CI`).

mod fixtures;
mod guard;
mod import;
mod load;

use std::path::{Path, PathBuf};

use devdb::{TemplateSpec, TestDb};

/// The shipped `codetables/`.
fn codetables() -> PathBuf {
    devdb::workspace_root().join("codetables")
}

/// `crates/codes/tests/fixtures/<case>`.
fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(case)
}

/// A database with every migration applied and no code rows.
async fn migrated(test: &str) -> Option<TestDb> {
    let migrations = devdb::workspace_root().join("migrations");
    let spec = TemplateSpec {
        label: "migrated".into(),
        inputs: vec![migrations.clone()],
        extra: String::new(),
    };
    TestDb::from_template(test, &spec, |target| async move {
        migrate::migrate_all(&target, &migrations).await?;
        Ok(())
    })
    .await
}

/// A migrated database with `codetables/` loaded.
async fn coded(test: &str) -> Option<TestDb> {
    let db = migrated(test).await?;
    let report = codes::load_dir(db.target(), &codetables(), &codes::LoadOptions::default())
        .await
        .unwrap_or_else(|e| panic!("loading codetables/: {e}"));
    assert!(report.tables.iter().all(|t| t.inserted == t.rows), "a fresh load inserts every row");
    Some(db)
}

async fn exec(target: &pg::Target, sql: &str) {
    let conn = pg::connect(target, "codes test").await.unwrap_or_else(|e| panic!("{e}"));
    conn.batch_execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e:?}"));
}

async fn query_i64(target: &pg::Target, sql: &str) -> i64 {
    let conn = pg::connect(target, "codes test").await.unwrap_or_else(|e| panic!("{e}"));
    conn.query_one(sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e:?}")).get(0)
}

/// A fingerprint of the code tables and the data tables that reference them: per table, its
/// row count and a hash of its rows. Equal fingerprints mean nothing changed.
async fn state(target: &pg::Target) -> Vec<String> {
    let conn = pg::connect(target, "codes test").await.unwrap_or_else(|e| panic!("{e}"));
    let mut tables: Vec<String> = std::fs::read_dir(codetables())
        .expect("codetables/ lists")
        .filter_map(|e| e.ok()?.path().file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|n| n != "README")
        .collect();
    tables.extend(["well".to_string(), "activity_submission".to_string()]);
    tables.sort();
    let mut out = Vec::new();
    for t in tables {
        let sql = format!(
            "SELECT count(*)::text || ' ' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '-') FROM {} t",
            pg::quote::ident(&t).expect("a plain name")
        );
        let row = conn.query_one(&sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e:?}"));
        out.push(format!("{t}: {}", row.get::<_, String>(0)));
    }
    out
}

/// Copies `codetables/` into a temporary folder the test may edit.
fn editable_codetables() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for entry in std::fs::read_dir(codetables()).expect("codetables/ lists") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&path, dir.path().join(path.file_name().expect("a file name")))
                .expect("copy");
        }
    }
    dir
}

/// Rewrites one CSV in `dir` through `edit`.
fn edit(dir: &Path, table: &str, edit: impl FnOnce(String) -> String) {
    let path = dir.join(format!("{table}.csv"));
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, edit(text)).expect("write");
}
