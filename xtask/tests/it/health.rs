//! `health` exit codes in each state, including while a reset runs in another process.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{database, run, text, xtask};

fn code(out: &std::process::Output) -> Option<i32> {
    out.status.code()
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
    let out = xtask()
        .args(["health", "--database-url", "postgres://postgres@127.0.0.1:1/gwells"])
        .output()
        .expect("run");
    assert_eq!(code(&out), Some(1), "{}", text(&out.stderr));

    // A reset in another process, held inside its drop by a lock this test owns.
    let mut holder = pg::connect(coded.target(), "health test").await.expect("connect");
    let tx = holder.transaction().await.expect("begin");
    tx.batch_execute("LOCK TABLE public.well IN ACCESS SHARE MODE").await.expect("lock");
    let mut reset = xtask()
        .args(["reset"])
        .env(pg::vars::DATABASE_URL, coded.target().url_with_password())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn reset");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = None;
    while Instant::now() < deadline {
        let out = run(coded.target(), &["health", "--ready"], &[]);
        if code(&out) == Some(3) {
            seen = Some(text(&out.stdout) + &text(&out.stderr));
            break;
        }
        assert!(reset.try_wait().expect("poll").is_none(), "reset ended before health saw it");
        std::thread::sleep(Duration::from_millis(50));
    }
    tx.commit().await.expect("release");
    let out = reset.wait_with_output().expect("reset");
    assert!(out.status.success(), "reset failed:\n{}", text(&out.stderr));
    let seen = seen.expect("health never reported a reset in progress");
    assert!(seen.contains("reset"), "{seen}");
    let out = run(coded.target(), &["health", "--ready"], &[]);
    assert_eq!(code(&out), Some(0), "after the reset: {}", text(&out.stderr));
}
