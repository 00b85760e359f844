//! Verification: source → staging → application, counts and key hashes, every difference
//! accounted for by a declared rule or reported with example keys.
//!
//! The expectations are computed at the source itself (the legacy tables through the foreign
//! schema), independently of the staging table the functions used, so a bug in a loader cannot
//! hide behind its own input. The legacy wells' keys and statuses are read once into a
//! temporary table ([`WELLS`]) that every check joins: the same transaction, so the same
//! snapshot of the source, and one read of `wells_wells` instead of seven (each a full fetch
//! through oracle_fdw, which pushes no aggregate down).
//! It deliberately does not compare column values; the crafted-row tests pin those.

use crate::{Error, Mode, Rule, TableReport};

/// The status filter of `populate_xform`, true only for replicated wells (NULL is not).
const ACCEPTED: &str = "w.acceptance_status_code NOT IN ('PENDING', 'REJECTED', 'NEW')";

/// A child table: application name, legacy name, and the rows its loader skips on purpose.
struct Child {
    table: &'static str,
    legacy: &'static str,
    skip: Option<(&'static str, &'static str)>,
}

const CHILDREN: &[Child] = &[
    Child { table: "screen", legacy: "wells_screens", skip: None },
    Child { table: "production_data", legacy: "wells_production_data", skip: None },
    Child { table: "casing", legacy: "wells_casings", skip: None },
    Child {
        table: "perforation",
        legacy: "wells_perforations",
        skip: Some((
            "all-NULL perforations skipped",
            "(c.liner_thickness IS NULL AND c.liner_diameter IS NULL AND c.liner_from IS NULL \
             AND c.liner_to IS NULL AND c.liner_perforation_from IS NULL \
             AND c.liner_perforation_to IS NULL)",
        )),
    },
    Child { table: "aquifer_well", legacy: "gw_aquifer_wells", skip: None },
    Child { table: "lithology_description", legacy: "wells_lithology_descriptions", skip: None },
];

/// The child tables with a `filing_number` (set on rows that came from a submission).
const FILING: &[&str] = &["screen", "production_data", "casing", "lithology_description"];

/// The temporary copy of the legacy wells' keys and statuses the checks join, dropped at commit.
pub(crate) const WELLS: &str = "replicate_verify_wells";

/// Creates [`WELLS`]: every legacy well in the run's scope, whatever its status.
pub(crate) fn wells_sql(mode: Mode) -> String {
    format!(
        "CREATE TEMPORARY TABLE {WELLS} ON COMMIT DROP AS
           SELECT w.well_id, w.well_tag_number, w.acceptance_status_code
             FROM wells.wells_wells w WHERE {};
         ANALYZE {WELLS}",
        scope(mode)
    )
}

fn scope(mode: Mode) -> &'static str {
    match mode {
        Mode::Subset => "w.well_tag_number BETWEEN 100001 AND 113567",
        _ => "true",
    }
}

/// `md5` of the sorted keys, the same expression on both sides.
fn key_hash(key: &str, filter: &str) -> String {
    format!(
        "md5(coalesce(string_agg({key}::text, ',' ORDER BY {key}) FILTER (WHERE {filter}), ''))"
    )
}

/// What one table is checked with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Check {
    pub(crate) table: &'static str,
    pub(crate) legacy: &'static str,
    /// Returns `source, expected, hash, rule counts...` in the order of `rules`.
    pub(crate) source_sql: String,
    pub(crate) rules: Vec<&'static str>,
    /// Returns `count, hash` of the staged keys, where a staging table exists.
    pub(crate) staged_sql: Option<String>,
    /// Returns `count, hash` of the application keys.
    pub(crate) loaded_sql: String,
    /// Whether `source_sql` ends with one more column: children whose well is missing at the
    /// source (full runs; counted in the same pass, which reads the child table once).
    pub(crate) counts_orphans: bool,
    /// Rows `key, expected, loaded` where they differ, for examples.
    pub(crate) diff_sql: String,
}

