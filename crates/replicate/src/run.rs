//! The driver: the per-table functions in fill order on one connection, in one transaction,
//! under the tool's advisory lock, with counts from their NOTICEs, then verification.
//!
//! One transaction (the seed used two) because a failed or killed run must leave the previous
//! data in place: a re-run then converges, and no wells are ever left without children. The
//! same transaction sets the reloaded tables' keys and indexes aside for the load and restores
//! them afterwards (`keys`), so a kill cannot leave a table without its constraints either.

use std::time::{Duration, Instant};

use pg::{Notice, Target};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_postgres::types::ToSql;

use crate::plan::{self, Action, parse_count, parse_null_status};
use crate::{Error, Mode, Report, TableReport, guard, keys, verify};

/// The run's transaction settings. The commit need not wait for its WAL flush: a crash before
/// the flush loses the whole run, as a kill does, never part of it. The hash joins of the child
/// tables (~550k wide legacy rows hashed: ~130 MB at 111k wells) and the index sorts (~60 MB
/// for the largest) fit in memory, with room for the real data's growth; a small pod may want
/// less. And a killed driver's backend notices within a second (PostgreSQL 14+) instead of
/// finishing its statement while holding the tables' locks, which the re-run would wait for.
const SESSION: &str = "SET LOCAL synchronous_commit = off;
    SET LOCAL work_mem = '128MB';
    SET LOCAL maintenance_work_mem = '256MB';
    SELECT set_config(name, '1s', true) FROM pg_settings
     WHERE name = 'client_connection_check_interval'";

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Subset or full ([`Mode::None`] does nothing).
    pub mode: Mode,
    /// Discard rows that replication did not create instead of refusing.
    pub discard_submissions: bool,
    /// How long to wait for the tool's advisory lock.
    pub lock_timeout: Duration,
}

impl Options {
    /// Options for `mode` with the defaults: refuse to discard, wait 60 s for the lock.
    pub fn new(mode: Mode) -> Options {
        Options { mode, discard_submissions: false, lock_timeout: Duration::from_secs(60) }
    }
}

/// What the driver is doing, for progress output.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Rows not created by replication are being discarded (`--discard-submissions`).
    Discarding {
        /// The table.
        table: String,
        /// Its rows that go.
        rows: i64,
    },
    /// A step started (`xform_well`, `well`, `screen`, ...).
    Started {
        /// The table the step fills.
        table: String,
    },
    /// A notice from the server, as it arrives.
    Notice(String),
    /// Keys and indexes were set aside, or some of them re-created.
    Keys {
        /// The step (`set aside keys`, `indexes`, `foreign keys`).
        step: String,
        /// How many objects it dropped or re-created.
        objects: usize,
        /// Its duration.
        seconds: f64,
    },
    /// A step finished.
    Finished {
        /// The table the step fills.
        table: String,
        /// Rows the step's notice reported, if any.
        rows: Option<i64>,
        /// Its duration.
        seconds: f64,
    },
    /// Verification started.
    Verifying,
}

