//! The generator's shape: rates of each kind of dirt, the layout of tag numbers, and the SQL
//! with those numbers filled in, split into named steps. Pure; [`crate::create`] runs it.
//!
//! Rates are per mille of the rows of the table named (or of the wells, for well columns).
//! Child counts: screens on 40 % of wells (1–3), production data on 60 % (1), casings on 85 %
//! (1–3), perforations on 15 % (1–2), an aquifer link on 20 %, lithology 0–10 per well (about
//! 5 on average, the largest table). One BCGS map sheet per 25 wells.
//!
//! Oracle's lithology text held NUL bytes; PostgreSQL text cannot hold them at all, so the
//! stand-in uses the closest thing it can store: the control characters `\x01` and `\x1f`.

/// Wells per mille whose `acceptance_status_code` is PENDING (dropped by replication).
pub(crate) const PENDING: u32 = 3;
/// … REJECTED (dropped).
pub(crate) const REJECTED: u32 = 10;
/// … NEW (dropped).
pub(crate) const NEW: u32 = 2;
/// … NULL (dropped silently: `NOT IN` yields NULL). The rest are ACCEPTED.
pub(crate) const NULL_STATUS: u32 = 5;
/// `UNK` in each code column that has an `UNK` translation (well status, screen type and
/// material, seal method and material, production method, casing material) and in well use.
pub(crate) const UNK: u32 = 30;
/// `OTH` well use (translated to `OTHER`).
pub(crate) const OTH: u32 = 30;
/// `USGM` units in production data and lithology (translated to `USGPM`); wells also pick it
/// among their yield units.
pub(crate) const USGM: u32 = 100;
/// Owners in `WASH_STATE` (translated to `WA`).
pub(crate) const WASH_STATE: u32 = 5;
/// Owners with a NULL province (replication writes `OTHER`).
pub(crate) const NULL_PROVINCE: u32 = 20;
/// Wells with a positive longitude (replication negates it).
pub(crate) const POSITIVE_LONGITUDE: u32 = 3;
/// Lithology rows whose raw text holds a control character (the stand-in for NUL bytes).
pub(crate) const CONTROL_CHAR: u32 = 5;
/// Rows with NULL `who_updated`/`when_updated` (replication coalesces or copies them; it
/// tolerates NULL there). `who_created` is never NULL: it is copied raw into NOT NULL columns.
pub(crate) const NULL_UPDATE: u32 = 300;
/// Perforation rows with all six liner columns NULL (replication skips them).
pub(crate) const NULL_PERFORATION: u32 = 100;
/// Perforation rows with all six liner columns 0 (replication keeps them).
pub(crate) const ZERO_PERFORATION: u32 = 50;
/// Observation wells; a third of them `Abandoned` (translated to `Inactive`).
pub(crate) const OBSERVATION: u32 = 20;
/// Wells with an owner row.
pub(crate) const OWNER: u32 = 900;
/// Screens with assembly type `L` (translated to `LEAD`).
pub(crate) const ASSEMBLY_L: u32 = 50;
/// Screens with assembly type `K  & Riser`, two spaces (translated to `K_RISER`).
pub(crate) const ASSEMBLY_K_RISER: u32 = 30;

/// The largest number of wells the generator supports (ids and tags stay in `integer`).
pub const MAX_WELLS: u32 = 2_000_000;

/// The subset range of replication, inclusive: the seed's `well_tag_number` 100001..113567.
pub const SUBSET: (i32, i32) = (100_001, 113_567);

/// The tags GWELLS's functional tests expect to exist, ascending. Where the layout
/// leaves one of them in a gap, [`TagLayout::moves`] puts a neighbouring well on it, and the
/// generator makes the wells holding them ACCEPTED.
pub(crate) const FUNCTIONAL_TAGS: [i64; 8] =
    [104_671, 105_747, 107_667, 108_025, 108_027, 110_000, 110_749, 113_308];

