//! `cargo xtask codes check / load / dump / import`: the code-table CSVs of `codetables/`.
//!
//! Thin over the `codes` crate: flags, the target, a progress bar and the report table.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use crate::ctx::{Ctx, say};
use crate::exit::{self, bad_input};

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask codes check                         # offline: syntax, keys, order, references
  DATABASE_URL=$URL cargo xtask codes check       # and against the live schema
  cargo xtask codes load                          # insert, update, delete by key; never cascades
  cargo xtask codes load --keep-removed           # keep rows the CSVs no longer list
  cargo xtask codes load --allow-empty screen_bottom_code   # this CSV may hold no rows

Only code tables are loaded: a CSV whose table is not named `*_code` (or `drilling_company`)
is refused, as is any CSV the offline check rejects.
  cargo xtask codes dump --table well_status_code --out -   # one table as CSV on stdout
  cargo xtask codes dump --out /tmp/codes         # every table, same bytes as codetables/
  cargo xtask codes import --from ../gwells/database/code-tables   # GWELLS's own files

The conventions of the CSV files are in codetables/README.md.")]
pub struct Args {
    /// Folder of the CSVs, one per table [default: codetables/ of the workspace].
    #[arg(long, global = true, value_name = "DIR")]
    dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Validate the CSVs; offline unless a database is configured (--database-url, DATABASE_URL, ...).
    Check,
    /// Load the CSVs in one transaction: insert new rows, update changed ones, delete removed ones.
    Load(LoadArgs),
    /// Write tables back as CSV, ordered by key.
    Dump(DumpArgs),
    /// Turn GWELLS's own code-table files into canonical CSVs, reporting each defect once.
    Import(ImportArgs),
}

#[derive(clap::Args)]
struct ImportArgs {
    /// GWELLS's `database/code-tables/` (searched with its subfolders; a `copy-columns.txt`
    /// there gives each file's columns as the seed's `\copy` loaded them).
    #[arg(long, value_name = "DIR")]
    from: PathBuf,
    /// Folder to write the canonical CSVs into [default: --dir].
    #[arg(long, value_name = "DIR")]
    to: Option<PathBuf>,
}

#[derive(clap::Args)]
struct LoadArgs {
    /// Keep rows the CSVs no longer list instead of deleting them.
    #[arg(long)]
    keep_removed: bool,
    /// Allow TABLE's CSV to hold no rows, deleting every row of the table (repeatable);
    /// without it a header-only CSV is refused.
    #[arg(long, value_name = "TABLE")]
    allow_empty: Vec<String>,
    /// Print the per-table report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct DumpArgs {
    /// Dump only this table (repeatable) [default: every table with a CSV in --dir].
    #[arg(long, value_name = "TABLE")]
    table: Vec<String>,
    /// Folder to write `<table>.csv` files into, or `-` for stdout [default: --dir].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub(crate) async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    // A dump into the embedded files would only change a temporary copy.
    let embedded = args.dir.is_none() && ctx.codetables_embedded();
    if let (true, Command::Dump(DumpArgs { out: None, .. })) = (embedded, &args.command) {
        return Err(bad_input(anyhow::anyhow!(
            "the code tables are the ones built into the binary, which cannot be written\n\
             hint: name the folder to write into with `--out DIR` (or `--out -` for stdout)"
        )));
    }
    let dir = match args.dir {
        Some(dir) => dir,
        None => ctx.codetables_dir()?,
    };
    match args.command {
        Command::Check => check(&dir, ctx).await,
        Command::Load(load) => load_cmd(&dir, load, ctx).await,
        Command::Dump(dump) => dump_cmd(&dir, dump, ctx).await,
        Command::Import(import) => import_cmd(&import.to.unwrap_or(dir), &import.from),
    }
}

fn import_cmd(to: &std::path::Path, from: &std::path::Path) -> anyhow::Result<ExitCode> {
    let report = codes::import_dir(from, to)
        .with_context(|| format!("cannot import `{}`", from.display()))?;
    for file in &report.skipped {
        say(&format!("skipped `{file}`: not a code table of the schema"));
    }
    for defect in &report.defects {
        say(&format!("defect: {defect}"));
    }
    let rows: usize = report.written.iter().map(|(_, n)| n).sum();
    say(&format!(
        "imported {} tables, {rows} rows into `{}`; {} defect(s) in the source, repaired or kept (codetables/README.md)",
        report.written.len(),
        to.display(),
        report.defects.len()
    ));
    Ok(exit::OK)
}

