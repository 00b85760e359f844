//! `cargo xtask`: the front door of gwells-db.
//!
//! Parses flags (clap derive), resolves configuration once ([`ctx::Ctx`]) and calls the crates.
//! One file per command; domain logic lives in `crates/`.

// A binary: `pub` only crosses modules here, never the crate, so the lint would flag every item.
#![allow(unreachable_pub)]

mod ctx;
mod exit;

mod admin;
mod bench;
mod ci;
mod codes_cmd;
mod db;
mod fdw_cmd;
mod fdw_spec;
mod fuzz;
mod health;
mod interrupt;
mod legacy;
mod migrate_cmd;
mod rehearse;
mod replicate_cmd;
mod replication;
mod reset;
mod setup;

use clap::{Parser, Subcommand};

/// gwells-db: the database lifecycle of GWELLS (migrations, code tables, FDW, replication,
/// reset, admin, health) and throwaway PostgreSQL servers for laptops and CI.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, max_term_width = 100)]
#[command(after_long_help = "\
Examples:
  cargo xtask rehearse --subset        # the main job: a full replication rehearsal, verified
  cargo xtask ci                       # what CI runs: fmt, clippy, tests, a subset rehearsal
  cargo xtask db up                    # a persistent dev server, reused across runs
  cargo xtask migrate --plan           # what would run against the chosen database

Target database, first found: --database-url, DATABASE_URL, the POSTGRESQL_* pod variables,
libpq's PGHOST/PGPORT/PGUSER/PGDATABASE, else the dev server (started on demand). Every command
prints which one it chose. TLS as libpq: sslmode (disable, prefer, require, verify-ca,
verify-full) and sslrootcert in the URL or PGSSLMODE/PGSSLROOTCERT.

Exit codes: 0 ok, 1 failed, 2 bad input or usage, 3 (health) reset in progress, 130 / 143
(reset, replicate) stopped by SIGINT / SIGTERM.")]
struct Cli {
    /// Database to work on, e.g. postgres://user@host:5432/gwells (else DATABASE_URL, the
    /// POSTGRESQL_* variables, or the dev server). A password here is visible in the process
    /// list: put a URL with a password in DATABASE_URL instead.
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,

    /// Folder of migrations (default: `migrations/` of the workspace).
    #[arg(long, global = true, value_name = "DIR")]
    migrations_dir: Option<std::path::PathBuf>,

    /// Limit of each connection attempt, in seconds (else the URL's connect_timeout,
    /// PGCONNECT_TIMEOUT, or 10).
    #[arg(long, global = true, value_name = "SECS")]
    connect_timeout: Option<u64>,

    /// Wait up to SECS for the database to accept connections before the first one (refused,
    /// not yet in DNS, still starting up), as an init container needs.
    #[arg(long, global = true, value_name = "SECS")]
    wait: Option<u64>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A persistent dev server: up, down, status, url, psql, logs.
    Db(db::Args),
    /// Apply pending migrations in Django's order (or move an app to NAME).
    Migrate(migrate_cmd::MigrateArgs),
    /// List migrations per app as Django does: [X] applied, [ ] pending, [-] partly squashed.
    Showmigrations(migrate_cmd::ShowArgs),
    /// Print the SQL of one migration.
    Sqlmigrate(migrate_cmd::SqlArgs),
    /// Write a squashed migration with a `replaces` header.
    Squash(migrate_cmd::SquashArgs),
    /// Code tables: check CSVs offline, load them, dump them back.
    Codes(codes_cmd::Args),
    /// The foreign data wrapper: setup, status, sql.
    Fdw(fdw_cmd::Args),
    /// The synthetic stand-in of the legacy Oracle database.
    Legacy(legacy::Args),
    /// Replicate from the legacy database: subset or full, verified, reported.
    Replicate(replicate_cmd::Args),
    /// The main job: a full replication rehearsal on a throwaway server, verified end to end.
    Rehearse(rehearse::Args),
    /// Reset a database to a clean migrated and coded state (guarded).
    Reset(reset::ResetArgs),
    /// Mark a database protected: `reset` refuses it.
    Protect(reset::ProtectArgs),
    /// Remove the protection marker.
    Unprotect(reset::ProtectArgs),
    /// The Django superuser and the obfuscated admin URL.
    Admin(admin::Args),
    /// For probes: 0 healthy, 3 reset in progress, 1 otherwise.
    Health(health::Args),
    /// What CI runs: fmt, clippy, the tests on a throwaway server, a subset rehearsal.
    Ci(ci::Args),
    /// The performance scenarios, each against its baseline in the same run.
    Bench(bench::Args),
    /// Run the fuzz targets (not in CI): header parser, statement splitter, CSV reader.
    Fuzz(fuzz::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => return exit::report(anyhow::Error::new(err).context("cannot start tokio")),
    };
    let ctx = ctx::Ctx::new(cli.database_url, cli.migrations_dir)
        .with_connection_flags(cli.connect_timeout, cli.wait);
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Db(args) => db::run(args, &ctx).await,
            Command::Migrate(args) => migrate_cmd::migrate(args, &ctx).await,
            Command::Showmigrations(args) => migrate_cmd::showmigrations(args, &ctx).await,
            Command::Sqlmigrate(args) => migrate_cmd::sqlmigrate(args, &ctx).await,
            Command::Squash(args) => migrate_cmd::squash(args, &ctx).await,
            Command::Codes(args) => codes_cmd::run(args, &ctx).await,
            Command::Fdw(args) => fdw_cmd::run(args, &ctx).await,
            Command::Legacy(args) => legacy::run(args, &ctx).await,
            Command::Replicate(args) => replicate_cmd::run(args, &ctx).await,
            Command::Rehearse(args) => rehearse::run(args, &ctx).await,
            Command::Reset(args) => reset::reset(args, &ctx).await,
            Command::Protect(args) => reset::protect(args, &ctx, true).await,
            Command::Unprotect(args) => reset::protect(args, &ctx, false).await,
            Command::Admin(args) => admin::run(args, &ctx).await,
            Command::Health(args) => health::run(args, &ctx).await,
            Command::Ci(args) => ci::run(args, &ctx).await,
            Command::Bench(args) => bench::run(args, &ctx).await,
            Command::Fuzz(args) => fuzz::run(args, &ctx).await,
        }
    });
    // Shut down without waiting for detached tasks (connection drivers) to notice.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(code) => code,
        Err(err) => exit::report(err),
    }
}
