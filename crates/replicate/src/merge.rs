//! The merge path: stage, compare by key, apply only the difference, with plain DML.
//!
//! The legacy rows go through exactly today's transforms: the same per-table functions run
//! with the tool's own schema [`STAGE`] first on the `search_path`, where an UNLOGGED empty
//! copy (`LIKE`) of each application table waits, so their unqualified `INSERT INTO well`
//! lands there, and `xform_well` is created there too. Nothing in `public` is written while
//! staging, and no application connection ever sees the staging tables: they are created and
//! dropped inside the run's one transaction.
//!
//! The comparison hashes each row's compared columns (`md5(ROW(...)::text)`; both sides have
//! the same column types, so equal values print alike):
//! * `bcgs_number` by `bcgs_id`, `well` by `well_tag_number` (its `well_guid` is not compared,
//!   and an updated well keeps its own);
//! * the children, which have no legacy key in the application (their guid is random), as a
//!   multiset of rows per well: identical rows pair up and are unchanged; what is left on each
//!   side of one well is paired in guid order into updates (the live row keeps its guid), the
//!   rest are inserts or deletes. The report gives a child's keys as its `well_tag_number`.
//!   Child rows from submissions (`filing_number` set) are not replication's and are left out.
//!
//! The apply runs the difference with DELETE (children, then `well`, then `bcgs_number`),
//! then UPDATE and INSERT (parents first), in a savepoint under `SET LOCAL lock_timeout`: it
//! takes ROW EXCLUSIVE locks (which no reader waits for) and row locks on the rows it
//! changes. No TRUNCATE, no DDL on application tables. On a lock timeout (or a deadlock) the
//! savepoint is rolled back and the apply retried with backoff, naming the session that
//! blocked it, seen by a second connection through `pg_blocking_pids`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_postgres::Transaction;
use tokio_postgres::error::SqlState;

use crate::plan::TABLES;
use crate::report::EXAMPLES;
use crate::{Changes, Error, Event};

/// The tool's own schema for the staging tables; it exists only inside a run's transaction.
pub(crate) const STAGE: &str = "gwells_db_replicate";

/// The staging table of the well transform, as [`crate::verify`] reads it on this path.
pub(crate) const STAGED_XFORM: &str = "gwells_db_replicate.xform_well";

/// Memory for the merge's statements, per step (`SET LOCAL`). The largest statements hash or
/// sort one child table (~550k rows at 111k wells, ~50 bytes a row compared) on each side:
/// with 32 MB (hash tables up to 64 MB with PostgreSQL's default `hash_mem_multiplier` of 2)
/// and at most three such nodes in a statement, a backend stays under ~200 MB, and spills to
/// disk rather than grow. That fits a 512 MiB database pod beside its shared buffers.
pub(crate) const MEMORY: &str =
    "SET LOCAL work_mem = '32MB'; SET LOCAL maintenance_work_mem = '64MB'";

