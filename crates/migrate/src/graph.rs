//! The migration graph: one DAG per app plus cross-app edges, ordered exactly as Django does.
//!
//! Django's loader (`django/db/migrations/{loader,graph}.py`, 5.2) is copied rule for rule: the
//! same-app parent, `__first__`/`__latest__`, squashes standing in for (or stepping aside from)
//! the migrations they replace depending on what is applied, leaf nodes sorted by `(app, name)`,
//! and an iterative DFS that pushes sorted parents. A generic topological sort would give a
//! different, equally valid order, and `showmigrations --plan` would disagree with Django.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::source::{Key, Migration, Source};

#[derive(Debug, Default, Clone)]
struct Node {
    parents: BTreeSet<Key>,
    children: BTreeSet<Key>,
}

/// The graph after squashes were resolved against the applied rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Graph {
    nodes: BTreeMap<Key, Node>,
    /// Squash → the migrations it replaces (every squash on disk).
    pub(crate) replacements: BTreeMap<Key, Vec<Key>>,
    /// Django's `loader.applied_migrations`: rows, plus squashes whose replaced set is applied,
    /// minus squashes whose replaced set is not.
    pub(crate) applied: BTreeSet<Key>,
}

impl Graph {
    /// Builds, resolves squashes against `rows` (the `django_migrations` rows) and validates.
    pub(crate) fn build(source: &Source, rows: &BTreeSet<Key>) -> Result<Graph> {
        let mut g = Graph { applied: rows.clone(), ..Graph::default() };
        for m in &source.migrations {
            g.nodes.insert(m.key.clone(), Node::default());
            if !m.replaces.is_empty() {
                g.replacements.insert(m.key.clone(), m.replaces.clone());
            }
        }
        for (child, parent) in edges(source)? {
            g.add_edge(&child, &parent);
        }
        let replacements = g.replacements.clone();
        for (squash, replaced) in &replacements {
            let done = replaced.iter().filter(|k| rows.contains(*k)).count();
            if done == replaced.len() {
                g.applied.insert(squash.clone());
            } else {
                g.applied.remove(squash);
            }
            if done == replaced.len() || done == 0 {
                g.remove_replaced_nodes(squash, replaced);
            } else {
                g.remove_replacement_node(squash, replaced);
            }
        }
        g.ensure_not_cyclic()?;
        g.ensure_single_leaves(source)?;
        Ok(g)
    }

    fn add_edge(&mut self, child: &Key, parent: &Key) {
        self.nodes.entry(child.clone()).or_default().parents.insert(parent.clone());
        self.nodes.entry(parent.clone()).or_default().children.insert(child.clone());
    }

    fn remove_edge(&mut self, child: &Key, parent: &Key) {
        if let Some(n) = self.nodes.get_mut(child) {
            n.parents.remove(parent);
        }
        if let Some(n) = self.nodes.get_mut(parent) {
            n.children.remove(child);
        }
    }

    /// The squash stands in for the replaced migrations (`graph.remove_replaced_nodes`).
    fn remove_replaced_nodes(&mut self, squash: &Key, replaced: &[Key]) {
        let set: BTreeSet<&Key> = replaced.iter().collect();
        for key in replaced {
            let Some(node) = self.nodes.remove(key) else { continue };
            for child in &node.children {
                self.remove_edge(child, key);
                if !set.contains(child) && child != squash {
                    self.add_edge(child, squash);
                }
            }
            for parent in &node.parents {
                self.remove_edge(key, parent);
                if !set.contains(parent) && parent != squash {
                    self.add_edge(squash, parent);
                }
            }
        }
    }

    /// The squash steps aside: partly applied (`graph.remove_replacement_node`).
    fn remove_replacement_node(&mut self, squash: &Key, replaced: &[Key]) {
        let Some(node) = self.nodes.remove(squash) else { return };
        let last = replaced.last().filter(|k| self.nodes.contains_key(*k)).cloned();
        for child in &node.children {
            self.remove_edge(child, squash);
            if let Some(last) = &last
                && !replaced.contains(child)
            {
                self.add_edge(child, last);
            }
        }
        for parent in &node.parents {
            self.remove_edge(squash, parent);
        }
    }

