//! Loading a folder of CSVs into the database, and asking how much is loaded.
//!
//! One transaction under the tool's advisory lock: every CSV is COPYed into one staging table,
//! then, table by table in foreign-key order, new rows are inserted and changed rows updated
//! (`IS DISTINCT FROM`); rows the CSVs no longer list are deleted in reverse order, unless
//! something still references them, in which case the whole load is refused and rolled back.
//! It never truncates and never cascades.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::catalog::{self, Catalog};
use crate::check::{self, CheckReport};
use crate::order::load_order;
use crate::schema::{self, ForeignKey, TableSchema};
use crate::table::CodeTable;
use crate::{Error, Reference};
use bytes::Bytes;
use futures_util::SinkExt;
use pg::quote;
use pg::report::doing;

/// Called after each table is loaded with the table, how many are done, and how many in all.
pub(crate) type Progress = Arc<dyn Fn(&str, usize, usize) + Send + Sync>;

/// How to load.
#[derive(Clone, Default)]
pub struct LoadOptions {
    /// Keep rows the CSVs no longer list, instead of deleting them.
    pub keep_removed: bool,
    /// Tables whose CSV may hold no rows. Any other header-only CSV is refused: loading it
    /// would delete every row of its table.
    pub allow_empty: Vec<String>,
    /// How long to wait for the tool's advisory lock (default: `pg::LockOptions`'s).
    pub lock_timeout: Option<Duration>,
    /// Told about each table as it is done (the CLI draws a progress bar).
    pub progress: Option<Progress>,
}

impl fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadOptions")
            .field("keep_removed", &self.keep_removed)
            .field("allow_empty", &self.allow_empty)
            .field("lock_timeout", &self.lock_timeout)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What a load did, per table, in load order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoadReport {
    /// One entry per CSV.
    pub tables: Vec<TableReport>,
}

/// What a load did to one table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableReport {
    /// The table.
    pub table: String,
    /// Rows in its CSV.
    pub rows: u64,
    /// Rows added.
    pub inserted: u64,
    /// Rows whose values changed.
    pub updated: u64,
    /// Rows removed because the CSV no longer lists them.
    pub deleted: u64,
    /// Rows the CSV no longer lists, kept because of `keep_removed`.
    pub kept: u64,
    /// Rows already as the CSV says.
    pub unchanged: u64,
}

impl LoadReport {
    /// Whether the load changed nothing.
    pub fn is_unchanged(&self) -> bool {
        self.tables.iter().all(|t| t.inserted == 0 && t.updated == 0 && t.deleted == 0)
    }
}

/// Row counts of the code tables, to tell whether they are loaded (for `health`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The table.
    pub table: String,
    /// Rows in its CSV.
    pub csv_rows: usize,
    /// Rows in the database; `None` when the table does not exist.
    pub db_rows: Option<i64>,
}

/// Loads every CSV in `dir` into `target` (see the module doc). Refuses before connecting when
/// a CSV names a table that is not a code table, fails the offline check of `check_dir`, or has
/// no rows (unless `options.allow_empty` names its table); then validates against the live
/// schema. Any problem refuses the load before anything changes.
pub async fn load_dir(
    target: &pg::Target,
    dir: &Path,
    options: &LoadOptions,
) -> Result<LoadReport, Error> {
    let (tables, mut problems) = check::read_dir(dir)?;
    problems.extend(check::offline_problems(&tables));
    for t in tables.iter().filter(|t| t.rows.is_empty()) {
        if !options.allow_empty.contains(&t.name) {
            problems.push(Error::Empty { file: t.file(), table: t.name.clone() });
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid { problems });
    }
    let mut lock_options =
        pg::LockOptions { application_name: "gwells-db codes load".into(), ..Default::default() };
    if let Some(timeout) = options.lock_timeout {
        lock_options.timeout = timeout;
    }
    // The working connection opens while the lock is being acquired; it does nothing until then.
    let (lock, mut conn) = futures_util::future::try_join(
        pg::Lock::acquire(target, &lock_options),
        pg::connect(target, "gwells-db codes load"),
    )
    .await?;
    let tx = conn.transaction().await.map_err(doing("beginning the load's transaction"))?;
    let names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
    let catalog = catalog::read(&tx, &names).await?;
    let problems = live_problems(&tables, &catalog);
    if !problems.is_empty() {
        return Err(Error::Invalid { problems });
    }
    let order = load_order(&names, &catalog.fks);
    let report = apply(&tx, &tables, &catalog, &order, options).await?;
    tx.commit().await.map_err(doing("committing the load"))?;
    lock.release().await?;
    Ok(report)
}

