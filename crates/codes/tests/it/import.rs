//! `codes import` of GWELLS's own 2018 files (`tests/gwells-2018/`, copied as they were):
//! the result is `codetables/` byte for byte, each real defect is reported once, and the
//! result loads.

use std::path::{Path, PathBuf};

use crate::{codetables, migrated};

fn gwells_2018() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gwells-2018")
}

fn imported() -> (tempfile::TempDir, codes::ImportReport) {
    let out = tempfile::tempdir().expect("a temporary directory");
    let report = codes::import_dir(&gwells_2018(), out.path())
        .unwrap_or_else(|e| panic!("importing tests/gwells-2018/: {e}"));
    (out, report)
}

fn csv_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder lists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    names
}

/// The import writes exactly `codetables/`. The documented decisions (codetables/README.md)
/// are part of what it writes, so no file is exempt: `effective_date` is the row's
/// `create_date`, `expiry_date` NULL, the `MON` row kept, the misnamed headers renamed.
#[test]
fn import_of_the_gwells_files_is_codetables() {
    let (out, report) = imported();
    assert_eq!(csv_names(out.path()), csv_names(&codetables()), "the same tables");
    for name in csv_names(out.path()) {
        let got = std::fs::read_to_string(out.path().join(&name)).expect("read the import");
        let want = std::fs::read_to_string(codetables().join(&name)).expect("read codetables/");
        assert!(got == want, "`{name}` differs from codetables/:\n{got}");
    }
    let rows: usize = report.written.iter().map(|(_, n)| n).sum();
    assert_eq!((report.written.len(), rows), (44, 998));
    let companies = report.written.iter().find(|(t, _)| t == "drilling_company");
    assert_eq!(companies, Some(&("drilling_company".to_string(), 531)));
    let check = codes::check_dir(out.path()).expect("the import reads");
    let problems: Vec<String> = check.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(problems, Vec::<String>::new(), "`codes check` passes the import");
}

/// Every real defect of GWELLS's files, once, at its line; nothing from the equivalent forms
/// (`-08` offsets, unhyphenated UUIDs, quoted integers, row order).
#[test]
fn import_reports_each_real_defect_once() {
    let (_out, report) = imported();
    let defects: Vec<String> = report.defects.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        defects,
        [
            "`casing_code.csv` line 1: header column 7 is `display_order `, but the column is `display_order`",
            "`development_method_code.csv` line 1: header column 5 is `code`, but the column is `development_method_code`",
            "`development_method_code.csv` line 1: header column 7 is `display_order `, but the column is `display_order`",
            "`filter_pack_material_code.csv` line 1: header column 7 is `display_order `, but the column is `display_order`",
            "`filter_pack_material_size_code.csv` line 1: header column 7 is `display_order `, but the column is `display_order`",
            "`licenced_status_code.csv` line 1: header column 1 is `code`, but the column is `licenced_status_code`",
            "`liner_material_code.csv` line 1: header column 7 is `display_order `, but the column is `display_order`",
            "`registries/registries_qualification_code.csv` line 3: `MON` has the description \"Water supply well\" of `WAT` (line 2) under the same `registries_subactivity_guid`; kept as GWELLS has it",
            "`registries/registries_removal_reason_code.csv` line 1: header column 1 is `registry_removal_reason_guid`, but the column is `registries_removal_reason_guid`",
            "`screen_assembly_type_code.csv` line 1: header column 7 is `display_order `, but the column is `display_order`",
            "`screen_bottom_code.csv` line 1: header column 7 is `display_order `, but the column is `display_order`",
            "`screen_opening_code.csv` line 1: header column 5 is `code`, but the column is `screen_opening_code`",
            "`well_activity_code.csv` line 1: header column 1 is `well_activity_code`, but the column is `well_activity_type_code`",
            "`yield_estimation_method_code.csv` line 1: header column 5 is empty: the header names 8 columns over rows of 7 fields",
            "`yield_estimation_method_code.csv` line 1: header column 8 is `display_order `, but the column is `display_order`",
        ]
    );
    assert_eq!(
        report.skipped,
        ["todel.gwells_lithology_weathering.csv", "xform_gwells_surface_seal_material.csv"]
    );
}

/// A defect no repair settles (a ragged row, a value that is no UUID) fails the import, names
/// the file and line, and writes nothing.
#[test]
fn unrepairable_defects_fail_and_write_nothing() {
    let from = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        from.path().join("well_subclass_code.csv"),
        "create_user,create_date,update_user,update_date,well_subclass_guid,well_subclass_code,description,display_order\nU,,,,nope,A,a,1\nU,,,,5a3152c847e711e7a91992ebcb67fe33,B,b\n",
    )
    .expect("write");
    let to = tempfile::tempdir().expect("a temporary directory");
    let err = codes::import_dir(from.path(), to.path()).expect_err("refused");
    let problems: Vec<String> =
        err.problems().iter().map(|p| p.to_string().lines().next().unwrap_or("").into()).collect();
    assert_eq!(
        problems,
        ["`well_subclass_code.csv` line 3: 7 fields, but the header names 8 columns"]
    );
    std::fs::write(
        from.path().join("well_subclass_code.csv"),
        "create_user,create_date,update_user,update_date,well_subclass_guid,well_subclass_code,description,display_order\nU,,,,nope,A,a,1\n",
    )
    .expect("write");
    let err = codes::import_dir(from.path(), to.path()).expect_err("refused");
    assert_eq!(
        err.problems()[0].to_string(),
        "`well_subclass_code.csv` line 2, column `well_subclass_guid`: `nope` is not a UUID"
    );
    assert_eq!(csv_names(to.path()), Vec::<String>::new(), "nothing written");
}

/// What the import writes loads into a migrated database, and loads as unchanged again.
#[tokio::test]
async fn the_import_loads() {
    let (out, _) = imported();
    let Some(db) = migrated("codes_import_loads").await else { return };
    let report = codes::load_dir(db.target(), out.path(), &codes::LoadOptions::default())
        .await
        .unwrap_or_else(|e| panic!("loading the import: {e}"));
    assert_eq!(report.tables.iter().map(|t| t.inserted).sum::<u64>(), 998);
    let again = codes::load_dir(db.target(), out.path(), &codes::LoadOptions::default())
        .await
        .unwrap_or_else(|e| panic!("loading the import again: {e}"));
    assert!(again.is_unchanged(), "{again:?}");
}
