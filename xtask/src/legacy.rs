//! `cargo xtask legacy up / hash / mutate`: the synthetic stand-in of the legacy Oracle
//! database.
//!
//! Thin over the `legacy` crate: it picks the server (the target's), makes sure the database
//! `gwells_legacy` exists, generates the stand-in and prints its URL last on stdout.

use std::process::ExitCode;

use anyhow::Context;

use crate::ctx::{Ctx, say};
use crate::exit::{self, bad_input};

/// The database the stand-in lives in, beside the target on the same server.
const DATABASE: &str = "gwells_legacy";

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask legacy up                          # ~111k wells with children, seed 1
  cargo xtask legacy up --wells 2000 --seed 7    # small and quick
  cargo xtask legacy up --replace                # re-generate over a different stand-in
  URL=$(cargo xtask legacy up | tail -n1)        # the URL is the last line of stdout
  cargo xtask legacy hash                        # content hash: same seed, same hash
  cargo xtask legacy mutate --fraction 0.01 --seed 2   # edit, add and remove 1% of the wells

The stand-in goes into the database `gwells_legacy` on the target's server (the dev server
unless --database-url or DATABASE_URL says otherwise), created when missing.")]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Create (or keep, when the same spec is in place) the stand-in and print its URL.
    Up {
        /// Number of wells.
        #[arg(long, default_value_t = 111_000)]
        wells: u32,
        /// Seed of the generator: the same seed gives the same content.
        #[arg(long, default_value_t = 1)]
        seed: i64,
        /// Schema to create it in.
        #[arg(long, default_value = "wells")]
        schema: String,
        /// Drop and re-create the schema when it holds anything else.
        #[arg(long)]
        replace: bool,
        /// Print the summary as JSON (before the URL line).
        #[arg(long)]
        json: bool,
    },
    /// Print the content hash of the stand-in.
    Hash {
        /// Schema to hash.
        #[arg(long, default_value = "wells")]
        schema: String,
    },
    /// Edit, add and remove wells and children, and print what changed (the tags of the wells,
    /// by legacy table), so the next replication's change report can be checked against it.
    Mutate {
        /// The share of the accepted wells each kind of change touches (at most 0.1).
        #[arg(long, default_value_t = 0.01)]
        fraction: f64,
        /// Seed of the choice: the same seed on the same content makes the same changes.
        #[arg(long, default_value_t = 1)]
        seed: i64,
        /// Schema of the stand-in.
        #[arg(long, default_value = "wells")]
        schema: String,
        /// Print the changes as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let target = ctx.target().await?;
    let legacy_target = target.with_dbname(DATABASE);
    match args.command {
        Command::Up { wells, seed, schema, replace, json } => {
            if wells > legacy::MAX_WELLS {
                return Err(bad_input(anyhow::anyhow!(
                    "`--wells {wells}` is more than the generator supports ({})",
                    legacy::MAX_WELLS
                )));
            }
            ensure_database(&target).await?;
            say(&format!("legacy: {wells} wells, seed {seed}, schema `{schema}` in `{DATABASE}`"));
            let spec = legacy::Spec { schema, wells, seed, replace };
            let summary = legacy::create(&legacy_target, &spec)
                .await
                .map_err(exit::classified)
                .with_context(|| format!("cannot create the legacy stand-in in `{DATABASE}`"))?;
            report(&summary);
            if json {
                crate::ctx::print(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&summary).context("summary as JSON")?
                ));
            }
            crate::ctx::print(&format!("{legacy_target}\n"));
            Ok(exit::OK)
        }
        Command::Mutate { fraction, seed, schema, json } => {
            let mutation = legacy::Mutation { schema, fraction, seed };
            let mutated = legacy::mutate(&legacy_target, &mutation)
                .await
                .map_err(exit::classified)
                .context("cannot mutate the legacy stand-in")?;
            say(&format!(
                "legacy: mutated `{}` in `{DATABASE}`: {} wells per kind of change (seed {seed})",
                mutation.schema, mutated.wells_per_change
            ));
            if json {
                let text = serde_json::to_string_pretty(&mutated).context("changes as JSON")?;
                crate::ctx::print(&format!("{text}\n"));
            } else {
                for (table, rows) in &mutated.tables {
                    for (kind, tags) in [
                        ("inserted", &rows.inserted),
                        ("updated", &rows.updated),
                        ("deleted", &rows.deleted),
                    ] {
                        if !tags.is_empty() {
                            let list = tags.iter().map(i64::to_string).collect::<Vec<_>>();
                            crate::ctx::print(&format!(
                                "{table} {kind} {} well_tag_number {}\n",
                                tags.len(),
                                list.join(" ")
                            ));
                        }
                    }
                }
            }
            Ok(exit::OK)
        }
        Command::Hash { schema } => {
            let hash = legacy::content_hash(&legacy_target, &schema)
                .await
                .map_err(exit::classified)
                .with_context(|| format!("cannot hash the legacy stand-in `{schema}`"))?;
            crate::ctx::print(&format!("{hash}\n"));
            Ok(exit::OK)
        }
    }
}

/// Creates `gwells_legacy` through the server's `postgres` database when it is missing.
async fn ensure_database(target: &pg::Target) -> anyhow::Result<()> {
    let admin = target.with_dbname("postgres");
    let conn = pg::connect(&admin, "gwells-db legacy")
        .await
        .with_context(|| format!("cannot connect to {admin}"))?;
    let exists: bool = conn
        .query_one("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", &[&DATABASE])
        .await
        .context("cannot list databases")?
        .get(0);
    if !exists {
        let sql =
            format!("CREATE DATABASE {}", pg::quote::ident(DATABASE).context("database name")?);
        conn.batch_execute(&sql)
            .await
            .with_context(|| format!("cannot create the database `{DATABASE}`"))?;
        say(&format!("legacy: created database `{DATABASE}`"));
    }
    Ok(())
}

fn report(summary: &legacy::Summary) {
    let total = summary.total_rows();
    if summary.created {
        let secs = summary.elapsed.as_secs_f64();
        say(&format!(
            "legacy: generated {total} rows in {secs:.2} s ({:.0} rows/s)",
            total as f64 / secs.max(1e-9)
        ));
    } else {
        say(&format!("legacy: already in place with the same spec ({total} rows)"));
    }
    for (table, rows) in &summary.rows {
        say(&format!("  {table:<30} {rows:>9}"));
    }
    say(&format!(
        "  wells in the subset range 100001..113567: {}; replicable: {} full, {} subset",
        summary.subset_wells,
        summary.expected_full.get("well").copied().unwrap_or(0),
        summary.expected_subset.get("well").copied().unwrap_or(0)
    ));
}
