//! What the reliability tests share: the binary, databases, and a fingerprint of a database.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Output;

use devdb::TestDb;

/// The workspace root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

/// The xtask binary with `args`, `env`, and none of the other variables that choose a target or
/// configure a phase, so a test says exactly what it means. `env` is given here, not by a later
/// `.env()`: duct applies an expression's outermost setting first, so the removals must wrap
/// what the test sets, or they would undo it.
pub(crate) fn xtask<A>(args: A, env: &[(&str, &str)]) -> duct::Expression
where
    A: IntoIterator,
    A::Item: Into<OsString>,
{
    let mut cmd = with_env(duct::cmd(env!("CARGO_BIN_EXE_xtask"), args), env);
    for var in pg::vars::ALL {
        // HOME stays: it is not a setting but where tools (docker) find their configuration.
        if !matches!(*var, "GWELLS_TEST_SERVER_URL" | "GWELLS_PG_IMAGE" | "CI" | "HOME") {
            cmd = cmd.env_remove(var);
        }
    }
    cmd
}

/// `cmd` with `env` on top, a later pair winning over an earlier one as with std's repeated
/// `.env()`: duct applies the outermost setting first, so the pairs wrap it last to first.
pub(crate) fn with_env<K: AsRef<OsStr>, V: AsRef<OsStr>>(
    cmd: duct::Expression,
    env: &[(K, V)],
) -> duct::Expression {
    env.iter().rev().fold(cmd, |cmd, (k, v)| cmd.env(k.as_ref(), v.as_ref()))
}

/// Runs `cmd` to its end as std's `Command::output` does: stdin empty, stdout and stderr
/// captured, and any exit status an `Output` (only a program that cannot start is an error).
pub(crate) fn output(cmd: &duct::Expression) -> std::io::Result<Output> {
    cmd.stdin_null().stdout_capture().stderr_capture().unchecked().run()
}

/// Runs the binary against `db` with `args`.
pub(crate) fn run(db: &pg::Target, args: &[&str], env: &[(&str, &str)]) -> Output {
    let url = db.url_with_password();
    let mut all = vec![(pg::vars::DATABASE_URL, url.as_str())];
    all.extend_from_slice(env);
    output(&xtask(args, &all)).expect("run xtask")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A database cloned from the migrated template (`coded`: with the code tables loaded).
pub(crate) async fn database(test: &str, coded: bool) -> Option<TestDb> {
    let contents = if coded { templates::Contents::Coded } else { templates::Contents::Migrated };
    templates::test_db(test, contents).await
}

/// A hash of the schema (columns, constraints, indexes, functions) and of every row of every
/// table in the non-system schemas: equal fingerprints mean nothing changed.
pub(crate) async fn fingerprint(target: &pg::Target) -> String {
    fingerprint_of(target, &[]).await
}

/// The same, leaving out the ledgers, whose rows carry the time they were written: for
/// comparing two databases built separately.
pub(crate) async fn content_fingerprint(target: &pg::Target) -> String {
    fingerprint_of(target, &["public.django_migrations", "gwells_db.migration"]).await
}

async fn fingerprint_of(target: &pg::Target, skip: &[&str]) -> String {
    let schema = schema_fingerprint(target).await;
    let conn = pg::connect(target, "xtask test").await.expect("connect");
    let tables = conn
        .query(
            "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
              WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
            &[],
        )
        .await
        .expect("tables");
    let mut data = String::new();
    for row in tables {
        let table: String = row.get(0);
        if skip.contains(&table.as_str()) {
            continue;
        }
        let sql = format!(
            "SELECT coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM {table} t"
        );
        let hash: String = conn.query_one(&sql, &[]).await.expect("table hash").get(0);
        data.push_str(&format!("{table} {hash}\n"));
    }
    // Per-table lines, so a failed comparison shows which table changed.
    format!("schema {schema}\n{data}")
}

/// A hash of the schema only: columns, constraints, indexes, functions.
pub(crate) async fn schema_fingerprint(target: &pg::Target) -> String {
    let conn = pg::connect(target, "xtask test").await.expect("connect");
    conn
        .query_one(
            "SELECT coalesce(md5(string_agg(x, E'\\n' ORDER BY x)), '') FROM (
               SELECT format('%s.%s.%s %s %s %s', table_schema, table_name, column_name, data_type,
                             is_nullable, column_default) AS x
                 FROM information_schema.columns
                WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
               UNION ALL
               SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
                 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
               UNION ALL
               SELECT indexdef FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
               UNION ALL
               SELECT n.nspname || '.' || p.proname || ' ' || md5(p.prosrc)
                 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
             ) s",
            &[],
        )
        .await
        .expect("schema fingerprint")
        .get(0)
}

/// Lets `child` run for `delay`, then kills it with SIGKILL unless it ended first; true if killed.
/// `child` must be `unchecked()`: a killed run is an outcome here, not an error.
pub(crate) fn kill_after(child: duct::Handle, delay: std::time::Duration) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < delay {
        if child.try_wait().expect("poll").is_some() {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let killed = child.try_wait().expect("poll").is_none();
    if killed {
        child.kill().expect("kill -9");
    }
    child.wait().expect("reap");
    killed
}

/// The pid of the one process `child` runs.
pub(crate) fn pid(child: &duct::Handle) -> u32 {
    child.pids()[0]
}

/// Kills a run `delay` after its start, mid-run. A run that ends first (this machine was faster
/// than its calibration run) is followed by a fresh one killed at half the delay, until a kill
/// lands: so every seeded point kills something, whatever the machine's speed. `fresh(attempt)`
/// prepares what the run needs and starts it (`unchecked()`). Returns what it prepared for the
/// killed run, the delay that landed, and the killed process's pid.
pub(crate) async fn kill_mid_run<T, F, Fut>(
    mut delay: std::time::Duration,
    mut fresh: F,
) -> (T, std::time::Duration, u32)
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = (T, duct::Handle)>,
{
    let mut attempt = 0;
    loop {
        let (made, child) = fresh(attempt).await;
        let pid = pid(&child);
        if kill_after(child, delay) {
            return (made, delay, pid);
        }
        assert!(!delay.is_zero(), "a run ended before a kill at 0 ms");
        delay /= 2;
        attempt += 1;
    }
}

/// Copies a directory tree.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// A tiny deterministic generator (64-bit LCG), so a failing kill point can be replayed.
pub(crate) struct Points(pub(crate) u64);

impl Points {
    /// The next number below `bound`.
    pub(crate) fn next_below(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound.max(1)
    }
}