/// The checks of a run in `mode`, one per application table, in fill order.
/// `xform` names the staging table of the wells (`xform_well`, or the merge's in its schema).
pub(crate) fn checks(mode: Mode, xform: &str) -> Vec<Check> {
    let mut out = vec![
        Check {
            table: "bcgs_number",
            legacy: "wells_bcgs_numbers",
            source_sql: format!(
                "SELECT count(*), count(*), {} FROM wells.wells_bcgs_numbers w",
                key_hash("w.bcgs_id", "true")
            ),
            rules: vec![],
            staged_sql: None,
            loaded_sql: format!("SELECT count(*), {} FROM bcgs_number w", key_hash("w.bcgs_id", "true")),
            counts_orphans: false,
            diff_sql: "WITH s AS (SELECT bcgs_id AS k, count(*) AS n FROM wells.wells_bcgs_numbers GROUP BY 1),
                            t AS (SELECT bcgs_id AS k, count(*) AS n FROM bcgs_number GROUP BY 1)
                       SELECT coalesce(s.k, t.k)::int8, coalesce(s.n, 0)::int8, coalesce(t.n, 0)::int8
                         FROM s FULL JOIN t ON s.k = t.k WHERE s.n IS DISTINCT FROM t.n
                        ORDER BY 1 LIMIT 5"
                .to_string(),
        },
        Check {
            table: "well",
            legacy: "wells_wells",
            source_sql: format!(
                "SELECT count(*), count(*) FILTER (WHERE {ACCEPTED}), {},
                        count(*) FILTER (WHERE w.acceptance_status_code IN ('PENDING', 'REJECTED', 'NEW')),
                        count(*) FILTER (WHERE w.acceptance_status_code IS NULL)
                   FROM {WELLS} w",
                key_hash("w.well_tag_number", ACCEPTED)
            ),
            rules: vec!["status filter (PENDING, REJECTED, NEW)", "NULL status"],
            staged_sql: Some(format!(
                "SELECT count(*), {} FROM {xform} w",
                key_hash("w.well_tag_number", "true")
            )),
            loaded_sql: format!(
                "SELECT count(*), {} FROM well w",
                key_hash("w.well_tag_number", "true")
            ),
            counts_orphans: false,
            diff_sql: format!(
                "WITH s AS (SELECT w.well_tag_number AS k, count(*) AS n FROM {WELLS} w
                             WHERE {ACCEPTED} GROUP BY 1),
                      t AS (SELECT well_tag_number AS k, count(*) AS n FROM well GROUP BY 1)
                 SELECT coalesce(s.k, t.k)::int8, coalesce(s.n, 0)::int8, coalesce(t.n, 0)::int8
                   FROM s FULL JOIN t ON s.k = t.k WHERE s.n IS DISTINCT FROM t.n
                  ORDER BY 1 LIMIT 5"
            ),
        },
    ];
    for child in CHILDREN {
        let (legacy, table) = (child.legacy, child.table);
        let keep = match child.skip {
            Some((_, skip)) => format!("{ACCEPTED} AND NOT {skip}"),
            None => ACCEPTED.to_string(),
        };
        // A full run also counts the orphans in the same pass: a LEFT JOIN, where a missing
        // well (`w.well_id IS NULL`) fails every filter but the orphans' own.
        let full = mode == Mode::Full;
        let mut rules = vec!["children of filtered wells"];
        let mut rule_cols = format!(
            "count(*) FILTER (WHERE w.well_id IS NOT NULL AND NOT coalesce({ACCEPTED}, false))"
        );
        if let Some((name, skip)) = child.skip {
            rules.push(name);
            rule_cols.push_str(&format!(", count(*) FILTER (WHERE {ACCEPTED} AND {skip})"));
        }
        let (join, orphans) = if full {
            ("LEFT JOIN", ", count(*) FILTER (WHERE w.well_id IS NULL)")
        } else {
            ("JOIN", "")
        };
        out.push(Check {
            table,
            legacy,
            source_sql: format!(
                "SELECT count(w.well_id), count(*) FILTER (WHERE {keep}), {}, {rule_cols}{orphans}
                   FROM wells.{legacy} c {join} {WELLS} w ON w.well_id = c.well_id",
                key_hash("w.well_tag_number", &keep)
            ),
            rules,
            staged_sql: None,
            // Rows from submissions (a `filing_number`) are not replication's: the bulk path
            // refuses or discards them, the merge leaves them as they are.
            loaded_sql: format!(
                "SELECT count(*), {} FROM {table} w{}",
                key_hash("w.well_tag_number", "true"),
                if FILING.contains(&table) { " WHERE w.filing_number IS NULL" } else { "" }
            ),
            counts_orphans: full,
            diff_sql: format!(
                "WITH s AS (SELECT w.well_tag_number AS k, count(*) AS n
                              FROM wells.{legacy} c JOIN {WELLS} w ON w.well_id = c.well_id
                             WHERE {keep} GROUP BY 1),
                      t AS (SELECT well_tag_number AS k, count(*) AS n FROM {table} GROUP BY 1)
                 SELECT coalesce(s.k, t.k)::int8, coalesce(s.n, 0)::int8, coalesce(t.n, 0)::int8
                   FROM s FULL JOIN t ON s.k = t.k WHERE s.n IS DISTINCT FROM t.n
                  ORDER BY 1 LIMIT 5"
            ),
        });
    }
    out
}