/// Replicates in `options.mode`, verifies, and returns the report. Fails without touching any
/// data when the truncation would destroy rows replication did not create, unless
/// `discard_submissions` is set.
pub async fn replicate(
    target: &Target,
    options: &Options,
    on: &mut (dyn FnMut(Event) + Send),
) -> Result<Report, Error> {
    let mut report = Report {
        mode: options.mode,
        tables: Vec::new(),
        discarded: Vec::new(),
        null_status_wells: 0,
        load_seconds: 0.0,
        keys_seconds: 0.0,
        keys_set_aside: 0,
        verify_seconds: 0.0,
        commit_seconds: 0.0,
        rows_per_second: 0.0,
        verified: true,
    };
    let Some(subset_ind) = options.mode.subset_ind() else {
        return Ok(report);
    };
    let lock_options = pg::LockOptions {
        timeout: options.lock_timeout,
        application_name: "gwells-db replicate (lock)".into(),
    };
    let lock = pg::Lock::acquire(target, &lock_options).await?;
    let (mut client, mut notices) = pg::connect(target, "gwells-db replicate").await?.split();
    let tx = client.transaction().await?;
    tx.batch_execute(SESSION).await.map_err(Error::step("session settings"))?;

    let foreign = guard::foreign_rows(&tx).await?;
    if !foreign.is_empty() && !options.discard_submissions {
        return Err(Error::Submissions { tables: foreign });
    }
    for (table, rows) in &foreign {
        on(Event::Discarding { table: table.clone(), rows: *rows });
    }
    report.discarded = foreign;

    let load = Instant::now();
    let mut set_aside = Vec::new();
    for step in plan::steps(options.mode) {
        on(Event::Started { table: step.table.to_string() });
        let started = Instant::now();
        let objects = match step.action {
            Action::Sql { sql, takes_mode } => {
                let params: Vec<&(dyn ToSql + Sync)> =
                    if takes_mode { vec![&subset_ind] } else { vec![] };
                run_sql(&tx, &mut notices, step.table, sql, &params, &mut report, on).await?;
                continue;
            }
            Action::SetAside => {
                set_aside = keys::capture(&tx, plan::TABLES).await?;
                keys::drop_all(&tx, &set_aside).await?;
                report.keys_set_aside = set_aside.len();
                set_aside.len()
            }
            Action::Restore(kinds) => keys::restore(&tx, &set_aside, kinds).await?,
        };
        let seconds = started.elapsed().as_secs_f64();
        report.keys_seconds += seconds;
        on(Event::Keys { step: step.table.to_string(), objects, seconds });
    }
    report.load_seconds = load.elapsed().as_secs_f64();

    on(Event::Verifying);
    let verifying = Instant::now();
    verify::verify(&tx, options.mode, &mut report.tables).await?;
    report.verify_seconds = verifying.elapsed().as_secs_f64();
    tx.batch_execute("DROP TABLE IF EXISTS xform_well; DROP TABLE IF EXISTS xform_well_run")
        .await
        .map_err(Error::step("drop staging"))?;
    let committing = Instant::now();
    tx.commit().await.map_err(Error::step("commit"))?;
    report.commit_seconds = committing.elapsed().as_secs_f64();
    lock.release().await?;

    for t in &mut report.tables {
        t.rows_per_second = if t.seconds > 0.0 { t.loaded as f64 / t.seconds } else { 0.0 };
    }
    report.rows_per_second = if report.load_seconds > 0.0 {
        report.rows_loaded() as f64 / report.load_seconds
    } else {
        0.0
    };
    report.verified = report.tables.iter().all(|t| t.failure.is_none());
    Ok(report)
}

/// Runs one function call (or TRUNCATE) of the plan, turning its notices into counts and
/// progress events, and records the table's time in the report.
async fn run_sql(
    tx: &tokio_postgres::Transaction<'_>,
    notices: &mut UnboundedReceiver<Notice>,
    table: &'static str,
    sql: &'static str,
    params: &[&(dyn ToSql + Sync)],
    report: &mut Report,
    on: &mut (dyn FnMut(Event) + Send),
) -> Result<(), Error> {
    let started = Instant::now();
    let mut counts = Vec::new();
    let result = with_notices(tx.execute(sql, params), notices, &mut |n| {
        note(&n, &mut counts, &mut report.null_status_wells);
        on(Event::Notice(n.message));
    })
    .await;
    result.map_err(Error::step(sql.trim_start_matches("SELECT ").to_string()))?;
    let seconds = started.elapsed().as_secs_f64();
    let rows = counts.iter().find(|(t, _)| t == table).map(|(_, n)| *n);
    on(Event::Finished { table: table.to_string(), rows, seconds });
    if plan::TABLES.contains(&table) {
        let mut t = TableReport::empty(table);
        t.notice = rows;
        t.seconds = seconds;
        report.tables.push(t);
    }
    Ok(())
}

/// Awaits `fut` while handing every notice that arrives to `each`, then the stragglers.
async fn with_notices<T>(
    fut: impl std::future::Future<Output = T>,
    notices: &mut UnboundedReceiver<Notice>,
    each: &mut dyn FnMut(Notice),
) -> T {
    tokio::pin!(fut);
    let out = loop {
        tokio::select! {
            out = &mut fut => break out,
            Some(n) = notices.recv() => each(n),
        }
    };
    while let Ok(n) = notices.try_recv() {
        each(n);
    }
    out
}

fn note(n: &Notice, counts: &mut Vec<(String, i64)>, null_status: &mut i64) {
    if let Some(c) = parse_count(&n.message) {
        counts.push(c);
    }
    if let Some(k) = parse_null_status(&n.message) {
        *null_status += k;
    }
}
