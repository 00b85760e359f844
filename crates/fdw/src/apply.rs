//! Applying the rendered DDL, and reading back what is configured.
//!
//! The fingerprint of the configuration ([`crate::fingerprint`], salted and slow) is stored as
//! the foreign server's comment (it goes when the server goes, so it cannot outlive what it
//! describes). An unchanged configuration
//! is a no-op; a changed one is re-applied in one transaction under the tool's advisory lock;
//! `force` re-applies regardless.
//!
//! The seed's lock file (`$PGDATA/fdw.conf`) is honoured this way: when it holds the current
//! fingerprint, setup is skipped without touching the database (the seed's "exists → skip");
//! when it is empty (written by the seed's image, which records nothing) or holds no match,
//! the database decides, so a changed configuration is re-applied instead of
//! needing the file deleted by hand. After a successful setup (or a database-confirmed no-op)
//! the file is written with the fingerprint, so the seed's image also sees it and skips.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio_postgres::error::SqlState;

use crate::fingerprint::{fingerprint, fingerprint_matches};
use crate::redact::redact;
use crate::render::{COMMENT_PREFIX, statements};
use crate::{Error, Spec};

/// How [`setup`] behaves.
#[derive(Debug, Clone)]
pub struct SetupOptions {
    /// Re-apply even when the stored fingerprint is current.
    pub force: bool,
    /// The seed's lock file (`$PGDATA/fdw.conf`), honoured and written when given.
    pub lock_file: Option<PathBuf>,
    /// How long to wait for the tool's advisory lock.
    pub lock_timeout: Duration,
    /// Go on when a setting that records nested statements (see [`NESTED_LOGGERS`]) is on
    /// and this role may not turn it off for the setup; refused otherwise.
    pub allow_logged_secret: bool,
}

impl Default for SetupOptions {
    fn default() -> Self {
        SetupOptions {
            force: false,
            lock_file: None,
            lock_timeout: Duration::from_secs(60),
            allow_logged_secret: false,
        }
    }
}

/// Why [`setup`] applied the DDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// No server of that name carried a fingerprint.
    New,
    /// The stored fingerprint differs from the configuration's.
    Changed,
    /// The fingerprint was current but the local schema holds no foreign table of the server.
    Incomplete,
    /// `force` was set.
    Forced,
}

/// What [`setup`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The DDL ran and committed.
    Applied {
        /// What triggered it.
        why: Why,
        /// Foreign tables in the local schema afterwards.
        foreign_tables: i64,
    },
    /// Nothing to do: the configuration is in place.
    Unchanged {
        /// Decided by the lock file alone, without reading the database.
        by_lock_file: bool,
    },
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Applied { why, foreign_tables } => {
                let why = match why {
                    Why::New => "new configuration",
                    Why::Changed => "configuration changed",
                    Why::Incomplete => "foreign tables missing",
                    Why::Forced => "forced",
                };
                write!(f, "applied ({why}); {foreign_tables} foreign tables")
            }
            Outcome::Unchanged { by_lock_file: true } => {
                f.write_str("unchanged (the lock file holds the current fingerprint)")
            }
            Outcome::Unchanged { by_lock_file: false } => {
                f.write_str("unchanged (the database holds the current fingerprint)")
            }
        }
    }
}

