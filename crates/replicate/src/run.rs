//! The driver: the per-table functions in fill order on one connection, in one transaction,
//! under the tool's advisory lock, with counts from their NOTICEs, then verification; on the
//! bulk path into the application tables, on the merge path into staging copies whose
//! difference is then applied (`merge`).
//!
//! One transaction (the seed used two) because a failed or killed run must leave the previous
//! data in place: a re-run then converges, and no wells are ever left without children. The
//! same transaction sets the reloaded tables' keys and indexes aside for the load and restores
//! them afterwards (`keys`), so a kill cannot leave a table without its constraints either.

use pg::report::doing;
use std::time::{Duration, Instant};

use pg::{Notice, Target};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_postgres::Transaction;
use tokio_postgres::types::ToSql;

use crate::plan::{self, Action, parse_count, parse_null_status};
use crate::{Error, Mode, Path, Report, TableReport, guard, keys, merge, verify};

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

/// Which path to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Merge into a populated target, bulk-load an empty one.
    Auto,
    /// Always the bulk path (`--bulk`).
    Bulk,
    /// Always the merge path (`--merge`).
    Merge,
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Subset or full ([`Mode::None`] does nothing).
    pub mode: Mode,
    /// Discard rows that replication did not create instead of refusing.
    pub discard_submissions: bool,
    /// How long to wait for the tool's advisory lock.
    pub lock_timeout: Duration,
    /// Bulk, merge, or chosen from the target's content.
    pub path: Choice,
    /// Stage and compare only, report the difference, change nothing (`--plan`).
    pub plan: bool,
    /// Merge: the `lock_timeout` of each attempt of the apply.
    pub apply_lock_timeout: Duration,
    /// Merge: attempts of the apply before giving up on a blocker.
    pub apply_attempts: u32,
    /// Merge: the pause after the first lock timeout, doubled after each further one.
    pub apply_backoff: Duration,
}

impl Options {
    /// Options for `mode` with the defaults: refuse to discard, wait 60 s for the lock, choose
    /// the path from the target, and let the apply wait 2 s for a lock, 5 times, pausing
    /// 1, 2, 4, 8 s in between.
    pub fn new(mode: Mode) -> Options {
        Options {
            mode,
            discard_submissions: false,
            lock_timeout: Duration::from_secs(60),
            path: Choice::Auto,
            plan: false,
            apply_lock_timeout: Duration::from_secs(2),
            apply_attempts: 5,
            apply_backoff: Duration::from_secs(1),
        }
    }
}

/// What the driver is doing, for progress output.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The path the run takes, and why.
    Path {
        /// Bulk or merge.
        path: Path,
        /// Why (`--bulk`, `the target holds replicated rows`, ...).
        reason: String,
    },
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
    /// Merge: the staged rows were compared with the live ones.
    Compared {
        /// Rows to insert, update or delete, all tables.
        changes: i64,
        /// Its duration.
        seconds: f64,
    },
    /// Merge: the apply of the difference starts.
    Applying,
    /// Merge: an attempt of the apply timed out waiting for a lock and is rolled back.
    Waiting {
        /// The attempt that timed out, from 1.
        attempt: u32,
        /// The session that held the lock, as last seen.
        blocker: Option<String>,
        /// The pause before the next attempt.
        retry_in: Duration,
    },
    /// Merge: the difference is applied, not yet committed; the run's transaction holds every
    /// lock it took until the commit.
    Applied {
        /// Rows inserted, updated or deleted.
        changes: i64,
        /// Its duration, retries included.
        seconds: f64,
    },
    /// Verification started.
    Verifying,
}

/// The run's transaction settings on the merge path: as [`SESSION`] for the commit and a
/// killed driver, with the modest memory of [`merge::MEMORY`].
const MERGE_SESSION: &str = "SET LOCAL synchronous_commit = off;
    SELECT set_config(name, '1s', true) FROM pg_settings
     WHERE name = 'client_connection_check_interval'";

