//! Pure planning: given the files and what the ledger says, what is applied, pending, drifted
//! or inconsistent, and which steps a `migrate` would take. No database access here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::checksum;
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::ledger;
use crate::source::{Key, Source};

/// One row of the tool's own table, `gwells_db.migration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MetaRow {
    /// Checksum of the whole file when it was applied.
    pub(crate) checksum: String,
    /// For a no-transaction migration that stopped: statements done, of how many, the checksum
    /// of the statements done, and the error.
    pub(crate) partial: Option<(usize, usize, String, String)>,
}

/// What the database says: `django_migrations` rows and the tool's own rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ledger {
    pub(crate) rows: BTreeSet<Key>,
    pub(crate) meta: BTreeMap<Key, MetaRow>,
    /// The tool's rows came from the table of versions before the move (`public`).
    pub(crate) legacy: bool,
}

/// How a migration shows in `showmigrations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// `[X]`: applied and recorded.
    Applied,
    /// `[-]`: a squash whose replaced migrations are applied but whose own row is missing.
    Unrecorded,
    /// `[ ]`: not applied.
    Pending,
}

/// One migration in a listing.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listed {
    /// App and name.
    #[serde(flatten)]
    pub key: Key,
    /// How many migrations it replaces (0 unless a squash).
    pub(crate) squashed: usize,
    /// Applied, pending or unrecorded.
    pub state: State,
}

/// A no-transaction migration that stopped part way.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Partial {
    /// App and name.
    pub key: Key,
    /// Statements applied.
    pub done: usize,
    /// Statements in the file then.
    pub total: usize,
    /// The error of the statement after the last one done.
    pub error: String,
}

/// An applied migration whose file changed since.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Drifted {
    /// App and name.
    pub key: Key,
    /// The file.
    pub path: PathBuf,
}

/// An applied migration whose parent is not applied.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Inconsistent {
    /// The applied migration.
    pub key: Key,
    /// Its unapplied parent.
    pub parent: Key,
}

/// Where a database stands against the files.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Status {
    /// Per app (sorted), its migrations in Django's `showmigrations` order.
    pub apps: Vec<(String, Vec<Listed>)>,
    /// Migrations `migrate` would apply, in order.
    pub pending: Vec<Key>,
    /// Repeatable scripts that are new or changed.
    pub repeatables: Vec<Key>,
    /// Squashes whose replaced migrations are applied but whose own row is missing.
    pub unrecorded: Vec<Key>,
    /// Applied migrations whose file changed.
    pub drifted: Vec<Drifted>,
    /// Applied migrations with an unapplied parent.
    pub inconsistent: Vec<Inconsistent>,
    /// No-transaction migrations that stopped part way.
    pub partial: Vec<Partial>,
    /// Applied migrations the tool has no checksum of (Django applied them), so a change to
    /// their files cannot be seen; `migrate --accept-checksum` records one.
    pub unchecked: Vec<Key>,
    /// Applied migrations and scripts whose stored checksum is the older text form (comments
    /// count) and matches; the next `migrate` that takes the lock stores the current form.
    pub old_checksums: Vec<Key>,
    /// The tool's ledger is the one earlier versions kept in `public`: the database was built by
    /// migration files since corrected in place, so only `cargo xtask reset` brings it current.
    pub legacy_ledger: bool,
}

impl Status {
    /// True when nothing is pending, drifted, inconsistent or unrecorded.
    pub fn is_current(&self) -> bool {
        self.pending.is_empty()
            && self.repeatables.is_empty()
            && self.unrecorded.is_empty()
            && self.drifted.is_empty()
            && self.inconsistent.is_empty()
            && !self.legacy_ledger
    }