/// `check_dir`, but against the live schema of `target`: the header must name the table's
/// columns in table order, and values must fit the catalog's types, lengths and NOT NULLs.
pub async fn check_live(target: &pg::Target, dir: &Path) -> Result<CheckReport, Error> {
    let (tables, mut problems) = check::read_dir(dir)?;
    let conn = pg::connect(target, "gwells-db codes check").await?;
    let names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
    let catalog = catalog::read(&*conn, &names).await?;
    problems.extend(live_problems(&tables, &catalog));
    Ok(check::report(&tables, problems))
}

/// Row counts of the tables that have a CSV in `dir`.
pub async fn loaded(target: &pg::Target, dir: &Path) -> Result<Vec<Loaded>, Error> {
    let (tables, _) = check::read_dir(dir)?;
    let conn = pg::connect(target, "gwells-db codes").await?;
    let names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
    let catalog = catalog::read(&*conn, &names).await?;
    // One statement per table, on purpose: `health --ready` asks this while a reset may be
    // dropping these tables in one transaction. One statement counting every table would hold
    // a lock on each table counted so far while waiting for the next, and deadlock with the
    // drop (the health test hit it once); a statement per table holds one lock at a time.
    let mut out = Vec::new();
    for t in &tables {
        let db_rows = match catalog.schema(&t.name) {
            None => None,
            Some(_) => {
                let sql = format!("SELECT count(*) FROM {}", ident(&t.name)?);
                let row = conn
                    .query_one(&sql, &[])
                    .await
                    .map_err(doing(format!("counting the rows of `{}`", t.name)))?;
                Some(row.get(0))
            }
        };
        out.push(Loaded { table: t.name.clone(), csv_rows: t.rows.len(), db_rows });
    }
    Ok(out)
}

/// Header, value and reference problems against the catalog.
fn live_problems(tables: &[CodeTable], catalog: &Catalog) -> Vec<Error> {
    let mut problems = Vec::new();
    for t in tables {
        match catalog.schema(&t.name) {
            None => problems.push(Error::NoTable { file: t.file(), table: t.name.clone() }),
            Some(s) => {
                problems.extend(schema::compare_header(t, s));
                if s.key.is_empty() {
                    problems.push(Error::Header {
                        file: t.file(),
                        reason: format!(
                            "table `{}` has no primary key, so rows cannot be matched",
                            t.name
                        ),
                    });
                }
            }
        }
    }
    problems.extend(check::validate(tables, &catalog.schemas, &catalog.fks));
    problems
}

/// A catalog name quoted; a NUL byte in it is a header problem of the file naming it.
pub(crate) fn ident(name: &str) -> Result<String, Error> {
    quote::ident(name).map_err(|_| nul(name))
}

/// `schema.table` quoted, likewise.
pub(crate) fn qualified(schema: &str, table: &str) -> Result<String, Error> {
    quote::qualified(schema, table).map_err(|_| nul(table))
}

fn nul(name: &str) -> Error {
    Error::Header { file: name.into(), reason: "a name contains a NUL byte".into() }
}

/// The statements of one table, built from catalog names only (quoted), never from values.
struct Sql {
    upsert: String,
    delete: String,
}

