//! `cargo xtask`: the developers' front door of gwells-db.
//!
//! Every operator command of the `gwells-db` binary (the same code: `gwells_db::Operator`,
//! flattened in) plus the developers' own: `db`, `legacy`, `rehearse`, `ci`, `bench`, `fuzz`.
//! Inside a developer checkout it also hands the context a dev server to fall back on
//! (`devserver.rs`); one file per developer command; domain logic lives in `crates/`.

// A binary: `pub` only crosses modules here, never the crate, so the lint would flag every item.
#![allow(unreachable_pub)]

// The developer commands use the product's context, exit codes and replication report as their
// own, under the same paths they had when they lived here.
use gwells_db::{ctx, exit, replication};

mod bench;
mod ci;
mod db;
mod devserver;
mod fuzz;
mod legacy;
mod rehearse;
mod setup;

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};

/// gwells-db: the database lifecycle of GWELLS (migrations, code tables, FDW, replication,
/// reset, admin, health) and throwaway PostgreSQL servers for laptops and CI.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version = gwells_db::assets::VERSION)]
#[command(max_term_width = 100)]
#[command(after_long_help = "\
Examples:
  cargo xtask rehearse --subset        # the main job: a full replication rehearsal, verified
  cargo xtask ci                       # what CI runs: fmt, clippy, tests, a subset rehearsal
  cargo xtask db up                    # a persistent dev server, reused across runs
  cargo xtask migrate --plan           # what would run against the chosen database

Target database, first found: --database-url, DATABASE_URL, the POSTGRESQL_* pod variables,
else the dev server (started on demand, inside a developer checkout only). Every command prints
which one it chose. Migrations and code tables: the checkout's, else the ones built in.

Exit codes: 0 ok, 1 failed, 2 bad input or usage, 3 (health) reset in progress, 130 / 143
(reset, replicate) stopped by SIGINT / SIGTERM.")]
struct Cli {
    #[command(flatten)]
    global: gwells_db::Global,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Operator(gwells_db::Operator),
    /// A persistent dev server: up, down, status, url, psql, logs.
    Db(db::Args),
    /// The synthetic stand-in of the legacy Oracle database.
    Legacy(legacy::Args),
    /// The main job: a full replication rehearsal on a throwaway server, verified end to end.
    Rehearse(rehearse::Args),
    /// What CI runs: fmt, clippy, the tests on a throwaway server, a subset rehearsal.
    Ci(ci::Args),
    /// The performance scenarios, each against its baseline in the same run.
    Bench(bench::Args),
    /// Run the fuzz targets (not in CI): header parser, statement splitter, CSV reader.
    Fuzz(fuzz::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // A developer checkout is the workspace this binary was built from, still on disk: only
    // there does a command fall back on the dev server (and read `migrations/` from it).
    let checkout = Some(workspace_root()).filter(|root| root.join("Cargo.toml").is_file());
    let dev =
        checkout.as_ref().map(|_| Arc::new(devserver::Hooks) as Arc<dyn gwells_db::DevServer>);
    let ctx = ctx::Ctx::developer(cli.global, checkout, devdb::target_dir(), dev);
    gwells_db::main_with(async move {
        match cli.command {
            Command::Operator(command) => gwells_db::run(command, &ctx).await,
            Command::Db(args) => db::run(args, &ctx).await,
            Command::Legacy(args) => legacy::run(args, &ctx).await,
            Command::Rehearse(args) => rehearse::run(args, &ctx).await,
            Command::Ci(args) => ci::run(args, &ctx).await,
            Command::Bench(args) => bench::run(args, &ctx).await,
            Command::Fuzz(args) => fuzz::run(args, &ctx).await,
        }
    })
}

/// The workspace root: the parent of this crate's directory, as built.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
