//! The template path: replace the database by a clone of a template instead of dropping its
//! objects and migrating again.
//!
//! Used only on throwaway servers (the caller decides), where databases may be created, renamed
//! and dropped at will. In order:
//!
//! 1. the caller's `ensure` returns the name of a template on the same server holding what the
//!    covered phases (migrate, codes) would build, building it first if needed — the target is
//!    untouched, so a broken migration fails here and changes nothing;
//! 2. the template is cloned into a scratch database `gwells_rst_<pid>_<n>`;
//! 3. what a cold reset would keep (extensions, foreign servers and schemas, database settings,
//!    privileges, comment, encoding, event triggers, publications) is compared: anything the
//!    target holds that neither the clone holds nor a later phase re-creates would be lost, so
//!    the clone is dropped and the reset falls back to the cold path, saying why;
//! 4. the maintenance marker is written into the clone (naming the same keeper session, which
//!    sits in the server's `postgres` database), the target's sessions are terminated and the
//!    two databases swap names in one transaction — a connection finds the old database or the
//!    new one; only one racing the renames themselves is refused ("does not exist", SQLSTATE
//!    3D000) and finds the new one when it tries again — and the old one is dropped.
//!
//! A stop requested before the swap drops the clone and leaves the target as it was; the swap
//! itself is never interrupted.
//!
//! A process killed midway leaves `gwells_rst_<pid>_<n>` or `gwells_old_<pid>_<n>`; the next
//! template reset on the server drops those whose process is gone.

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use pg::Target;

use crate::drop::quote;
use crate::drop::{Inventory, inventory};
use crate::marker::META_SCHEMA;
use crate::marker::{self, Maintenance};
use crate::phase::{PhaseFuture, PhaseReport, report};
use crate::{BoxError, DropOptions, Error};

/// The template path of a reset: where the template lives and what it stands for.
pub struct Template {
    admin: Target,
    covers: Vec<String>,
    recreated: Vec<Kept>,
    ensure: Box<dyn FnOnce(Target) -> PhaseFuture + Send>,
}

impl Template {
    /// `admin`: the server's `postgres` database (templates are cloned from there and the
    /// maintenance marker's keeper sits there). `covers`: the phases the template holds, skipped
    /// when it is used. `recreated`: what later phases build again (the FDW's extension, server
    /// and schema). `ensure`: given `admin`, returns the template's name, building it if needed.
    pub fn new<F, Fut>(admin: Target, covers: &[&str], recreated: Vec<Kept>, ensure: F) -> Template
    where
        F: FnOnce(Target) -> Fut + Send + 'static,
        Fut: Future<Output = Result<String, BoxError>> + Send + 'static,
    {
        Template {
            admin,
            covers: covers.iter().map(|s| s.to_string()).collect(),
            recreated,
            ensure: Box::new(move |t| Box::pin(ensure(t))),
        }
    }

    pub(crate) fn admin(&self) -> &Target {
        &self.admin
    }
}

/// Something a cold reset keeps and a clone of the template may not have.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kept {
    /// An extension.
    Extension(String),
    /// A foreign server (with its user mappings).
    Server(String),
    /// The FDW's schema.
    Schema(String),
    /// A property of the database or a database-wide object: `setting: work_mem=1MB`, ...
    Other(String),
}

impl fmt::Display for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kept::Extension(n) => write!(f, "extension `{n}`"),
            Kept::Server(n) => write!(f, "foreign server `{n}`"),
            Kept::Schema(n) => write!(f, "schema `{n}`"),
            Kept::Other(s) => f.write_str(s),
        }
    }
}

/// What a cold reset with `options` would keep of a database holding `inventory`, `extensions`
/// and the database-level `others`.
pub(crate) fn kept(
    inventory: &Inventory,
    extensions: &[String],
    others: &[String],
    options: &DropOptions,
) -> BTreeSet<Kept> {
    let mut out: BTreeSet<Kept> = extensions.iter().cloned().map(Kept::Extension).collect();
    if !options.drop_fdw {
        out.extend(inventory.servers.iter().cloned().map(Kept::Server));
    }
    // Schemas kept for their extension objects are covered by the extensions themselves.
    for s in &inventory.schemas {
        if s.name != META_SCHEMA && options.keeps_fdw_schema(s) {
            out.insert(Kept::Schema(s.name.clone()));
        }
    }
    out.extend(others.iter().cloned().map(Kept::Other));
    out
}