/// `n`: table `index`'s rows of the staging table, cast to the table's column types. Every CSV
/// goes through one staging table (creating a temporary table per CSV costs more than the
/// whole load), as `(tbl, v text[])`.
fn staged(schema: &TableSchema, index: usize) -> Result<String, Error> {
    let casts = schema
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| Ok(format!("s.v[{}]::{} AS {}", i + 1, c.sql_type, ident(&c.name)?)))
        .collect::<Result<Vec<_>, Error>>()?
        .join(", ");
    Ok(format!("n AS (SELECT {casts} FROM pg_temp.codes_stage AS s WHERE s.tbl = {index})"))
}

fn statements(schema: &TableSchema, index: usize) -> Result<Sql, Error> {
    let t = ident(&schema.table)?;
    let cols: Vec<String> =
        schema.columns.iter().map(|c| ident(&c.name)).collect::<Result<_, _>>()?;
    let key: Vec<String> = schema.key.iter().map(|k| ident(k)).collect::<Result<_, _>>()?;
    let list = cols.join(", ");
    let m = key.iter().map(|k| format!("o.{k} = n.{k}")).collect::<Vec<_>>().join(" AND ");
    let prefixed = |p: &str| cols.iter().map(|c| format!("{p}.{c}")).collect::<Vec<_>>().join(", ");
    let set = cols.iter().map(|c| format!("{c} = n.{c}")).collect::<Vec<_>>().join(", ");
    let n = staged(schema, index)?;
    Ok(Sql {
        upsert: format!(
            "WITH {n}, \
             upd AS (UPDATE {t} AS o SET {set} FROM n WHERE {m} AND ROW({o}) IS DISTINCT FROM ROW({nn}) RETURNING 1), \
             ins AS (INSERT INTO {t} ({list}) SELECT {nn} FROM n WHERE NOT EXISTS (SELECT 1 FROM {t} AS o WHERE {m}) RETURNING 1) \
             SELECT (SELECT count(*) FROM upd), (SELECT count(*) FROM ins), \
             (SELECT count(*) FROM {t} AS o WHERE NOT EXISTS (SELECT 1 FROM n WHERE {m}))",
            o = prefixed("o"),
            nn = prefixed("n"),
        ),
        delete: format!(
            "WITH {n} DELETE FROM {t} AS o WHERE NOT EXISTS (SELECT 1 FROM n WHERE {m})"
        ),
    })
}

/// The rows referencing `schema`'s rows that the CSV no longer lists (at most 11).
fn references_sql(schema: &TableSchema, index: usize, fk: &ForeignKey) -> Result<String, Error> {
    let t = ident(&schema.table)?;
    let from = qualified(&fk.from_schema, &fk.from_table)?;
    let join = fk
        .from_columns
        .iter()
        .zip(&fk.to_columns)
        .map(|(f, k)| Ok(format!("o.{} = r.{}", ident(k)?, ident(f)?)))
        .collect::<Result<Vec<_>, Error>>()?
        .join(" AND ");
    let key_match = schema
        .key
        .iter()
        .map(|k| Ok(format!("n.{k} = o.{k}", k = ident(k)?)))
        .collect::<Result<Vec<_>, Error>>()?
        .join(" AND ");
    let from_key = if fk.from_key.is_empty() {
        "r.ctid::text".to_string()
    } else {
        fk.from_key
            .iter()
            .map(|k| Ok(format!("r.{}::text", ident(k)?)))
            .collect::<Result<Vec<_>, Error>>()?
            .join(", ")
    };
    let key = schema
        .key
        .iter()
        .map(|k| Ok(format!("o.{}::text", ident(k)?)))
        .collect::<Result<Vec<_>, Error>>()?
        .join(", ");
    Ok(format!(
        "WITH {n} SELECT ARRAY[{from_key}], ARRAY[{key}] FROM {from} AS r JOIN {t} AS o ON {join} \
         WHERE NOT EXISTS (SELECT 1 FROM n WHERE {key_match}) ORDER BY 2, 1 LIMIT 11",
        n = staged(schema, index)?
    ))
}