/// How well indexes 1..=N become tag numbers: three segments, below, inside and above the
/// subset range, each spread evenly with gaps over its span. With the real ~111k wells the
/// tags run from 1 to 125,000 and the subset holds ~13.5k wells (the real subset has at most
/// 13,567). When a segment has more wells than its span, the span grows and the later
/// segments move up (so for N above ~111.5k the subset holds its 13,567 and no more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TagLayout {
    /// Wells below the subset range, their span of tags starting at 1.
    pub(crate) a: i64,
    /// Wells in the subset range.
    pub(crate) b: i64,
    /// Wells above it.
    pub(crate) c: i64,
    /// Tag spans of the three segments.
    pub(crate) span_a: i64,
    /// …
    pub(crate) span_b: i64,
    /// …
    pub(crate) span_c: i64,
    /// First tag of the second and third segments.
    pub(crate) start_b: i64,
    /// …
    pub(crate) start_c: i64,
}

impl TagLayout {
    /// The layout for `wells` wells.
    pub(crate) fn new(wells: u32) -> TagLayout {
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

    /// The three segments as (first well index, wells, first tag, span).
    fn segments(&self) -> [(i64, i64, i64, i64); 3] {
        [
            (1, self.a, 1, self.span_a),
            (1 + self.a, self.b, self.start_b, self.span_b),
            (1 + self.a + self.b, self.c, self.start_c, self.span_c),
        ]
    }

    /// The tag of well index `i` (1-based) as the segments place it, before [`Self::moves`].
    pub(crate) fn tag(&self, i: i64) -> i64 {
        let (first, wells, start, span) = self
            .segments()
            .into_iter()
            .find(|&(first, wells, _, _)| i < first + wells)
            .unwrap_or(self.segments()[2]);
        start + ((i - first) * span) / wells.max(1)
    }

    /// The wells that move onto the [`FUNCTIONAL_TAGS`] the segments leave in gaps, as
    /// (well index, tag): for each such tag, the nearest well below it in its segment, else the
    /// nearest above, unless that well already holds or took a functional tag. Moves stay
    /// inside a segment, so the subset keeps its count. A tag stays missing only when its
    /// segment has too few wells around it (a few hundred wells in all place the eight).
    pub(crate) fn moves(&self) -> Vec<(i64, i64)> {
        let mut moves: Vec<(i64, i64)> = Vec::new();
        for tag in FUNCTIONAL_TAGS {
            let Some((first, wells, start, span)) = self
                .segments()
                .into_iter()
                .find(|&(_, wells, start, span)| wells > 0 && (start..start + span).contains(&tag))
            else {
                continue;
            };
            // The first well at or above the tag: k = ceil(offset * wells / span).
            let k = ((tag - start) * wells + span - 1) / span;
            if k < wells && self.tag(first + k) == tag {
                continue;
            }
            let free = |k: i64| {
                (0..wells).contains(&k)
                    && !FUNCTIONAL_TAGS.contains(&self.tag(first + k))
                    && !moves.iter().any(|&(i, _)| i == first + k)
            };
            if let Some(k) = [k - 1, k].into_iter().find(|&k| free(k)) {
                moves.push((first + k, tag));
            }
        }
        moves
    }
}

/// One statement of the generator: its name (the step of an error message) and its SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    pub(crate) name: &'static str,
    pub(crate) sql: String,
}

/// The generator's SQL with the rates filled in (numbers from the constants above, never
/// input; the seed and sizes travel as bind parameters): the batch that precedes the first
/// `-- step:` line, then one statement per step.
pub(crate) fn generator_steps() -> (String, Vec<Step>) {
    let mut parts = include_str!("generate.sql").split("\n-- step: ");
    let prelude = fill(parts.next().unwrap_or_default());
    let steps = parts
        .map(|part| {
            let (name, sql) = part.split_once('\n').unwrap_or((part, ""));
            Step { name: name.trim(), sql: fill(sql) }
        })
        .collect();
    (prelude, steps)
}