/// Configures the foreign server, user mapping, schema, imported tables and reader role of
/// `spec` in `target`'s database, unless they are already in place.
pub async fn setup(
    target: &pg::Target,
    spec: &Spec,
    options: &SetupOptions,
) -> Result<Outcome, Error> {
    spec.validate()?;
    if !options.force
        && let Some(path) = &options.lock_file
        && let Some(stored) = read_lock_file(path)?
        && matches(spec, Some(stored)).await
    {
        return Ok(Outcome::Unchanged { by_lock_file: true });
    }
    let lock_options = pg::LockOptions {
        timeout: options.lock_timeout,
        application_name: "gwells-db fdw setup".to_string(),
    };
    let lock =
        pg::Lock::acquire(target, &lock_options).await.map_err(db(target, "taking the lock"))?;
    let mut conn =
        pg::connect(target, "gwells-db fdw setup").await.map_err(db(target, "connecting"))?;
    let current = read_state(&conn, spec).await.map_err(db(target, "reading the configuration"))?;
    let current_matches = match &current {
        Some(state) if !options.force => matches(spec, state.fingerprint.clone()).await,
        _ => false,
    };
    let why = match &current {
        _ if options.force => Some(Why::Forced),
        None => Some(Why::New),
        Some(_) if !current_matches => Some(Why::Changed),
        Some(state) if state.foreign_tables == 0 => Some(Why::Incomplete),
        Some(_) => None,
    };
    // With the fingerprint now in the database, for the lock file.
    let (outcome, stored) = match why {
        // Only a matching fingerprint leads here.
        None => (Outcome::Unchanged { by_lock_file: false }, current.and_then(|s| s.fingerprint)),
        Some(why) => {
            let fresh = fresh_fingerprint(spec).await;
            apply(&mut conn, spec, &fresh, options.allow_logged_secret).await?;
            let foreign_tables = read_state(&conn, spec)
                .await
                .map_err(db(target, "counting the foreign tables"))?
                .map_or(0, |s| s.foreign_tables);
            (Outcome::Applied { why, foreign_tables }, Some(fresh))
        }
    };
    lock.release().await.map_err(db(target, "releasing the lock"))?;
    if let Some(path) = &options.lock_file
        && let Some(stored) = &stored
    {
        write_lock_file(path, stored)?;
    }
    Ok(outcome)
}

/// Whether `stored` is a fingerprint of `spec`, computed off the async threads (it is slow).
async fn matches(spec: &Spec, stored: Option<String>) -> bool {
    let Some(stored) = stored.filter(|s| !s.is_empty()) else { return false };
    let spec = spec.clone();
    tokio::task::spawn_blocking(move || fingerprint_matches(&spec, &stored)).await.unwrap_or(false)
}

/// A new fingerprint of `spec`, computed off the async threads.
async fn fresh_fingerprint(spec: &Spec) -> String {
    let owned = spec.clone();
    match tokio::task::spawn_blocking(move || fingerprint(&owned)).await {
        Ok(fp) => fp,
        // The blocking pool refused the task (the runtime shuts down): compute it here.
        Err(_) => fingerprint(spec),
    }
}

/// Settings under which the server records statements run *inside* a function (where the user
/// mapping is built, with the password), each with the values that do not and the one to set
/// for the transaction. The top-level statement loggers (`log_statement`,
/// `log_min_error_statement`, `log_min_duration_statement`, `pg_stat_activity`) see no password
/// at all, so nothing of theirs needs a privilege to turn off.
pub(crate) const NESTED_LOGGERS: &[(&str, &[&str], &str)] = &[
    ("debug_print_parse", &["off"], "off"),
    ("debug_print_rewritten", &["off"], "off"),
    ("debug_print_plan", &["off"], "off"),
    ("pgaudit.log", &["none", ""], "none"),
    ("pg_stat_statements.track", &["top", "none"], "top"),
];

