//! The product binary where GWELLS runs: the RELEASE `gwells-db` copied into an empty folder,
//! run in a mount namespace where the source tree is hidden (an empty folder bind-mounted over
//! the workspace), against a throwaway server. It must work from the files built into it, or
//! from folders given on the command line; without a target it must stop, exit 2, and start
//! nothing. Also: a replication whose report folder cannot be written still succeeds.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Output;

use devdb::TestDb;

use crate::support::{copy_dir, output, root, text, xtask};

/// The release binary, copied into a fresh folder outside the workspace (`None`: not built, and
/// not under CI, which builds it first in `.ci/run`).
#[allow(clippy::print_stderr)] // a test that cannot run says so, loudly
fn release_binary(into: &Path) -> Option<PathBuf> {
    let built = devdb::target_dir().join("release").join("gwells-db");
    if !built.is_file() {
        assert!(!pg::vars::in_ci(), "{} is missing: .ci/run builds it", built.display());
        eprintln!("SKIP: {} is not built (cargo build --release -p gwells-db)", built.display());
        return None;
    }
    let copy = into.join("gwells-db");
    std::fs::copy(&built, &copy).expect("copy the binary");
    Some(copy)
}

/// `program args...` with the workspace hidden behind an empty folder (and, when `target/` lies
/// elsewhere, that too), with only `env` and `PATH` in its environment.
fn hidden(program: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    hidden_writes(program, args, env).0
}