async fn check(dir: &std::path::Path, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let report = match ctx.configured_target()? {
        Some(target) => {
            ctx.wait_for(&target).await?;
            say(&format!(
                "database: {target} (from {}); checking against its schema",
                target.source()
            ));
            codes::check_live(&target, dir).await
        }
        None => codes::check_dir(dir),
    };
    let report = report.with_context(|| format!("cannot check `{}`", dir.display()))?;
    let rows: usize = report.tables.iter().map(|(_, n)| n).sum();
    if report.is_ok() {
        say(&format!("ok: {} tables, {rows} rows in `{}`", report.tables.len(), dir.display()));
        return Ok(exit::OK);
    }
    for problem in &report.problems {
        say(&format!("error: {}", pg::report::list_item(problem).trim_start()));
    }
    say(&format!("{} problem(s) in `{}`", report.problems.len(), dir.display()));
    Ok(exit::failed())
}

async fn load_cmd(dir: &std::path::Path, args: LoadArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let target = ctx.target().await?;
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress_bar = bar.clone();
    let options = codes::LoadOptions {
        keep_removed: args.keep_removed,
        allow_empty: args.allow_empty,
        progress: Some(Arc::new(move |table: &str, done: usize, total: usize| {
            progress_bar.set_length(total as u64);
            progress_bar.set_position(done as u64);
            progress_bar.set_message(table.to_string());
        })),
        ..Default::default()
    };
    let result = codes::load_dir(&target, dir, &options).await;
    bar.finish_and_clear();
    let report = result.with_context(|| format!("cannot load `{}`", dir.display()))?;
    if args.json {
        let tables: Vec<serde_json::Value> = report
            .tables
            .iter()
            .map(|t| {
                serde_json::json!({
                    "table": t.table, "rows": t.rows, "inserted": t.inserted, "updated": t.updated,
                    "deleted": t.deleted, "kept": t.kept, "unchanged": t.unchanged,
                })
            })
            .collect();
        crate::ctx::print_line(&serde_json::to_string_pretty(
            &serde_json::json!({ "tables": tables }),
        )?);
    } else {
        crate::ctx::print_line(&report_table(&report).to_string());
    }
    let total = |f: fn(&codes::TableReport) -> u64| report.tables.iter().map(f).sum::<u64>();
    say(&format!(
        "loaded {} tables: {} inserted, {} updated, {} deleted, {} kept, {} unchanged",
        report.tables.len(),
        total(|t| t.inserted),
        total(|t| t.updated),
        total(|t| t.deleted),
        total(|t| t.kept),
        total(|t| t.unchanged),
    ));
    Ok(exit::OK)
}

fn report_table(report: &codes::LoadReport) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::NOTHING);
    t.set_header(["table", "rows", "inserted", "updated", "deleted", "kept", "unchanged"]);
    for r in &report.tables {
        t.add_row([
            r.table.clone(),
            r.rows.to_string(),
            r.inserted.to_string(),
            r.updated.to_string(),
            r.deleted.to_string(),
            r.kept.to_string(),
            r.unchanged.to_string(),
        ]);
    }
    t
}

async fn dump_cmd(dir: &std::path::Path, args: DumpArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let target = ctx.target().await?;
    let options = codes::DumpOptions { tables: args.table };
    let dumped = codes::dump_dir(&target, dir, &options)
        .await
        .with_context(|| format!("cannot dump the code tables of {target}"))?;
    let out = args.out.unwrap_or_else(|| dir.to_path_buf());
    if out.as_os_str() == "-" {
        for (_, csv) in &dumped {
            use std::io::Write;
            std::io::stdout().write_all(csv).context("cannot write to stdout")?;
        }
        return Ok(exit::OK);
    }
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create `{}`", out.display()))?;
    for (table, csv) in &dumped {
        let path = out.join(format!("{table}.csv"));
        std::fs::write(&path, csv).with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    say(&format!("dumped {} tables into `{}`", dumped.len(), out.display()));
    Ok(exit::OK)
}
