//! `cargo xtask db`: the persistent dev server.

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;

use crate::ctx::{Ctx, say};
use crate::exit::{self, OK, failed};

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask db up                    # start (or reuse) the dev server; the `gwells` database exists
  cargo xtask db up --backend docker   # in a container (GWELLS_PG_IMAGE, default postgres:15)
  psql \"$(cargo xtask db url)\"         # the URL alone on stdout
  cargo xtask db psql -- -c 'SELECT 1'
  cargo xtask db logs -f
  cargo xtask db down")]
pub struct Args {
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(Subcommand)]
enum DbCommand {
    /// Start the dev server unless it runs already (idempotent).
    Up {
        /// `local` (PostgreSQL binaries), `docker` (a container) or `auto` (local when found).
        #[arg(long, env = "GWELLS_DEVDB_BACKEND", default_value = "auto")]
        backend: String,
    },
    /// Stop the dev server and remove its data.
    Down,
    /// Show the dev server: backend, URL (password masked), pid or container, log.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the URL of the dev server's `gwells` database on stdout, nothing else.
    Url,
    /// Open psql on the dev server's `gwells` database; arguments after `--` go to psql.
    Psql {
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Print the server log (`-f` to follow).
    Logs {
        #[arg(short = 'f', long)]
        follow: bool,
    },
}

pub async fn run(args: Args, _ctx: &Ctx) -> Result<ExitCode> {
    match args.command {
        DbCommand::Up { backend } => {
            let backend: devdb::Backend = backend.parse().map_err(exit::classified)?;
            let server = devdb::dev_server_up(&devdb::DevOptions { backend })
                .await
                .context("cannot start the dev server")?;
            let target = server.target().with_dbname(devdb::DEV_DATABASE);
            say(&format!(
                "dev server: {} PostgreSQL {} at {target}",
                server.backend(),
                server.version()
            ));
            Ok(OK)
        }
        DbCommand::Down => {
            if devdb::dev_server_down().await? {
                say("dev server stopped and removed");
            } else {
                say("no dev server was running");
            }
            Ok(OK)
        }
        DbCommand::Status { json } => {
            let Some(server) = devdb::dev_server().await else {
                say("no dev server is running\nhint: `cargo xtask db up`");
                return Ok(failed());
            };
            let status = server.status();
            if json {
                crate::ctx::print_line(&serde_json::to_string_pretty(&status)?);
            } else {
                crate::ctx::print_line(&format!("backend:  {}", status.backend));
                crate::ctx::print_line(&format!("version:  {}", status.version));
                crate::ctx::print_line(&format!(
                    "url:      {}",
                    server.target().with_dbname(devdb::DEV_DATABASE)
                ));
                match (&status.container, &status.log) {
                    (Some(id), _) => crate::ctx::print_line(&format!("container: {id}")),
                    (None, Some(log)) => {
                        crate::ctx::print_line(&format!("pid:      {}", status.pid));
                        crate::ctx::print_line(&format!("log:      {}", log.display()));
                    }
                    _ => {}
                }
            }
            Ok(OK)
        }
        DbCommand::Url => {
            let server = running().await?;
            // The dev server's credentials are generated and throwaway; printing them is this
            // command's purpose (`psql "$(cargo xtask db url)"`).
            crate::ctx::print_line(
                &server.target().with_dbname(devdb::DEV_DATABASE).url_with_password(),
            );
            Ok(OK)
        }
        DbCommand::Psql { args } => {
            let server = running().await?;
            let target = server.target().with_dbname(devdb::DEV_DATABASE);
            // The password travels in the environment, never in the arguments.
            let password = target.password().map(|p| p.expose().to_string()).unwrap_or_default();
            let masked = target.to_string().replace(":****@", "@");
            let status = duct::cmd("psql", std::iter::once(masked).chain(args))
                .env("PGPASSWORD", password)
                .unchecked()
                .run()
                .context("cannot run psql")?;
            Ok(if status.status.success() { OK } else { failed() })
        }
        DbCommand::Logs { follow } => {
            let server = running().await?;
            let expr = match (server.container_id(), server.log_path()) {
                (Some(id), _) if follow => duct::cmd!("docker", "logs", "-f", id),
                (Some(id), _) => duct::cmd!("docker", "logs", id),
                (None, Some(log)) if follow => duct::cmd!("tail", "-n", "50", "-f", log),
                (None, Some(log)) => duct::cmd!("cat", log),
                (None, None) => anyhow::bail!("the dev server has no log"),
            };
            expr.unchecked().run().context("cannot read the server log")?;
            Ok(OK)
        }
    }
}

async fn running() -> Result<devdb::Server> {
    devdb::dev_server()
        .await
        .ok_or_else(|| anyhow::anyhow!("no dev server is running\nhint: `cargo xtask db up`"))
}
