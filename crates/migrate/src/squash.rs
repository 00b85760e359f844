//! `squash`: one migration that replaces an app's migrations from its first to `--to`.
//!
//! The squash is the replaced files' SQL in Django's order, with a `-- replaces:` line per
//! replaced migration and `-- depends:` for their dependencies on other apps. Django 5.2 cannot
//! squash a squash, and neither can this; no-transaction migrations are refused too, since
//! their statements could not share the squash's transaction.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::source::{Key, Source};

/// A squashed migration, ready to write.
#[derive(Debug, Clone)]
pub struct Squashed {
    /// App and name of the new migration, `0001_squashed_<last>`.
    pub key: Key,
    /// The migrations it replaces, in order.
    pub replaces: Vec<Key>,
    /// The file's text.
    pub(crate) sql: String,
    /// The down file's text, when every replaced migration has one.
    pub(crate) down: Option<String>,
}

/// Plans the squash of `app` from its first migration to `to` (default: its leaf).
pub fn squash(source: &Source, app: &str, to: Option<&str>) -> Result<Squashed> {
    let refuse = |reason: String| Error::Squash { app: app.into(), reason };
    if !source.apps.iter().any(|a| a == app) {
        return Err(Error::UnknownApp { app: app.into(), dir: source.dir.clone() });
    }
    if let Some(s) = source.migrations.iter().find(|m| m.key.app == app && !m.replaces.is_empty()) {
        return Err(refuse(format!(
            "`{}` is already a squash; squashing a squash is not supported\nhint: delete the replaced files once every database has the squash, remove its `-- replaces:` lines, then squash again",
            s.key
        )));
    }
    let graph = Graph::build(source, &BTreeSet::new())?;
    let last = match to {
        Some(name) => Key::new(app, name),
        None => graph
            .leaf_nodes(Some(app))
            .into_iter()
            .next()
            .ok_or_else(|| refuse("it has no migrations".into()))?,
    };
    if !graph.contains(&last) {
        return Err(Error::UnknownMigration { app: app.into(), name: last.name });
    }
    let keys: Vec<Key> = graph.forwards_plan(&last).into_iter().filter(|k| k.app == app).collect();
    if keys.len() < 2 {
        return Err(refuse(format!(
            "only `{last}` would be replaced; a squash needs two migrations"
        )));
    }
    let migrations: Vec<_> = keys.iter().filter_map(|k| source.get(k)).collect();
    if let Some(m) = migrations.iter().find(|m| !m.atomic) {
        return Err(refuse(format!(
            "`{}` is a no-transaction migration\nhint: squash up to the migration before it with `--to`",
            m.key
        )));
    }
    let key = Key::new(app, format!("0001_squashed_{}", last.name));
    let mut depends = Vec::new();
    for m in &migrations {
        for (dep, _) in &m.depends {
            if dep.app != app && !depends.contains(dep) {
                depends.push(dep.clone());
            }
        }
    }
    let mut sql =
        format!("-- Squashed from {} migrations by `cargo xtask squash {app}`.\n", keys.len());
    for k in &keys {
        sql.push_str(&format!("-- replaces: {k}\n"));
    }
    for d in &depends {
        sql.push_str(&format!("-- depends: {d}\n"));
    }
    for m in &migrations {
        sql.push_str(&format!("\n-- from {}\n{}\n", m.key.name, body(&m.sql).trim()));
    }
    let down = migrations
        .iter()
        .rev()
        .map(|m| m.down.as_ref().map(|(_, d)| (m, d)))
        .collect::<Option<Vec<_>>>()
        .map(|downs| {
            let mut text = format!("-- Undoes {key}.\n");
            for (m, d) in downs {
                text.push_str(&format!("\n-- undo {}\n{}\n", m.key.name, d.trim()));
            }
            text
        });
    Ok(Squashed { key, replaces: keys, sql, down })
}

/// The SQL of a migration without its header directives.
fn body(sql: &str) -> String {
    sql.lines()
        .filter(|l| {
            let t = l.trim_start().trim_start_matches("--").trim_start();
            !(l.trim_start().starts_with("--")
                && (t.starts_with("depends:")
                    || t.starts_with("replaces:")
                    || t == "no-transaction"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes the squash (and its down file) into `dir/<app>/`; refuses to overwrite.
pub fn write_squash(dir: &Path, squashed: &Squashed) -> Result<Vec<PathBuf>> {
    let base = dir.join(&squashed.key.app);
    let mut files = vec![(base.join(format!("{}.sql", squashed.key.name)), &squashed.sql)];
    if let Some(down) = &squashed.down {
        files.push((base.join(format!("{}.down.sql", squashed.key.name)), down));
    }
    for (path, _) in &files {
        if path.exists() {
            let source = std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "the file exists; not overwriting it",
            );
            return Err(Error::Io { path: path.clone(), source });
        }
    }
    let mut written = Vec::new();
    for (path, text) in files {
        std::fs::write(&path, text).map_err(|source| Error::Io { path: path.clone(), source })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::tests::{SEED, source};

    #[test]
    fn squash_of_the_seed() {
        let s = squash(&source(SEED), "gwells", None).unwrap_or_else(|e| panic!("{e}"));
        insta::assert_snapshot!(s.sql);
        assert!(s.down.is_none());
        let err = squash(&source(SEED), "sessions", None).map(|s| s.key.to_string());
        assert!(matches!(err, Err(Error::Squash { .. })), "{err:?}");
    }
}
