//! SIGINT and SIGTERM (issue 14 item 11): `reset` and `replicate` stopped by a signal at seeded
//! points exit 130 / 143 with one line saying what the database holds, and that line is true;
//! the maintenance marker is gone (`health` says neither "interrupted" nor "in progress"), the
//! lock is free, and a re-run converges.
//!
//! The points are calibrated, not timed: each waits for a progress line on stderr (the banner, a
//! phase's line), then a seeded delay within the length of the step that follows it, as one
//! clean run here measured it.

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::support::{Points, content_fingerprint, database, fingerprint, pid, run, text, xtask};

/// How a signalled run ended.
struct Ended {
    pid: u32,
    code: Option<i32>,
    stderr: String,
}

impl Ended {
    /// The line that says what state the database is in, if the signal stopped the command.
    fn state(&self) -> Option<&str> {
        self.stderr.lines().find(|l| l.starts_with("interrupted by "))
    }
}

/// Runs `xtask args` against `db` and sends `signal` `delay` after its first stderr line that
/// starts with `after`.
fn signal_at(
    db: &pg::Target,
    args: &[&str],
    after: &str,
    delay: Duration,
    signal: Signal,
) -> Ended {
    let url = db.url_with_password();
    let (reader, writer) = std::io::pipe().expect("pipe");
    // The expression, which holds the write end, is gone after this statement: the reader sees
    // the end when the process's stderr closes.
    let child = xtask(args, &[(pg::vars::DATABASE_URL, &url)])
        .stdout_null()
        .stderr_file(writer)
        .unchecked()
        .start()
        .expect("spawn xtask");
    let pid = Pid::from_raw(pid(&child) as i32);
    let mut stderr = String::new();
    let mut sent = false;
    for line in BufReader::new(reader).lines() {
        let line = line.expect("read stderr");
        if !sent && line.starts_with(after) {
            std::thread::sleep(delay);
            // The process may have ended meanwhile; it is not reaped yet, so the pid is its own.
            let _ = kill(pid, signal);
            sent = true;
        }
        stderr.push_str(&line);
        stderr.push('\n');
    }
    let status = child.wait().expect("wait").status;
    assert!(sent, "`{after}` never appeared:\n{stderr}");
    Ended { pid: pid.as_raw() as u32, code: status.code(), stderr }
}

fn exit_code(signal: Signal) -> i32 {
    128 + signal as i32
}

/// After any interrupted run: no marker left (health says neither "interrupted" nor "in
/// progress"), and the lock can be taken by someone else.
async fn marker_and_lock_are_gone(db: &pg::Target, context: &str) {
    let out = run(db, &["health"], &[]);
    let said = text(&out.stdout) + &text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{context}: health:\n{said}");
    assert!(!said.contains("interrupted") && !said.contains("in progress"), "{context}:\n{said}");
    let options = pg::LockOptions { timeout: Duration::from_secs(10), ..Default::default() };
    let lock = pg::Lock::acquire(db, &options).await;
    lock.unwrap_or_else(|e| panic!("{context}: the lock is still held: {e}"))
        .release()
        .await
        .expect("release");
}

/// The fingerprint of `db` without the tool's own schema, which a reset creates (empty) before
/// it changes anything: what "the database is unchanged" must leave equal.
async fn unchanged(db: &pg::Target) -> String {
    let conn = pg::connect(db, "xtask test").await.expect("connect");
    let markers: i64 = conn
        .query_one("SELECT count(*) FROM gwells_db_meta.marker", &[])
        .await
        .map_or(0, |r| r.get(0));
    assert_eq!(markers, 0, "a marker is left");
    conn.batch_execute("DROP SCHEMA IF EXISTS gwells_db_meta CASCADE").await.expect("drop meta");
    fingerprint(db).await
}

