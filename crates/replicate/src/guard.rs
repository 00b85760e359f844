//! The refusal to destroy what replication did not create.
//!
//! The seed's `TRUNCATE bcgs_number CASCADE` silently emptied `activity_submission` (user
//! submissions) and everything else that references a well. Before truncating, the driver
//! counts the rows it would destroy without re-creating them: every row of a table the cascade
//! reaches that replication does not fill, and rows of the filled tables that carry a
//! `filing_number` (they came from a submission; replicated rows never do).

use tokio_postgres::GenericClient;

use crate::Error;
use crate::plan::TABLES;

/// Table (schema-qualified when not `public`) and the rows replication would destroy in it,
/// for every table where that count is not zero.
pub(crate) async fn foreign_rows(client: &impl GenericClient) -> Result<Vec<(String, i64)>, Error> {
    let rows = client.query(include_str!("guard.sql"), &[]).await.map_err(Error::step("guard"))?;
    let mut out = Vec::new();
    for row in rows {
        let (schema, table, has_filing): (String, String, bool) =
            (row.get(0), row.get(1), row.get(2));
        let replicated = schema == "public" && TABLES.contains(&table.as_str());
        if replicated && !has_filing {
            continue;
        }
        let name = pg::quote::qualified(&schema, &table)
            .map_err(|source| Error::Quote { name: table.clone(), source })?;
        let sql = if replicated {
            format!("SELECT count(*) FROM {name} WHERE filing_number IS NOT NULL")
        } else {
            format!("SELECT count(*) FROM {name}")
        };
        let n: i64 = client.query_one(&sql, &[]).await.map_err(Error::step("guard"))?.get(0);
        if n > 0 {
            let shown = if schema == "public" { table } else { format!("{schema}.{table}") };
            out.push((shown, n));
        }
    }
    Ok(out)
}
