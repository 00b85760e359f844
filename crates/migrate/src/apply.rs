//! The thin part that touches the database: status, plan, apply.
//!
//! `run` first checks without the lock whether anything is to do (so a no-op costs one
//! connection and two queries, and old deployments are not blocked behind new ones), then takes
//! the tool's advisory lock, re-reads the ledger and applies. Each transactional migration runs
//! in one transaction with its ledger rows and `SET LOCAL lock_timeout`.

use std::path::Path;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use pg::{Conn, Lock, LockOptions, Target};

use crate::checksum;
use pg::report::doing;

use crate::error::{Error, Result};
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
    /// Stored checksums rewritten from the older text form to the current one.
    pub upgraded_checksums: Vec<Key>,
    /// Applied migrations the tool has no checksum of (applied by Django): their files could
    /// change unseen, so the caller should warn.
    pub unchecked: Vec<Key>,
    /// False when the lock-free check found nothing to do.
    pub locked: bool,
}

impl Report {
    /// True when nothing changed.
    pub fn is_noop(&self) -> bool {
        self.steps.is_empty()
            && self.repeatables.is_empty()
            && self.recorded_squashes.is_empty()
            && self.upgraded_checksums.is_empty()
    }
}

/// What `accept_checksum` recorded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Accepted {
    /// The migration.
    pub key: Key,
    /// The checksum stored before; `None` when there was none (applied by Django).
    pub previous: Option<String>,
    /// The checksum stored now: the file's.
    pub checksum: String,
}

impl Accepted {
    /// False when the stored checksum already was the file's, so nothing was recorded.
    pub fn changed(&self) -> bool {
        self.previous.as_deref() != Some(self.checksum.as_str())
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
        && (!whole
            || (status.repeatables.is_empty()
                && status.unrecorded.is_empty()
                && status.old_checksums.is_empty()))
    {
        return Ok(Report { unchecked: status.unchecked, ..Report::default() });
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
    report.unchecked.clone_from(&status.unchecked);
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
    if whole {
        report.upgraded_checksums =
            upgrade_checksums(&conn, &source, &status.old_checksums).await?;
    }
    lock.release().await?;
    Ok(report)
}

/// Rewrites stored checksums of the older text form to the current form, where the text form
/// still matches the file: the same file, so nothing is accepted that was not applied.
async fn upgrade_checksums(conn: &Conn, source: &Source, keys: &[Key]) -> Result<Vec<Key>> {
    let mut done = Vec::new();
    for key in keys {
        let forms = match source.get(key) {
            Some(m) => Some((&m.text_checksum, &m.checksum)),
            None => source
                .repeatables
                .iter()
                .find(|r| &r.key == key)
                .map(|r| (&r.text_checksum, &r.checksum)),
        };
        let Some((from, to)) = forms else { continue };
        if ledger::replace_checksum(&**conn, key, from, to).await? {
            done.push(key.clone());
        }
    }
    Ok(done)
}

/// Records the current file of applied migration `app name` as reviewed: its checksum is
/// stored (so `migrate` and `health` stop reporting it as drifted, or as unchecked when
/// Django applied it), and `gwells_db.accepted_checksum` keeps who accepted which checksum
/// over which, and when. Nothing else changes; no SQL of the migration runs.
pub async fn accept_checksum(
    target: &Target,
    dir: &Path,
    app: &str,
    name: &str,
) -> Result<Accepted> {
    let source = load(dir)?;
    if !source.apps.iter().any(|a| a == app) {
        return Err(Error::UnknownApp { app: app.into(), dir: source.dir.clone() });
    }
    let key = Key::new(app, name);
    let Some(m) = source.get(&key) else {
        return Err(Error::UnknownMigration { app: app.into(), name: name.into() });
    };
    let mut conn = pg::connect(target, APPLICATION_NAME).await?;
    let lock_options =
        LockOptions { application_name: APPLICATION_NAME.into(), ..Default::default() };
    let lock = Lock::acquire(target, &lock_options).await?;
    let ledger_now = ledger::read(&*conn).await?;
    if !ledger_now.rows.contains(&key) {
        return Err(Error::NotApplied { migration: key.to_string() });
    }
    // After the check, so a refusal changes nothing; a database Django migrated may lack the
    // tool's table.
    ledger::ensure(&*conn).await?;
    let previous = ledger_now.meta.get(&key).map(|meta| meta.checksum.clone());
    let accepted = Accepted { key, previous, checksum: m.checksum.clone() };
    if accepted.changed() {
        let tx = conn.transaction().await.map_err(doing("cannot begin a transaction"))?;
        ledger::accept(&tx, &accepted).await?;
        tx.commit().await.map_err(doing("cannot commit"))?;
    }
    lock.release().await?;
    Ok(accepted)
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
    client.batch_execute(&sql).await.map_err(doing("cannot set `lock_timeout`"))?;
    Ok(())
}

/// The rows a forward migration writes: every replaced migration, then itself (as Django
/// records a squash: the replaced rows too, so either history reads as applied).
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
    let tx = conn.transaction().await.map_err(doing("cannot begin a transaction"))?;
    set_lock_timeout(&tx, options.lock_timeout, "LOCAL").await?;
    if !options.fake {
        execute_script(tx.client(), script.sql)
            .await
            .map_err(|(done, source)| failed(script.key, script.path, script.sql, done, source))?;
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
    tx.commit().await.map_err(doing("cannot commit"))?;
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
        // The text form, as partial rows have always been stored: comments inside statements
        // count, so a resumed migration runs exactly the statements it ran before.
        checksum::text(&texts.join(";\n"))
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
                source: source.into(),
            });
        }
        if i + 1 < n {
            ledger::upsert_meta(&**conn, &progress(i + 1, None, started)).await?;
        }
    }
    conn.batch_execute("RESET lock_timeout").await.map_err(doing("cannot reset `lock_timeout`"))?;
    let tx = conn.transaction().await.map_err(doing("cannot begin a transaction"))?;
    for key in rows_of(m) {
        ledger::insert_row(&tx, key).await?;
    }
    ledger::upsert_meta(&tx, &progress(n, None, Instant::now())).await?;
    tx.commit().await.map_err(doing("cannot commit"))?;
    Ok(())
}

