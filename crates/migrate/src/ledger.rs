//! Reading and writing the ledgers: Django's `django_migrations` and `gwells_db.migration`.
//!
//! Earlier versions kept the tool's table in `public` as `gwells_db.migration`. Such a ledger
//! is read (so the files changed since show as drifted) but never written: the database was
//! built by the old migration files and is rebuilt by `reset`, not migrated forward.
//!
//! Django's own rules for its ledger: create its table only when missing, with its DDL;
//! insert only `(app, name, applied)` and always supply `applied`; guard against duplicates
//! with `WHERE NOT EXISTS` (there is no unique constraint); never touch rows of other apps.

use std::time::Duration;

use tokio_postgres::GenericClient;

use crate::apply::Accepted;
use pg::report::doing;

use crate::error::Result;
use crate::plan::{Ledger, MetaRow};
use crate::source::Key;

const DDL: &str = include_str!("ledger.sql");

/// The tool's table.
const TABLE: &str = "gwells_db.migration";

/// Where versions before the move kept it.
pub(crate) const LEGACY_TABLE: &str = "public.gwells_db_migration";

/// Creates whichever ledger table is missing. Call under the lock.
pub(crate) async fn ensure(client: &impl GenericClient) -> Result<()> {
    client.batch_execute(DDL).await.map_err(doing("cannot create the ledger tables"))?;
    Ok(())
}

/// Both ledgers; empty when the tables do not exist yet (nothing is created here).
pub(crate) async fn read(client: &impl GenericClient) -> Result<Ledger> {
    let what = "cannot read the ledger";
    let exists = client
        .query_one(
            "SELECT to_regclass('django_migrations') IS NOT NULL,
                    to_regclass('gwells_db.migration') IS NOT NULL,
                    to_regclass('public.gwells_db_migration') IS NOT NULL",
            &[],
        )
        .await
        .map_err(doing(what))?;
    let mut ledger = Ledger::default();
    if exists.get::<_, bool>(0) {
        let rows = client
            .query("SELECT app::text, name::text FROM django_migrations", &[])
            .await
            .map_err(doing(what))?;
        ledger.rows =
            rows.iter().map(|r| Key::new(r.get::<_, String>(0), r.get::<_, String>(1))).collect();
    }
    ledger.legacy = exists.get::<_, bool>(2);
    let table = match (exists.get::<_, bool>(1), ledger.legacy) {
        (true, _) => Some(TABLE),
        (false, true) => Some(LEGACY_TABLE),
        (false, false) => None,
    };
    if let Some(table) = table {
        let rows = client
            .query(
                &format!(
                    "SELECT app::text, name::text, checksum, statements_done, statements_total,
                            coalesce(done_checksum, ''), coalesce(error, '')
                       FROM {table}"
                ),
                &[],
            )
            .await
            .map_err(doing(what))?;
        for r in rows {
            let (done, total): (Option<i32>, Option<i32>) = (r.get(3), r.get(4));
            let partial = match (done, total) {
                (Some(d), Some(t)) if d < t => Some((d as usize, t as usize, r.get(5), r.get(6))),
                _ => None,
            };
            let key = Key::new(r.get::<_, String>(0), r.get::<_, String>(1));
            ledger.meta.insert(key, MetaRow { checksum: r.get(2), partial });
        }
    }
    Ok(ledger)
}

/// Records `key` in `django_migrations` unless a row exists.
pub(crate) async fn insert_row(client: &impl GenericClient, key: &Key) -> Result<()> {
    client
        .execute(
            "INSERT INTO django_migrations (app, name, applied)
             SELECT $1::varchar, $2::varchar, clock_timestamp()
              WHERE NOT EXISTS (SELECT 1 FROM django_migrations WHERE app = $1 AND name = $2)",
            &[&key.app, &key.name],
        )
        .await
        .map_err(doing(&format!("cannot record `{key}` in `django_migrations`")))?;
    Ok(())
}

/// Deletes every row of `key` from both ledgers (Django's `record_unapplied` deletes all).
pub(crate) async fn delete_rows(client: &impl GenericClient, key: &Key) -> Result<()> {
    let what = format!("cannot unrecord `{key}`");
    for sql in [
        "DELETE FROM django_migrations WHERE app = $1 AND name = $2",
        "DELETE FROM gwells_db.migration WHERE app = $1 AND name = $2",
    ] {
        client.execute(sql, &[&key.app, &key.name]).await.map_err(doing(&what))?;
    }
    Ok(())
}