fn fill(sql: &str) -> String {
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
    let mut sql = sql.to_string();
    for (name, value) in rates {
        sql = sql.replace(&format!("{{{{{name}}}}}"), &value.to_string());
    }
    let tags: Vec<String> = FUNCTIONAL_TAGS.iter().map(i64::to_string).collect();
    sql.replace("{{FUNCTIONAL_TAGS}}", &tags.join(", "))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn check(wells: u32, expected: (i64, i64, i64, i64, i64, i64)) {
        let l = TagLayout::new(wells);
        let last = l.tag(i64::from(wells));
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

    /// Every tag after the moves, by well index.
    fn tags(wells: u32) -> Vec<i64> {
        let l = TagLayout::new(wells);
        let mut tags: Vec<i64> = (1..=i64::from(wells)).map(|i| l.tag(i)).collect();
        for (i, tag) in l.moves() {
            tags[usize::try_from(i - 1).expect("index")] = tag;
        }
        tags
    }

    /// After the moves: tags unique, the subset's count unchanged, and which functional tags
    /// exist.
    fn check_functional(wells: u32, expected_missing: &[i64]) {
        let l = TagLayout::new(wells);
        let before: Vec<i64> = (1..=i64::from(wells)).map(|i| l.tag(i)).collect();
        let after = tags(wells);
        let unique: BTreeSet<i64> = after.iter().copied().collect();
        assert_eq!(unique.len(), after.len(), "{wells} wells: duplicate tags");
        let in_subset = |tags: &[i64]| {
            let (lo, hi) = (i64::from(SUBSET.0), i64::from(SUBSET.1));
            tags.iter().filter(|t| (lo..=hi).contains(*t)).count()
        };
        assert_eq!(in_subset(&after), in_subset(&before), "{wells} wells: subset count");
        let missing: Vec<i64> =
            FUNCTIONAL_TAGS.into_iter().filter(|t| !unique.contains(t)).collect();
        assert_eq!(missing, expected_missing, "{wells} wells: missing functional tags");
    }

    #[test]
    fn functional_tags_exist_once_the_subset_has_wells() {
        check_functional(111_000, &[]);
        check_functional(111_500, &[]);
        check_functional(200_000, &[]);
        check_functional(20_000, &[]);
        check_functional(5_000, &[]);
        check_functional(1_000, &[]);
        check_functional(300, &[]);
        check_functional(9, &FUNCTIONAL_TAGS[1..]);
        check_functional(1, &FUNCTIONAL_TAGS);
    }

    #[test]
    fn moves_only_where_the_layout_leaves_gaps() {
        // The subset full: no gaps. 111k wells: gaps, but none on a functional tag.
        assert_eq!(TagLayout::new(200_000).moves(), vec![]);
        assert_eq!(TagLayout::new(111_000).moves(), vec![]);
        // 108025 and 108027 in one gap: the well below takes the first, the one above the
        // second.
        let expected = [
            (4145, 104_671),
            (4193, 105_747),
            (4279, 107_667),
            (4295, 108_025),
            (4296, 108_027),
            (4384, 110_000),
            (4417, 110_749),
            (4532, 113_308),
        ];
        assert_eq!(TagLayout::new(5_000).moves(), expected);
        // One well in the subset segment: it takes the first tag, the others stay missing.
        assert_eq!(TagLayout::new(9).moves(), vec![(8, 104_671)]);
    }

    #[test]
    fn steps_are_single_filled_statements() {
        let (prelude, steps) = generator_steps();
        assert!(prelude.contains("SET LOCAL jit = off"));
        let code: Vec<&str> = prelude.lines().filter(|l| !l.starts_with("--")).collect();
        assert!(!code.concat().contains("$1"), "the prelude runs without parameters");
        let names: BTreeSet<&str> = steps.iter().map(|s| s.name).collect();
        assert_eq!(names.len(), steps.len(), "step names are unique");
        for table in crate::TABLES {
            let step = steps
                .iter()
                .find(|s| s.name == format!("generating {table}"))
                .unwrap_or_else(|| panic!("no step generates `{table}`"));
            assert!(step.sql.contains(&format!("CREATE UNLOGGED TABLE {table} AS")), "{table}");
        }
        for step in &steps {
            assert!(!step.sql.contains("{{"), "unfilled placeholder in `{}`", step.name);
            let ends = step
                .sql
                .lines()
                .filter(|l| !l.trim_start().starts_with("--") && l.trim_end().ends_with(';'))
                .count();
            assert_eq!(ends, 1, "`{}` is not one statement", step.name);
        }
        let wells = steps.iter().find(|s| s.name == "generating wells_wells").expect("wells");
        assert!(wells.sql.contains("< 3 THEN 'PENDING'"));
        assert!(
            wells
                .sql
                .contains("IN (104671, 105747, 107667, 108025, 108027, 110000, 110749, 113308)")
        );
    }
}