/// The seconds a phase took, from its progress line (`reset: migrate     0.69 s  ...`).
fn phase_seconds(stderr: &str, phase: &str) -> Duration {
    let line = stderr
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(phase))
        .unwrap_or_else(|| panic!("no `{phase}` line in:\n{stderr}"));
    let seconds: f64 = line.split_whitespace().nth(2).and_then(|s| s.parse().ok()).expect("secs");
    Duration::from_secs_f64(seconds)
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_stopped_by_sigint_or_sigterm_says_what_it_left_and_converges() {
    let Some(reference) = database("signal_reset_reference", true).await else { return };
    // Calibration: a clean run measures each phase; its result is what every re-run must give.
    let out = run(reference.target(), &["reset", "--cold"], &[]);
    let calibration = text(&out.stderr);
    assert!(out.status.success(), "{calibration}");
    let expected = content_fingerprint(reference.target()).await;
    // Each point: the signal, the line to wait for, and the step that runs after it; each signal
    // lands in `migrate`, and each phase gets a signal.
    let points = [
        (Signal::SIGINT, "database:", "drop"),
        (Signal::SIGINT, "reset: drop", "migrate"),
        (Signal::SIGTERM, "reset: drop", "migrate"),
        (Signal::SIGTERM, "reset: migrate", "codes"),
    ];
    let mut seeds = Points(1411);
    let mut stopped = 0;
    for (i, &(signal, after, step)) in points.iter().enumerate() {
        let Some(db) = database(&format!("signal_reset_{i}"), true).await else { return };
        let conn = pg::connect(db.target(), "xtask test").await.expect("connect");
        conn.batch_execute("CREATE TABLE canary (x int)").await.expect("canary");
        drop(conn);
        let before = unchanged(db.target()).await;
        let window = phase_seconds(&calibration, step).as_millis() as u64;
        let delay = Duration::from_millis(seeds.next_below(window * 3 / 4));
        let ended = signal_at(db.target(), &["reset", "--cold"], after, delay, signal);
        let context = format!("{signal} {delay:?} after `{after}`");
        let err = &ended.stderr;
        match ended.state() {
            Some(state) => {
                stopped += 1;
                assert_eq!(ended.code, Some(exit_code(signal)), "{context}:\n{err}");
                let prefix = format!("interrupted by {signal}: reset of `{}` ", db.name());
                assert!(state.starts_with(&prefix), "{context}: {state}");
                let canary = fingerprint(db.target()).await.contains("public.canary");
                if state.ends_with("the database is unchanged") {
                    assert_eq!(unchanged(db.target()).await, before, "{context}: {state}");
                } else if state.contains("finished before it could stop") {
                    assert_eq!(content_fingerprint(db.target()).await, expected, "{context}");
                } else {
                    assert!(
                        state.contains(
                            "run the reset again (`gwells-db reset` / `cargo xtask reset`)"
                        ),
                        "{context}: {state}"
                    );
                    assert!(!canary, "{context}: said dropped, but the canary is there: {state}");
                }
            }
            // The signal came after the end.
            None => assert_eq!(ended.code, Some(0), "{context}:\n{err}"),
        }
        marker_and_lock_are_gone(db.target(), &context).await;
        let out = run(db.target(), &["reset", "--cold"], &[]);
        assert!(out.status.success(), "{context}: the re-run failed:\n{}", text(&out.stderr));
        assert_eq!(content_fingerprint(db.target()).await, expected, "{context}: no convergence");
    }
    assert!(stopped >= 3, "only {stopped} of 4 signals landed mid-run");
}

