//! Reading the live schema of the code tables from the catalog: columns, keys, foreign keys.

use std::collections::HashMap;

use tokio_postgres::GenericClient;

use crate::Error;
use crate::schema::{Column, ColumnType, ForeignKey, TableSchema};

/// The live schema of some tables, and every foreign key that references them.
pub(crate) struct Catalog {
    /// One per table found (tables that do not exist are absent).
    pub(crate) schemas: Vec<TableSchema>,
    /// Foreign keys referencing the tables, from any table.
    pub(crate) fks: Vec<ForeignKey>,
}

impl Catalog {
    pub(crate) fn schema(&self, table: &str) -> Option<&TableSchema> {
        self.schemas.iter().find(|s| s.table == table)
    }
}

/// Reads the catalog for `tables` (names in the current schema).
pub(crate) async fn read(client: &impl GenericClient, tables: &[String]) -> Result<Catalog, Error> {
    let db = pg::report::doing("reading the code tables' columns, keys and foreign keys");
    // Three catalog queries in one round trip (tokio-postgres pipelines concurrent queries).
    let (columns, key_rows, fk_rows) = futures_util::future::try_join3(
        client.query(include_str!("columns.sql"), &[&tables]),
        client.query(include_str!("keys.sql"), &[&tables]),
        client.query(include_str!("foreign_keys.sql"), &[&tables]),
    )
    .await
    .map_err(db)?;
    let mut schemas: Vec<TableSchema> = Vec::new();
    for row in columns {
        let (table, name, typname, typmod, not_null): (String, String, String, i32, bool) =
            (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
        let sql_type: String = row.get(5);
        let ty = column_type(&typname, typmod);
        if schemas.last().is_none_or(|s| s.table != table) {
            schemas.push(TableSchema { table: table.clone(), columns: vec![], key: vec![] });
        }
        if let Some(s) = schemas.last_mut() {
            s.columns.push(Column { name, ty, not_null, sql_type });
        }
    }
    let keys: HashMap<String, Vec<String>> =
        key_rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    for s in &mut schemas {
        s.key = keys.get(&s.table).cloned().unwrap_or_default();
    }
    let fks = fk_rows
        .iter()
        .map(|r| ForeignKey {
            from_table: r.get(0),
            from_schema: r.get(1),
            from_columns: r.get(2),
            from_key: r.get(3),
            to_table: r.get(4),
            to_columns: r.get(5),
        })
        .collect();
    Ok(Catalog { schemas, fks })
}

/// The checking type of a catalog type; `typmod` carries varchar lengths (+4 for the header).
fn column_type(typname: &str, typmod: i32) -> ColumnType {
    match typname {
        "uuid" => ColumnType::Uuid,
        "timestamptz" => ColumnType::Timestamptz,
        "int2" | "int4" | "int8" => ColumnType::Integer,
        "varchar" if typmod > 4 => ColumnType::Varchar(usize::try_from(typmod - 4).ok()),
        "varchar" | "text" => ColumnType::Varchar(None),
        other => ColumnType::Other(other.to_string()),
    }
}
