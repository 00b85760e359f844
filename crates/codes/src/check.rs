//! Validating a folder of code-table CSVs against a schema: the inferred one offline, the
//! catalog's when a database is at hand. Pure apart from reading the files.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crate::Error;
use crate::schema::{self, ColumnType, ForeignKey, TableSchema};
use crate::table::{self, CodeTable};

/// What `check` found: the tables read and every problem.
#[derive(Debug)]
pub struct CheckReport {
    /// Each CSV that parsed, with its row count.
    pub tables: Vec<(String, usize)>,
    /// Every defect, each naming its file and line. Empty means the folder is good.
    pub problems: Vec<Error>,
}

impl CheckReport {
    /// Whether no problem was found.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks every `*.csv` in `dir` offline: syntax, header shape, values by the column-name type
/// rule, duplicate keys, key order, and references between code tables (a column named like
/// another CSV's key column, e.g. `well_subclass_code.well_class_code`).
pub fn check_dir(dir: &Path) -> Result<CheckReport, Error> {
    let (tables, mut problems) = read_dir(dir)?;
    problems.extend(offline_problems(&tables));
    Ok(report(&tables, problems))
}

/// The code tables whose names do not end in `_code`.
pub(crate) const CODE_TABLES_WITHOUT_SUFFIX: [&str; 1] = ["drilling_company"];

/// Whether `table` is a code table, which `codes` may load: its name ends in `_code`, as every
/// GWELLS code table's does (the registries ones too), or it is one of
/// `CODE_TABLES_WITHOUT_SUFFIX`. The rule is written down in `codetables/README.md`. Anything
/// else (`auth_user`, `well`) holds application data that a load would delete rows from, so a
/// CSV naming it is refused, whatever its contents.
pub(crate) fn is_code_table(table: &str) -> bool {
    table.strip_suffix("_code").is_some_and(|stem| !stem.is_empty())
        || CODE_TABLES_WITHOUT_SUFFIX.contains(&table)
}

/// The offline checks of parsed tables: header shape, values by the column-name rule, keys,
/// order and references between the CSVs.
pub(crate) fn offline_problems(tables: &[CodeTable]) -> Vec<Error> {
    let mut problems = Vec::new();
    let mut good = Vec::new();
    for t in tables {
        // A file's first header error is its only one: with the columns misnamed, every row
        // would repeat it as bogus value, key and order errors.
        match schema::check_header_shape(t).into_iter().next() {
            Some(problem) => problems.push(problem),
            None => good.push(t.clone()),
        }
    }
    let schemas: Vec<TableSchema> = good.iter().map(schema::infer).collect();
    let fks = offline_foreign_keys(&schemas);
    problems.extend(validate(&good, &schemas, &fks));
    problems
}

pub(crate) fn report(tables: &[CodeTable], problems: Vec<Error>) -> CheckReport {
    CheckReport {
        tables: tables.iter().map(|t| (t.name.clone(), t.rows.len())).collect(),
        problems,
    }
}

/// Reads every `*.csv` in `dir` (not below it), sorted by name. Files that do not parse, and
/// files naming a table that is not a code table (not even read), are left out of the tables
/// and reported as problems.
pub(crate) fn read_dir(dir: &Path) -> Result<(Vec<CodeTable>, Vec<Error>), Error> {
    let io = |source| Error::Io { path: dir.to_path_buf(), source };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "csv") && path.is_file() {
            paths.push(path);
        }
    }
    if paths.is_empty() {
        return Err(Error::NoFiles { dir: dir.to_path_buf() });
    }
    paths.sort();
    let mut tables = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let table = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if !is_code_table(&table) {
            problems.push(Error::NotCodeTable { file: path.display().to_string(), table });
            continue;
        }
        match table::read(&path) {
            Ok(t) => tables.push(t),
            Err(Error::Invalid { problems: p }) => problems.extend(p),
            Err(other) => return Err(other),
        }
    }
    Ok((tables, problems))
}

/// Offline references: column `c` of one table refers to the table named `c` when that table's
/// key is the single column `c`.
pub(crate) fn offline_foreign_keys(schemas: &[TableSchema]) -> Vec<ForeignKey> {
    let keyed: HashMap<&str, &TableSchema> = schemas
        .iter()
        .filter(|s| s.key.len() == 1 && s.key[0] == s.table)
        .map(|s| (s.table.as_str(), s))
        .collect();
    let mut fks = Vec::new();
    for s in schemas {
        for c in &s.columns {
            if s.key.contains(&c.name) {
                continue;
            }
            if let Some(target) = keyed.get(c.name.as_str()) {
                fks.push(ForeignKey {
                    from_table: s.table.clone(),
                    from_columns: vec![c.name.clone()],
                    from_key: s.key.clone(),
                    from_schema: String::new(),
                    to_table: target.table.clone(),
                    to_columns: target.key.clone(),
                });
            }
        }
    }
    fks
}

