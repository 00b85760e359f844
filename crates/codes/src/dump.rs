//! Writing tables back as CSV in the conventions of `codetables/README.md`.
//!
//! PostgreSQL's own `COPY ... TO STDOUT (FORMAT csv, HEADER)` writes them: quotes only where
//! needed, `""` for the empty string, nothing for NULL, LF endings. The session runs in UTC
//! with ISO dates, so timestamps read `2017-07-01 07:00:00+00`. Rows are ordered by key with
//! `COLLATE "C"`, the byte order `check` demands of the files.

use std::path::Path;

use futures_util::TryStreamExt;

use crate::catalog;
use crate::load::ident;
use crate::schema::ColumnType;
use crate::{Error, check};
use pg::report::doing;

/// What to dump.
#[derive(Debug, Clone, Default)]
pub struct DumpOptions {
    /// These tables; empty means every table that has a CSV in the folder.
    pub tables: Vec<String>,
}

/// Dumps code tables of `target` as CSV bytes, in one consistent snapshot; a table named in
/// `options` that is not a code table is refused. Returns `(table, csv)`
/// pairs in the order asked (or the folder's file order).
pub async fn dump_dir(
    target: &pg::Target,
    dir: &Path,
    options: &DumpOptions,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let names = if options.tables.is_empty() {
        let (tables, _) = check::read_dir(dir)?;
        tables.into_iter().map(|t| t.name).collect()
    } else {
        // `--table auth_user` would print password hashes: only code tables are dumped.
        let problems: Vec<Error> = options
            .tables
            .iter()
            .filter(|t| !check::is_code_table(t))
            .map(|t| Error::NotCodeTable { file: format!("{t}.csv"), table: t.clone() })
            .collect();
        if !problems.is_empty() {
            return Err(Error::Invalid { problems });
        }
        options.tables.clone()
    };
    let mut conn = pg::connect(target, "gwells-db codes dump").await?;
    let tx = conn
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(doing("beginning the dump's snapshot"))?;
    tx.batch_execute("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1")
        .await
        .map_err(doing("setting up the session"))?;
    let catalog = catalog::read(&tx, &names).await?;
    let mut out = Vec::new();
    for name in &names {
        let Some(schema) = catalog.schema(name) else {
            return Err(Error::NoTable { file: format!("{name}.csv"), table: name.clone() });
        };
        let cols = schema
            .columns
            .iter()
            .map(|c| ident(&c.name))
            .collect::<Result<Vec<_>, _>>()?
            .join(", ");
        let mut order = Vec::new();
        for k in &schema.key {
            let collate = schema
                .columns
                .iter()
                .find(|c| &c.name == k)
                .is_some_and(|c| matches!(c.ty, ColumnType::Varchar(_)));
            order.push(format!("{}{}", ident(k)?, if collate { " COLLATE \"C\"" } else { "" }));
        }
        let order_by = if order.is_empty() {
            String::new()
        } else {
            format!(" ORDER BY {}", order.join(", "))
        };
        let sql = format!(
            "COPY (SELECT {cols} FROM {}{order_by}) TO STDOUT (FORMAT csv, HEADER)",
            ident(name)?
        );
        let stream = tx.copy_out(&sql).await.map_err(doing(format!("copying `{name}` out")))?;
        let mut stream = std::pin::pin!(stream);
        let mut bytes = Vec::new();
        while let Some(chunk) =
            stream.try_next().await.map_err(doing(format!("copying `{name}` out")))?
        {
            bytes.extend_from_slice(&chunk);
        }
        out.push((name.clone(), bytes));
    }
    tx.commit().await.map_err(doing("ending the dump's transaction"))?;
    Ok(out)
}