/// The staging rows of every table for one COPY (FORMAT csv): `index,"{...}"`, each value an
/// array element, NULL as `NULL` and every other value quoted, so `""` stays the empty string.
fn encode(index: usize, table: &CodeTable, out: &mut String) {
    for row in &table.rows {
        out.push_str(&index.to_string());
        out.push_str(",\"{");
        for (i, value) in row.values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match value {
                None => out.push_str("NULL"),
                Some(v) => {
                    // Array quoting (`\` escapes), then CSV quoting (`"` doubled).
                    out.push_str("\"\"");
                    out.push_str(&v.replace('\\', "\\\\").replace('"', "\\\"\""));
                    out.push_str("\"\"");
                }
            }
        }
        out.push_str("}\"\n");
    }
}

async fn apply(
    tx: &tokio_postgres::Transaction<'_>,
    tables: &[CodeTable],
    catalog: &Catalog,
    order: &[String],
    options: &LoadOptions,
) -> Result<LoadReport, Error> {
    // Invariant: `order` is a permutation of the CSV tables, all found in the catalog by
    // `live_problems`; a miss would be a bug, reported as a missing table rather than a panic.
    let mut work = Vec::new();
    for (i, name) in order.iter().enumerate() {
        let table = tables.iter().find(|t| &t.name == name);
        let schema = catalog.schema(name);
        let (Some(table), Some(schema)) = (table, schema) else {
            return Err(Error::NoTable { file: format!("{name}.csv"), table: name.clone() });
        };
        work.push((table, schema, i));
    }
    tx.batch_execute(
        "CREATE TEMP TABLE codes_stage (tbl int NOT NULL, v text[] NOT NULL) ON COMMIT DROP",
    )
    .await
    .map_err(doing("staging the CSV rows"))?;
    let mut data = String::new();
    for (table, _, i) in &work {
        encode(*i, table, &mut data);
    }
    let sink = tx
        .copy_in("COPY pg_temp.codes_stage (tbl, v) FROM STDIN (FORMAT csv)")
        .await
        .map_err(doing("staging the CSV rows"))?;
    let mut sink = std::pin::pin!(sink);
    sink.send(Bytes::from(data)).await.map_err(doing("staging the CSV rows"))?;
    sink.as_mut().finish().await.map_err(doing("staging the CSV rows"))?;

    // Every upsert is sent at once: tokio-postgres pipelines them in this order (parents
    // first), so the whole diff costs one round trip instead of one per table.
    let mut upserts = Vec::new();
    let mut deletes = Vec::new();
    for (_, schema, i) in &work {
        let sql = statements(schema, *i)?;
        upserts.push(sql.upsert);
        deletes.push(sql.delete);
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = work.len();
    let results =
        futures_util::future::try_join_all(upserts.iter().zip(&work).map(|(sql, (table, ..))| {
            let done = &done;
            async move {
                let row = tx
                    .query_one(sql.as_str(), &[])
                    .await
                    .map_err(doing(format!("upserting the rows of `{}`", table.name)))?;
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if let Some(progress) = &options.progress {
                    progress(&table.name, n, total);
                }
                Ok::<_, Error>(row)
            }
        }))
        .await?;
    let mut reports = Vec::new();
    let mut removed = Vec::new();
    for ((row, (table, ..)), delete) in results.iter().zip(&work).zip(deletes) {
        let (updated, inserted, gone): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        let rows = table.rows.len() as u64;
        let (updated, inserted) = (updated as u64, inserted as u64);
        reports.push(TableReport {
            table: table.name.clone(),
            rows,
            inserted,
            updated,
            unchanged: rows.saturating_sub(inserted + updated),
            ..Default::default()
        });
        removed.push((gone as u64, delete));
    }

    // Deletes run children first, so a code row removed together with its referencing code
    // rows is free to go; anything else still referencing a row refuses the whole load.
    let mut references = Vec::new();
    for i in (0..work.len()).rev() {
        let (table, schema, index) = &work[i];
        let (gone, delete) = &removed[i];
        if *gone == 0 {
            continue;
        }
        if options.keep_removed {
            reports[i].kept = *gone;
            continue;
        }
        let mut found = Vec::new();
        for fk in catalog.fks.iter().filter(|fk| fk.to_table == table.name) {
            let sql = references_sql(schema, *index, fk)?;
            for row in tx.query(&sql, &[]).await.map_err(doing(format!(
                "finding rows of `{}` that reference removed codes",
                fk.from_table
            )))? {
                let (from_values, key): (Vec<Option<String>>, Vec<Option<String>>) =
                    (row.get(0), row.get(1));
                let names = if fk.from_key.is_empty() {
                    vec!["ctid".to_string()]
                } else {
                    fk.from_key.clone()
                };
                let from_row = names
                    .iter()
                    .zip(&from_values)
                    .map(|(n, v)| format!("{n}={}", v.as_deref().unwrap_or("NULL")))
                    .collect::<Vec<_>>()
                    .join(", ");
                let key: Vec<Option<&str>> = key.iter().map(|k| k.as_deref()).collect();
                found.push(Reference {
                    table: table.name.clone(),
                    key: check::render_key(&key),
                    from_table: fk.from_table.clone(),
                    from_row,
                });
            }
        }
        if found.is_empty() {
            let n = tx
                .execute(delete.as_str(), &[])
                .await
                .map_err(doing(format!("deleting the removed rows of `{}`", table.name)))?;
            reports[i].deleted = n;
        }
        references.extend(found);
    }
    if !references.is_empty() {
        return Err(Error::Referenced { references });
    }
    Ok(LoadReport { tables: reports })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, ColumnType};

    /// The statements for a table named with a quote, as a snapshot.
    #[test]
    fn statements_quote_every_name() {
        let column = |name: &str, sql_type: &str| Column {
            name: name.into(),
            ty: ColumnType::Varchar(None),
            not_null: false,
            sql_type: sql_type.into(),
        };
        let schema = TableSchema {
            table: "x\"code".into(),
            columns: vec![
                column("k", "character varying"),
                column("d", "timestamp with time zone"),
            ],
            key: vec!["k".into()],
        };
        let sql = statements(&schema, 3).expect("names quote");
        let fk = ForeignKey {
            from_table: "well".into(),
            from_columns: vec!["x_code".into()],
            from_key: vec!["well_tag_number".into()],
            from_schema: "public".into(),
            to_table: "x\"code".into(),
            to_columns: vec!["k".into()],
        };
        let refs = references_sql(&schema, 3, &fk).expect("names quote");
        insta::assert_snapshot!(format!("{}\n\n{}\n\n{}", sql.upsert, sql.delete, refs));
    }

    fn check(values: Vec<Option<&str>>, expected: &str) {
        let table = CodeTable {
            name: "t".into(),
            path: "t.csv".into(),
            columns: values.iter().map(|_| "c".to_string()).collect(),
            rows: vec![crate::table::Row {
                line: 2,
                values: values.into_iter().map(|v| v.map(String::from)).collect(),
            }],
        };
        let mut out = String::new();
        encode(7, &table, &mut out);
        assert_eq!(out, expected);
    }

    #[test]
    fn encode_keeps_null_and_empty_apart() {
        check(vec![None, Some(""), Some("NULL")], "7,\"{NULL,\"\"\"\",\"\"NULL\"\"}\"\n");
        check(vec![Some("say \"x\", {y}")], "7,\"{\"\"say \\\"\"x\\\"\", {y}\"\"}\"\n");
        check(vec![Some("back\\slash")], "7,\"{\"\"back\\\\slash\"\"}\"\n");
    }
}
