//! Getting a secret to the server without writing it into any statement.
//!
//! Statement text is public in more places than one: `log_statement`, `log_min_error_statement`
//! and `log_min_duration_statement` write it to the server log, `pg_stat_activity.query` shows
//! it while it runs, and a bind parameter is logged too (`DETAIL: parameters: $1 = '...'`).
//! Turning those off needs superuser (they are `PGC_SUSET`), so this does not rely on it: the
//! secret travels as the *data* of a binary `COPY ... FROM STDIN` into a temporary table of
//! this session, and the statements that need it read it from there. COPY data is never
//! logged nor shown in `pg_stat_activity`; a temporary table cannot be read by any other
//! session (a superuser's included) and is not WAL-logged; `ON COMMIT DROP` removes it when
//! the transaction ends either way.
//!
//! It deliberately does not turn off loggers of *nested* statements (an extension such as
//! `pgaudit`, `debug_print_parse`): a statement built from the stash inside a function is the
//! caller's to protect.

use std::pin::pin;

use tokio_postgres::Transaction;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::Type;

use crate::Secret;

/// The temporary table holding the stashed secret: one row, column `value`. Always
/// schema-qualified with `pg_temp`, so no table of the search path can stand in for it.
pub const STASH_TABLE: &str = "pg_temp.gwells_db_secret";

/// An SQL expression that reads the stashed secret.
pub const STASHED_SECRET: &str = "(SELECT value FROM pg_temp.gwells_db_secret)";

/// Puts `secret` into [`STASH_TABLE`] for the rest of the transaction `tx`, replacing what an
/// earlier call put there. Nothing of the secret is in any statement this sends.
pub async fn stash_secret(tx: &Transaction<'_>, secret: &Secret) -> crate::Result<()> {
    tx.batch_execute(
        "CREATE TEMP TABLE IF NOT EXISTS gwells_db_secret (value text NOT NULL) ON COMMIT DROP;
         TRUNCATE pg_temp.gwells_db_secret",
    )
    .await
    .map_err(stashing)?;
    let sink = tx
        .copy_in("COPY pg_temp.gwells_db_secret (value) FROM STDIN (FORMAT binary)")
        .await
        .map_err(stashing)?;
    let mut writer = pin!(BinaryCopyInWriter::new(sink, &[Type::TEXT]));
    writer.as_mut().write(&[&secret.expose()]).await.map_err(stashing)?;
    writer.finish().await.map_err(stashing)?;
    Ok(())
}

fn stashing(source: tokio_postgres::Error) -> crate::Error {
    crate::report::doing("stashing a secret for the transaction")(source).into()
}