/// Replicates in `options.mode`, verifies, and returns the report. On an empty target (or
/// with `--bulk`) it truncates and loads; on a populated one (or with `--merge`) it stages,
/// compares and applies the difference, online. Fails without touching any data when the run
/// would destroy rows replication did not create, unless `discard_submissions` is set.
pub async fn replicate(
    target: &Target,
    options: &Options,
    on: &mut (dyn FnMut(Event) + Send),
) -> Result<Report, Error> {
    let mut report = Report {
        mode: options.mode,
        path: Path::Merge,
        path_reason: String::new(),
        plan: options.plan,
        tables: Vec::new(),
        discarded: Vec::new(),
        null_status_wells: 0,
        load_seconds: 0.0,
        keys_seconds: 0.0,
        keys_set_aside: 0,
        apply_seconds: 0.0,
        apply_attempts: 0,
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
    let populated: bool = client
        .query_one("SELECT EXISTS (SELECT FROM well) OR EXISTS (SELECT FROM bcgs_number)", &[])
        .await
        .map_err(Error::step("populated"))?
        .get(0);
    let (mut path, mut reason) = match (options.plan, options.path) {
        (true, _) => (Path::Merge, "`--plan` (it compares as a merge)"),
        (false, Choice::Bulk) => (Path::Bulk, "`--bulk`"),
        (false, Choice::Merge) => (Path::Merge, "`--merge`"),
        (false, Choice::Auto) if populated => (Path::Merge, "the target holds replicated rows"),
        (false, Choice::Auto) => (Path::Bulk, "the target's replicated tables are empty"),
    };
    loop {
        on(Event::Path { path, reason: reason.to_string() });
        (report.path, report.path_reason) = (path, reason.to_string());
        report.tables.clear();
        let mut run = Run { notices: &mut notices, subset_ind, report: &mut report, on: &mut *on };
        let tx =
            client.transaction().await.map_err(doing("beginning the replication's transaction"))?;
        if path == Path::Bulk {
            run.bulk(&tx, options).await?;
        } else {
            let foreign = run.merge(target, &tx, options).await?;
            if !foreign.is_empty() {
                if !options.discard_submissions || options.plan {
                    return Err(Error::Submissions { tables: foreign });
                }
                if options.path == Choice::Merge {
                    return Err(Error::MergeWouldDiscard { tables: foreign });
                }
                tx.rollback().await.map_err(Error::step("rollback"))?;
                (path, reason) = (
                    Path::Bulk,
                    "`--discard-submissions`, and the merge would delete rows replication did not create",
                );
                continue;
            }
            if options.plan {
                // Nothing of the run is kept: the rollback drops the staging schema too.
                tx.rollback().await.map_err(Error::step("rollback"))?;
                break;
            }
        }
        let committing = Instant::now();
        tx.commit().await.map_err(Error::step("commit"))?;
        report.commit_seconds = committing.elapsed().as_secs_f64();
        break;
    }
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

/// One attempt of a run, on the run's connection.
struct Run<'a> {
    notices: &'a mut UnboundedReceiver<Notice>,
    subset_ind: bool,
    report: &'a mut Report,
    on: &'a mut (dyn FnMut(Event) + Send),
}

impl Run<'_> {
    /// The bulk path: truncate, set the keys aside, load, restore, verify.
    async fn bulk(&mut self, tx: &Transaction<'_>, options: &Options) -> Result<(), Error> {
        tx.batch_execute(SESSION).await.map_err(Error::step("session settings"))?;
        let foreign = guard::foreign_rows(tx).await?;
        if !foreign.is_empty() && !options.discard_submissions {
            return Err(Error::Submissions { tables: foreign });
        }
        for (table, rows) in &foreign {
            (self.on)(Event::Discarding { table: table.clone(), rows: *rows });
        }
        self.report.discarded = foreign;

        let load = Instant::now();
        let mut set_aside = Vec::new();
        for step in plan::steps(options.mode) {
            (self.on)(Event::Started { table: step.table.to_string() });
            let started = Instant::now();
            let objects = match step.action {
                Action::Sql { sql, takes_mode } => {
                    self.sql(tx, step.table, sql, takes_mode).await?;
                    continue;
                }
                Action::SetAside => {
                    set_aside = keys::capture(tx, plan::TABLES).await?;
                    keys::drop_all(tx, &set_aside).await?;
                    self.report.keys_set_aside = set_aside.len();
                    set_aside.len()
                }
                Action::Restore(kinds) => keys::restore(tx, &set_aside, kinds).await?,
            };
            let seconds = started.elapsed().as_secs_f64();
            self.report.keys_seconds += seconds;
            (self.on)(Event::Keys { step: step.table.to_string(), objects, seconds });
        }
        self.report.load_seconds = load.elapsed().as_secs_f64();

        (self.on)(Event::Verifying);
        let verifying = Instant::now();
        verify::verify(tx, options.mode, "xform_well", &mut self.report.tables).await?;
        self.report.verify_seconds = verifying.elapsed().as_secs_f64();
        tx.batch_execute("DROP TABLE IF EXISTS xform_well; DROP TABLE IF EXISTS xform_well_run")
            .await
            .map_err(Error::step("drop staging"))?;
        Ok(())
    }

    /// The merge path: stage, compare, apply, reset the sequences, verify. Returns the rows
    /// the apply would delete that replication did not create, without applying, when there
    /// are any (the caller decides); with `--plan`, returns after the comparison.
    async fn merge(
        &mut self,
        target: &Target,
        tx: &Transaction<'_>,
        options: &Options,
    ) -> Result<Vec<(String, i64)>, Error> {
        tx.batch_execute(MERGE_SESSION).await.map_err(Error::step("session settings"))?;
        tx.batch_execute(merge::MEMORY).await.map_err(Error::step("session settings"))?;
        let load = Instant::now();
        let search_path = merge::create_stage(tx).await?;
        for step in plan::merge_steps(options.mode) {
            if let Action::Sql { sql, takes_mode } = step.action {
                (self.on)(Event::Started { table: step.table.to_string() });
                self.sql(tx, step.table, sql, takes_mode).await?;
            }
        }
        let comparing = Instant::now();
        let changes = merge::compare(tx, &search_path).await?;
        let mut total = 0;
        for (table, c) in changes {
            total += c.total();
            let t = self.table(table);
            t.staged = t.notice;
            t.changes = Some(c);
        }
        (self.on)(Event::Compared { changes: total, seconds: comparing.elapsed().as_secs_f64() });
        let foreign = merge::foreign_rows(tx).await?;
        if !foreign.is_empty() || options.plan {
            self.report.load_seconds = load.elapsed().as_secs_f64();
            return Ok(foreign);
        }

        (self.on)(Event::Applying);
        let applying = Instant::now();
        let waiting = merge::Waiting {
            lock_timeout: options.apply_lock_timeout,
            attempts: options.apply_attempts.max(1),
            backoff: options.apply_backoff,
        };
        self.report.apply_attempts = merge::apply(target, tx, waiting, self.on).await?;
        self.report.apply_seconds = applying.elapsed().as_secs_f64();
        (self.on)(Event::Applied { changes: total, seconds: self.report.apply_seconds });
        (self.on)(Event::Started { table: "sequences".to_string() });
        self.sql(tx, "sequences", plan::SEQUENCES, false).await?;
        self.report.load_seconds = load.elapsed().as_secs_f64();

        (self.on)(Event::Verifying);
        let verifying = Instant::now();
        verify::verify(tx, options.mode, merge::STAGED_XFORM, &mut self.report.tables).await?;
        self.report.verify_seconds = verifying.elapsed().as_secs_f64();
        tx.batch_execute(&format!("DROP SCHEMA {} CASCADE", merge::STAGE))
            .await
            .map_err(Error::step("drop staging"))?;
        Ok(Vec::new())
    }

    /// The report of `table`, created when missing.
    fn table(&mut self, table: &str) -> &mut TableReport {
        let tables = &mut self.report.tables;
        match tables.iter().position(|t| t.table == table) {
            Some(i) => &mut tables[i],
            None => {
                tables.push(TableReport::empty(table));
                tables.last_mut().unwrap_or_else(|| unreachable!("just pushed"))
            }
        }
    }

    async fn sql(
        &mut self,
        tx: &Transaction<'_>,
        table: &'static str,
        sql: &'static str,
        takes_mode: bool,
    ) -> Result<(), Error> {
        let params: Vec<&(dyn ToSql + Sync)> =
            if takes_mode { vec![&self.subset_ind] } else { vec![] };
        run_sql(tx, self.notices, table, sql, &params, self.report, self.on).await
    }
}

/// Runs one function call (or TRUNCATE) of the plan, turning its notices into counts and
/// progress events, and records the table's time in the report.
async fn run_sql(
    tx: &Transaction<'_>,
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
