//! One folder per bad (or merely unusual) input under `tests/fixtures/`: `expected.txt` holds
//! the first line of each problem `check` reports (`ok` for none), `expected_load.txt` what
//! `load` reports where it differs (the live schema sees more). Every bad case must also leave
//! the database unchanged.

use std::path::Path;

use crate::{coded, fixture, migrated, state};

fn cases() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures list")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    cases
}

fn expected(case: &str, name: &str) -> Option<String> {
    std::fs::read_to_string(fixture(case).join(name)).ok().map(|s| s.trim_end().to_string())
}

/// The first line of each problem, with the fixture folder left out of file names.
fn first_lines(case: &str, err: &codes::Error) -> String {
    let prefix = format!("{}/", fixture(case).display());
    err.problems()
        .iter()
        .map(|p| p.to_string().replace(&prefix, "").lines().next().unwrap_or_default().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_case_has_expectations() {
    let cases = cases();
    for required in [
        "ragged_row",
        "wrong_header",
        "duplicate_key",
        "bom",
        "crlf",
        "quoted_comma",
        "bad_uuid",
        "bad_timestamp",
        "unknown_reference",
        "positional_header",
        "header_wider_than_rows",
        "header_first_error_only",
    ] {
        assert!(cases.iter().any(|c| c == required), "fixture `{required}` is missing");
    }
    for case in &cases {
        assert!(expected(case, "expected.txt").is_some(), "`{case}` has no expected.txt");
    }
}

#[test]
fn check_reports_file_and_line() {
    for case in cases() {
        let report = codes::check_dir(&fixture(&case)).unwrap_or_else(|e| panic!("{case}: {e}"));
        let got = if report.is_ok() {
            "ok".to_string()
        } else {
            first_lines(&case, &codes::Error::Invalid { problems: report.problems })
        };
        assert_eq!(got, expected(&case, "expected.txt").unwrap_or_default(), "fixture `{case}`");
    }
}

#[tokio::test]
async fn bad_cases_are_refused_by_load_and_change_nothing() {
    let Some(db) = coded("codes_bad_cases").await else { return };
    let before = state(db.target()).await;
    for case in cases() {
        let want = expected(&case, "expected_load.txt")
            .or_else(|| expected(&case, "expected.txt"))
            .unwrap_or_default();
        if want == "ok" {
            continue;
        }
        let result =
            codes::load_dir(db.target(), &fixture(&case), &codes::LoadOptions::default()).await;
        let err = result
            .err()
            .unwrap_or_else(|| panic!("fixture `{case}` loaded, but should be refused"));
        assert_eq!(first_lines(&case, &err), want, "fixture `{case}`");
        assert_eq!(state(db.target()).await, before, "fixture `{case}` changed the database");
    }
}

#[tokio::test]
async fn accepted_cases_load() {
    let Some(db) = migrated("codes_accepted_cases").await else { return };
    for case in cases() {
        if expected(&case, "expected_load.txt")
            .or_else(|| expected(&case, "expected.txt"))
            .as_deref()
            != Some("ok")
        {
            continue;
        }
        let report = codes::load_dir(db.target(), &fixture(&case), &codes::LoadOptions::default())
            .await
            .unwrap_or_else(|e| panic!("fixture `{case}`: {e}"));
        assert_eq!(report.tables.iter().map(|t| t.rows).sum::<u64>(), 2, "fixture `{case}`");
    }
    // The last accepted case loaded (quoted_comma) keeps its comma, quotes and empty string.
    let conn = pg::connect(db.target(), "codes test").await.expect("connect");
    let rows: Vec<(String, String)> = conn
        .query(
            "SELECT well_class_code::text, description::text FROM well_class_code ORDER BY 1",
            &[],
        )
        .await
        .expect("query")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        rows,
        [
            ("GEOTECH".into(), "Geotechnical, \"soil\" testing".into()),
            ("MONITOR".into(), String::new())
        ]
    );
}