/// How a table's rows are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    /// By this unique key column.
    Key(&'static str),
    /// As a multiset of rows per well; the table's own key is this random guid column.
    Rows(&'static str),
}

/// One replicated table, as the merge sees it.
#[derive(Debug, Clone)]
struct Table {
    name: &'static str,
    matched: Match,
    /// Columns, in catalog order: name and quoted.
    columns: Vec<(String, String)>,
    /// Of those, the columns compared (all but the guid).
    compared: Vec<(String, String)>,
    /// Whether the table has `filing_number` (its rows with one came from submissions).
    filing: bool,
}

fn matching(table: &'static str) -> Match {
    match table {
        "bcgs_number" => Match::Key("bcgs_id"),
        "well" => Match::Key("well_tag_number"),
        "aquifer_well" => Match::Rows("aquifer_well_guid"),
        "lithology_description" => Match::Rows("lithology_description_guid"),
        "production_data" => Match::Rows("production_data_guid"),
        "casing" => Match::Rows("casing_guid"),
        "perforation" => Match::Rows("perforation_guid"),
        _ => Match::Rows("screen_guid"),
    }
}

fn q(name: &str) -> Result<String, Error> {
    pg::quote::ident(name).map_err(|source| Error::Quote { name: name.to_string(), source })
}

fn diff(table: &str) -> String {
    format!("{STAGE}.\"diff_{table}\"")
}

impl Table {
    fn staged(&self) -> String {
        format!("{STAGE}.{}", self.name)
    }

    /// Where the live rows that are replication's are (children from submissions are not).
    fn own(&self) -> &'static str {
        if self.filing { " WHERE filing_number IS NULL" } else { "" }
    }

    fn hash(&self) -> String {
        format!("md5(ROW({})::text)", list(&self.compared, ""))
    }

    /// Creates the table's difference: `diff_<table>(k, op[, sg, lg])`, `op` one of
    /// `i`nsert, `u`pdate, `d`elete, `n` (unchanged, keyed tables only).
    fn diff_sql(&self) -> String {
        let (name, staged, own, hash, d) =
            (self.name, self.staged(), self.own(), self.hash(), diff(self.name));
        match self.matched {
            Match::Key(key) => format!(
                "CREATE UNLOGGED TABLE {d} AS
                 SELECT coalesce(s.k, l.k)::int8 AS k,
                        CASE WHEN l.k IS NULL THEN 'i' WHEN s.k IS NULL THEN 'd'
                             WHEN s.h = l.h THEN 'n' ELSE 'u' END AS op
                   FROM (SELECT {key} AS k, {hash} AS h FROM {staged}) s
                   FULL JOIN (SELECT {key} AS k, {hash} AS h FROM public.{name}) l ON s.k = l.k"
            ),
            Match::Rows(guid) => format!(
                "CREATE UNLOGGED TABLE {d} AS
                 WITH s AS (SELECT {guid} AS g, well_tag_number AS k, {hash} AS h FROM {staged}),
                      l AS (SELECT {guid} AS g, well_tag_number AS k, {hash} AS h
                              FROM public.{name}{own}),
                      sn AS (SELECT *, row_number() OVER (PARTITION BY h ORDER BY g) AS n FROM s),
                      ln AS (SELECT *, row_number() OVER (PARTITION BY h ORDER BY g) AS n FROM l),
                      m AS (SELECT sn.g AS sg, ln.g AS lg, coalesce(sn.k, ln.k) AS k
                              FROM sn FULL JOIN ln ON sn.h = ln.h AND sn.n = ln.n
                             WHERE sn.g IS NULL OR ln.g IS NULL),
                      ins AS (SELECT sg, k, row_number() OVER (PARTITION BY k ORDER BY sg) AS n
                                FROM m WHERE lg IS NULL),
                      del AS (SELECT lg, k, row_number() OVER (PARTITION BY k ORDER BY lg) AS n
                                FROM m WHERE sg IS NULL)
                 SELECT coalesce(ins.k, del.k)::int8 AS k,
                        CASE WHEN del.lg IS NULL THEN 'i' WHEN ins.sg IS NULL THEN 'd'
                             ELSE 'u' END AS op,
                        ins.sg, del.lg
                   FROM ins FULL JOIN del ON ins.k = del.k AND ins.n = del.n"
            ),
        }
    }

    /// The counts and example keys of the difference: `op, rows, keys[]` per op.
    fn changes_sql(&self) -> String {
        format!(
            "SELECT op, count(*), coalesce((array_agg(DISTINCT k ORDER BY k)
                                             FILTER (WHERE k IS NOT NULL))[1:{EXAMPLES}], '{{}}')
               FROM {} GROUP BY op",
            diff(self.name)
        )
    }

    fn delete_sql(&self) -> String {
        let (name, d) = (self.name, diff(self.name));
        match self.matched {
            Match::Key(key) => format!(
                "DELETE FROM public.{name} t USING {d} d WHERE d.op = 'd' AND t.{key} = d.k"
            ),
            Match::Rows(guid) => format!(
                "DELETE FROM public.{name} t USING {d} d WHERE d.op = 'd' AND t.{guid} = d.lg"
            ),
        }
    }

    fn update_sql(&self) -> String {
        let (name, staged, d) = (self.name, self.staged(), diff(self.name));
        let set: Vec<(String, String)> = match self.matched {
            Match::Key(key) => self.compared.iter().filter(|c| c.0 != key).cloned().collect(),
            Match::Rows(_) => self.compared.clone(),
        };
        let (cols, vals) = (list(&set, ""), list(&set, "s."));
        match self.matched {
            Match::Key(key) => format!(
                "UPDATE public.{name} t SET ({cols}) = ROW({vals})
                   FROM {staged} s JOIN {d} d ON d.k = s.{key} AND d.op = 'u'
                  WHERE t.{key} = s.{key}"
            ),
            Match::Rows(guid) => format!(
                "UPDATE public.{name} t SET ({cols}) = ROW({vals})
                   FROM {staged} s JOIN {d} d ON d.sg = s.{guid} AND d.op = 'u'
                  WHERE t.{guid} = d.lg"
            ),
        }
    }

    fn insert_sql(&self) -> String {
        let (name, staged, d) = (self.name, self.staged(), diff(self.name));
        let (cols, vals) = (list(&self.columns, ""), list(&self.columns, "s."));
        let on = match self.matched {
            Match::Key(key) => format!("d.k = s.{key}"),
            Match::Rows(guid) => format!("d.sg = s.{guid}"),
        };
        format!(
            "INSERT INTO public.{name} ({cols})
             SELECT {vals} FROM {staged} s JOIN {d} d ON {on} AND d.op = 'i'"
        )
    }
}