    /// The first problem that must stop `migrate`: drift, then inconsistency.
    pub(crate) fn blocking_error(&self) -> Option<Error> {
        if self.legacy_ledger {
            let changed = self.drifted.iter().map(|d| format!("`{}`", d.key)).collect::<Vec<_>>();
            let changed = if changed.is_empty() { "none".into() } else { changed.join(", ") };
            return Some(Error::LegacyLedger { table: ledger::LEGACY_TABLE, changed });
        }
        if let Some(d) = self.drifted.first() {
            return Some(Error::Drifted { migration: d.key.to_string(), path: d.path.clone() });
        }
        self.inconsistent.first().map(|i| Error::Inconsistent {
            migration: i.key.to_string(),
            parent: i.parent.to_string(),
        })
    }
}

/// The status of `ledger` against `source`.
pub(crate) fn status(source: &Source, ledger: &Ledger) -> Result<(Graph, Status)> {
    let graph = Graph::build(source, &ledger.rows)?;
    let mut st =
        Status { pending: graph.full_plan(), legacy_ledger: ledger.legacy, ..Status::default() };
    for app in &source.apps {
        let mut shown = Vec::new();
        let mut seen = BTreeSet::new();
        for leaf in graph.leaf_nodes(Some(app)) {
            for key in graph.forwards_plan(&leaf) {
                if &key.app != app || !seen.insert(key.clone()) {
                    continue;
                }
                let squashed = graph.replacements.get(&key).map_or(0, Vec::len);
                let state = match (graph.applied.contains(&key), ledger.rows.contains(&key)) {
                    (true, true) => State::Applied,
                    (true, false) => State::Unrecorded,
                    (false, _) => State::Pending,
                };
                if state == State::Unrecorded {
                    st.unrecorded.push(key.clone());
                }
                shown.push(Listed { key, squashed, state });
            }
        }
        st.apps.push((app.clone(), shown));
    }
    for m in &source.migrations {
        let applied = ledger.rows.contains(&m.key);
        let Some(meta) = ledger.meta.get(&m.key) else {
            if applied {
                st.unchecked.push(m.key.clone());
            }
            continue;
        };
        if let Some((done, total, _, error)) = &meta.partial {
            if !applied {
                let (done, total, error) = (*done, *total, error.clone());
                st.partial.push(Partial { key: m.key.clone(), done, total, error });
            }
        } else if applied && !checksum::matches(&meta.checksum, &m.checksum, &m.text_checksum) {
            st.drifted.push(Drifted { key: m.key.clone(), path: m.path.clone() });
        } else if applied && meta.checksum != m.checksum {
            st.old_checksums.push(m.key.clone());
        }
    }
    for r in &source.repeatables {
        match ledger.meta.get(&r.key) {
            Some(meta) if meta.checksum == r.checksum => {}
            Some(meta) if meta.checksum == r.text_checksum => st.old_checksums.push(r.key.clone()),
            _ => st.repeatables.push(r.key.clone()),
        }
    }
    st.inconsistent = graph
        .inconsistencies(&ledger.rows)
        .into_iter()
        .map(|(key, parent)| Inconsistent { key, parent })
        .collect();
    Ok((graph, st))
}

/// One step of a plan: apply or unapply a migration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    /// The migration.
    pub key: Key,
    /// True to unapply.
    pub backwards: bool,
}

/// Steps to bring `app` to `name` (`zero` unapplies the whole app), Django's `migration_plan`.
pub(crate) fn plan_to(source: &Source, graph: &Graph, app: &str, name: &str) -> Result<Vec<Step>> {
    if !source.apps.iter().any(|a| a == app) {
        return Err(Error::UnknownApp { app: app.into(), dir: source.dir.clone() });
    }
    let mut applied = graph.applied.clone();
    let mut steps = Vec::new();
    let back = |start: &Key, applied: &mut BTreeSet<Key>, steps: &mut Vec<Step>| {
        for key in graph.backwards_plan(start) {
            if applied.remove(&key) {
                steps.push(Step { key, backwards: true });
            }
        }
    };
    if name == "zero" {
        for root in graph.root_nodes(app) {
            back(&root, &mut applied, &mut steps);
        }
        return Ok(steps);
    }
    let target = Key::new(app, name);
    if !graph.contains(&target) {
        return Err(Error::UnknownMigration { app: app.into(), name: name.into() });
    }
    if applied.contains(&target) {
        for child in graph.children_in_app(&target) {
            back(&child, &mut applied, &mut steps);
        }
    } else {
        for key in graph.forwards_plan(&target) {
            if applied.insert(key.clone()) {
                steps.push(Step { key, backwards: false });
            }
        }
    }
    Ok(steps)
}