    fn ensure_not_cyclic(&self) -> Result<()> {
        // 0 unseen, 1 on the stack, 2 done; iterative so deep chains cannot overflow.
        let mut state: BTreeMap<&Key, u8> = BTreeMap::new();
        for start in self.nodes.keys() {
            if state.contains_key(start) {
                continue;
            }
            let mut stack: Vec<(&Key, Vec<&Key>)> = vec![(start, self.parents(start))];
            state.insert(start, 1);
            while let Some((key, pending)) = stack.last_mut() {
                let key = *key;
                match pending.pop() {
                    None => {
                        state.insert(key, 2);
                        stack.pop();
                    }
                    Some(p) => match state.get(p) {
                        Some(2) => {}
                        Some(_) => {
                            let from = stack.iter().position(|(k, _)| *k == p).unwrap_or(0);
                            let mut cycle: Vec<String> =
                                stack[from..].iter().map(|(k, _)| format!("`{k}`")).collect();
                            cycle.push(format!("`{p}`"));
                            return Err(Error::Cycle { cycle: cycle.join(" depends on ") });
                        }
                        None => {
                            state.insert(p, 1);
                            stack.push((p, self.parents(p)));
                        }
                    },
                }
            }
        }
        Ok(())
    }

    fn parents(&self, key: &Key) -> Vec<&Key> {
        self.nodes.get(key).map(|n| n.parents.iter().collect()).unwrap_or_default()
    }

    fn ensure_single_leaves(&self, source: &Source) -> Result<()> {
        for app in &source.apps {
            let leaves = self.leaf_nodes(Some(app));
            if leaves.len() > 1 {
                let next = source
                    .migrations
                    .iter()
                    .filter(|m| &m.key.app == app)
                    .map(|m| m.number + 1)
                    .max()
                    .unwrap_or(1);
                let names: Vec<String> =
                    leaves.iter().map(|k| format!("`{}`", file(source, k))).collect();
                return Err(Error::MultipleLeaves {
                    app: app.clone(),
                    leaves: names.join(", "),
                    next: format!("{next:04}"),
                });
            }
        }
        Ok(())
    }

    /// Whether the graph has this node.
    pub(crate) fn contains(&self, key: &Key) -> bool {
        self.nodes.contains_key(key)
    }

    /// Same-app children of `key`, sorted.
    pub(crate) fn children_in_app(&self, key: &Key) -> Vec<Key> {
        let node = self.nodes.get(key);
        node.map(|n| n.children.iter().filter(|c| c.app == key.app).cloned().collect())
            .unwrap_or_default()
    }