/// The quoted columns, each prefixed, comma-separated.
fn list(columns: &[(String, String)], prefix: &str) -> String {
    columns.iter().map(|(_, c)| format!("{prefix}{c}")).collect::<Vec<_>>().join(", ")
}

/// The replicated tables with their columns, in fill order.
async fn tables(tx: &Transaction<'_>) -> Result<Vec<Table>, Error> {
    let mut out = Vec::new();
    for &name in TABLES {
        let rows = tx
            .query(
                "SELECT attname::text FROM pg_attribute
                  WHERE attrelid = format('public.%I', $1::text)::regclass
                    AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                &[&name],
            )
            .await
            .map_err(Error::step(format!("columns of {name}")))?;
        let names: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        let matched = matching(name);
        let guid = match matched {
            Match::Key(_) if name == "well" => Some("well_guid"),
            Match::Key(_) => None,
            Match::Rows(guid) => Some(guid),
        };
        let filing = names.iter().any(|c| c == "filing_number");
        let columns: Vec<(String, String)> =
            names.iter().map(|c| Ok((c.clone(), q(c)?))).collect::<Result<_, Error>>()?;
        let compared = columns.iter().filter(|c| Some(c.0.as_str()) != guid).cloned().collect();
        out.push(Table { name, matched, columns, compared, filing });
    }
    Ok(out)
}

/// Creates the staging schema with an empty UNLOGGED copy of every replicated table (and
/// placeholders for the transform's own two tables, so its `DROP TABLE IF EXISTS` finds
/// those and never a `public` leftover of a psql session), then puts it first on the
/// `search_path` for the staging functions. Returns the `search_path` to restore.
pub(crate) async fn create_stage(tx: &Transaction<'_>) -> Result<String, Error> {
    let mut sql = format!(
        "DROP SCHEMA IF EXISTS {STAGE} CASCADE; CREATE SCHEMA {STAGE};
         CREATE UNLOGGED TABLE {STAGE}.xform_well (); CREATE UNLOGGED TABLE {STAGE}.xform_well_run ();"
    );
    for t in TABLES {
        sql.push_str(&format!("CREATE UNLOGGED TABLE {STAGE}.{t} (LIKE public.{t});"));
    }
    tx.batch_execute(&sql).await.map_err(Error::step("create the staging tables"))?;
    let path: String =
        tx.query_one("SHOW search_path", &[]).await.map_err(Error::step("search_path"))?.get(0);
    tx.execute("SELECT set_config('search_path', $1, true)", &[&format!("{STAGE}, public")])
        .await
        .map_err(Error::step("search_path"))?;
    Ok(path)
}

/// Restores the `search_path` and computes each table's difference and its [`Changes`], in
/// fill order.
pub(crate) async fn compare(
    tx: &Transaction<'_>,
    search_path: &str,
) -> Result<Vec<(&'static str, Changes)>, Error> {
    tx.execute("SELECT set_config('search_path', $1, true)", &[&search_path])
        .await
        .map_err(Error::step("search_path"))?;
    tx.batch_execute(MEMORY).await.map_err(Error::step("compare settings"))?;
    let staged: Vec<String> = TABLES.iter().map(|t| format!("{STAGE}.{t}")).collect();
    tx.batch_execute(&format!("ANALYZE {}", staged.join(", ")))
        .await
        .map_err(Error::step("analyze staging"))?;
    let mut out = Vec::new();
    for t in tables(tx).await? {
        tx.batch_execute(&t.diff_sql())
            .await
            .map_err(Error::step(format!("compare {}", t.name)))?;
        let mut c = Changes {
            key: match t.matched {
                Match::Key(key) => key.to_string(),
                Match::Rows(_) => "well_tag_number".to_string(),
            },
            ..Changes::default()
        };
        let rows = tx
            .query(&t.changes_sql(), &[])
            .await
            .map_err(Error::step(format!("changes of {}", t.name)))?;
        for row in rows {
            let (op, n, keys): (String, i64, Vec<i64>) = (row.get(0), row.get(1), row.get(2));
            match op.as_str() {
                "i" => (c.inserted, c.inserted_keys) = (n, keys),
                "u" => (c.updated, c.updated_keys) = (n, keys),
                "d" => (c.deleted, c.deleted_keys) = (n, keys),
                _ => c.unchanged = n,
            }
        }
        if let Match::Rows(_) = t.matched {
            let staged: i64 = tx
                .query_one(&format!("SELECT count(*) FROM {}", t.staged()), &[])
                .await
                .map_err(Error::step(format!("changes of {}", t.name)))?
                .get(0);
            c.unchanged = staged - c.inserted - c.updated;
        }
        out.push((t.name, c));
    }
    Ok(out)
}

