//! CLI transcripts (exit code, stdout, stderr) as snapshots, with ports, database names, paths
//! and timings filtered out.

use devdb::TestDb;

use crate::support::{database, output, run, text, xtask};

fn transcript(args: &[&str], out: &std::process::Output) -> String {
    format!(
        "$ cargo xtask {}\nexit: {:?}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

fn check(name: &str, transcript: &str) {
    insta::with_settings!({
        filters => vec![
            (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
            (r"\bt_[a-z0-9_]+_\d+_\d+\b", "[db]"),
            (r"\d+\.\d+ ?(s|ms)\b", "[time]"),
            (r"/[^\s`']*/(migrations|codetables)\b", "[root]/$1"),
        ],
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, transcript);
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_plan_on_an_empty_database() {
    let Some(db) = TestDb::empty("transcript_plan").await else { return };
    let args = ["migrate", "--plan"];
    check("migrate_plan_empty", &transcript(&args, &run(db.target(), &args, &[])));
}

#[tokio::test(flavor = "multi_thread")]
async fn showmigrations_and_check_on_a_migrated_database() {
    let Some(db) = database("transcript_show", false).await else { return };
    let args = ["showmigrations"];
    check("showmigrations_migrated", &transcript(&args, &run(db.target(), &args, &[])));
    let args = ["migrate", "--check"];
    check("migrate_check_migrated", &transcript(&args, &run(db.target(), &args, &[])));
}

/// `fdw sql` renders without a database: this one runs with none configured.
#[test]
fn fdw_sql_masks_the_password_and_quotes_hostile_values() {
    let env = [
        ("FDW_NAME", "wells_oradb"),
        ("FDW_FOREIGN_SERVER", "//nrk1-scan.example/envprod1'; DROP SCHEMA public; --"),
        ("FDW_USER", "proxy_\"wells\""),
        ("FDW_PASS", "Planted-S3cret"),
        ("FDW_FOREIGN_SCHEMA", "WELLS"),
        ("FDW_SCHEMA", "wells"),
    ];
    let args = ["fdw", "sql"];
    let out = output(&xtask(args, &env)).expect("run xtask");
    assert!(!text(&out.stdout).contains("Planted-S3cret"));
    check("fdw_sql_hostile", &transcript(&args, &out));
}

/// `codes import` of GWELLS's own files: each real defect on its own line, the two files of
/// tables the schema lacks named, and an offline `codes check` of the result passes. No
/// database is involved.
#[test]
fn codes_import_names_each_defect_and_its_output_checks() {
    let from = devdb::workspace_root().join("crates/codes/tests/gwells-2018");
    let to = tempfile::tempdir().expect("tempdir");
    let to_arg = to.path().display().to_string();
    let from_arg = from.display().to_string();
    let args = ["codes", "import", "--from", &from_arg, "--to", &to_arg];
    let out = output(&xtask(args, &[])).expect("run xtask");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("defect: ")).count(), 15, "{err}");
    for line in [
        "defect: `yield_estimation_method_code.csv` line 1: header column 5 is empty: the header names 8 columns over rows of 7 fields",
        "skipped `todel.gwells_lithology_weathering.csv`: not a code table of the schema",
        "skipped `xform_gwells_surface_seal_material.csv`: not a code table of the schema",
    ] {
        assert!(err.lines().any(|l| l == line), "`{line}` missing in:\n{err}");
    }
    assert!(err.contains("imported 44 tables, 998 rows into"), "{err}");
    let out = output(&xtask(["codes", "check", "--dir", &to_arg], &[])).expect("run xtask");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("ok: 44 tables, 998 rows"), "{err}");
}

/// The error protocol as the terminal shows it: `error:` with the command's context, a
/// `caused by:` line per cause, each said once — the server's error as one line with its
/// SQLSTATE —, then the hints; a failure in the database exits 1.
#[tokio::test(flavor = "multi_thread")]
async fn a_failing_migration_prints_each_cause_once() {
    let Some(db) = TestDb::empty("transcript_failing").await else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let app = dir.path().join("migrations/a");
    std::fs::create_dir_all(&app).expect("mkdir");
    std::fs::write(app.join("0001_initial.sql"), "CREATE TABLE t (id int);\nSELECT nope FROM t;\n")
        .expect("write");
    let folder = dir.path().join("migrations");
    let args = ["migrate", "--migrations-dir", folder.to_str().expect("utf-8")];
    check("migrate_failing", &transcript(&args, &run(db.target(), &args, &[])));
}

/// Bad input exits 2 whatever context the command adds; a listed problem keeps its hint under
/// it, and nothing is loaded.
#[tokio::test(flavor = "multi_thread")]
async fn a_ragged_code_table_is_refused_with_its_hint_under_it() {
    let Some(db) = database("transcript_ragged", false).await else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("codetables");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(
        folder.join("well_class_code.csv"),
        "create_user,create_date,update_user,update_date,well_class_code,description,display_order,effective_date,expiry_date\n\
         ETL_USER,2017-07-01 08:00:00+00,ETL_USER,2017-07-01 08:00:00+00,WATR_SPPLY,Water Supply, Domestic,1,2017-07-01 08:00:00+00,\n",
    )
    .expect("write");
    let args = ["codes", "load", "--dir", folder.to_str().expect("utf-8")];
    check("codes_load_ragged", &transcript(&args, &run(db.target(), &args, &[])));
}