async fn unapply(conn: &mut Conn, m: &Migration, options: &Options) -> Result<()> {
    let tx = conn.transaction().await.map_err(doing("cannot begin a transaction"))?;
    set_lock_timeout(&tx, options.lock_timeout, "LOCAL").await?;
    if let (false, Some((path, sql))) = (options.fake, &m.down) {
        execute_script(tx.client(), sql)
            .await
            .map_err(|(done, source)| failed(&m.key, path, sql, done, source))?;
    }
    for key in rows_of(m) {
        ledger::delete_rows(&tx, key).await?;
    }
    tx.commit().await.map_err(doing("cannot commit"))?;
    Ok(())
}

/// Runs a whole script as one simple query, as `batch_execute` does. On failure it also says
/// how many statements completed before the failing one: the server reports each completion,
/// and the first error ends the script.
async fn execute_script(
    client: &tokio_postgres::Client,
    sql: &str,
) -> std::result::Result<(), (usize, tokio_postgres::Error)> {
    let stream = client.simple_query_raw(sql).await.map_err(|e| (0, e))?;
    let mut stream = std::pin::pin!(stream);
    let mut done = 0;
    while let Some(message) = stream.next().await {
        match message {
            Ok(tokio_postgres::SimpleQueryMessage::CommandComplete(_)) => done += 1,
            Ok(_) => {}
            Err(e) => return Err((done, e)),
        }
    }
    Ok(())
}

/// A transactional script failed after `done` of its statements completed.
fn failed(key: &Key, path: &Path, sql: &str, done: usize, source: tokio_postgres::Error) -> Error {
    // Without a position (`SELECT 1/0`, most run-time errors) the failing statement is the one
    // after those completed; the splitter finds where it starts.
    let line = error_position(sql, &source).unwrap_or_else(|| {
        crate::split::split(sql).ok().and_then(|s| s.get(done).map(|s| s.line)).unwrap_or(1)
    });
    Error::Failed { migration: key.to_string(), path: path.into(), line, source: source.into() }
}

/// The 1-based line of `sql` the server's error position points at (1 when it gives none).
fn error_line(sql: &str, err: &tokio_postgres::Error) -> usize {
    error_position(sql, err).unwrap_or(1)
}

/// The 1-based line of `sql` the server's error position points at, if it gives one.
fn error_position(sql: &str, err: &tokio_postgres::Error) -> Option<usize> {
    let position = err.as_db_error().and_then(|e| e.position()).and_then(|p| match p {
        tokio_postgres::error::ErrorPosition::Original(p) => Some(*p as usize),
        tokio_postgres::error::ErrorPosition::Internal { .. } => None,
    })?;
    Some(1 + sql.chars().take(position.saturating_sub(1)).filter(|&c| c == '\n').count())
}
