//! Load order from foreign keys: a referenced table before the tables that reference it.

use std::collections::{BTreeMap, BTreeSet};

use crate::schema::ForeignKey;

/// Orders `tables` so that every table comes after the tables it references (among `tables`).
/// Ties break by name, so the order is stable. Self-references are ignored; tables in a cycle
/// (none exist among GWELLS code tables) come last, by name.
pub(crate) fn load_order(tables: &[String], fks: &[ForeignKey]) -> Vec<String> {
    let set: BTreeSet<&str> = tables.iter().map(String::as_str).collect();
    let mut needs: BTreeMap<&str, BTreeSet<&str>> =
        set.iter().map(|t| (*t, BTreeSet::new())).collect();
    for fk in fks {
        let (from, to) = (fk.from_table.as_str(), fk.to_table.as_str());
        if from != to
            && set.contains(to)
            && let Some(n) = needs.get_mut(from)
        {
            n.insert(to);
        }
    }
    let mut order = Vec::with_capacity(set.len());
    while !needs.is_empty() {
        let ready: Vec<&str> =
            needs.iter().filter(|(_, n)| n.is_empty()).map(|(t, _)| *t).collect();
        let batch = if ready.is_empty() { needs.keys().copied().collect() } else { ready };
        for t in batch {
            needs.remove(t);
            for n in needs.values_mut() {
                n.remove(t);
            }
            order.push(t.to_string());
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `edges` are `from>to` (from references to).
    fn check(tables: &str, edges: &[&str], expected: &str) {
        let tables: Vec<String> = tables.split(' ').map(String::from).collect();
        let fks: Vec<ForeignKey> = edges
            .iter()
            .map(|e| {
                let (from, to) = e.split_once('>').expect("an edge like a>b");
                ForeignKey {
                    from_table: from.into(),
                    from_columns: vec![],
                    from_key: vec![],
                    from_schema: String::new(),
                    to_table: to.into(),
                    to_columns: vec![],
                }
            })
            .collect();
        assert_eq!(load_order(&tables, &fks).join(" "), expected);
    }

    #[test]
    fn orders() {
        check("b a c", &[], "a b c");
        check(
            "well_subclass_code well_class_code",
            &["well_subclass_code>well_class_code"],
            "well_class_code well_subclass_code",
        );
        check("a b c", &["a>b", "b>c", "well>a"], "c b a");
        check("a b", &["a>a"], "a b");
        check("a b c", &["a>b", "b>a"], "c a b");
    }
}