/// Measured numbers of one table, before judging.
#[derive(Debug, Clone, Default)]
pub(crate) struct Measured {
    pub(crate) source: i64,
    pub(crate) expected: i64,
    pub(crate) source_hash: String,
    pub(crate) rules: Vec<i64>,
    pub(crate) staged: Option<(i64, String)>,
    pub(crate) loaded: i64,
    pub(crate) loaded_hash: String,
}

/// Whether every difference is explained: the rules account for source − expected, and the
/// staging and application tables hold exactly the expected keys. `None` when verified.
pub(crate) fn judge(table: &str, m: &Measured) -> Option<String> {
    let mut problems = Vec::new();
    let ruled: i64 = m.rules.iter().sum();
    if m.source - ruled != m.expected {
        problems.push(format!(
            "{} source rows minus {ruled} by declared rules is not the {} expected",
            m.source, m.expected
        ));
    }
    if let Some((staged, hash)) = &m.staged
        && (*staged != m.expected || *hash != m.source_hash)
    {
        problems.push(format!("staging holds {staged} rows, expected {}", m.expected));
    }
    if m.loaded != m.expected {
        problems.push(format!("`{table}` holds {} rows, expected {}", m.loaded, m.expected));
    } else if m.loaded_hash != m.source_hash {
        problems.push(format!("`{table}` holds {} rows but not the expected keys", m.loaded));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// Runs the checks inside the run's transaction and fills the reports' verification fields.
pub(crate) async fn verify(
    client: &impl tokio_postgres::GenericClient,
    mode: Mode,
    xform: &str,
    reports: &mut Vec<TableReport>,
) -> Result<(), Error> {
    client.batch_execute(&wells_sql(mode)).await.map_err(Error::step("verify (legacy wells)"))?;
    for check in checks(mode, xform) {
        let step = |what: &str| format!("verify {} ({what})", check.table);
        let row =
            client.query_one(&check.source_sql, &[]).await.map_err(Error::step(step("source")))?;
        let mut m = Measured {
            source: row.get(0),
            expected: row.get(1),
            source_hash: row.get(2),
            rules: (0..check.rules.len()).map(|i| row.get::<_, i64>(3 + i)).collect(),
            ..Measured::default()
        };
        let orphaned = check.counts_orphans.then(|| row.get::<_, i64>(3 + check.rules.len()));
        if let Some(sql) = &check.staged_sql {
            let row = client.query_one(sql, &[]).await.map_err(Error::step(step("staging")))?;
            m.staged = Some((row.get(0), row.get(1)));
        }
        let row =
            client.query_one(&check.loaded_sql, &[]).await.map_err(Error::step(step("loaded")))?;
        (m.loaded, m.loaded_hash) = (row.get(0), row.get(1));
        let mut failure = judge(check.table, &m);
        if failure.is_some() {
            let rows =
                client.query(&check.diff_sql, &[]).await.map_err(Error::step(step("diff")))?;
            let examples: Vec<String> = rows
                .iter()
                .map(|r| {
                    let (k, s, t): (i64, i64, i64) = (r.get(0), r.get(1), r.get(2));
                    format!("key {k}: {s} expected, {t} loaded")
                })
                .collect();
            if !examples.is_empty() {
                failure = failure.map(|f| format!("{f}; e.g. {}", examples.join(", ")));
            }
        }
        let report = match reports.iter_mut().find(|r| r.table == check.table) {
            Some(r) => r,
            None => {
                reports.push(TableReport::empty(check.table));
                reports.last_mut().unwrap_or_else(|| unreachable!("just pushed"))
            }
        };
        report.source_table = check.legacy.to_string();
        report.source = m.source;
        report.expected = m.expected;
        report.staged = m.staged.as_ref().map(|s| s.0);
        report.loaded = m.loaded;
        report.source_hash = m.source_hash.clone();
        report.loaded_hash = m.loaded_hash.clone();
        report.rules = check
            .rules
            .iter()
            .zip(&m.rules)
            .map(|(rule, rows)| Rule { rule: rule.to_string(), rows: *rows })
            .collect();
        report.rejected = m.rules.first().copied().unwrap_or(0)
            + if check.table == "well" { m.rules.get(1).copied().unwrap_or(0) } else { 0 };
        report.orphaned = orphaned;
        report.failure = failure;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(m: Measured, expected: Option<&str>) {
        assert_eq!(judge("well", &m).as_deref(), expected);
    }

    fn measured(source: i64, rules: Vec<i64>, expected: i64, loaded: i64) -> Measured {
        Measured {
            source,
            expected,
            source_hash: "h".into(),
            rules,
            staged: None,
            loaded,
            loaded_hash: "h".into(),
        }
    }

    #[test]
    fn explained_differences_pass() {
        check(measured(10, vec![2, 1], 7, 7), None);
        check(measured(0, vec![], 0, 0), None);
    }

    #[test]
    fn unexplained_differences_fail() {
        check(
            measured(10, vec![2], 7, 7),
            Some("10 source rows minus 2 by declared rules is not the 7 expected"),
        );
        check(measured(10, vec![3], 7, 6), Some("`well` holds 6 rows, expected 7"));
        let mut m = measured(10, vec![3], 7, 7);
        m.loaded_hash = "other".into();
        check(m, Some("`well` holds 7 rows but not the expected keys"));
        let mut m = measured(10, vec![3], 7, 7);
        m.staged = Some((8, "h".into()));
        check(m, Some("staging holds 8 rows, expected 7"));
    }

    #[test]
    fn subset_scope_reaches_the_legacy_wells_once() {
        assert!(
            wells_sql(Mode::Subset).contains("WHERE w.well_tag_number BETWEEN 100001 AND 113567")
        );
        assert!(wells_sql(Mode::Full).contains("WHERE true"));
        for mode in [Mode::Subset, Mode::Full] {
            for c in checks(mode, "xform_well").iter().filter(|c| c.table != "bcgs_number") {
                // Every check reads the scoped copy, none the legacy wells themselves.
                for sql in [&c.source_sql, &c.diff_sql] {
                    assert!(sql.contains(WELLS), "{}: {sql}", c.table);
                    assert!(!sql.contains("wells_wells"), "{}: {sql}", c.table);
                }
                assert_eq!(c.counts_orphans, mode == Mode::Full && c.table != "well");
            }
        }
        assert_eq!(checks(Mode::Full, "xform_well").len(), crate::plan::TABLES.len());
        // Orphans are counted in the source's pass, where its LEFT JOIN keeps them out of
        // every other count.
        for c in checks(Mode::Full, "xform_well").iter().filter(|c| c.counts_orphans) {
            assert!(c.source_sql.contains("LEFT JOIN"), "{}", c.table);
            assert!(c.source_sql.contains("w.well_id IS NOT NULL AND NOT"), "{}", c.table);
        }
    }
}
