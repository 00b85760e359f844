//! The operator commands of gwells-db — `migrate`, `codes`, `fdw`, `replicate`, `reset`,
//! `admin`, `health`, ... — as one clap subcommand tree with their run functions.
//!
//! Two binaries use it: `gwells-db` (this crate's `main.rs`, the product that runs on pods) and
//! `cargo xtask`, which flattens [`Operator`] into its own tree beside the developers' commands,
//! so both run the same code. Each command file parses flags, calls the crates and prints; what
//! ties several crates together lives in `lifecycle`.

pub mod assets;
pub mod ctx;
pub mod exit;
pub mod replication;

mod admin;
mod codes_cmd;
mod fdw_cmd;
mod fdw_spec;
mod health;
mod interrupt;
mod migrate_cmd;
mod replicate_cmd;
mod reset;

use std::process::ExitCode;

pub use ctx::{Ctx, DevServer, Global};

/// The operator commands, shared by `gwells-db` and `cargo xtask`.
#[derive(clap::Subcommand)]
pub enum Operator {
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
    /// Replicate from the legacy database: subset or full, verified, reported.
    Replicate(replicate_cmd::Args),
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
}

/// Runs one operator command.
pub async fn run(command: Operator, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match command {
        Operator::Migrate(args) => migrate_cmd::migrate(args, ctx).await,
        Operator::Showmigrations(args) => migrate_cmd::showmigrations(args, ctx).await,
        Operator::Sqlmigrate(args) => migrate_cmd::sqlmigrate(args, ctx).await,
        Operator::Squash(args) => migrate_cmd::squash(args, ctx).await,
        Operator::Codes(args) => codes_cmd::run(args, ctx).await,
        Operator::Fdw(args) => fdw_cmd::run(args, ctx).await,
        Operator::Replicate(args) => replicate_cmd::run(args, ctx).await,
        Operator::Reset(args) => reset::reset(args, ctx).await,
        Operator::Protect(args) => reset::protect(args, ctx, true).await,
        Operator::Unprotect(args) => reset::protect(args, ctx, false).await,
        Operator::Admin(args) => admin::run(args, ctx).await,
        Operator::Health(args) => health::run(args, ctx).await,
    }
}

/// Runs `body` on a multi-threaded runtime and turns its outcome into the exit code: the one
/// `main` of both binaries.
pub fn main_with<F>(body: F) -> ExitCode
where
    F: std::future::Future<Output = anyhow::Result<ExitCode>>,
{
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => return exit::report(anyhow::Error::new(err).context("cannot start tokio")),
    };
    let result = runtime.block_on(body);
    // Shut down without waiting for detached tasks (connection drivers) to notice.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(code) => code,
        Err(err) => exit::report(err),
    }
}
