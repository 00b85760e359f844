//! The tool's advisory lock.
//!
//! Every command that changes a database holds it. It is a session-level lock on a connection of
//! its own, acquired by *polling* `pg_try_advisory_lock`: a blocked `pg_advisory_lock` waiter
//! holds a snapshot and deadlocks `CREATE INDEX CONCURRENTLY`, which waits for every snapshot to end. Dropping
//! the [`Lock`] closes its connection, which releases the lock on every path, panics included.
//! Advisory locks are scoped to one database, so two databases on one server never contend.

use std::time::{Duration, Instant};

use crate::report::doing;
use crate::{Conn, Error, Result, Target, connect};

/// The key, in `pg_locks` as classid `0x6777656c`, objid `0x6c736462` ("gwellsdb").
pub(crate) const KEY: i64 = 0x6777_656c_6c73_6462;

/// How to wait for the lock.
#[derive(Debug, Clone)]
pub struct LockOptions {
    /// Give up after this long, naming the holder.
    pub timeout: Duration,
    /// What the lock's session calls itself in `pg_stat_activity` (`gwells-db migrate`, ...).
    pub application_name: String,
}

impl Default for LockOptions {
    fn default() -> Self {
        LockOptions { timeout: Duration::from_secs(60), application_name: "gwells-db".into() }
    }
}

/// A held advisory lock. Release it with [`Lock::release`], or drop it.
pub struct Lock {
    conn: Conn,
}

impl Lock {
    /// Waits for the lock on `target`'s database, polling with backoff from 10 ms to 1 s.
    pub async fn acquire(target: &Target, options: &LockOptions) -> Result<Lock> {
        let conn = connect(target, &options.application_name).await?;
        let started = Instant::now();
        let mut delay = Duration::from_millis(10);
        let mut attempt: u32 = 0;
        loop {
            let got: bool = conn
                .query_one("SELECT pg_try_advisory_lock($1)", &[&KEY])
                .await
                .map_err(doing("taking the gwells-db lock"))?
                .get(0);
            if got {
                return Ok(Lock { conn });
            }
            let waited = started.elapsed();
            if waited >= options.timeout {
                let holder = describe_holder(&conn).await?;
                return Err(Error::LockTimeout {
                    database: target.dbname().to_string(),
                    waited: Duration::from_millis(waited.as_millis() as u64),
                    holder,
                });
            }
            // Jitter spreads the retries of many waiters; the pid and attempt are enough entropy.
            attempt = attempt.wrapping_add(1);
            let jitter = Duration::from_millis(u64::from((std::process::id() ^ attempt) % 7));
            tokio::time::sleep((delay + jitter).min(options.timeout.saturating_sub(waited))).await;
            delay = (delay * 2).min(Duration::from_secs(1));
        }
    }

    /// Releases the lock and closes its connection.
    pub async fn release(self) -> Result<()> {
        self.conn
            .execute("SELECT pg_advisory_unlock($1)", &[&KEY])
            .await
            .map_err(doing("releasing the gwells-db lock"))?;
        Ok(())
    }
}

/// "pid 123 (`gwells-db migrate`, for 4.2 s, running `SELECT ...`)", or a note that it is gone.
async fn describe_holder(conn: &Conn) -> Result<String> {
    let rows = conn
        .query(
            "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''),
                    left(coalesce(a.query, ''), 200),
                    extract(epoch FROM now() - a.backend_start)::float8
               FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
              WHERE l.locktype = 'advisory' AND l.granted
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 1",
            &[&((KEY >> 32) as u32), &(KEY as u32)],
        )
        .await
        .map_err(doing("reading who holds the gwells-db lock"))?;
    let Some(row) = rows.first() else {
        return Ok("a session that has just released it".to_string());
    };
    let (pid, app, state, query, age): (i32, String, String, String, f64) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
    let app = if app.is_empty() { "no application_name".to_string() } else { format!("`{app}`") };
    Ok(format!("pid {pid} ({app}, connected {age:.1} s, {state}, last query `{}`)", query.trim()))
}