/// What the target would lose by the swap: kept there, absent from the clone, not re-created.
pub(crate) fn lost(
    target: &BTreeSet<Kept>,
    clone: &BTreeSet<Kept>,
    recreated: &[Kept],
) -> Vec<Kept> {
    target.iter().filter(|k| !clone.contains(k) && !recreated.contains(k)).cloned().collect()
}

async fn read_kept(target: &Target, options: &DropOptions) -> Result<BTreeSet<Kept>, Error> {
    let database = target.dbname();
    let pgdb = Error::db(database, "listing what a reset keeps");
    let conn = pg::connect(target, "gwells-db reset").await?;
    let inventory = inventory(&*conn).await.map_err(&pgdb)?;
    let column =
        |rows: Vec<tokio_postgres::Row>| -> Vec<String> { rows.iter().map(|r| r.get(0)).collect() };
    let extensions =
        column(conn.query("SELECT extname::text FROM pg_extension", &[]).await.map_err(&pgdb)?);
    let others = column(conn.query(include_str!("kept.sql"), &[]).await.map_err(&pgdb)?);
    Ok(kept(&inventory, &extensions, &others, options))
}

/// How the template path ended.
pub(crate) enum Outcome {
    /// The target was replaced; skip these phases.
    Replaced { covers: Vec<String> },
    /// The target would have lost something: nothing changed, reset it in place.
    Declined,
    /// A stop was requested before the swap: nothing changed.
    Interrupted { during: String },
}

