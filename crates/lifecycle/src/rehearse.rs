//! The rehearsal pipeline on a server the caller started: the legacy stand-in with N wells, a
//! migrated and coded target, postgres_fdw between them, replication (the bulk path into the
//! empty target) checked against the generator's known distribution, then the stand-in mutated
//! (1 % of the wells) and replicated again (the merge path), whose change report must list
//! exactly what the mutation changed.

use std::path::PathBuf;
use std::time::Instant;

use replicate::Mode;

use crate::replication::{Replicated, replicate};
use crate::{Error, Folders};

/// What to rehearse.
#[derive(Debug, Clone)]
pub struct RehearsalSpec {
    pub mode: Mode,
    /// Wells in the stand-in, and the generator's seed.
    pub wells: u32,
    pub seed: i64,
    pub folders: Folders,
    pub report_dir: PathBuf,
    /// The server as it reaches itself, for the foreign server: the same as the caller's
    /// target for a local server, the container's own address for a container (the
    /// host-mapped port does not exist inside it).
    pub fdw_server: pg::Target,
}

/// What the pipeline reports as it goes.
pub enum Step<'a> {
    /// A phase finished, in seconds.
    Phase(&'static str, f64),
    /// A line of progress.
    Said(String),
    /// An event of a replication run.
    Replication(replicate::Event),
    /// A replication finished (the bulk run, then the merge).
    Replicated(&'a Replicated),
}

/// The two runs.
#[derive(Debug)]
pub struct Rehearsal {
    pub bulk: Replicated,
    pub merge: Replicated,
}

/// Rehearses on the server of `admin` (a superuser on its `postgres` database): creates the
/// databases `legacy` and `gwells` and runs every phase, reporting each to `on`.
pub async fn rehearse(
    admin: &pg::Target,
    spec: &RehearsalSpec,
    on: &mut (dyn FnMut(Step<'_>) + Send),
) -> Result<Rehearsal, Error> {
    let conn = pg::connect(admin, "gwells-db rehearse")
        .await
        .map_err(|e| Error::step("cannot connect to the server", e))?;
    for db in ["legacy", "gwells"] {
        conn.batch_execute(&format!("CREATE DATABASE {db}"))
            .await
            .map_err(|e| Error::step(format!("cannot create the database `{db}`"), e))?;
    }
    let (legacy_db, target) = (admin.with_dbname("legacy"), admin.with_dbname("gwells"));
    let timed = |on: &mut (dyn FnMut(Step<'_>) + Send), name, started: Instant| {
        on(Step::Phase(name, started.elapsed().as_secs_f64()));
    };

    let t = Instant::now();
    let legacy = legacy::Spec { wells: spec.wells, seed: spec.seed, ..legacy::Spec::default() };
    let summary = legacy::create(&legacy_db, &legacy)
        .await
        .map_err(|e| Error::step("cannot build the legacy stand-in", e))?;
    on(Step::Said(format!("stand-in of {} wells, {} rows", summary.wells, summary.total_rows())));
    timed(on, "legacy", t);

    let t = Instant::now();
    migrate::migrate_all(&target, &spec.folders.migrations)
        .await
        .map_err(|e| Error::step("cannot migrate the target", e))?;
    codes::load_dir(&target, &spec.folders.codetables, &codes::LoadOptions::default())
        .await
        .map_err(|e| Error::step("cannot load the code tables", e))?;
    timed(on, "target", t);

    let t = Instant::now();
    let fdw_spec = fdw::Spec::rehearsal(&spec.fdw_server, "legacy", &legacy.schema);
    fdw::setup(&target, &fdw_spec, &fdw::SetupOptions::default())
        .await
        .map_err(|e| Error::step("cannot set up postgres_fdw", e))?;
    timed(on, "fdw", t);

    let t = Instant::now();
    let options = replicate::Options::new(spec.mode);
    let bulk = replicate(&target, &options, &spec.report_dir, &mut |e| on(Step::Replication(e)))
        .await
        .map_err(|e| Error::step("replication failed", e))?;
    timed(on, "replicate", t);
    on(Step::Replicated(&bulk));
    // The generator knows what a correct replication writes: a second, independent check.
    let expected = match spec.mode {
        Mode::Full => &summary.expected_full,
        _ => &summary.expected_subset,
    };
    let mismatches: Vec<String> = bulk
        .report
        .tables
        .iter()
        .filter_map(|table| {
            let want = *expected.get(&table.table)?;
            (want != table.loaded).then(|| {
                format!("`{}`: {} loaded, the generator expects {want}", table.table, table.loaded)
            })
        })
        .collect();
    if !mismatches.is_empty() {
        return Err(Error::Rehearsal(format!(
            "the replicated counts differ from the generator's distribution: {}",
            mismatches.join("; ")
        )));
    }
    on(Step::Said("counts match the generator's known distribution".into()));

    // The merge path: the stand-in changes, the populated target merges the difference.
    let t = Instant::now();
    let mutation =
        legacy::Mutation { schema: legacy.schema.clone(), fraction: 0.01, seed: spec.seed };
    let mutated = legacy::mutate(&legacy_db, &mutation)
        .await
        .map_err(|e| Error::step("cannot mutate the stand-in", e))?;
    timed(on, "mutate", t);
    let t = Instant::now();
    let merge = replicate(&target, &options, &spec.report_dir, &mut |e| on(Step::Replication(e)))
        .await
        .map_err(|e| Error::step("the merge re-run failed", e))?;
    timed(on, "merge", t);
    on(Step::Replicated(&merge));
    let differences = unexpected_changes(&merge.report, &mutated, spec.mode);
    if merge.report.path != replicate::Path::Merge || !differences.is_empty() {
        return Err(Error::Rehearsal(format!(
            "the re-run took the {} path; its changes differ from the mutation's: {}",
            merge.report.path,
            differences.join("; ")
        )));
    }
    on(Step::Said(format!(
        "the merge changed exactly what the mutation did ({} rows)",
        merge.report.rows_changed()
    )));
    Ok(Rehearsal { bulk, merge })
}

/// Where the merge's change counts differ from the mutation's, in the run's scope.
fn unexpected_changes(report: &replicate::Report, m: &legacy::Mutated, mode: Mode) -> Vec<String> {
    let in_scope = |tag: &&i64| {
        mode != Mode::Subset
            || (i64::from(legacy::SUBSET.0)..=i64::from(legacy::SUBSET.1)).contains(*tag)
    };
    let count = |tags: &[i64]| tags.iter().filter(in_scope).count() as i64;
    let mut out = Vec::new();
    for t in &report.tables {
        let Some(c) = &t.changes else {
            out.push(format!("`{}` has no change report", t.table));
            continue;
        };
        let want = m
            .tables
            .get(&t.source_table)
            .map(|r| (count(&r.inserted), count(&r.updated), count(&r.deleted)))
            .unwrap_or_default();
        if (c.inserted, c.updated, c.deleted) != want {
            out.push(format!(
                "`{}`: inserted/updated/deleted {}/{}/{}, the mutation {}/{}/{}",
                t.table, c.inserted, c.updated, c.deleted, want.0, want.1, want.2
            ));
        }
    }
    out
}
