//! The thin part that touches the database: status, plan, apply.
//!
//! `run` first checks without the lock whether anything is to do (so a no-op costs one
//! connection and two queries, and old deployments are not blocked behind new ones), then takes
//! the tool's advisory lock, re-reads the ledger and applies. Each transactional migration runs
//! in one transaction with its ledger rows and `SET LOCAL lock_timeout`.

use std::path::Path;
use std::time::{Duration, Instant};

use pg::{Conn, Lock, LockOptions, Target};

use crate::checksum::checksum;
use crate::error::{Error, Result, db};
use crate::ledger::{self, Meta};
use crate::plan::{self, Ledger, Status, Step, check_down_files};
use crate::source::{Key, Migration, Source, load};
use crate::split::split_statements;

const APPLICATION_NAME: &str = "gwells-db migrate";

/// How `run` behaves; the default is a plain `migrate`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Record in the ledgers without running any SQL (Django's `--fake`).
    pub fake: bool,
    /// Move one app to a migration, `(app, name)`; `name` may be `zero`. `None` applies
    /// everything pending plus changed repeatable scripts.
    pub to: Option<(String, String)>,
    /// `SET LOCAL lock_timeout` for each migration, so DDL waiting on a busy table fails
    /// instead of queueing every other session behind it.
    pub lock_timeout: Duration,
    /// How long to wait for the tool's advisory lock.
    pub lock_wait: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            fake: false,
            to: None,
            lock_timeout: Duration::from_secs(10),
            lock_wait: Duration::from_secs(120),
        }
    }
}

/// One migration applied or unapplied.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Done {
    /// The migration.
    pub key: Key,
    /// True if it was unapplied.
    pub backwards: bool,
    /// True with `--fake`.
    pub fake: bool,
    /// Wall time, including its ledger rows.
    pub duration: Duration,
}

/// What a run did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    /// Migrations applied or unapplied, in order.
    pub steps: Vec<Done>,
    /// Repeatable scripts run, with their durations.
    pub repeatables: Vec<(Key, Duration)>,
    /// Squash rows written because their replaced migrations were all applied.
    pub recorded_squashes: Vec<Key>,
    /// False when the lock-free check found nothing to do.
    pub locked: bool,
}

impl Report {
    /// True when nothing changed.
    pub fn is_noop(&self) -> bool {
        self.steps.is_empty() && self.repeatables.is_empty() && self.recorded_squashes.is_empty()
    }
}

/// Where `target` stands against the migrations in `dir`. Takes no lock and creates nothing.
pub async fn status(target: &Target, dir: &Path) -> Result<Status> {
    let source = load(dir)?;
    let conn = pg::connect(target, APPLICATION_NAME).await?;
    let ledger = ledger::read(&*conn).await?;
    Ok(plan::status(&source, &ledger)?.1)
}

/// The status and the steps `run` would take with `options`, without taking the lock.
pub async fn plan(target: &Target, dir: &Path, options: &Options) -> Result<(Status, Vec<Step>)> {
    let source = load(dir)?;
    let conn = pg::connect(target, APPLICATION_NAME).await?;
    let ledger = ledger::read(&*conn).await?;
    let (status, steps) = steps(&source, &ledger, options)?;
    Ok((status, steps))
}

/// Applies everything pending plus changed repeatable scripts; a no-op when current.
pub async fn migrate_all(target: &Target, dir: &Path) -> Result<Report> {
    run(target, dir, &Options::default()).await
}

fn steps(source: &Source, ledger: &Ledger, options: &Options) -> Result<(Status, Vec<Step>)> {
    let (graph, status) = plan::status(source, ledger)?;
    let steps = match &options.to {
        Some((app, name)) => plan::plan_to(source, &graph, app, name)?,
        None => status.pending.iter().map(|k| Step { key: k.clone(), backwards: false }).collect(),
    };
    Ok((status, steps))
}