/// Values, keys, order and references of `tables`, each against the schema of the same name.
/// Header mismatches are the caller's to report; here, columns the schema lacks are skipped.
pub(crate) fn validate(
    tables: &[CodeTable],
    schemas: &[TableSchema],
    fks: &[ForeignKey],
) -> Vec<Error> {
    let by_name: HashMap<&str, &TableSchema> =
        schemas.iter().map(|s| (s.table.as_str(), s)).collect();
    let mut problems = Vec::new();
    for t in tables {
        let Some(schema) = by_name.get(t.name.as_str()) else { continue };
        problems.extend(validate_table(t, schema));
    }
    problems.extend(validate_references(tables, fks));
    problems
}

fn validate_table(t: &CodeTable, schema: &TableSchema) -> Vec<Error> {
    let mut problems = Vec::new();
    let file = t.file();
    let columns: Vec<Option<&schema::Column>> =
        t.columns.iter().map(|name| schema.columns.iter().find(|c| &c.name == name)).collect();
    for row in &t.rows {
        for (value, column) in row.values.iter().zip(&columns) {
            let Some(column) = column else { continue };
            if let Err(reason) = schema::check_value(column, value.as_deref()) {
                problems.push(Error::Value {
                    file: file.clone(),
                    line: row.line,
                    column: column.name.clone(),
                    reason,
                });
            }
        }
    }
    let key_at: Option<Vec<(usize, &ColumnType)>> = schema
        .key
        .iter()
        .map(|k| {
            let i = t.columns.iter().position(|c| c == k)?;
            let ty = &schema.columns.iter().find(|c| &c.name == k)?.ty;
            Some((i, ty))
        })
        .collect();
    let Some(key_at) = key_at.filter(|k| !k.is_empty()) else { return problems };
    let mut first_line: HashMap<Vec<Option<&str>>, u64> = HashMap::new();
    let mut previous: Option<(Vec<Option<&str>>, u64)> = None;
    for row in &t.rows {
        let key: Vec<Option<&str>> =
            key_at.iter().map(|(i, _)| row.values[*i].as_deref()).collect();
        if let Some(first) = first_line.get(&key) {
            problems.push(Error::DuplicateKey {
                file: file.clone(),
                line: row.line,
                key: render_key(&key),
                first: *first,
            });
            continue;
        }
        first_line.insert(key.clone(), row.line);
        if let Some((prev, _)) = &previous {
            let types: Vec<&ColumnType> = key_at.iter().map(|(_, ty)| *ty).collect();
            if compare_keys(prev, &key, &types) == Ordering::Greater {
                problems.push(Error::Order {
                    file: file.clone(),
                    line: row.line,
                    key: render_key(&key),
                    previous: render_key(prev),
                });
            }
        }
        previous = Some((key, row.line));
    }
    problems
}

