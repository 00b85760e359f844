//! Text for humans: `showmigrations`, `migrate --plan`, `sqlmigrate`. Pure, snapshot-tested.

use std::fmt::Write;

use crate::plan::{State, Status, Step};
use crate::source::{Key, Migration, Source};
use crate::split::split;

/// `showmigrations` exactly as Django prints it (`[X]`, `[ ]`, `[-]`), for `app` or every app.
pub fn render_showmigrations(status: &Status, app: Option<&str>) -> String {
    let mut out = String::new();
    for (name, listed) in &status.apps {
        if app.is_some_and(|a| a != name) {
            continue;
        }
        let _ = writeln!(out, "{name}");
        if listed.is_empty() {
            out.push_str(" (no migrations)\n");
        }
        for l in listed {
            let mut title = l.key.name.clone();
            if l.squashed > 0 {
                let _ = write!(title, " ({} squashed migrations)", l.squashed);
            }
            let _ = match l.state {
                State::Applied => writeln!(out, " [X] {title}"),
                State::Pending => writeln!(out, " [ ] {title}"),
                State::Unrecorded => {
                    writeln!(out, " [-] {title} Run 'manage.py migrate' to finish recording.")
                }
            };
        }
    }
    out
}

/// `migrate --plan`: Django's heading and `app.name` lines, each with what it will run.
pub fn render_plan(source: &Source, steps: &[Step], repeatables: &[Key]) -> String {
    let mut out = String::from("Planned operations:\n");
    if steps.is_empty() && repeatables.is_empty() {
        out.push_str("  No planned migration operations.\n");
    }
    for step in steps {
        let _ = writeln!(out, "{}.{}", step.key.app, step.key.name);
        let Some(m) = source.get(&step.key) else { continue };
        let what = match (step.backwards, &m.down) {
            (true, Some((_, down))) => format!("Undo: {}", count(down)),
            (true, None) => "Undo: no down file (refused)".to_string(),
            (false, _) if !m.atomic => format!("Raw SQL, no transaction: {}", count(&m.sql)),
            (false, _) => format!("Raw SQL: {}", count(&m.sql)),
        };
        let _ = writeln!(out, "    {what}");
        if !step.backwards && !m.replaces.is_empty() {
            let _ = writeln!(out, "    Records {} replaced migrations", m.replaces.len());
        }
    }
    for key in repeatables {
        let _ = writeln!(out, "{}.{}\n    Repeatable script: new or changed", key.app, key.name);
    }
    out
}

fn count(sql: &str) -> String {
    match split(sql).map(|s| s.len()) {
        Ok(0) => "no statements".to_string(),
        Ok(1) => "1 statement".to_string(),
        Ok(n) => format!("{n} statements"),
        Err(e) => format!("unsplittable SQL ({} at line {})", e.reason, e.line),
    }
}

/// `sqlmigrate`: the SQL `migrate` would send, in `BEGIN`/`COMMIT` unless no-transaction.
pub fn render_sql(m: &Migration, backwards: bool) -> Option<String> {
    let sql = if backwards { &m.down.as_ref()?.1 } else { &m.sql };
    let body = sql.trim_end();
    Some(if m.atomic || backwards {
        format!("BEGIN;\n{body}\nCOMMIT;\n")
    } else {
        format!("{body}\n")
    })
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::graph::tests::{SEED, keys, source};
    use crate::plan::{Ledger, status};

    fn check(applied: &[&str], extra: &[(&str, &str)], app: Option<&str>, name: &str) {
        let files: Vec<(&str, &str)> = SEED.iter().chain(extra).copied().collect();
        let src = source(&files);
        let ledger = Ledger { rows: keys(applied), ..Ledger::default() };
        let (_, st) = status(&src, &ledger).unwrap_or_else(|e| panic!("{e}"));
        let steps: Vec<Step> =
            st.pending.iter().map(|k| Step { key: k.clone(), backwards: false }).collect();
        let text =
            format!("{}\n---\n{}", render_showmigrations(&st, app), render_plan(&src, &steps, &[]));
        insta::assert_snapshot!(name, text);
    }

    #[test]
    fn snapshots() {
        let all: Vec<&str> = SEED.iter().map(|(k, _)| *k).collect();
        check(&[], &[], None, "fresh");
        check(&all[..10], &[], None, "part_applied");
        check(&all, &[], Some("gwells"), "all_applied_gwells");
        let squash = [
            (
                "gwells/0001_squashed_0003_merge_20180312_1617",
                "-- replaces: gwells 0001_initial, gwells 0002_onlinesurvey, gwells 0002_profile, gwells 0003_merge_20180312_1617",
            ),
            ("gwells/0004_after", ""),
        ];
        check(&all, &squash, Some("gwells"), "squash_unrecorded");
        check(&all[..18], &squash, Some("gwells"), "squash_fresh");
    }
}
