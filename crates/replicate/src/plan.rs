//! What a replication run does, in order, without touching a database.
//!
//! The steps are the seed's per-table functions in its fill order:
//! staging, `bcgs_number`, `well`, then the children. Each step names the application table
//! whose count its NOTICE reports, so the driver can turn notices into counts. Around the
//! loads the driver sets the reloaded tables' keys and indexes aside and restores them
//! (`keys`), which the seed's functions never did.

use crate::Mode;
use crate::keys::Kind;

/// What a step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// A function call or a TRUNCATE; `takes_mode`: its only parameter is `$1 = subset_ind`.
    Sql { sql: &'static str, takes_mode: bool },
    /// Capture, then drop, the foreign keys and secondary indexes of [`TABLES`].
    SetAside,
    /// Re-create the objects of these kinds that [`Action::SetAside`] dropped.
    Restore(&'static [Kind]),
}

/// One statement (or one group of statements) of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    /// What the progress line calls it (`well`, `screen`, `indexes`, ...).
    pub(crate) table: &'static str,
    /// What it runs.
    pub(crate) action: Action,
}

const fn step(table: &'static str, sql: &'static str) -> Step {
    Step { table, action: Action::Sql { sql, takes_mode: false } }
}

/// The steps of a run in `mode` (none for [`Mode::None`]). The seed's `db_replicate_step1`
/// ran `xform_well` to `production_data`, its `db_replicate_step2` the rest of the SQL steps;
/// setting the keys aside and restoring them is the driver's own.
pub(crate) fn steps(mode: Mode) -> Vec<Step> {
    if mode == Mode::None {
        return Vec::new();
    }
    let restore = |table, kinds| Step { table, action: Action::Restore(kinds) };
    vec![
        Step {
            table: "xform_well",
            action: Action::Sql { sql: "SELECT populate_xform($1)", takes_mode: true },
        },
        // Before the keys go: the CASCADE follows them.
        step("truncate", "TRUNCATE TABLE bcgs_number, well CASCADE"),
        Step { table: "set aside keys", action: Action::SetAside },
        step("bcgs_number", "SELECT migrate_bcgs()"),
        step("well", "SELECT populate_well()"),
        step("screen", "SELECT migrate_screens()"),
        step("production_data", "SELECT migrate_production()"),
        step("casing", "SELECT migrate_casings()"),
        step("perforation", "SELECT migrate_perforations()"),
        step("aquifer_well", "SELECT migrate_aquifers()"),
        step("lithology_description", "SELECT migrate_lithology()"),
        restore("indexes", &[Kind::Index, Kind::Unique]),
        restore("foreign keys", &[Kind::ForeignKey]),
        step("sequences", SEQUENCES),
    ]
}

/// The statement that resets the serial sequences past the data.
pub(crate) const SEQUENCES: &str = "SELECT replicate_reset_sequences()";

/// The staging steps of a merge: the same functions in the same order, without the truncate,
/// the keys set aside and restored, or the sequences (reset after the apply).
pub(crate) fn merge_steps(mode: Mode) -> Vec<Step> {
    steps(mode)
        .into_iter()
        .filter(|s| matches!(s.action, Action::Sql { .. }))
        .filter(|s| s.table != "truncate" && s.table != "sequences")
        .collect()
}

/// The application tables replication fills, in fill order.
pub const TABLES: &[&str] = &[
    "bcgs_number",
    "well",
    "screen",
    "production_data",
    "casing",
    "perforation",
    "aquifer_well",
    "lithology_description",
];

/// A count reported by a notice: `12345 rows loaded into the well table`.
pub(crate) fn parse_count(notice: &str) -> Option<(String, i64)> {
    let (count, rest) = notice.trim().split_once(' ')?;
    let table = rest.strip_prefix("rows loaded into the ")?.strip_suffix(" table")?;
    Some((table.to_string(), count.parse().ok()?))
}

/// The number of wells a notice says were skipped for a NULL status.
pub(crate) fn parse_null_status(notice: &str) -> Option<i64> {
    let (count, rest) = notice.trim().split_once(' ')?;
    (rest == "wells with a NULL acceptance_status_code skipped").then(|| count.parse().ok())?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(notice: &str, expected: Option<(&str, i64)>) {
        assert_eq!(parse_count(notice), expected.map(|(t, n)| (t.to_string(), n)), "{notice:?}");
    }

    #[test]
    fn counts_from_notices() {
        check("12 rows loaded into the well table", Some(("well", 12)));
        check("0 rows loaded into the xform_well table", Some(("xform_well", 0)));
        check("Starting migrate_screens() procedure...", None);
        check("x rows loaded into the well table", None);
        check("12 rows loaded into the well", None);
    }

    #[test]
    fn null_statuses_from_notices() {
        assert_eq!(
            parse_null_status("7 wells with a NULL acceptance_status_code skipped"),
            Some(7)
        );
        assert_eq!(parse_null_status("7 rows loaded into the well table"), None);
    }

    #[test]
    fn fill_order_puts_parents_first() {
        let order: Vec<_> = steps(Mode::Full).iter().map(|s| s.table).collect();
        let pos = |t: &str| order.iter().position(|x| *x == t).unwrap_or(usize::MAX);
        for t in TABLES {
            assert!(pos(t) < usize::MAX, "{t} is loaded");
        }
        assert!(pos("xform_well") < pos("truncate"));
        assert!(pos("truncate") < pos("set aside keys"));
        assert!(pos("set aside keys") < pos("bcgs_number"));
        for t in TABLES {
            assert!(pos(t) < pos("indexes"), "{t} is loaded before its indexes are built");
        }
        assert!(pos("indexes") < pos("foreign keys"), "foreign keys may need a unique index");
        assert!(pos("bcgs_number") < pos("well"));
        for child in &TABLES[2..] {
            assert!(pos("well") < pos(child), "{child} after well");
        }
        assert!(steps(Mode::None).is_empty());
    }

    #[test]
    fn merge_stages_with_the_same_functions_and_truncates_nothing() {
        let merge: Vec<_> = merge_steps(Mode::Subset).iter().map(|s| s.table).collect();
        assert_eq!(merge[0], "xform_well");
        assert_eq!(&merge[1..], TABLES);
        for s in merge_steps(Mode::Full) {
            let Action::Sql { sql, .. } = s.action else { panic!("{s:?}") };
            assert!(sql.starts_with("SELECT "), "{sql}");
            assert!(!sql.contains("TRUNCATE"), "{sql}");
        }
    }
}
