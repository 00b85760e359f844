//! The generator's shape: rates of each kind of dirt, the layout of tag numbers, and the SQL
//! with those numbers filled in. Pure; [`crate::create`] runs it.
//!
//! Rates are per mille of the rows of the table named (or of the wells, for well columns).
//! Child counts: screens on 40 % of wells (1–3), production data on 60 % (1), casings on 85 %
//! (1–3), perforations on 15 % (1–2), an aquifer link on 20 %, lithology 0–10 per well (about
//! 5 on average, the largest table). One BCGS map sheet per 25 wells.
//!
//! Oracle's lithology text held NUL bytes; PostgreSQL text cannot hold them at all, so the
//! stand-in uses the closest thing it can store: the control characters `\x01` and `\x1f`.

/// Wells per mille whose `acceptance_status_code` is PENDING (dropped by replication).
pub const PENDING: u32 = 3;
/// … REJECTED (dropped).
pub const REJECTED: u32 = 10;
/// … NEW (dropped).
pub const NEW: u32 = 2;
/// … NULL (dropped silently: `NOT IN` yields NULL). The rest are ACCEPTED.
pub const NULL_STATUS: u32 = 5;
/// `UNK` in each code column that has an `UNK` translation (well status, screen type and
/// material, seal method and material, production method, casing material) and in well use.
pub const UNK: u32 = 30;
/// `OTH` well use (translated to `OTHER`).
pub const OTH: u32 = 30;
/// `USGM` units in production data and lithology (translated to `USGPM`); wells also pick it
/// among their yield units.
pub const USGM: u32 = 100;
/// Owners in `WASH_STATE` (translated to `WA`).
pub const WASH_STATE: u32 = 5;
/// Owners with a NULL province (replication writes `OTHER`).
pub const NULL_PROVINCE: u32 = 20;
/// Wells with a positive longitude (replication negates it).
pub const POSITIVE_LONGITUDE: u32 = 3;
/// Lithology rows whose raw text holds a control character (the stand-in for NUL bytes).
pub const CONTROL_CHAR: u32 = 5;
/// Rows with NULL `who_updated`/`when_updated` (replication coalesces or copies them; it
/// tolerates NULL there). `who_created` is never NULL: it is copied raw into NOT NULL columns.
pub const NULL_UPDATE: u32 = 300;
/// Perforation rows with all six liner columns NULL (replication skips them).
pub const NULL_PERFORATION: u32 = 100;
/// Perforation rows with all six liner columns 0 (replication keeps them).
pub const ZERO_PERFORATION: u32 = 50;
/// Observation wells; a third of them `Abandoned` (translated to `Inactive`).
pub const OBSERVATION: u32 = 20;
/// Wells with an owner row.
pub const OWNER: u32 = 900;
/// Screens with assembly type `L` (translated to `LEAD`).
pub const ASSEMBLY_L: u32 = 50;
/// Screens with assembly type `K  & Riser`, two spaces (translated to `K_RISER`).
pub const ASSEMBLY_K_RISER: u32 = 30;

/// The largest number of wells the generator supports (ids and tags stay in `integer`).
pub const MAX_WELLS: u32 = 2_000_000;

/// The subset range of replication (domain §4.3), inclusive.
pub const SUBSET: (i32, i32) = (100_001, 113_567);

/// How well indexes 1..=N become tag numbers: three segments, below, inside and above the
/// subset range, each spread evenly with gaps over its span. With the real ~111k wells the
/// tags run from 1 to 125,000 and the subset holds ~13.5k wells (the real subset has at most
/// 13,567). When a segment has more wells than its span, the span grows and the later
/// segments move up (so for N above ~111.5k the subset holds its 13,567 and no more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagLayout {
    /// Wells below the subset range, their span of tags starting at 1.
    pub a: i64,
    /// Wells in the subset range.
    pub b: i64,
    /// Wells above it.
    pub c: i64,
    /// Tag spans of the three segments.
    pub span_a: i64,
    /// …
    pub span_b: i64,
    /// …
    pub span_c: i64,
    /// First tag of the second and third segments.
    pub start_b: i64,
    /// …
    pub start_c: i64,
}