/// Rows the merge's deletes would take with them that replication did not create: rows of
/// other tables (or submission rows of the replicated ones) referencing a `well` or
/// `bcgs_number` row the difference deletes. Every such key is `DEFERRABLE`, so without this
/// check the commit would fail on them after the whole run.
pub(crate) async fn foreign_rows(tx: &Transaction<'_>) -> Result<Vec<(String, i64)>, Error> {
    let refs = tx
        .query(
            "SELECT n.nspname::text, c.relname::text, a.attname::text, f.relname::text,
                    EXISTS (SELECT FROM pg_attribute x WHERE x.attrelid = c.oid
                             AND x.attname = 'filing_number' AND NOT x.attisdropped)
               FROM pg_constraint con
               JOIN pg_class c ON c.oid = con.conrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_class f ON f.oid = con.confrelid
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = con.conkey[1]
              WHERE con.contype = 'f' AND cardinality(con.conkey) = 1
                AND con.confrelid IN ('public.well'::regclass, 'public.bcgs_number'::regclass)
              ORDER BY 2, 3",
            &[],
        )
        .await
        .map_err(Error::step("guard"))?;
    let mut out: Vec<(String, i64)> = Vec::new();
    for r in refs {
        let (schema, table, column, referenced, filing): (String, String, String, String, bool) =
            (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
        let replicated = schema == "public" && TABLES.contains(&table.as_str());
        if replicated && !filing {
            continue;
        }
        let name = pg::quote::qualified(&schema, &table)
            .map_err(|source| Error::Quote { name: table.clone(), source })?;
        let own = if replicated { " AND t.filing_number IS NOT NULL" } else { "" };
        let sql = format!(
            "SELECT count(*) FROM {name} t WHERE t.{} IN (SELECT k FROM {} WHERE op = 'd'){own}",
            q(&column)?,
            diff(&referenced)
        );
        let n: i64 = tx.query_one(&sql, &[]).await.map_err(Error::step("guard"))?.get(0);
        if n > 0 {
            let shown = if schema == "public" { table } else { format!("{schema}.{table}") };
            match out.iter_mut().find(|(t, _)| *t == shown) {
                Some(entry) => entry.1 += n,
                None => out.push((shown, n)),
            }
        }
    }
    Ok(out)
}

/// How the apply waits for locks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Waiting {
    /// `lock_timeout` of each attempt.
    pub(crate) lock_timeout: Duration,
    /// Attempts before giving up.
    pub(crate) attempts: u32,
    /// The pause after the first timeout; doubled after each further one.
    pub(crate) backoff: Duration,
}