/// Runs the template path; see the module documentation. `lock` stays held until the swap ends
/// its session with the others: a `protect` waiting for it fails rather than mark the copy that
/// is about to be dropped (and one that slips in between is carried over to the new copy).
pub(crate) async fn replace(
    target: &Target,
    options: &crate::Options,
    template: Template,
    maintenance: &Maintenance,
    lock: &mut Option<pg::Lock>,
    reports: &mut Vec<PhaseReport>,
    on_phase: &mut (dyn FnMut(&PhaseReport) + Send),
) -> Result<Outcome, Error> {
    let database = target.dbname();
    let admin_db = template.admin.dbname().to_string();
    let started = Instant::now();
    if database == admin_db {
        let why = format!("not used: `{database}` is the database the template path works from");
        report(reports, on_phase, "template", started, why);
        return Ok(Outcome::Declined);
    }
    let stop = &options.stop;
    // Until the swap the target is untouched: a stop drops what was made for it and says so.
    let name = pg::finish_or_cancel(stop, (template.ensure)(template.admin.clone())).await;
    if stop.is_requested() {
        return Ok(Outcome::Interrupted { during: "template".into() });
    }
    let name = name.map_err(|source| Error::Template { database: database.into(), source })?;
    let app = format!("{APPLICATION} (pid {})", std::process::id());
    let conn = pg::connect(&template.admin, &app).await?;
    let pgdb = Error::db(&admin_db, "cloning the template");
    drop_leftovers(&conn).await;
    // The process id says whose leftovers these are; the count keeps two resets of one process
    // (threads of a test binary) apart.
    static RESETS: AtomicU32 = AtomicU32::new(0);
    let id = format!("{}_{}", std::process::id(), RESETS.fetch_add(1, Ordering::Relaxed));
    let (scratch, old) = (format!("gwells_rst_{id}"), format!("gwells_old_{id}"));
    let names = Names { target: quote(database)?, old: quote(&old)?, scratch: quote(&scratch)? };
    let owner: String = conn
        .query_one(
            "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1",
            &[&database],
        )
        .await
        .map_err(&pgdb)?
        .get(0);
    let create = format!(
        "CREATE DATABASE {} TEMPLATE {} OWNER {}",
        names.scratch,
        quote(&name)?,
        quote(&owner)?
    );
    let created = pg::finish_or_cancel(stop, conn.batch_execute(&create)).await;
    if stop.is_requested() {
        let _ = conn.batch_execute(&drop_sql(&names.scratch)).await;
        return Ok(Outcome::Interrupted { during: "template".into() });
    }
    created.map_err(&pgdb)?;

    // From here until the swap, any failure drops the clone.
    let scratch_target = template.admin.with_dbname(&scratch);
    let prepared = async {
        let (now, clone) = tokio::try_join!(
            read_kept(target, &options.drop),
            read_kept(&scratch_target, &options.drop)
        )?;
        let lost = lost(&now, &clone, &template.recreated);
        if lost.is_empty() {
            maintenance.mark(&scratch_target, &options.set_by).await?;
        }
        Ok::<_, Error>(lost)
    }
    .await;
    let lost = match prepared {
        Ok(_) if stop.is_requested() => {
            conn.batch_execute(&drop_sql(&names.scratch)).await.map_err(&pgdb)?;
            return Ok(Outcome::Interrupted { during: "template".into() });
        }
        Ok(lost) => lost,
        Err(err) => {
            let _ = conn.batch_execute(&drop_sql(&names.scratch)).await;
            return Err(err);
        }
    };
    if !lost.is_empty() {
        conn.batch_execute(&drop_sql(&names.scratch)).await.map_err(&pgdb)?;
        let lost: Vec<String> = lost.iter().map(|k| k.to_string()).collect();
        let why = format!(
            "not used: `{database}` holds {} that a reset in place keeps and the template lacks",
            lost.join(", ")
        );
        report(reports, on_phase, "template", started, why);
        return Ok(Outcome::Declined);
    }
    let summary = format!("`{name}` cloned (holds {})", template.covers.join(", "));
    report(reports, on_phase, "template", started, summary);

    let started = Instant::now();
    if let Err(err) = swap(&conn, database, &names).await {
        let _ = conn.batch_execute(&drop_sql(&names.scratch)).await;
        return Err(Error::db(database, "swapping in the clone")(err));
    }
    // Its session was ended by the swap; the lock went with it.
    drop(lock.take());
    let mut summary = format!("`{database}` replaced by the clone");
    let old_target = template.admin.with_dbname(&old);
    if let Some(p) = marker::markers(&old_target).await?.protected {
        marker::set_protected(target, true, &p.set_by, &p.note).await?;
        summary.push_str(&format!(
            "; the protection marker set meanwhile by {} carried over",
            p.set_by
        ));
    }
    // The marker check's session may still be closing.
    let _ = end_sessions(&conn, &old).await;
    match conn.batch_execute(&drop_sql(&names.old)).await {
        Ok(()) => summary.push_str(", the old one dropped"),
        // The reset itself is done: the next template reset removes the old copy.
        Err(e) => summary.push_str(&format!("; the old copy `{old}` is left ({e})")),
    }
    report(reports, on_phase, "swap", started, summary);
    Ok(Outcome::Replaced { covers: template.covers })
}

/// The three databases of a template reset, each name already quoted for SQL.
struct Names {
    /// The database being reset.
    target: String,
    /// What the target is renamed to, then dropped.
    old: String,
    /// The clone of the template, renamed to the target.
    scratch: String,
}

