//! Database tests of the replication functions and driver, each on its own database cloned
//! from a migrated and coded template. The legacy schema `wells` is created as plain local
//! tables from the stand-in's DDL (crates/legacy), so crafted rows can be inserted directly:
//! the functions only ever see `wells.<table>`.

mod crafted;
mod driver;
mod fdw;
mod keys;
mod merge;

use devdb::TestDb;
use pg::Target;

/// A database with every migration (the replication functions included) and the code tables.
pub(crate) async fn coded_db(test: &str) -> Option<TestDb> {
    templates::test_db(test, templates::Contents::Coded).await
}

/// The legacy tables as local tables in schema `wells`, empty.
pub(crate) async fn local_legacy(target: &Target) {
    let ddl = std::fs::read_to_string(devdb::workspace_root().join("crates/legacy/src/schema.sql"))
        .expect("crates/legacy/src/schema.sql");
    let conn = pg::connect(target, "replicate test").await.expect("connect");
    conn.batch_execute(&format!("CREATE SCHEMA wells; SET search_path = wells; {ddl}"))
        .await
        .expect("legacy DDL");
}

/// Runs `sql` and returns the single text column of each row.
pub(crate) async fn texts(target: &Target, sql: &str) -> Vec<String> {
    let conn = pg::connect(target, "replicate test").await.expect("connect");
    conn.query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.get::<_, Option<String>>(0).unwrap_or_else(|| "NULL".into()))
        .collect()
}

pub(crate) async fn exec(target: &Target, sql: &str) {
    let conn = pg::connect(target, "replicate test").await.expect("connect");
    conn.batch_execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

pub(crate) async fn run(target: &Target, mode: replicate::Mode) -> replicate::Report {
    run_path(target, mode, replicate::Choice::Auto).await
}

/// A run on the path given.
pub(crate) async fn run_path(
    target: &Target,
    mode: replicate::Mode,
    path: replicate::Choice,
) -> replicate::Report {
    let options = replicate::Options { path, ..replicate::Options::new(mode) };
    replicate::replicate(target, &options, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("replicate: {e}"))
}