    /// Nodes without a child in their own app, sorted; only `app`'s when given.
    pub(crate) fn leaf_nodes(&self, app: Option<&str>) -> Vec<Key> {
        self.nodes
            .iter()
            .filter(|(k, n)| {
                app.is_none_or(|a| a == k.app) && n.children.iter().all(|c| c.app != k.app)
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Nodes of `app` without a parent in their own app, sorted.
    pub(crate) fn root_nodes(&self, app: &str) -> Vec<Key> {
        self.nodes
            .iter()
            .filter(|(k, n)| k.app == app && n.parents.iter().all(|p| p.app != k.app))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Django's `iterative_dfs`: each node after its parents (or children, backwards).
    fn dfs(&self, start: &Key, forwards: bool) -> Vec<Key> {
        let mut visited = Vec::new();
        let mut seen = BTreeSet::new();
        let mut stack = vec![(start.clone(), false)];
        while let Some((key, processed)) = stack.pop() {
            if seen.contains(&key) {
                continue;
            }
            if processed {
                seen.insert(key.clone());
                visited.push(key);
                continue;
            }
            let next =
                self.nodes.get(&key).map(|n| if forwards { &n.parents } else { &n.children });
            stack.push((key, true));
            // BTreeSet iterates sorted: the greatest is pushed last and popped first, as in Django.
            stack.extend(next.into_iter().flatten().map(|k| (k.clone(), false)));
        }
        visited
    }

    /// `key` and everything it needs, in apply order.
    pub(crate) fn forwards_plan(&self, key: &Key) -> Vec<Key> {
        self.dfs(key, true)
    }

    /// `key` and everything that needs it, in unapply order.
    pub(crate) fn backwards_plan(&self, key: &Key) -> Vec<Key> {
        self.dfs(key, false)
    }

    /// What `migrate` with no arguments applies, in order: every leaf's forwards plan.
    pub(crate) fn full_plan(&self) -> Vec<Key> {
        let mut applied = self.applied.clone();
        let mut plan = Vec::new();
        for leaf in self.leaf_nodes(None) {
            for key in self.forwards_plan(&leaf) {
                if applied.insert(key.clone()) {
                    plan.push(key);
                }
            }
        }
        plan
    }

    /// Applied migrations whose parent is not: Django's `check_consistent_history`.
    pub(crate) fn inconsistencies(&self, rows: &BTreeSet<Key>) -> Vec<(Key, Key)> {
        let mut out = Vec::new();
        for key in rows {
            for parent in self.parents(key) {
                if rows.contains(parent) {
                    continue;
                }
                let squash_done = self
                    .replacements
                    .get(parent)
                    .is_some_and(|r| r.iter().all(|k| rows.contains(k)));
                if !squash_done {
                    out.push((key.clone(), parent.clone()));
                }
            }
        }
        out
    }
}

fn file(source: &Source, key: &Key) -> String {
    source.get(key).map_or_else(|| key.to_string(), |m| m.path.display().to_string())
}

/// Every (child, parent) edge declared by the files, with `__first__`/`__latest__` resolved.
fn edges(source: &Source) -> Result<Vec<(Key, Key)>> {
    let mut out = Vec::new();
    let mut by_app: BTreeMap<&str, Vec<&Migration>> = BTreeMap::new();
    for m in &source.migrations {
        by_app.entry(m.key.app.as_str()).or_default().push(m);
    }
    let explicit_same_app = |m: &Migration| m.depends.iter().any(|(k, _)| k.app == m.key.app);
    for migrations in by_app.values() {
        let plain: Vec<&&Migration> = migrations.iter().filter(|m| m.replaces.is_empty()).collect();
        let mut by_number: BTreeMap<u32, Vec<&Migration>> = BTreeMap::new();
        for m in &plain {
            by_number.entry(m.number).or_default().push(m);
        }
        for (number, group) in &by_number {
            if group.len() > 1 && !group.iter().all(|m| explicit_same_app(m)) {
                return Err(Error::DuplicateNumber {
                    app: group[0].key.app.clone(),
                    number: format!("{number:04}"),
                    files: list_files(group),
                });
            }
        }
        // A squash whose replaced files were deleted takes their place as the parent of the
        // next number: it sits at the number of the last migration it replaces.
        for m in migrations.iter().filter(|m| !m.replaces.is_empty()) {
            let end = m.replaces.last().and_then(|k| k.name.get(..4)).and_then(|n| n.parse().ok());
            if let Some(end) = end {
                by_number.entry(end).or_insert_with(|| vec![m]);
            }
        }
        for m in migrations {
            if !m.replaces.is_empty() || explicit_same_app(m) {
                continue;
            }
            if let Some((number, group)) = by_number.range(..m.number).next_back() {
                if group.len() > 1 {
                    return Err(Error::AmbiguousParent {
                        path: m.path.clone(),
                        number: format!("{number:04}"),
                        files: list_files(group),
                    });
                }
                out.push((m.key.clone(), group[0].key.clone()));
            }
        }
    }
    // Same-app edges first: `__first__` and `__latest__` are resolved against them, as in Django.
    let same_app = out.clone();
    let roots_or_leaves = |app: &str, first: bool| -> Option<Key> {
        let in_app: Vec<&Key> =
            source.migrations.iter().map(|m| &m.key).filter(|k| k.app == app).collect();
        in_app
            .into_iter()
            .filter(|k| {
                !same_app.iter().any(|(c, p)| if first { c == *k } else { p == *k })
                    && source.get(k).is_some_and(|m| m.replaces.is_empty())
            })
            .min()
            .cloned()
    };
    for m in &source.migrations {
        for (dep, _line) in &m.depends {
            let resolved = match dep.name.as_str() {
                "__first__" => roots_or_leaves(&dep.app, true),
                "__latest__" => roots_or_leaves(&dep.app, false),
                _ if source.get(dep).is_some() => Some(dep.clone()),
                // A parent deleted after squashing: the squash that replaces it stands in.
                _ => source
                    .migrations
                    .iter()
                    .find(|s| s.replaces.contains(dep))
                    .map(|s| s.key.clone()),
            };
            let Some(parent) = resolved else {
                return Err(Error::MissingDependency {
                    path: m.path.clone(),
                    dependency: dep.to_string(),
                });
            };
            out.push((m.key.clone(), parent));
        }
    }
    Ok(out)
}

fn list_files(group: &[&Migration]) -> String {
    let names: Vec<String> = group.iter().map(|m| format!("`{}`", m.path.display())).collect();
    names.join(", ")
}

#[cfg(test)]
pub(crate) mod tests;