/// Terminates the target's sessions and swaps the names in one transaction, retrying for up to
/// 30 s while a session that connected in between is still there.
async fn swap(conn: &pg::Conn, database: &str, names: &Names) -> Result<(), tokio_postgres::Error> {
    let Names { target: db, old, scratch } = names;
    let sql = format!(
        "BEGIN; ALTER DATABASE {db} RENAME TO {old}; ALTER DATABASE {scratch} RENAME TO {db}; COMMIT;"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        end_sessions(conn, database).await?;
        match conn.batch_execute(&sql).await {
            Ok(()) => return Ok(()),
            Err(e) => {
                let _ = conn.batch_execute("ROLLBACK").await;
                if Instant::now() >= deadline
                    || e.code() != Some(&tokio_postgres::error::SqlState::OBJECT_IN_USE)
                {
                    return Err(e);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

/// Ends the sessions on `database` and waits (every 5 ms, up to 1 s) until they are gone: a
/// rename or drop waits for them itself, but in 100 ms steps, as does `pg_terminate_backend`.
async fn end_sessions(conn: &pg::Conn, database: &str) -> Result<(), tokio_postgres::Error> {
    let others = "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()";
    conn.execute(&format!("SELECT pg_terminate_backend(pid) FROM ({others}) s"), &[&database])
        .await?;
    let waiting = Instant::now();
    while waiting.elapsed() < Duration::from_secs(1)
        && !conn.query(others, &[&database]).await?.is_empty()
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(())
}

/// Names the sessions that create, rename and drop databases, with the process they serve.
const APPLICATION: &str = "gwells-db reset template";

/// Removes what killed template resets left, as far as it can (a leftover that cannot be
/// removed now is tried again next time): first the sessions still working for them (a server
/// finishes a `CREATE DATABASE` whose client is gone before it notices), then the
/// `gwells_rst_<pid>_<n>` / `gwells_old_<pid>_<n>` databases whose process is gone.
async fn drop_leftovers(conn: &pg::Conn) {
    let gone = |pid: &str| !std::path::Path::new("/proc").join(pid).exists();
    let sessions = conn
        .query(
            "SELECT pid, substring(application_name FROM '\\(pid ([0-9]+)\\)$')
               FROM pg_stat_activity
              WHERE starts_with(application_name, $1) AND pid <> pg_backend_pid()",
            &[&APPLICATION],
        )
        .await
        .unwrap_or_default();
    for row in sessions {
        let (backend, client): (i32, Option<String>) = (row.get(0), row.get(1));
        if client.as_deref().is_some_and(gone) {
            let _ = conn.execute("SELECT pg_terminate_backend($1, 10000)", &[&backend]).await;
        }
    }
    let databases = conn
        .query(
            "SELECT datname::text FROM pg_database
              WHERE datname ~ '^gwells_(rst|old)_[0-9]+_[0-9]+$'",
            &[],
        )
        .await
        .unwrap_or_default();
    for row in databases {
        let name: String = row.get(0);
        if gone(name.split('_').nth(2).unwrap_or_default())
            && let Ok(quoted) = quote(&name)
        {
            let _ = conn.batch_execute(&drop_sql(&quoted)).await;
        }
    }
}

/// `quoted`: a database name already quoted.
fn drop_sql(quoted: &str) -> String {
    format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drop::Schema;

    fn inventory() -> Inventory {
        Inventory {
            schemas: vec![
                Schema { name: "gwells_db_meta".into(), has_extension: false, foreign_only: false },
                Schema { name: "public".into(), has_extension: true, foreign_only: false },
                Schema { name: "registries".into(), has_extension: false, foreign_only: false },
                Schema { name: "wells".into(), has_extension: false, foreign_only: true },
            ],
            objects: vec![],
            servers: vec!["wells_fdw".into()],
        }
    }

    #[test]
    fn kept_is_what_a_cold_reset_leaves() {
        let ext = ["plpgsql".to_string(), "postgres_fdw".to_string()];
        let others = ["setting: work_mem=1MB".to_string()];
        let got = kept(&inventory(), &ext, &others, &DropOptions::default());
        let want: BTreeSet<Kept> = [
            Kept::Extension("plpgsql".into()),
            Kept::Extension("postgres_fdw".into()),
            Kept::Server("wells_fdw".into()),
            Kept::Schema("wells".into()),
            Kept::Other("setting: work_mem=1MB".into()),
        ]
        .into();
        assert_eq!(got, want);
        // --drop-fdw: the server and the foreign schema go with the cold reset too.
        let options = DropOptions { drop_fdw: true, fdw_schemas: vec![] };
        let got = kept(&inventory(), &ext, &[], &options);
        assert!(!got.contains(&Kept::Server("wells_fdw".into())), "{got:?}");
        assert!(!got.contains(&Kept::Schema("wells".into())), "{got:?}");
    }

    #[test]
    fn lost_ignores_what_the_clone_has_or_a_phase_recreates() {
        let target: BTreeSet<Kept> = [
            Kept::Extension("plpgsql".into()),
            Kept::Extension("pg_trgm".into()),
            Kept::Server("wells_fdw".into()),
        ]
        .into();
        let clone: BTreeSet<Kept> = [Kept::Extension("plpgsql".into())].into();
        assert_eq!(
            lost(&target, &clone, &[Kept::Server("wells_fdw".into())]),
            vec![Kept::Extension("pg_trgm".into())]
        );
        assert!(lost(&clone, &target, &[]).is_empty(), "what the clone adds is never lost");
    }
}