/// [`hidden`], and what the program wrote where the checkout and the target folder were: they
/// are one empty folder to it, so a dev server it started (its registry record, its data) would
/// land there, while other tests' servers cannot.
fn hidden_writes(program: &Path, args: &[&str], env: &[(&str, &str)]) -> (Output, Vec<PathBuf>) {
    let empty = tempfile::tempdir().expect("tempdir");
    let mut argv: Vec<OsString> =
        ["--mount", "--propagation", "private", "sh", "-c"].map(Into::into).into();
    argv.push(r#"e=$1; shift; while [ "$1" != -- ]; do mount --bind "$e" "$1" || exit 97; shift; done; shift; exec "$@""#.into());
    argv.extend(["hide".into(), empty.path().into(), root().into()]);
    let target = devdb::target_dir();
    if !target.starts_with(root()) {
        argv.push(target.into());
    }
    argv.extend(["--".into(), program.into()]);
    argv.extend(args.iter().map(Into::into));
    let path = ("PATH", std::env::var_os("PATH").unwrap_or_default());
    // Nothing else of this process's environment; a later pair wins, as with std's `.env()`.
    let env = std::iter::once(path).chain(env.iter().map(|(k, v)| (*k, OsString::from(v))));
    let out = output(&duct::cmd("unshare", argv).full_env(env)).expect("run unshare");
    let written = std::fs::read_dir(empty.path())
        .expect("the hiding folder")
        .map(|e| e.expect("an entry").path())
        .collect();
    (out, written)
}

fn ok(out: &Output, what: &str) -> String {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{what} failed:\n{err}\n{}", text(&out.stdout));
    err
}

async fn scalar(db: &pg::Target, sql: &str) -> i64 {
    let conn = pg::connect(db, "xtask test").await.expect("connect");
    conn.query_one(sql, &[]).await.expect(sql).get(0)
}

/// migrate, codes load, health --ready, reset --confirm, admin create --secret-dir, in order,
/// with `extra` flags; returns every command's stderr.
fn lifecycle(bin: &Path, db: &pg::Target, extra: &[&str], secret: &Path) -> Vec<String> {
    let url = db.url_with_password();
    let env = [(pg::vars::DATABASE_URL, url.as_str())];
    let secret = secret.to_str().expect("utf-8 path");
    let steps: [&[&str]; 6] = [
        &["migrate"],
        &["codes", "load"],
        &["health", "--ready"],
        &["reset", "--confirm", db.dbname()],
        &["admin", "create", "--secret-dir", secret],
        &["health", "--ready"],
    ];
    steps
        .iter()
        .map(|step| {
            let args: Vec<&str> = step.iter().chain(extra).copied().collect();
            ok(&hidden(bin, &args, &env), &args.join(" "))
        })
        .collect()
}

fn admin_secret(dir: &Path) {
    std::fs::write(dir.join("DJANGO_ADMIN_USER"), "pod-admin\n").expect("write");
    std::fs::write(dir.join("DJANGO_ADMIN_PASSWORD"), "Pod-S3cret-pass\n").expect("write");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_release_binary_runs_from_its_embedded_files_with_the_source_tree_hidden() {
    let bin_dir = tempfile::tempdir().expect("tempdir");
    let Some(bin) = release_binary(bin_dir.path()) else { return };
    let Some(db) = TestDb::empty("product_embedded").await else { return };
    // Hidden: the namespace sees no `migrations/` where the binary was built.
    let probe = hidden(
        Path::new("/bin/sh"),
        &["-c", "ls \"$0\"/migrations", &root().display().to_string()],
        &[],
    );
    assert_ne!(probe.status.code(), Some(0), "the workspace is visible: {}", text(&probe.stdout));

    let secret = tempfile::tempdir().expect("tempdir");
    admin_secret(secret.path());
    let logs = lifecycle(&bin, db.target(), &[], secret.path());
    let version = hidden(&bin, &["--version"], &[]);
    let version = text(&version.stdout);
    let hash =
        devdb::inputs_hash(&[root().join("migrations"), root().join("codetables")]).expect("hash");
    assert!(version.contains(&format!("migrations+codetables {hash}")), "{version}");
    assert!(logs[0].contains(&format!("migrations: embedded, {hash}")), "{}", logs[0]);
    assert!(logs[1].contains(&format!("codetables: embedded, {hash}")), "{}", logs[1]);
    assert!(logs[3].contains("reset: migrate") && logs[3].contains("reset: codes"), "{}", logs[3]);
    assert!(logs[4].contains("superuser `pod-admin` created"), "{}", logs[4]);
    assert!(logs[5].contains(": healthy"), "{}", logs[5]);
    assert!(logs.iter().all(|l| !l.contains("Pod-S3cret-pass")), "the password was printed");
    let t = db.target();
    assert_eq!(scalar(t, "SELECT count(*) FROM auth_user WHERE is_superuser").await, 1);
    assert!(scalar(t, "SELECT count(*) FROM well_status_code").await > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_release_binary_uses_the_folders_it_is_given() {
    let bin_dir = tempfile::tempdir().expect("tempdir");
    let Some(bin) = release_binary(bin_dir.path()) else { return };
    let Some(db) = TestDb::empty("product_given").await else { return };
    // Copies outside the workspace, each with a change the embedded files lack.
    let assets = tempfile::tempdir().expect("tempdir");
    let (migrations, codetables) = (assets.path().join("m"), assets.path().join("c"));
    copy_dir(&root().join("migrations"), &migrations);
    copy_dir(&root().join("codetables"), &codetables);
    std::fs::create_dir_all(migrations.join("probe")).expect("mkdir");
    std::fs::write(
        migrations.join("probe/0001_initial.sql"),
        "-- a migration only the given folder has\nCREATE TABLE product_probe (id integer);\n",
    )
    .expect("write");
    let csv = codetables.join("well_status_code.csv");
    let edited = std::fs::read_to_string(&csv).expect("csv").replace(",Abandoned,", ",Given,");
    std::fs::write(&csv, edited).expect("write");

    let secret = tempfile::tempdir().expect("tempdir");
    admin_secret(secret.path());
    let (m, c) = (migrations.display().to_string(), codetables.display().to_string());
    let flags = ["--migrations-dir", m.as_str(), "--codetables-dir", c.as_str()];
    let logs = lifecycle(&bin, db.target(), &flags, secret.path());
    assert!(logs[0].contains(&format!("migrations: {m} (given)")), "{}", logs[0]);
    assert!(logs[1].contains(&format!("codetables: {c} (given)")), "{}", logs[1]);
    let t = db.target();
    assert_eq!(scalar(t, "SELECT count(*) FROM product_probe").await, 0, "probe table missing");
    let given = "SELECT count(*) FROM well_status_code WHERE description = 'Given'";
    assert_eq!(scalar(t, given).await, 1);
    // The variables say the same as the flags.
    let url = t.url_with_password();
    let env = [
        (pg::vars::DATABASE_URL, url.as_str()),
        (pg::vars::GWELLS_MIGRATIONS_DIR, m.as_str()),
        (pg::vars::GWELLS_CODETABLES_DIR, c.as_str()),
    ];
    let err = ok(&hidden(&bin, &["health", "--ready"], &env), "health --ready from variables");
    assert!(err.contains(": healthy"), "{err}");
    // Each listing comes from its own folder: only the given one knows the probe migration.
    let env = [(pg::vars::DATABASE_URL, url.as_str())];
    let given = hidden(&bin, &["showmigrations", "--migrations-dir", m.as_str()], &env);
    assert!(text(&given.stdout).contains("probe\n [X] 0001_initial"), "{}", text(&given.stdout));
    let embedded = hidden(&bin, &["showmigrations"], &env);
    ok(&embedded, "showmigrations");
    assert!(!text(&embedded.stdout).contains("probe"), "{}", text(&embedded.stdout));
}

/// Without a target, neither binary outside a checkout starts a server: exit 2, naming the ways
/// to give one.
#[test]
fn without_a_target_outside_a_checkout_nothing_starts_and_the_error_says_how() {
    let bin_dir = tempfile::tempdir().expect("tempdir");
    let xtask_copy = bin_dir.path().join("xtask");
    std::fs::copy(env!("CARGO_BIN_EXE_xtask"), &xtask_copy).expect("copy xtask");
    let mut programs = vec![xtask_copy];
    programs.extend(release_binary(bin_dir.path()));
    for program in &programs {
        for args in [&["migrate"][..], &["reset"], &["health"], &["codes", "load"]] {
            let (out, written) = hidden_writes(program, args, &[]);
            let err = text(&out.stderr);
            assert!(written.is_empty(), "{} {args:?} wrote {written:?}", program.display());
            assert_eq!(out.status.code(), Some(2), "{} {args:?}: {err}", program.display());
            for way in ["--database-url", "DATABASE_URL", "POSTGRESQL_USER", "POSTGRESQL_DATABASE"]
            {
                assert!(
                    err.contains(way),
                    "{} {args:?} does not name {way}: {err}",
                    program.display()
                );
            }
            assert!(!err.contains("dev server"), "{err}");
        }
    }
}

/// A replication whose report folder cannot be written still succeeded: exit 0, the table on
/// stdout, a warning on stderr.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_that_cannot_be_written_is_a_warning_after_the_table() {
    let Some(source) = TestDb::empty("product_report_legacy").await else { return };
    let spec = legacy::Spec { wells: 300, seed: 3, ..legacy::Spec::default() };
    legacy::create(source.target(), &spec).await.expect("stand-in");
    let Some(target) = crate::support::database("product_report", true).await else { return };
    let fdw_spec = fdw::Spec::rehearsal(target.admin(), source.name(), &spec.schema);
    fdw::setup(target.target(), &fdw_spec, &fdw::SetupOptions::default()).await.expect("fdw");
    // Below a regular file no folder can be made, not even by root.
    let file = tempfile::NamedTempFile::new().expect("tempfile");
    let dir = file.path().join("reports");
    let url = target.target().url_with_password();
    let args = ["replicate", "--full", "--report-dir", dir.to_str().expect("a UTF-8 path")];
    let out = output(&xtask(args, &[(pg::vars::DATABASE_URL, &url)])).expect("run xtask");
    let (err, table) = (text(&out.stderr), text(&out.stdout));
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(table.contains("verified") && table.contains("well"), "no table: {table}");
    assert!(err.contains("warning: the replication report was not written"), "{err}");
    assert!(err.contains(&dir.display().to_string()), "the folder is not named: {err}");
    assert!(scalar(target.target(), "SELECT count(*) FROM well").await > 0);
}