/// Applies the difference in a savepoint, retrying on lock timeouts. Returns the attempts.
pub(crate) async fn apply(
    target: &pg::Target,
    tx: &Transaction<'_>,
    waiting: Waiting,
    on: &mut (dyn FnMut(Event) + Send),
) -> Result<u32, Error> {
    let tables = tables(tx).await?;
    let mut statements = Vec::new();
    for t in tables.iter().rev() {
        statements.push((format!("delete {}", t.name), t.delete_sql()));
    }
    for t in &tables {
        statements.push((format!("update {}", t.name), t.update_sql()));
        statements.push((format!("insert {}", t.name), t.insert_sql()));
    }
    let pid: i32 =
        tx.query_one("SELECT pg_backend_pid()", &[]).await.map_err(Error::step("pid"))?.get(0);
    let watch = Watch::start(target, pid).await?;
    let timeout = format!("{}ms", waiting.lock_timeout.as_millis().max(1));
    let mut pause = waiting.backoff;
    let mut attempt = 1;
    let result = loop {
        tx.batch_execute("SAVEPOINT replicate_apply").await.map_err(Error::step("savepoint"))?;
        tx.execute("SELECT set_config('lock_timeout', $1, true)", &[&timeout])
            .await
            .map_err(Error::step("lock_timeout"))?;
        let mut failed = None;
        for (step, sql) in &statements {
            if let Err(e) = tx.batch_execute(sql).await {
                failed = Some((step.clone(), e));
                break;
            }
        }
        let Some((step, e)) = failed else {
            tx.batch_execute("RELEASE SAVEPOINT replicate_apply; SET LOCAL lock_timeout = 0")
                .await
                .map_err(Error::step("release savepoint"))?;
            break Ok(attempt);
        };
        let waited = matches!(
            e.code(),
            Some(&SqlState::LOCK_NOT_AVAILABLE) | Some(&SqlState::T_R_DEADLOCK_DETECTED)
        );
        if !waited {
            break Err(Error::step(step)(e));
        }
        tx.batch_execute("ROLLBACK TO SAVEPOINT replicate_apply")
            .await
            .map_err(Error::step("rollback to savepoint"))?;
        let blocker = watch.blocker();
        if attempt >= waiting.attempts {
            break Err(Error::Blocked {
                attempts: attempt,
                blocker: blocker.unwrap_or_else(|| "a session that ended since".to_string()),
            });
        }
        on(Event::Waiting { attempt, blocker, retry_in: pause });
        tokio::time::sleep(pause).await;
        pause *= 2;
        attempt += 1;
    };
    watch.stop();
    result
}

/// A second connection watching who blocks the apply's backend.
struct Watch {
    last: Arc<Mutex<Option<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Watch {
    async fn start(target: &pg::Target, pid: i32) -> Result<Watch, Error> {
        let conn = pg::connect(target, "gwells-db replicate (watch)").await?;
        let last = Arc::new(Mutex::new(None));
        let seen = Arc::clone(&last);
        let task = tokio::spawn(async move {
            // Role and application names only: another session's query text may hold a secret.
            let sql = "SELECT string_agg(format('pid %s (`%s`, role `%s`, %s)', a.pid,
                                coalesce(nullif(a.application_name, ''), a.backend_type),
                                a.usename, coalesce(a.state, 'unknown')), ', ' ORDER BY a.pid)
                         FROM pg_stat_activity a WHERE a.pid = ANY(pg_blocking_pids($1))";
            loop {
                let started = Instant::now();
                match conn.query_one(sql, &[&pid]).await {
                    Ok(row) => {
                        if let Some(b) = row.get::<_, Option<String>>(0)
                            && let Ok(mut last) = seen.lock()
                        {
                            *last = Some(b);
                        }
                    }
                    Err(_) => return,
                }
                let next = Duration::from_millis(100).saturating_sub(started.elapsed());
                tokio::time::sleep(next).await;
            }
        });
        Ok(Watch { last, task })
    }

    fn blocker(&self) -> Option<String> {
        self.last.lock().ok().and_then(|l| l.clone())
    }

    fn stop(self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &'static str, cols: &[&str]) -> Table {
        let matched = matching(name);
        let guid = match matched {
            Match::Key(_) => "well_guid",
            Match::Rows(g) => g,
        };
        let columns: Vec<(String, String)> =
            cols.iter().map(|c| (c.to_string(), format!("\"{c}\""))).collect();
        Table {
            name,
            matched,
            compared: columns.iter().filter(|c| c.0 != guid).cloned().collect(),
            columns,
            filing: cols.contains(&"filing_number"),
        }
    }

    #[test]
    fn statements_are_plain_dml_on_the_application_tables() {
        let well = table("well", &["well_tag_number", "well_guid", "comments"]);
        let screen = table("screen", &["screen_guid", "filing_number", "well_tag_number", "x"]);
        for t in [&well, &screen] {
            for sql in [t.delete_sql(), t.update_sql(), t.insert_sql()] {
                let upper = sql.to_uppercase();
                for ddl in ["TRUNCATE", "ALTER", "DROP", "CREATE", "LOCK"] {
                    assert!(!upper.contains(ddl), "{sql}");
                }
                assert!(sql.contains(&format!("public.{}", t.name)), "{sql}");
            }
        }
        // The well keeps its guid on update; a new one comes from staging.
        assert!(!well.update_sql().contains("well_guid"), "{}", well.update_sql());
        assert!(well.insert_sql().contains("well_guid"));
        assert!(!well.hash().contains("well_guid"));
        // Submission rows are not replication's: never compared, so never deleted.
        assert!(screen.diff_sql().contains("WHERE filing_number IS NULL"));
        assert!(!screen.hash().contains("screen_guid"));
        assert!(screen.update_sql().contains("WHERE t.screen_guid = d.lg"));
    }
}
