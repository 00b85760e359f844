//! `health` exit codes in each state, including while a reset runs in another process.

use std::time::{Duration, Instant};

use crate::support::{copy_dir, database, output, pid, root, run, text, xtask};

fn code(out: &std::process::Output) -> Option<i32> {
    out.status.code()
}

/// Probes `db` until it says "reset in progress" (exit 3) while `reset` runs; what it said.
fn in_progress(db: &pg::Target, reset: &duct::Handle) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let out = run(db, &["health", "--ready"], &[]);
        if code(&out) == Some(3) {
            return Some(text(&out.stdout) + &text(&out.stderr));
        }
        assert!(reset.try_wait().expect("poll").is_none(), "reset ended before health saw it");
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[tokio::test(flavor = "multi_thread")]
async fn health_says_healthy_unready_unreachable_and_reset_in_progress() {
    let Some(coded) = database("health_coded", true).await else { return };
    let out = run(coded.target(), &["health", "--ready"], &[]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));

    // Migrated but no code tables: alive, not ready, and it says why.
    let Some(migrated) = database("health_migrated", false).await else { return };
    assert_eq!(code(&run(migrated.target(), &["health"], &[])), Some(0));
    let out = run(migrated.target(), &["health", "--ready"], &[]);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(code(&out), Some(1), "{all}");
    assert!(all.contains("code"), "the reason is not named:\n{all}");

    // Nothing listening.
    let args = ["health", "--database-url", "postgres://postgres@127.0.0.1:1/gwells"];
    let out = output(&xtask(args, &[])).expect("run");
    assert_eq!(code(&out), Some(1), "{}", text(&out.stderr));

    // A reset in another process, held inside its drop by a lock this test owns.
    let mut holder = pg::connect(coded.target(), "health test").await.expect("connect");
    let tx = holder.transaction().await.expect("begin");
    tx.batch_execute("LOCK TABLE public.well IN ACCESS SHARE MODE").await.expect("lock");
    let url = coded.target().url_with_password();
    let reset = xtask(["reset", "--cold"], &[(pg::vars::DATABASE_URL, &url)])
        .stdout_null()
        .stderr_capture()
        .unchecked()
        .start()
        .expect("spawn reset");
    let seen = in_progress(coded.target(), &reset);
    let pid = pid(&reset);
    tx.commit().await.expect("release");
    let out = reset.into_output().expect("reset");
    assert!(out.status.success(), "reset failed:\n{}", text(&out.stderr));
    let seen = seen.expect("health never reported a reset in progress");
    // Exit 3 always says "reset"; the probe must also name which process holds the marker.
    assert!(seen.contains("reset in progress (started "), "{seen}");
    assert!(seen.contains(&format!("by cargo xtask reset (pid {pid})")), "{seen}");
    let out = run(coded.target(), &["health", "--ready"], &[]);
    assert_eq!(code(&out), Some(0), "after the reset: {}", text(&out.stderr));
}

/// On a throwaway server `reset` replaces the database by a clone (names swapped, sessions
/// ended): probes must see "reset in progress" or "healthy", never "unhealthy".
#[tokio::test(flavor = "multi_thread")]
async fn health_never_says_unhealthy_during_template_resets() {
    let Some(db) = database("health_template", true).await else { return };
    // A copy of the migrations: its own template, which this reset must build — under the
    // template lock, which the test holds so the reset waits with its marker set.
    let dir = tempfile::tempdir().expect("tempdir");
    let migrations = dir.path().join("migrations");
    copy_dir(&root().join("migrations"), &migrations);
    let migrations = migrations.display().to_string();
    let admin = db.target().with_dbname("postgres");
    let lock = pg::Lock::acquire(&admin, &pg::LockOptions::default()).await.expect("lock");
    let url = db.target().url_with_password();
    let reset = move || {
        xtask(["--migrations-dir", &migrations, "reset"], &[(pg::vars::DATABASE_URL, &url)])
            .stdout_capture()
            .stderr_capture()
            .unchecked()
            .start()
            .expect("spawn reset")
    };
    let first = reset();
    let seen = in_progress(db.target(), &first);
    lock.release().await.expect("release");
    let out = first.into_output().expect("reset");
    let said = text(&out.stdout) + &text(&out.stderr);
    assert!(out.status.success(), "reset failed:\n{said}");
    assert!(said.contains("reset: template") && said.contains("reset: swap"), "{said}");
    let seen = seen.expect("health never reported a reset in progress");
    assert!(seen.contains("reset in progress"), "{seen}");
    assert_eq!(code(&run(db.target(), &["health", "--ready"], &[])), Some(0));

    // Resets back to back in another thread, probes as fast as they come meanwhile.
    let again = reset.clone();
    let resets = std::thread::spawn(move || {
        (0..5).map(|_| again().into_output().expect("reset")).collect::<Vec<_>>()
    });
    let mut codes = std::collections::BTreeMap::new();
    let mut unhealthy = Vec::new();
    while !resets.is_finished() {
        let out = run(db.target(), &["health", "--ready"], &[]);
        *codes.entry(code(&out)).or_insert(0) += 1;
        if code(&out) != Some(0) && code(&out) != Some(3) {
            unhealthy.push(text(&out.stdout) + &text(&out.stderr));
        }
    }
    for out in resets.join().expect("resets") {
        assert!(out.status.success(), "reset failed:\n{}", text(&out.stderr));
    }
    assert!(unhealthy.is_empty(), "probes during template resets ({codes:?}):\n{unhealthy:#?}");
    assert!(codes.contains_key(&Some(3)), "no probe overlapped a reset: {codes:?}");
    assert_eq!(code(&run(db.target(), &["health", "--ready"], &[])), Some(0));

    // The copy's template is this test's alone.
    if let Some(name) = said.split('`').find(|s| s.starts_with("gwells_tpl_reset")) {
        devdb::drop_database(&admin, name).await.expect("drop the test's template");
    }
}