/// Key order as `ORDER BY` sorts with `COLLATE "C"`: integers by value, other text by bytes.
fn compare_keys(a: &[Option<&str>], b: &[Option<&str>], types: &[&ColumnType]) -> Ordering {
    for ((x, y), ty) in a.iter().zip(b).zip(types) {
        let ord = match (x, y, ty) {
            (Some(x), Some(y), ColumnType::Integer) => match (x.parse::<i64>(), y.parse::<i64>()) {
                (Ok(x), Ok(y)) => x.cmp(&y),
                _ => x.as_bytes().cmp(y.as_bytes()),
            },
            (Some(x), Some(y), _) => x.as_bytes().cmp(y.as_bytes()),
            // NULLS LAST, as PostgreSQL sorts ascending.
            (None, None, _) => Ordering::Equal,
            (None, Some(_), _) => Ordering::Greater,
            (Some(_), None, _) => Ordering::Less,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

pub(crate) fn render_key(key: &[Option<&str>]) -> String {
    let parts: Vec<String> =
        key.iter().map(|k| k.map_or("NULL".to_string(), |k| format!("`{k}`"))).collect();
    if parts.len() == 1 { parts[0].clone() } else { format!("({})", parts.join(", ")) }
}

/// Every reference whose target table has a CSV must name a row of that CSV.
fn validate_references(tables: &[CodeTable], fks: &[ForeignKey]) -> Vec<Error> {
    let by_name: BTreeMap<&str, &CodeTable> = tables.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut problems = Vec::new();
    for fk in fks {
        let (Some(from), Some(to)) =
            (by_name.get(fk.from_table.as_str()), by_name.get(fk.to_table.as_str()))
        else {
            continue;
        };
        let (Some(from_at), Some(to_at)) =
            (positions(from, &fk.from_columns), positions(to, &fk.to_columns))
        else {
            continue;
        };
        let known: HashSet<Vec<&str>> = to
            .rows
            .iter()
            .filter_map(|r| {
                to_at.iter().map(|i| r.values[*i].as_deref()).collect::<Option<Vec<&str>>>()
            })
            .collect();
        for row in &from.rows {
            // A NULL in any referencing column means no reference (MATCH SIMPLE).
            let Some(value) =
                from_at.iter().map(|i| row.values[*i].as_deref()).collect::<Option<Vec<&str>>>()
            else {
                continue;
            };
            if !known.contains(&value) {
                problems.push(Error::UnknownReference {
                    file: from.file(),
                    line: row.line,
                    column: fk.from_columns.join(", "),
                    value: value.join(", "),
                    table: fk.to_table.clone(),
                });
            }
        }
    }
    problems
}

fn positions(t: &CodeTable, columns: &[String]) -> Option<Vec<usize>> {
    columns.iter().map(|c| t.columns.iter().position(|h| h == c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks a folder given as `name: contents` pairs; renders each problem's first line.
    fn check(files: &[(&str, &str)], expected: &[&str]) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write fixture");
        }
        let report = check_dir(dir.path()).expect("the folder reads");
        let prefix = format!("{}/", dir.path().display());
        let got: Vec<String> = report
            .problems
            .iter()
            .map(|p| {
                p.to_string().replace(&prefix, "").lines().next().unwrap_or_default().to_string()
            })
            .collect();
        assert_eq!(got, expected);
    }

    const H: &str = "create_user,create_date,update_user,update_date";

    #[test]
    fn good_folder() {
        check(
            &[(
                "a_code.csv",
                &format!(
                    "{H},a_code,description,display_order\nU,,,,X,\"x, y\",1\nU,,,,Y,\"\",2\n"
                ),
            )],
            &[],
        );
    }

    #[test]
    fn only_code_tables() {
        check(
            &[
                ("auth_user.csv", "id,username\n"),
                ("drilling_company.csv", &format!("{H},drilling_company_guid,name\n")),
                ("_code.csv", &format!("{H},x\n")),
            ],
            &[
                "`_code.csv`: `_code` is not a code table, so `codes` never loads it",
                "`auth_user.csv`: `auth_user` is not a code table, so `codes` never loads it",
            ],
        );
        assert!(is_code_table("registries_activity_code") && is_code_table("drilling_company"));
        assert!(!is_code_table("well") && !is_code_table("code") && !is_code_table("_code"));
    }

    #[test]
    fn keys_and_order() {
        check(
            &[(
                "a_code.csv",
                &format!(
                    "{H},a_code,description,display_order\nU,,,,B,b,1\nU,,,,A,a,2\nU,,,,A,a,3\n"
                ),
            )],
            &[
                "`a_code.csv` line 3: key `A` comes after `B`; rows must be in ascending key order (byte order), as `codes dump` writes them",
                "`a_code.csv` line 4: duplicate key `A`, first used on line 3",
            ],
        );
    }

    #[test]
    fn references_between_code_tables() {
        check(
            &[
                ("c_code.csv", &format!("{H},c_code,description,display_order\nU,,,,K,k,1\n")),
                (
                    "s_code.csv",
                    &format!(
                        "{H},s_guid,description,display_order,c_code\nU,,,,00000000-0000-4000-8000-000000000001,a,1,K\nU,,,,00000000-0000-4000-8000-000000000002,b,2,\nU,,,,00000000-0000-4000-8000-000000000003,c,3,NOPE\n"
                    ),
                ),
            ],
            &["`s_code.csv` line 4, column `c_code`: `NOPE` is not a key of `c_code`"],
        );
    }

    #[test]
    fn shipped_codetables_pass() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../codetables");
        let report = check_dir(&dir).expect("codetables/ reads");
        let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems, Vec::<String>::new());
        let subclass = report.tables.iter().find(|(t, _)| t == "well_subclass_code");
        assert_eq!(subclass, Some(&("well_subclass_code".to_string(), 16)));
        assert_eq!(report.tables.len(), 44);
        let qualifications =
            report.tables.iter().find(|(t, _)| t == "registries_qualification_code");
        assert_eq!(qualifications, Some(&("registries_qualification_code".to_string(), 11)));
        let companies = report.tables.iter().find(|(t, _)| t == "drilling_company");
        assert_eq!(companies, Some(&("drilling_company".to_string(), 531)));
    }

    #[test]
    fn integer_keys_sort_by_value() {
        let types = [&ColumnType::Integer];
        assert_eq!(compare_keys(&[Some("9")], &[Some("10")], &types), Ordering::Less);
        let types = [&ColumnType::Varchar(None)];
        assert_eq!(compare_keys(&[Some("9")], &[Some("10")], &types), Ordering::Greater);
    }
}