/// One row of the tool's table.
pub(crate) struct Meta<'a> {
    pub(crate) key: &'a Key,
    pub(crate) repeatable: bool,
    pub(crate) checksum: &'a str,
    pub(crate) duration: Duration,
    pub(crate) fake: bool,
    /// Statements done, total and checksum of those done; `None` for a transactional migration.
    pub(crate) progress: Option<(usize, usize, String)>,
    pub(crate) error: Option<String>,
}

/// Inserts or replaces the tool's row for `meta.key`.
pub(crate) async fn upsert_meta(client: &impl GenericClient, meta: &Meta<'_>) -> Result<()> {
    let kind = if meta.repeatable { "repeatable" } else { "migration" };
    let ms = i64::try_from(meta.duration.as_millis()).unwrap_or(i64::MAX);
    let (done, total, done_ck) = match &meta.progress {
        Some((d, t, c)) => (Some(*d as i32), Some(*t as i32), Some(c.as_str())),
        None => (None, None, None),
    };
    client
        .execute(
            "INSERT INTO gwells_db.migration AS m (app, name, kind, checksum, applied, duration_ms,
                    tool_version, fake, statements_done, statements_total, done_checksum, error)
             VALUES ($1, $2, $3, $4, clock_timestamp(), $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (app, name) DO UPDATE SET kind = EXCLUDED.kind,
                    checksum = EXCLUDED.checksum, applied = EXCLUDED.applied,
                    duration_ms = CASE WHEN m.statements_done < m.statements_total
                        THEN m.duration_ms + EXCLUDED.duration_ms ELSE EXCLUDED.duration_ms END,
                    tool_version = EXCLUDED.tool_version, fake = EXCLUDED.fake,
                    statements_done = EXCLUDED.statements_done,
                    statements_total = EXCLUDED.statements_total,
                    done_checksum = EXCLUDED.done_checksum, error = EXCLUDED.error",
            &[
                &meta.key.app,
                &meta.key.name,
                &kind,
                &meta.checksum,
                &ms,
                &env!("CARGO_PKG_VERSION"),
                &meta.fake,
                &done,
                &total,
                &done_ck,
                &meta.error,
            ],
        )
        .await
        .map_err(doing(&format!("cannot record `{}` in `gwells_db.migration`", meta.key)))?;
    Ok(())
}

/// Replaces the stored checksum of `key` when it is `from`; whether a row changed.
pub(crate) async fn replace_checksum(
    client: &impl GenericClient,
    key: &Key,
    from: &str,
    to: &str,
) -> Result<bool> {
    let n = client
        .execute(
            "UPDATE gwells_db.migration SET checksum = $4 WHERE app = $1 AND name = $2 AND checksum = $3",
            &[&key.app, &key.name, &from, &to],
        )
        .await
        .map_err(doing(&format!("cannot update the checksum of `{key}`")))?;
    Ok(n > 0)
}

/// Records an accepted checksum: the audit row, then the tool's row of the migration (inserted
/// for a migration Django applied, with its applied time and no duration).
pub(crate) async fn accept(client: &impl GenericClient, accepted: &Accepted) -> Result<()> {
    let key = &accepted.key;
    let what = format!("cannot record the accepted checksum of `{key}`");
    client.batch_execute(include_str!("accepted.sql")).await.map_err(doing(&what))?;
    client
        .execute(
            "INSERT INTO gwells_db.accepted_checksum
                    (app, name, previous_checksum, checksum, accepted, accepted_by, tool_version)
             VALUES ($1, $2, $3, $4, clock_timestamp(), current_user, $5)",
            &[
                &key.app,
                &key.name,
                &accepted.previous,
                &accepted.checksum,
                &env!("CARGO_PKG_VERSION"),
            ],
        )
        .await
        .map_err(doing(&what))?;
    let version = env!("CARGO_PKG_VERSION");
    let changed = if accepted.previous.is_some() {
        client
            .execute(
                "UPDATE gwells_db.migration SET checksum = $3 WHERE app = $1 AND name = $2",
                &[&key.app, &key.name, &accepted.checksum],
            )
            .await
    } else {
        client
            .execute(
                "INSERT INTO gwells_db.migration (app, name, kind, checksum, applied, duration_ms,
                        tool_version, fake)
                 SELECT $1::varchar, $2::varchar, 'migration', $3::text,
                        coalesce(max(applied), clock_timestamp()), 0, $4::text, false
                   FROM django_migrations WHERE app = $1 AND name = $2",
                &[&key.app, &key.name, &accepted.checksum, &version],
            )
            .await
    };
    changed.map_err(doing(&what))?;
    Ok(())
}