/// Turns off, for this transaction, every [`NESTED_LOGGERS`] setting that is on. One this role
/// may not set (`pgaudit.log` and `pg_stat_statements.track` are superuser settings) is refused
/// unless `allow`, before anything is changed.
async fn quiet_nested_loggers(
    tx: &mut tokio_postgres::Transaction<'_>,
    spec: &Spec,
    allow: bool,
) -> Result<(), Error> {
    for &(setting, quiet, set_to) in NESTED_LOGGERS {
        let fail = |e: tokio_postgres::Error| Error::Apply {
            server: spec.name.clone(),
            statement: format!("SET LOCAL {setting} = '{set_to}'"),
            message: redact(&pg::describe(&e)),
        };
        let value: Option<String> = tx
            .query_one("SELECT current_setting($1, true)", &[&setting])
            .await
            .map_err(fail)?
            .get(0);
        let Some(value) = value.filter(|v| !quiet.contains(&v.to_lowercase().as_str())) else {
            continue;
        };
        // A savepoint apiece: a refused SET must not abort the setup's transaction.
        let savepoint = tx.savepoint("gwells_db_quiet").await.map_err(fail)?;
        match savepoint.execute("SELECT set_config($1, $2, true)", &[&setting, &set_to]).await {
            Ok(_) => savepoint.commit().await.map_err(fail)?,
            Err(e) if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) => {
                savepoint.rollback().await.map_err(fail)?;
                if !allow {
                    return Err(Error::LoggedSecret { setting, value });
                }
            }
            Err(e) => return Err(fail(e)),
        }
    }
    Ok(())
}

/// Runs the setup in one transaction: nested loggers quiet, the password stashed (COPY data,
/// in no statement), then the statements as sent, the last recording `fingerprint`.
async fn apply(
    conn: &mut pg::Conn,
    spec: &Spec,
    fingerprint: &str,
    allow_logged_secret: bool,
) -> Result<(), Error> {
    let fail = |statement: &str, e: tokio_postgres::Error| Error::Apply {
        server: spec.name.clone(),
        statement: statement.to_string(),
        message: redact(&pg::describe(&e)),
    };
    let mut tx = conn.transaction().await.map_err(|e| fail("BEGIN", e))?;
    quiet_nested_loggers(&mut tx, spec, allow_logged_secret).await?;
    pg::stash_secret(&tx, &spec.password).await.map_err(|e| Error::Apply {
        server: spec.name.clone(),
        statement: format!("COPY {} FROM STDIN (the password)", pg::STASH_TABLE),
        message: redact(&pg::report::Report::of(&e).one_line()),
    })?;
    for statement in statements(spec, fingerprint) {
        tx.batch_execute(&statement.sent).await.map_err(|e| fail(&statement.shown, e))?;
    }
    tx.commit().await.map_err(|e| fail("COMMIT", e))
}

/// What a configured database holds, or `None` when the server does not exist.
struct State {
    wrapper: String,
    fingerprint: Option<String>,
    foreign_tables: i64,
}

async fn read_state(conn: &pg::Conn, spec: &Spec) -> Result<Option<State>, tokio_postgres::Error> {
    let row = conn
        .query_opt(
            "SELECT w.fdwname::text, obj_description(s.oid, 'pg_foreign_server'),
                    (SELECT count(*) FROM pg_foreign_table ft
                       JOIN pg_class c ON c.oid = ft.ftrelid
                       JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE ft.ftserver = s.oid AND n.nspname = $2)
               FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
              WHERE s.srvname = $1",
            &[&spec.name, &spec.local_schema],
        )
        .await?;
    Ok(row.map(|r| {
        let comment: Option<String> = r.get(1);
        State {
            wrapper: r.get(0),
            fingerprint: comment.and_then(|c| c.strip_prefix(COMMENT_PREFIX).map(str::to_string)),
            foreign_tables: r.get(2),
        }
    }))
}

/// What `fdw status` reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Status {
    /// The foreign server's name.
    pub(crate) server: String,
    /// Whether the server exists.
    pub configured: bool,
    /// Its wrapper, when it exists.
    pub(crate) wrapper: Option<String>,
    /// Whether the stored fingerprint is the configuration's.
    pub current: bool,
    /// Foreign tables of the server in the local schema.
    pub foreign_tables: i64,
    /// The probe: `None` when there was nothing to probe, else the table read or the error.
    pub probe: Option<Result<String, String>>,
}

