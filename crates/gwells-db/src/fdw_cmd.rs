//! `cargo xtask fdw setup / status / sql`: the foreign data wrapper to the legacy database.
//!
//! Thin over the `fdw` crate: flags override the `FDW_*` variables, the password comes only
//! from `FDW_PASS` (never a flag: process arguments are visible to every user).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use pg::vars;

use crate::ctx::{Ctx, say};
use crate::exit;
use crate::fdw_spec::{self, SpecFlags};

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask fdw sql                                   # the DDL, password masked
  cargo xtask fdw setup                                 # from FDW_NAME, FDW_FOREIGN_SERVER, FDW_USER,
                                                        #   FDW_PASS, FDW_FOREIGN_SCHEMA, FDW_SCHEMA
  cargo xtask fdw setup --force                         # re-apply an unchanged configuration
  FDW_FOREIGN_SERVER=postgres://127.0.0.1:5433/gwells_legacy FDW_FOREIGN_SCHEMA=wells \\
    cargo xtask fdw setup                               # a rehearsal through postgres_fdw
  cargo xtask fdw status --json                         # configured? current? imported? readable?

The driver follows from FDW_FOREIGN_SERVER: `//host/service` is oracle_fdw, a postgres:// URL or
`host=... port=... dbname=...` is postgres_fdw; --driver chooses explicitly. An unchanged
configuration is a no-op (its fingerprint, salted PBKDF2, is stored as the server's comment); a
changed one is re-applied in one transaction. The seed's lock file ($PGDATA/fdw.conf, or
--lock-file) is honoured when it holds the current fingerprint and written after every success.

FDW_PASS is in no statement: it is sent as COPY data and the user mapping is built from it inside
a DO block, so `log_statement`, `log_min_error_statement` and `pg_stat_activity` never see it.
Loggers of nested statements (`pgaudit.log`, `pg_stat_statements.track = all`, `debug_print_*`)
are turned off for the transaction; where this role may not, setup refuses (exit 2) unless
--allow-logged-secret.")]
pub struct Args {
    #[command(flatten)]
    flags: SpecFlags,

    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Create extension, server, user mapping, schema, foreign tables and reader role.
    Setup {
        /// Re-apply even when the configuration is unchanged.
        #[arg(long)]
        force: bool,
        /// The seed's lock file [default: $PGDATA/fdw.conf when PGDATA is set].
        #[arg(long, value_name = "PATH")]
        lock_file: Option<PathBuf>,
        /// Go on when `pgaudit.log` or `pg_stat_statements.track = all` would record the user
        /// mapping's statement (with the password) and this role may not turn it off.
        #[arg(long)]
        allow_logged_secret: bool,
    },
    /// Configured? Fingerprint current? Foreign tables imported? Does a probe query succeed?
    Status {
        /// Print the status as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the DDL of the setup, password masked.
    Sql,
}

pub(crate) async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let spec = fdw_spec::spec(&args.flags)?;
    match args.command {
        Command::Sql => {
            let mut out = String::new();
            for statement in fdw::render(&spec) {
                out.push_str(&statement);
                out.push_str(";\n");
            }
            crate::ctx::print(&out);
            Ok(exit::OK)
        }
        Command::Setup { force, lock_file, allow_logged_secret } => {
            let target = ctx.target().await?;
            let schemas = reset::application_schemas(&target).await?;
            spec.check_local_schema(&schemas)?;
            let lock_file = lock_file.or_else(|| {
                std::env::var_os(vars::PGDATA).map(|d| PathBuf::from(d).join("fdw.conf"))
            });
            if let Some(path) = &lock_file {
                say(&format!("lock file: {}", path.display()));
            }
            say(&format!(
                "fdw: server `{}` ({}) into schema `{}`",
                spec.name,
                spec.driver.kind(),
                spec.local_schema
            ));
            let options = fdw::SetupOptions {
                force,
                lock_file,
                allow_logged_secret,
                ..fdw::SetupOptions::default()
            };
            let started = std::time::Instant::now();
            let outcome = fdw::setup(&target, &spec, &options)
                .await
                .with_context(|| format!("cannot set up the foreign server `{}`", spec.name))?;
            say(&format!("fdw: {outcome} in {:.2} s", started.elapsed().as_secs_f64()));
            Ok(exit::OK)
        }
        Command::Status { json } => {
            let target = ctx.target().await?;
            let status = fdw::status(&target, &spec)
                .await
                .with_context(|| format!("cannot read the status of `{}`", spec.name))?;
            if json {
                crate::ctx::print(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&status).context("status as JSON")?
                ));
            } else {
                crate::ctx::print(&format!("{status}\n"));
            }
            Ok(if status.healthy() { exit::OK } else { exit::failed() })
        }
    }
}
