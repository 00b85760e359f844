//! `cargo xtask rehearse`: the main job. A throwaway server, the legacy stand-in with N wells,
//! a migrated and coded target, postgres_fdw between them, replication (the bulk path into the
//! empty target), verification against the generator's known distribution, then the stand-in
//! mutated (`legacy::mutate`, 1 % of the wells) and replicated again (the merge path), its
//! change report checked against what the mutation changed, both reports, and every phase's
//! time.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use replicate::Mode;

use crate::ctx::{Ctx, say};
use crate::exit::bad_input;

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask rehearse --subset --wells 20000    # quick: 20k wells, the subset replicated
  cargo xtask rehearse --full                    # the real size (~111k wells), everything
  cargo xtask rehearse --full --seed 7 --keep    # keep the server to look around afterwards

Both paths run: the bulk path into the empty target, then, after `legacy mutate` changed 1%
of the wells, the merge path, whose change report must list exactly what the mutation changed.
--json prints the two reports, one JSON document each.
The server is stopped and removed afterwards, on failure too, unless --keep.
Exit codes: 0 verified, 1 an unexplained difference or a failed phase, 2 bad input.")]
pub struct Args {
    /// Replicate the subset (default).
    #[arg(long)]
    subset: bool,
    /// Replicate every accepted well.
    #[arg(long)]
    full: bool,
    /// Wells in the legacy stand-in.
    #[arg(long, default_value_t = 111_000)]
    wells: u32,
    /// Generator seed: the same seed gives the same stand-in.
    #[arg(long, default_value_t = 1)]
    seed: i64,
    /// Server backend: local or docker.
    #[arg(long, default_value = "local")]
    backend: String,
    /// Leave the server running and print its URL.
    #[arg(long)]
    keep: bool,
    /// Print the report as JSON on stdout instead of a table.
    #[arg(long)]
    json: bool,
}

struct Phases(Vec<(&'static str, f64)>);

impl Phases {
    fn time(&mut self, name: &'static str, started: Instant) {
        let s = started.elapsed().as_secs_f64();
        say(&format!("rehearse: {name} done in {s:.2} s"));
        self.0.push((name, s));
    }
}

pub async fn run(args: Args, ctx: &Ctx) -> Result<ExitCode> {
    let mode = if args.full && args.subset {
        return Err(bad_input(replicate::Error::BothModes));
    } else if args.full {
        Mode::Full
    } else {
        Mode::Subset
    };
    let backend: devdb::Backend = args.backend.parse().map_err(bad_input)?;
    crate::setup::ensure_postgres(&crate::workspace_root(), backend)?;
    let mut phases = Phases(Vec::new());
    let total = Instant::now();

    let t = Instant::now();
    let options = devdb::ServerOptions {
        backend,
        owner_pid: if args.keep { 0 } else { std::process::id() },
        ..devdb::ServerOptions::default()
    };
    let server = devdb::Server::start(&options).await.context("cannot start a throwaway server")?;
    phases.time("server", t);
    let result = rehearse(&args, mode, ctx, server.target(), &mut phases).await;
    if args.keep {
        say(&format!(
            "rehearse: server kept: psql '{}'",
            server.target().with_dbname("gwells").url_with_password()
        ));
        std::mem::forget(server);
    } else {
        let t = Instant::now();
        server.stop().await;
        phases.time("cleanup", t);
    }
    let code = result?;
    say("rehearse: phases");
    for (name, s) in &phases.0 {
        say(&format!("  {name:>12} {s:>8.2} s"));
    }
    say(&format!("  {:>12} {:>8.2} s", "total", total.elapsed().as_secs_f64()));
    Ok(code)
}

async fn rehearse(
    args: &Args,
    mode: Mode,
    ctx: &Ctx,
    admin: &pg::Target,
    phases: &mut Phases,
) -> Result<ExitCode> {
    let conn =
        pg::connect(admin, "gwells-db rehearse").await.context("cannot connect to the server")?;
    for db in ["legacy", "gwells"] {
        conn.batch_execute(&format!("CREATE DATABASE {db}"))
            .await
            .with_context(|| format!("cannot create the database `{db}`"))?;
    }
    let (legacy_db, target) = (admin.with_dbname("legacy"), admin.with_dbname("gwells"));

    let t = Instant::now();
    let spec = legacy::Spec { wells: args.wells, seed: args.seed, ..legacy::Spec::default() };
    let summary =
        legacy::create(&legacy_db, &spec).await.context("cannot build the legacy stand-in")?;
    say(&format!("rehearse: stand-in of {} wells, {} rows", summary.wells, summary.total_rows()));
    phases.time("legacy", t);

    let t = Instant::now();
    migrate::migrate_all(&target, &ctx.migrations_dir()?)
        .await
        .context("cannot migrate the target")?;
    codes::load_dir(&target, &ctx.codetables_dir()?, &codes::LoadOptions::default())
        .await
        .context("cannot load the code tables")?;
    phases.time("target", t);

    let t = Instant::now();
    let fdw_spec = fdw::Spec::rehearsal(admin, "legacy", &spec.schema);
    fdw::setup(&target, &fdw_spec, &fdw::SetupOptions::default())
        .await
        .context("cannot set up postgres_fdw")?;
    phases.time("fdw", t);

    let t = Instant::now();
    let options = replicate::Options::new(mode);
    let report = crate::replication::run_with_progress(&target, &options)
        .await
        .context("replication failed")?;
    phases.time("replicate", t);

    // The generator knows what a correct replication writes: a second, independent check.
    let expected = match mode {
        Mode::Full => &summary.expected_full,
        _ => &summary.expected_subset,
    };
    let mut mismatches = Vec::new();
    for table in &report.tables {
        if let Some(&want) = expected.get(&table.table)
            && want != table.loaded
        {
            mismatches.push(format!(
                "`{}`: {} loaded, the generator expects {want}",
                table.table, table.loaded
            ));
        }
    }
    let code = crate::replication::finish(&report, ctx, args.json)?;
    if !mismatches.is_empty() {
        bail!(
            "the replicated counts differ from the generator's distribution: {}",
            mismatches.join("; ")
        );
    }
    say("rehearse: counts match the generator's known distribution");

    // The merge path: the stand-in changes, the populated target merges the difference.
    let t = Instant::now();
    let mutation =
        legacy::Mutation { schema: spec.schema.clone(), fraction: 0.01, seed: args.seed };
    let mutated =
        legacy::mutate(&legacy_db, &mutation).await.context("cannot mutate the stand-in")?;
    phases.time("mutate", t);
    let t = Instant::now();
    let merged = crate::replication::run_with_progress(&target, &options)
        .await
        .context("the merge re-run failed")?;
    phases.time("merge", t);
    let merge_code = crate::replication::finish(&merged, ctx, args.json)?;
    let differences = unexpected_changes(&merged, &mutated, mode);
    if merged.path != replicate::Path::Merge || !differences.is_empty() {
        bail!(
            "the re-run took the {} path; its changes differ from the mutation's: {}",
            merged.path,
            differences.join("; ")
        );
    }
    say(&format!(
        "rehearse: the merge changed exactly what the mutation did ({} rows)",
        merged.rows_changed()
    ));
    Ok(if code == crate::exit::OK { merge_code } else { code })
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