impl TagLayout {
    /// The layout for `wells` wells.
    pub fn new(wells: u32) -> TagLayout {
        let n = i64::from(wells);
        // 78.7 % below, 12.16 % inside: 87,357 / 13,498 / 10,145 for 111,000 wells.
        let a = ((n * 787 + 500) / 1000).min(n);
        let b = ((n * 1216 + 5000) / 10000).min(n - a);
        let c = n - a - b;
        let span_a = a.max(i64::from(SUBSET.0) - 1);
        let start_b = span_a + 1;
        let span_b = b.max(i64::from(SUBSET.1 - SUBSET.0) + 1);
        let start_c = start_b + span_b;
        let span_c = c.max(125_000 - i64::from(SUBSET.1));
        TagLayout { a, b, c, span_a, span_b, span_c, start_b, start_c }
    }
}

/// The generator's SQL with the rates filled in (numbers from the constants above, never
/// input; the seed and sizes travel as bind parameters into `legacy_params`).
pub(crate) fn generator_sql() -> String {
    let rates: &[(&str, u32)] = &[
        ("PENDING", PENDING),
        ("REJECTED", REJECTED),
        ("NEW", NEW),
        ("NULL_STATUS", NULL_STATUS),
        ("UNK", UNK),
        ("OTH", OTH),
        ("USGM", USGM),
        ("WASH_STATE", WASH_STATE),
        ("NULL_PROVINCE", NULL_PROVINCE),
        ("POSITIVE_LONGITUDE", POSITIVE_LONGITUDE),
        ("CONTROL_CHAR", CONTROL_CHAR),
        ("NULL_UPDATE", NULL_UPDATE),
        ("NULL_PERFORATION", NULL_PERFORATION),
        ("ZERO_PERFORATION", ZERO_PERFORATION),
        ("OBSERVATION", OBSERVATION),
        ("OWNER", OWNER),
        ("ASSEMBLY_L", ASSEMBLY_L),
        ("ASSEMBLY_K_RISER", ASSEMBLY_K_RISER),
    ];
    let mut sql = include_str!("generate.sql").to_string();
    for (name, value) in rates {
        sql = sql.replace(&format!("{{{{{name}}}}}"), &value.to_string());
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(wells: u32, expected: (i64, i64, i64, i64, i64, i64)) {
        let l = TagLayout::new(wells);
        let last = if l.c > 0 {
            l.start_c + ((l.c - 1) * l.span_c) / l.c
        } else if l.b > 0 {
            l.start_b + ((l.b - 1) * l.span_b) / l.b
        } else {
            1 + ((l.a - 1).max(0) * l.span_a) / l.a.max(1)
        };
        assert_eq!((l.a, l.b, l.c, l.start_b, l.start_c, last), expected, "{wells} wells");
        assert_eq!(l.a + l.b + l.c, i64::from(wells));
    }

    #[test]
    fn tag_layout() {
        check(111_000, (87_357, 13_498, 10_145, 100_001, 113_568, 124_999));
        check(1_000, (787, 122, 91, 100_001, 113_568, 124_875));
        check(1, (1, 0, 0, 100_001, 113_568, 1));
        check(9, (7, 1, 1, 100_001, 113_568, 113_568));
        // Past ~111.5k the subset is full and the upper segment moves up.
        check(200_000, (157_400, 24_320, 18_280, 157_401, 181_721, 200_000));
    }

    #[test]
    fn every_placeholder_is_filled() {
        let sql = generator_sql();
        assert!(!sql.contains("{{"), "unfilled placeholder in generate.sql");
        assert!(sql.contains("< 3 THEN 'PENDING'"));
    }
}