/// The template path: until the swap nothing of the target changes, so a stop there leaves it
/// unchanged and removes the clone it made.
#[tokio::test(flavor = "multi_thread")]
async fn template_reset_stopped_before_the_swap_leaves_the_database_and_no_clone() {
    let Some(db) = database("signal_template", true).await else { return };
    // Calibration, which also builds the template.
    let out = run(db.target(), &["reset"], &[]);
    let calibration = text(&out.stderr);
    assert!(out.status.success() && calibration.contains("reset: swap"), "{calibration}");
    let window = phase_seconds(&calibration, "template").as_millis() as u64;
    let mut seeds = Points(77);
    for signal in [Signal::SIGTERM, Signal::SIGINT] {
        let before = unchanged(db.target()).await;
        let delay = Duration::from_millis(seeds.next_below(window / 2));
        let ended = signal_at(db.target(), &["reset"], "database:", delay, signal);
        let context = format!("{signal} {delay:?} after the banner");
        if let Some(state) = ended.state() {
            assert_eq!(ended.code, Some(exit_code(signal)), "{context}:\n{}", ended.stderr);
            if state.ends_with("the database is unchanged") {
                assert_eq!(unchanged(db.target()).await, before, "{context}: {state}");
            }
        }
        marker_and_lock_are_gone(db.target(), &context).await;
        let conn = pg::connect(db.target(), "xtask test").await.expect("connect");
        let clones: i64 = conn
            .query_one(
                "SELECT count(*) FROM pg_database WHERE datname LIKE $1",
                &[&format!("gwells\\_rst\\_{}\\_%", ended.pid)],
            )
            .await
            .expect("clones")
            .get(0);
        drop(conn);
        assert_eq!(clones, 0, "{context}: a clone was left behind");
    }
}

/// Wells in the stand-in: a full run of a second or two.
const WELLS: u32 = 1_500;

/// Rows of every replicated table.
async fn counts(db: &pg::Target) -> Vec<i64> {
    let conn = pg::connect(db, "xtask test").await.expect("connect");
    let mut out = Vec::new();
    for table in replicate::TABLES {
        let sql = format!("SELECT count(*) FROM {table}");
        out.push(conn.query_one(&sql, &[]).await.expect("count").get(0));
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn replicate_stopped_by_a_signal_rolls_back_and_says_so() {
    let Some(source) = devdb::TestDb::empty("signal_replicate_legacy").await else { return };
    let spec = legacy::Spec { wells: WELLS, seed: 9, ..legacy::Spec::default() };
    legacy::create(source.target(), &spec).await.expect("stand-in");
    let Some(db) = database("signal_replicate", true).await else { return };
    let fdw_spec = fdw::Spec::rehearsal(db.admin(), source.name(), &spec.schema);
    fdw::setup(db.target(), &fdw_spec, &fdw::SetupOptions::default()).await.expect("fdw");
    let t = db.target();
    let empty = counts(t).await;
    let started = Instant::now();
    let out = run(t, &["replicate", "--full"], &[]);
    let window = started.elapsed().as_millis() as u64;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let full = counts(t).await;
    assert_ne!(full, empty);
    // Back to empty tables, so a rolled-back run is told from a committed one.
    let conn = pg::connect(t, "xtask test").await.expect("connect");
    let tables = replicate::TABLES.join(", ");
    conn.batch_execute(&format!("TRUNCATE {tables} CASCADE")).await.expect("truncate");
    drop(conn);
    let empty = counts(t).await;

    let mut seeds = Points(1962);
    let mut rolled_back = 0;
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        let delay = Duration::from_millis(seeds.next_below(window / 2));
        let ended = signal_at(t, &["replicate", "--full"], "database:", delay, signal);
        let context = format!("{signal} {delay:?} after the banner");
        let err = &ended.stderr;
        assert_eq!(ended.code, Some(exit_code(signal)), "{context}:\n{err}");
        let state = ended.state().unwrap_or_else(|| panic!("{context}: no state line:\n{err}"));
        let name = db.name();
        if state
            .ends_with(&format!("replication rolled back: `{name}` holds the data it had before"))
        {
            rolled_back += 1;
            assert_eq!(counts(t).await, empty, "{context}: {state}");
        } else {
            assert!(state.contains("committed before it could stop"), "{context}: {state}");
            assert_eq!(counts(t).await, full, "{context}: {state}");
        }
        marker_and_lock_are_gone(t, &context).await;
        let out = run(t, &["replicate", "--full"], &[]);
        assert!(out.status.success(), "{context}: the re-run failed:\n{}", text(&out.stderr));
        assert_eq!(counts(t).await, full, "{context}: the re-run's rows");
        let conn = pg::connect(t, "xtask test").await.expect("connect");
        conn.batch_execute(&format!("TRUNCATE {tables} CASCADE")).await.expect("truncate");
    }
    assert!(rolled_back >= 1, "neither signal landed before the commit");
}
