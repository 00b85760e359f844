//! `cargo xtask rehearse`: the main job. A throwaway server (local or a container), then
//! `lifecycle::rehearse`'s pipeline on it — the legacy stand-in, a migrated and coded target,
//! postgres_fdw, the bulk run checked against the generator, a mutation and the merge run
//! checked against it — with both reports and every phase's time.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use lifecycle::rehearse::Step;
use replicate::Mode;

use crate::ctx::{Ctx, say};
use crate::exit;
use crate::replication;

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
        self.record(name, started.elapsed().as_secs_f64());
    }

    fn record(&mut self, name: &'static str, s: f64) {
        say(&format!("rehearse: {name} done in {s:.2} s"));
        self.0.push((name, s));
    }
}

pub async fn run(args: Args, ctx: &Ctx) -> Result<ExitCode> {
    let chosen = lifecycle::settings::mode_from_flags(args.subset, args.full)?;
    let mode = chosen.unwrap_or(Mode::Subset);
    let backend: devdb::Backend = args.backend.parse().map_err(exit::classified)?;
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
    let result = rehearse(&args, mode, ctx, &server, &mut phases).await;
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
    server: &devdb::Server,
    phases: &mut Phases,
) -> Result<ExitCode> {
    let spec = lifecycle::rehearse::RehearsalSpec {
        mode,
        wells: args.wells,
        seed: args.seed,
        folders: lifecycle::Folders {
            migrations: ctx.migrations_dir()?,
            codetables: ctx.codetables_dir()?,
        },
        report_dir: ctx.report_dir(),
        fdw_server: server.self_target().context("the server's own address")?,
    };
    let mut progress: Option<replication::Progress> = None;
    let mut codes = Vec::new();
    let mut failure = None;
    let mut on = |step: lifecycle::rehearse::Step<'_>| match step {
        Step::Phase(name, seconds) => phases.record(name, seconds),
        Step::Said(line) => say(&format!("rehearse: {line}")),
        Step::Replication(event) => {
            progress.get_or_insert_with(|| replication::Progress::new(mode)).on(event)
        }
        Step::Replicated(run) => {
            progress = None;
            match replication::finish(run, args.json) {
                Ok(code) => codes.push(code),
                Err(e) => failure = Some(e),
            }
        }
    };
    let result = lifecycle::rehearse::rehearse(server.target(), &spec, &mut on).await;
    if let Some(e) = failure {
        return Err(e);
    }
    result.map_err(anyhow::Error::new)?;
    Ok(codes.into_iter().find(|c| *c != crate::exit::OK).unwrap_or(crate::exit::OK))
}