/// Applies (or unapplies) as `options` say, under the tool's advisory lock.
pub async fn run(target: &Target, dir: &Path, options: &Options) -> Result<Report> {
    let source = load(dir)?;
    let mut conn = pg::connect(target, APPLICATION_NAME).await?;
    let (status, todo) = steps(&source, &ledger::read(&*conn).await?, options)?;
    if let Some(err) = status.blocking_error() {
        return Err(err);
    }
    let whole = options.to.is_none();
    if todo.is_empty()
        && (!whole || (status.repeatables.is_empty() && status.unrecorded.is_empty()))
    {
        return Ok(Report::default());
    }
    let lock_options =
        LockOptions { timeout: options.lock_wait, application_name: APPLICATION_NAME.into() };
    let lock = Lock::acquire(target, &lock_options).await?;
    ledger::ensure(&*conn).await?;
    // Someone else may have migrated while we waited: plan again under the lock.
    let ledger_now = ledger::read(&*conn).await?;
    let (status, todo) = steps(&source, &ledger_now, options)?;
    if let Some(err) = status.blocking_error() {
        return Err(err);
    }
    check_down_files(&source, &todo)?;
    let mut report = Report { locked: true, ..Report::default() };
    for step in &todo {
        let Some(m) = source.get(&step.key) else {
            return Err(Error::UnknownMigration {
                app: step.key.app.clone(),
                name: step.key.name.clone(),
            });
        };
        let started = Instant::now();
        match (step.backwards, m.atomic || options.fake) {
            (true, _) => unapply(&mut conn, m, options).await?,
            (false, true) => apply_atomic(&mut conn, m, options).await?,
            (false, false) => apply_statements(&mut conn, m, &ledger_now, options).await?,
        }
        let duration = started.elapsed();
        report.steps.push(Done {
            key: step.key.clone(),
            backwards: step.backwards,
            fake: options.fake,
            duration,
        });
    }
    if whole {
        for key in &status.repeatables {
            let Some(r) = source.repeatables.iter().find(|r| &r.key == key) else { continue };
            let script = Script { key, path: &r.path, sql: &r.sql, checksum: &r.checksum };
            let duration = in_transaction(&mut conn, &script, true, [], options).await?;
            report.repeatables.push((key.clone(), duration));
        }
    }
    report.recorded_squashes = check_replacements(&conn, &source).await?;
    lock.release().await?;
    Ok(report)
}

/// Django's `check_replacements`: a squash whose replaced migrations are all recorded gets its
/// own row too.
async fn check_replacements(conn: &Conn, source: &Source) -> Result<Vec<Key>> {
    let rows = ledger::read(&**conn).await?.rows;
    let mut written = Vec::new();
    for m in source.migrations.iter().filter(|m| !m.replaces.is_empty()) {
        if !rows.contains(&m.key) && m.replaces.iter().all(|k| rows.contains(k)) {
            ledger::insert_row(&**conn, &m.key).await?;
            written.push(m.key.clone());
        }
    }
    Ok(written)
}

/// `SET [LOCAL] lock_timeout`: `scope` is `"LOCAL"` inside a transaction, `""` for the session.
async fn set_lock_timeout(
    client: &impl tokio_postgres::GenericClient,
    timeout: Duration,
    scope: &str,
) -> Result<()> {
    // A literal built from a number: nothing from the user reaches this text.
    let sql = format!("SET {scope} lock_timeout = '{}ms'", timeout.as_millis());
    client.batch_execute(&sql).await.map_err(db("cannot set `lock_timeout`"))
}

/// The rows a forward migration writes: every replaced migration, then itself (§3.6 rule 4).
fn rows_of(m: &Migration) -> impl Iterator<Item = &Key> {
    m.replaces.iter().chain(std::iter::once(&m.key))
}

async fn apply_atomic(conn: &mut Conn, m: &Migration, options: &Options) -> Result<()> {
    let script = Script { key: &m.key, path: &m.path, sql: &m.sql, checksum: &m.checksum };
    in_transaction(conn, &script, false, rows_of(m), options).await.map(drop)
}

/// A migration's or repeatable script's file, as [`in_transaction`] runs it.
struct Script<'a> {
    key: &'a Key,
    path: &'a Path,
    sql: &'a str,
    checksum: &'a str,
}

/// One transaction: `lock_timeout`, the script (unless faked), the `django_migrations` rows,
/// the tool's own row. Returns how long it took.
async fn in_transaction<'k>(
    conn: &mut Conn,
    script: &Script<'_>,
    repeatable: bool,
    rows: impl IntoIterator<Item = &'k Key>,
    options: &Options,
) -> Result<Duration> {
    let started = Instant::now();
    let tx = conn.transaction().await.map_err(db("cannot begin a transaction"))?;
    set_lock_timeout(&tx, options.lock_timeout, "LOCAL").await?;
    if !options.fake {
        tx.batch_execute(script.sql)
            .await
            .map_err(|source| failed(script.key, script.path, script.sql, source))?;
    }
    for key in rows {
        ledger::insert_row(&tx, key).await?;
    }
    let duration = started.elapsed();
    let meta = Meta {
        key: script.key,
        repeatable,
        checksum: script.checksum,
        duration,
        fake: options.fake,
        progress: None,
        error: None,
    };
    ledger::upsert_meta(&tx, &meta).await?;
    tx.commit().await.map_err(db("cannot commit"))?;
    Ok(duration)
}

