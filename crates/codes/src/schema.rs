//! What a code table's columns are: from the catalog when a database is at hand, else inferred
//! from the CSV header by a small rule on column names. Also the value rules, which are the
//! same both ways, and which accept only the canonical text `codes dump` writes back.
//!
//! It deliberately does not read the migrations: offline, names and shapes are checked; the
//! exact columns, types and lengths are checked against the live schema (`--database-url`, load).

use crate::Error;
use crate::table::CodeTable;

/// The audit columns every GWELLS table starts with, in this order.
pub(crate) const AUDIT: [&str; 4] = ["create_user", "create_date", "update_user", "update_date"];

/// The type of a column, as far as checking values goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ColumnType {
    /// `uuid`, written in canonical lowercase form.
    Uuid,
    /// `timestamptz`, written `YYYY-MM-DD HH:MM:SS[.ffffff]+00` (UTC).
    Timestamptz,
    /// `integer` (or smallint, bigint), written without sign or leading zeros unless negative.
    Integer,
    /// `varchar(n)` (`None`: `text` or unbounded).
    Varchar(Option<usize>),
    /// Anything else: left to PostgreSQL.
    Other(String),
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    /// Its name.
    pub(crate) name: String,
    /// Its type.
    pub(crate) ty: ColumnType,
    /// Whether NULL is refused.
    pub(crate) not_null: bool,
    /// The catalog's name of the type without modifiers (`character varying`), for casts;
    /// empty offline.
    pub(crate) sql_type: String,
}

/// A table's columns in table order and its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableSchema {
    /// The table name.
    pub(crate) table: String,
    /// Columns in table order.
    pub(crate) columns: Vec<Column>,
    /// The primary key's columns.
    pub(crate) key: Vec<String>,
}

/// A foreign key: `from_table(from_columns)` references `to_table(to_columns)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ForeignKey {
    /// The referencing table.
    pub(crate) from_table: String,
    /// Its referencing columns.
    pub(crate) from_columns: Vec<String>,
    /// The primary key of the referencing table (to name referencing rows).
    pub(crate) from_key: Vec<String>,
    /// The schema of the referencing table.
    pub(crate) from_schema: String,
    /// The referenced table.
    pub(crate) to_table: String,
    /// The referenced columns.
    pub(crate) to_columns: Vec<String>,
}

/// Offline: the type rule by column name. `*_guid` uuid, `*_date` timestamptz, `display_order`
/// integer, `*_user` varchar(30), `*_code` varchar(10), anything else varchar(255) (the widest
/// code-table text; exact lengths are checked live).
pub(crate) fn infer(table: &CodeTable) -> TableSchema {
    let key_name = table.columns.get(AUDIT.len()).cloned();
    let columns = table
        .columns
        .iter()
        .map(|name| {
            let ty = if name.ends_with("_guid") {
                ColumnType::Uuid
            } else if name.ends_with("_date") {
                ColumnType::Timestamptz
            } else if name == "display_order" {
                ColumnType::Integer
            } else if name.ends_with("_user") {
                ColumnType::Varchar(Some(30))
            } else if name.ends_with("_code") {
                ColumnType::Varchar(Some(10))
            } else {
                ColumnType::Varchar(Some(255))
            };
            let not_null = Some(name) == key_name.as_ref()
                || matches!(
                    name.as_str(),
                    "create_user" | "display_order" | "description" | "name"
                );
            Column { name: name.clone(), ty, not_null, sql_type: String::new() }
        })
        .collect();
    TableSchema { table: table.name.clone(), columns, key: key_name.into_iter().collect() }
}

/// Offline: the header is well formed. Column names are lowercase identifiers, each once; the
/// audit columns come first; a key column follows them.
pub(crate) fn check_header_shape(table: &CodeTable) -> Vec<Error> {
    let header = |reason: String| Error::Header { file: table.file(), reason };
    let mut problems = Vec::new();
    for (i, name) in table.columns.iter().enumerate() {
        let valid = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            problems.push(header(format!(
                "`{name}` (column {}) is not a column name: lowercase letters, digits and `_` only",
                i + 1
            )));
        }
        if table.columns[..i].contains(name) {
            problems.push(header(format!("column `{name}` is named twice")));
        }
    }
    let found: Vec<&str> = table.columns.iter().take(AUDIT.len()).map(String::as_str).collect();
    if found != AUDIT {
        problems.push(header(format!(
            "the header must start with the audit columns `{}`, found `{}`",
            AUDIT.join(","),
            found.join(",")
        )));
    } else if table.columns.len() == AUDIT.len() {
        problems.push(header("no key column after the audit columns".into()));
    } else if table.columns[AUDIT.len()] == "code"
        && !table.columns.iter().any(|c| c == &table.name)
    {
        // GWELLS's own files name the key `code` in some tables whose column is the table's
        // name; only the registries tables have a `code` column, after their `*_guid` key.
        problems.push(header(format!(
            "column {} is named `code`, but the key column of table `{t}` is `{t}`\nhint: name it `{t}`",
            AUDIT.len() + 1,
            t = table.name
        )));
    }
    problems
}