impl Status {
    /// Configured, current, imported and readable.
    pub fn healthy(&self) -> bool {
        self.configured
            && self.current
            && self.foreign_tables > 0
            && matches!(self.probe, Some(Ok(_)))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let yes = |b: bool| if b { "yes" } else { "no" };
        writeln!(f, "server          {}", self.server)?;
        writeln!(f, "configured      {}", yes(self.configured))?;
        writeln!(f, "wrapper         {}", self.wrapper.as_deref().unwrap_or("-"))?;
        writeln!(
            f,
            "fingerprint     {}",
            if self.current { "current" } else { "stale or missing" }
        )?;
        writeln!(f, "foreign tables  {}", self.foreign_tables)?;
        match &self.probe {
            None => write!(f, "probe           not run (nothing imported)"),
            Some(Ok(table)) => write!(f, "probe           ok (`{table}`)"),
            Some(Err(e)) => write!(f, "probe           failed: {e}"),
        }
    }
}

/// Reads what is configured for `spec` in `target`'s database and runs a probe query through
/// the wrapper (`wells_wells` when imported, else the first foreign table).
pub async fn status(target: &pg::Target, spec: &Spec) -> Result<Status, Error> {
    spec.validate()?;
    let conn =
        pg::connect(target, "gwells-db fdw status").await.map_err(db(target, "connecting"))?;
    let state = read_state(&conn, spec).await.map_err(db(target, "reading the configuration"))?;
    let current = matches(spec, state.as_ref().and_then(|s| s.fingerprint.clone())).await;
    let mut status = Status {
        server: spec.name.clone(),
        configured: state.is_some(),
        wrapper: state.as_ref().map(|s| s.wrapper.clone()),
        current,
        foreign_tables: state.as_ref().map_or(0, |s| s.foreign_tables),
        probe: None,
    };
    if status.foreign_tables > 0 {
        let table: String = conn
            .query_one(
                "SELECT c.relname::text FROM pg_foreign_table ft
                   JOIN pg_class c ON c.oid = ft.ftrelid
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   JOIN pg_foreign_server s ON s.oid = ft.ftserver
                  WHERE s.srvname = $1 AND n.nspname = $2
                  ORDER BY c.relname <> 'wells_wells', c.relname LIMIT 1",
                &[&spec.name, &spec.local_schema],
            )
            .await
            .map_err(db(target, "finding a foreign table to probe"))?
            .get(0);
        let sql = format!(
            "SELECT 1 FROM {} LIMIT 1",
            pg::quote::qualified(&spec.local_schema, &table)
                .map_err(|_| Error::NulByte { var: "table" })?
        );
        status.probe = Some(match conn.query(&sql, &[]).await {
            Ok(_) => Ok(table),
            Err(e) => Err(redact(&pg::describe(&e))),
        });
    }
    Ok(status)
}

/// The fingerprint in the lock file: `None` when absent, `Some("")` for the seed's empty file.
fn read_lock_file(path: &Path) -> Result<Option<String>, Error> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text.trim().to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::LockFile { action: "read", path: path.to_path_buf(), source }),
    }
}

/// Writes the fingerprint, through a temporary file so a crash never leaves half a file.
fn write_lock_file(path: &Path, fingerprint: &str) -> Result<(), Error> {
    let err = |source| Error::LockFile { action: "write", path: path.to_path_buf(), source };
    let tmp = path.with_extension("conf.tmp");
    std::fs::write(&tmp, format!("{fingerprint}\n")).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

/// [`Error::Db`] for a step on `target`'s database, from a connection or a statement error,
/// its message masked where a secret can appear.
fn db<E: Into<Failure>>(target: &pg::Target, doing: &'static str) -> impl FnOnce(E) -> Error {
    let database = target.dbname().to_string();
    move |e| Error::Db { doing, database, message: redact(&e.into().0) }
}

/// A connection's or a statement's error in one line.
struct Failure(String);

impl From<pg::Error> for Failure {
    fn from(e: pg::Error) -> Self {
        Failure(pg::report::Report::of(&e).one_line())
    }
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        Failure(pg::describe(&e))
    }
}