/// A no-transaction migration: one statement at a time, progress recorded after each, resuming
/// after the last statement done.
async fn apply_statements(
    conn: &mut Conn,
    m: &Migration,
    ledger: &Ledger,
    options: &Options,
) -> Result<()> {
    let statements = split_statements(&m.path, &m.sql)?;
    let n = statements.len();
    let prefix = |k: usize| {
        let texts: Vec<&str> = statements[..k].iter().map(|s| s.text.as_str()).collect();
        checksum(&texts.join(";\n"))
    };
    let mut start = 0;
    if let Some((done, _, done_checksum, _)) =
        ledger.meta.get(&m.key).and_then(|meta| meta.partial.clone())
    {
        if done > n || prefix(done) != done_checksum {
            return Err(Error::ResumeChanged {
                migration: m.key.to_string(),
                path: m.path.clone(),
                done,
            });
        }
        start = done;
    }
    set_lock_timeout(&**conn, options.lock_timeout, "").await?;
    let progress = |k: usize, error: Option<String>, started: Instant| Meta {
        key: &m.key,
        repeatable: false,
        checksum: &m.checksum,
        duration: started.elapsed(),
        fake: false,
        progress: Some((k, n, prefix(k))),
        error,
    };
    for (i, statement) in statements.iter().enumerate().skip(start) {
        let started = Instant::now();
        if let Err(source) = conn.batch_execute(&statement.text).await {
            ledger::upsert_meta(&**conn, &progress(i, Some(pg::describe(&source)), started))
                .await?;
            return Err(Error::StatementFailed {
                migration: m.key.to_string(),
                path: m.path.clone(),
                k: i + 1,
                n,
                line: statement.line + error_line(&statement.text, &source) - 1,
                reason: pg::describe(&source),
                source,
            });
        }
        if i + 1 < n {
            ledger::upsert_meta(&**conn, &progress(i + 1, None, started)).await?;
        }
    }
    conn.batch_execute("RESET lock_timeout").await.map_err(db("cannot reset `lock_timeout`"))?;
    let tx = conn.transaction().await.map_err(db("cannot begin a transaction"))?;
    for key in rows_of(m) {
        ledger::insert_row(&tx, key).await?;
    }
    ledger::upsert_meta(&tx, &progress(n, None, Instant::now())).await?;
    tx.commit().await.map_err(db("cannot commit"))
}

async fn unapply(conn: &mut Conn, m: &Migration, options: &Options) -> Result<()> {
    let tx = conn.transaction().await.map_err(db("cannot begin a transaction"))?;
    set_lock_timeout(&tx, options.lock_timeout, "LOCAL").await?;
    if let (false, Some((path, sql))) = (options.fake, &m.down) {
        tx.batch_execute(sql).await.map_err(|source| failed(&m.key, path, sql, source))?;
    }
    for key in rows_of(m) {
        ledger::delete_rows(&tx, key).await?;
    }
    tx.commit().await.map_err(db("cannot commit"))
}

fn failed(key: &Key, path: &Path, sql: &str, source: tokio_postgres::Error) -> Error {
    Error::Failed {
        migration: key.to_string(),
        path: path.into(),
        line: error_line(sql, &source),
        reason: pg::describe(&source),
        source,
    }
}

/// The 1-based line of `sql` the server's error position points at (1 when it gives none).
fn error_line(sql: &str, err: &tokio_postgres::Error) -> usize {
    let position = err.as_db_error().and_then(|e| e.position()).and_then(|p| match p {
        tokio_postgres::error::ErrorPosition::Original(p) => Some(*p as usize),
        tokio_postgres::error::ErrorPosition::Internal { .. } => None,
    });
    match position {
        Some(p) => 1 + sql.chars().take(p.saturating_sub(1)).filter(|&c| c == '\n').count(),
        None => 1,
    }
}