/// Live: the header names exactly the table's columns, in table order.
pub(crate) fn compare_header(table: &CodeTable, schema: &TableSchema) -> Option<Error> {
    let expected: Vec<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
    let found: Vec<&str> = table.columns.iter().map(String::as_str).collect();
    if expected == found {
        return None;
    }
    let unknown: Vec<&str> = found.iter().filter(|c| !expected.contains(c)).copied().collect();
    let missing: Vec<&str> = expected.iter().filter(|c| !found.contains(c)).copied().collect();
    let mut parts = Vec::new();
    if !unknown.is_empty() {
        parts.push(format!("unknown column{} `{}`", plural(unknown.len()), unknown.join("`, `")));
    }
    if !missing.is_empty() {
        parts.push(format!("missing column{} `{}`", plural(missing.len()), missing.join("`, `")));
    }
    let duplicated: Vec<&str> = found
        .iter()
        .enumerate()
        .filter(|(i, c)| found[..*i].contains(c))
        .map(|(_, c)| *c)
        .collect();
    if !duplicated.is_empty() {
        parts.push(format!(
            "column{} named twice `{}`",
            plural(duplicated.len()),
            duplicated.join("`, `")
        ));
    }
    if parts.is_empty() {
        parts.push("the columns are out of table order".into());
    }
    Some(Error::Header {
        file: table.file(),
        reason: format!(
            "the header does not match table `{}`: {}\nhint: the header must be `{}`",
            schema.table,
            parts.join("; "),
            expected.join(",")
        ),
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Checks one value against its column; `Err` holds the reason.
pub(crate) fn check_value(column: &Column, value: Option<&str>) -> Result<(), String> {
    let Some(value) = value else {
        return if column.not_null {
            Err("NULL (an empty unquoted field) in a NOT NULL column\nhint: write `\"\"` for an empty string".into())
        } else {
            Ok(())
        };
    };
    if value.contains('\0') {
        return Err("the value contains a NUL byte, which PostgreSQL text cannot hold".into());
    }
    match &column.ty {
        ColumnType::Uuid => match uuid::Uuid::parse_str(value) {
            Err(_) => Err(format!("`{value}` is not a UUID")),
            Ok(u) if u.hyphenated().to_string() != value => {
                Err(format!("`{value}` is not in canonical form\nhint: write `{}`", u.hyphenated()))
            }
            Ok(_) => Ok(()),
        },
        ColumnType::Timestamptz => check_timestamp(value),
        ColumnType::Integer => match value.parse::<i64>() {
            Err(_) => Err(format!("`{value}` is not an integer")),
            Ok(n) if n.to_string() != value => {
                Err(format!("`{value}` is not in canonical form\nhint: write `{n}`"))
            }
            Ok(n) if column.name == "display_order" && n < 0 => {
                Err(format!("`{value}` is negative; `display_order` must be >= 0"))
            }
            Ok(n) if i32::try_from(n).is_err() => Err(format!("`{value}` is out of range")),
            Ok(_) => Ok(()),
        },
        ColumnType::Varchar(Some(max)) => {
            let len = value.chars().count();
            if len > *max {
                Err(format!("{len} characters, but the column holds at most {max}"))
            } else {
                Ok(())
            }
        }
        ColumnType::Varchar(None) | ColumnType::Other(_) => Ok(()),
    }
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]+00`: a valid instant, written in UTC as PostgreSQL prints it
/// with `TimeZone=UTC`, so that a dump reproduces it. Valid is what `codes import` can make
/// canonical; canonical is what it makes of it.
fn check_timestamp(value: &str) -> Result<(), String> {
    match crate::import::canon_timestamp(value) {
        Err(_) => Err(format!(
            "`{value}` is not a timestamp with offset\nhint: write it in UTC as `YYYY-MM-DD HH:MM:SS+00`, e.g. `2018-04-10 15:04:00+00`"
        )),
        Ok(canonical) if canonical != value => Err(format!(
            "`{value}` is valid but not in the canonical form `codes dump` writes\nhint: write `{canonical}` (UTC, offset `+00`, no trailing zeros in the fraction)"
        )),
        Ok(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks `value` against a column of type `ty` (nullable unless named `display_order`).
    fn check(ty: ColumnType, value: Option<&str>, expected: &str) {
        let not_null = ty == ColumnType::Integer;
        let column = Column { name: "display_order".into(), ty, not_null, sql_type: String::new() };
        let got = match check_value(&column, value) {
            Ok(()) => "ok".to_string(),
            Err(e) => e.lines().next().unwrap_or_default().to_string(),
        };
        assert_eq!(got, expected, "value {value:?}");
    }

    #[test]
    fn values() {
        use ColumnType::*;
        check(Uuid, Some("0009e216-491d-42e9-a7f5-85c37fbdc9ee"), "ok");
        check(
            Uuid,
            Some("0009E216-491D-42E9-A7F5-85C37FBDC9EE"),
            "`0009E216-491D-42E9-A7F5-85C37FBDC9EE` is not in canonical form",
        );
        check(
            Uuid,
            Some("0009e216491d42e9a7f585c37fbdc9ee"),
            "`0009e216491d42e9a7f585c37fbdc9ee` is not in canonical form",
        );
        check(Uuid, Some("not-a-uuid"), "`not-a-uuid` is not a UUID");
        check(Uuid, None, "ok");
        check(Timestamptz, Some("2017-07-01 07:00:00+00"), "ok");
        check(Timestamptz, Some("2017-07-01 07:00:41.440024+00"), "ok");
        check(Timestamptz, Some("2017-07-01 07:00:41.44+00"), "ok");
        check(
            Timestamptz,
            Some("2017-07-01 07:00:41.440+00"),
            "`2017-07-01 07:00:41.440+00` is valid but not in the canonical form `codes dump` writes",
        );
        check(
            Timestamptz,
            Some("2017-07-01 00:00:00-07"),
            "`2017-07-01 00:00:00-07` is valid but not in the canonical form `codes dump` writes",
        );
        check(
            Timestamptz,
            Some("2017-07-01 00:00:00"),
            "`2017-07-01 00:00:00` is not a timestamp with offset",
        );
        check(
            Timestamptz,
            Some("2017-02-30 00:00:00+00"),
            "`2017-02-30 00:00:00+00` is not a timestamp with offset",
        );
        check(Timestamptz, Some("2016-02-29 23:59:59+00"), "ok");
        check(Timestamptz, Some("yesterday"), "`yesterday` is not a timestamp with offset");
        check(Integer, Some("10"), "ok");
        check(Integer, Some("010"), "`010` is not in canonical form");
        check(Integer, Some("-1"), "`-1` is negative; `display_order` must be >= 0");
        check(Integer, Some("ten"), "`ten` is not an integer");
        check(Integer, None, "NULL (an empty unquoted field) in a NOT NULL column");
        check(Varchar(Some(3)), Some("abc"), "ok");
        check(Varchar(Some(3)), Some("abcd"), "4 characters, but the column holds at most 3");
        check(Varchar(Some(3)), Some("été"), "ok");
        check(
            Varchar(None),
            Some("a\0b"),
            "the value contains a NUL byte, which PostgreSQL text cannot hold",
        );
    }

    fn table(header: &str) -> CodeTable {
        CodeTable {
            name: "x_code".into(),
            path: "x_code.csv".into(),
            columns: header.split(',').map(String::from).collect(),
            rows: vec![],
        }
    }

    #[test]
    fn header_shape() {
        let shape = |h: &str| -> Vec<String> {
            check_header_shape(&table(h)).iter().map(|e| e.to_string()).collect()
        };
        assert!(
            shape("create_user,create_date,update_user,update_date,x_code,description").is_empty()
        );
        assert_eq!(
            shape("create_user,create_date,update_user,update_date,code,display_order ,code"),
            [
                "`x_code.csv` line 1: `display_order ` (column 6) is not a column name: lowercase letters, digits and `_` only",
                "`x_code.csv` line 1: column `code` is named twice",
                "`x_code.csv` line 1: column 5 is named `code`, but the key column of table `x_code` is `x_code`\nhint: name it `x_code`",
            ]
        );
        // The registries tables have a `code` column, after their `*_guid` key: no problem.
        assert!(shape("create_user,create_date,update_user,update_date,x_guid,code").is_empty());
        assert_eq!(
            shape("x_code,description,create_user,create_date,update_user,update_date"),
            [
                "`x_code.csv` line 1: the header must start with the audit columns `create_user,create_date,update_user,update_date`, found `x_code,description,create_user,create_date`",
            ]
        );
    }

    #[test]
    fn inferred_types() {
        let s = infer(&table(
            "create_user,create_date,update_user,update_date,x_guid,x_code,description,display_order",
        ));
        let types: Vec<String> =
            s.columns.iter().map(|c| format!("{}:{:?}:{}", c.name, c.ty, c.not_null)).collect();
        assert_eq!(
            types,
            [
                "create_user:Varchar(Some(30)):true",
                "create_date:Timestamptz:false",
                "update_user:Varchar(Some(30)):false",
                "update_date:Timestamptz:false",
                "x_guid:Uuid:true",
                "x_code:Varchar(Some(10)):false",
                "description:Varchar(Some(255)):true",
                "display_order:Integer:true",
            ]
        );
        assert_eq!(s.key, ["x_guid"]);
    }
}
