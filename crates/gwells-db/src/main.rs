//! `gwells-db`: the database lifecycle of GWELLS for pods, jobs and operators' shells.
//!
//! The operator commands of `cargo xtask`, without the developers' ones and without any code
//! that starts servers: no target is an error, the migrations and code tables are built in.

use clap::{CommandFactory, FromArgMatches, Parser};
use gwells_db::{Ctx, Global, Operator, assets};

/// gwells-db: the database lifecycle of GWELLS (migrations, code tables, FDW, replication,
/// reset, admin, health).
#[derive(Parser)]
#[command(name = "gwells-db", version = assets::VERSION, max_term_width = 100)]
#[command(after_long_help = "\
Examples:
  gwells-db migrate --plan             # what would run against the chosen database
  gwells-db migrate && gwells-db codes load
  gwells-db health --ready             # a readiness probe: 0 ready, 3 reset in progress
  gwells-db reset --confirm gwells     # guarded reset of the database named gwells

Target database, first found: --database-url, DATABASE_URL, the POSTGRESQL_* pod variables.
Without one a command that needs a database exits 2. Every command prints which one it chose.
Migrations and code tables are built into the binary (--version shows their hash);
--migrations-dir / --codetables-dir use others.

Exit codes: 0 ok, 1 failed, 2 bad input or usage, 3 (health) reset in progress, 130 / 143
(reset, replicate) stopped by SIGINT / SIGTERM.")]
struct Cli {
    #[command(flatten)]
    global: Global,

    #[command(subcommand)]
    command: Operator,
}

fn main() -> std::process::ExitCode {
    let matches = as_product(Cli::command()).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let ctx = Ctx::product(cli.global);
    gwells_db::main_with(async move { gwells_db::run(cli.command, &ctx).await })
}

/// The operator commands' examples are written for `cargo xtask`, which shares them; here they
/// show the product's name.
fn as_product(command: clap::Command) -> clap::Command {
    let command = match command.get_after_help() {
        Some(help) => {
            let help = help.to_string().replace("cargo xtask", "gwells-db");
            command.after_help(help)
        }
        None => command,
    };
    let names: Vec<String> = command.get_subcommands().map(|c| c.get_name().to_string()).collect();
    names.iter().fold(command, |command, name| command.mut_subcommand(name, as_product))
}