/// Refuses a plan that unapplies a migration without a down file, naming them all.
pub(crate) fn check_down_files(source: &Source, steps: &[Step]) -> Result<()> {
    let missing: Vec<String> = steps
        .iter()
        .filter(|s| s.backwards && source.get(&s.key).is_none_or(|m| m.down.is_none()))
        .map(|s| format!("`{}`", s.key))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::NoDownFile { migrations: missing.join(", ") })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::tests::{SEED, keys, source};

    fn check(applied: &[&str], app: &str, name: &str, expected: &str) {
        let src = source(SEED);
        let ledger = Ledger { rows: keys(applied), ..Ledger::default() };
        let (graph, _) = status(&src, &ledger).unwrap_or_else(|e| panic!("{e}"));
        let got = match plan_to(&src, &graph, app, name) {
            Ok(steps) => steps
                .iter()
                .map(|s| format!("{} {}", if s.backwards { "-" } else { "+" }, s.key))
                .collect::<Vec<_>>()
                .join("\n"),
            Err(e) => format!("error: {e}").lines().next().unwrap_or_default().to_string(),
        };
        assert_eq!(got, expected.trim(), "{app} {name} from {applied:?}");
    }

    fn all() -> Vec<&'static str> {
        SEED.iter().map(|(k, _)| *k).collect()
    }

    #[test]
    fn targets() {
        check(
            &[],
            "gwells",
            "0002_profile",
            "
+ gwells 0001_initial
+ contenttypes 0001_initial
+ auth 0001_initial
+ gwells 0002_profile",
        );
        // Backwards stops at the target's children in its own app, but takes dependants along.
        check(
            &all(),
            "gwells",
            "0001_initial",
            "
- gwells 0003_merge_20180312_1617
- gwells 0002_onlinesurvey
- gwells 0002_profile",
        );
        check(&all(), "registries", "zero", "- registries 0001_initial");
        check(&all(), "gwells", "0009_nope", "error: no migration `gwells 0009_nope`");
        check(&all(), "nope", "zero", "error: no app `nope` in ``");
        check(&all(), "gwells", "0003_merge_20180312_1617", "");
    }

    #[test]
    fn status_lines() {
        let src = source(SEED);
        let mut rows = keys(&all());
        rows.remove(&Key::new("sessions", "0001_initial"));
        rows.insert(Key::new("unknown_app", "0001_x"));
        let ledger = Ledger { rows, ..Ledger::default() };
        let (_, st) = status(&src, &ledger).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(st.pending, [Key::new("sessions", "0001_initial")]);
        assert!(st.inconsistent.is_empty() && st.drifted.is_empty() && !st.is_current());
    }

    /// A ledger an earlier version kept in `public` blocks, even when no file changed: the
    /// database was built by files corrected in place since, and only `reset` rebuilds it.
    #[test]
    fn a_legacy_ledger_blocks_and_names_reset() {
        let src = source(SEED);
        let ledger = Ledger { rows: keys(&all()), legacy: true, ..Ledger::default() };
        let (_, st) = status(&src, &ledger).unwrap_or_else(|e| panic!("{e}"));
        assert!(st.legacy_ledger && st.pending.is_empty() && !st.is_current());
        let err = st.blocking_error().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with("this database has drifted"), "{err}");
        assert!(err.contains("public.gwells_db_migration") && err.contains("cargo xtask reset"));
        let current = Ledger { rows: keys(&all()), ..Ledger::default() };
        let (_, st) = status(&src, &current).unwrap_or_else(|e| panic!("{e}"));
        assert!(st.blocking_error().is_none() && st.is_current());
    }
}
