//! `migrate`, `showmigrations`, `sqlmigrate`, `squash`: flags and output around the migrate crate.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use migrate::{Error, Options, Status};

use crate::ctx::{Ctx, say};
use crate::exit::{OK, bad_input, failed};

/// Apply pending migrations in Django's order, or move one app to NAME.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask migrate                       # apply everything pending, then changed R_ scripts
  cargo xtask migrate --plan                # what would run, in order
  cargo xtask migrate --check               # exit 1 if anything is pending, drifted or inconsistent
  cargo xtask migrate gwells 0002_profile   # move gwells forwards or backwards to 0002_profile
  cargo xtask migrate registries zero       # unapply every registries migration (needs .down.sql)
  cargo xtask migrate --fake                # record as applied without running the SQL
  cargo xtask migrate --accept-checksum gwells 0002_profile   # a reviewed edit of an applied file

Comments do not count as changes to an applied migration (outside literals and bodies); any
other edit is drift, refused until the edit is reverted or accepted with --accept-checksum.")]
pub struct MigrateArgs {
    /// The app to move (all apps when omitted), e.g. `gwells`.
    app: Option<String>,
    /// The migration to move APP to; `zero` unapplies the app. Default: its latest.
    name: Option<String>,
    /// Print what would run, and exit.
    #[arg(long)]
    plan: bool,
    /// Exit 1 when anything is pending, drifted or inconsistent; change nothing.
    #[arg(long, conflicts_with = "plan")]
    check: bool,
    /// Record in the ledgers without running the SQL.
    #[arg(long)]
    fake: bool,
    /// Seconds to wait for the tool's advisory lock.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    lock_wait: u64,
    /// Record the current file of applied migration APP NAME as reviewed (its checksum, in the
    /// ledger with who and when); runs no SQL of it.
    #[arg(long, requires = "name", conflicts_with_all = ["plan", "check", "fake"])]
    accept_checksum: bool,
}

/// List migrations per app as Django does.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask showmigrations                # [X] applied, [ ] pending, [-] squash to finish recording
  cargo xtask showmigrations gwells --json  # the full status of one app as JSON")]
pub struct ShowArgs {
    /// Only this app.
    app: Option<String>,
    /// Print the status as JSON (pending, drifted, inconsistent, partial, per-app listing).
    #[arg(long)]
    json: bool,
}

/// Print the SQL of one migration.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask sqlmigrate gwells 0001_initial
  cargo xtask sqlmigrate gwells 0002_profile --backwards   # its .down.sql")]
pub struct SqlArgs {
    /// The app, e.g. `gwells`.
    app: String,
    /// The migration, e.g. `0001_initial`.
    name: String,
    /// Print the down file instead.
    #[arg(long)]
    backwards: bool,
}

/// Write a squashed migration with a `replaces` header.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask squash gwells                          # replaces every gwells migration
  cargo xtask squash gwells --to 0002_onlinesurvey   # from the first up to 0002_onlinesurvey")]
pub struct SquashArgs {
    /// The app to squash.
    app: String,
    /// The last migration to include (default: the app's latest).
    #[arg(long, value_name = "NAME")]
    to: Option<String>,
}

pub(crate) async fn migrate(args: MigrateArgs, ctx: &Ctx) -> Result<ExitCode> {
    let target = ctx.target().await?;
    let dir = ctx.migrations_dir()?;
    let mut options = Options {
        fake: args.fake,
        lock_wait: Duration::from_secs(args.lock_wait),
        ..Options::default()
    };
    if let (true, Some(app), Some(name)) = (args.accept_checksum, &args.app, &args.name) {
        return accept(&target, &dir, app, name).await;
    }
    if let Some(app) = &args.app {
        let name = match &args.name {
            Some(name) => name.clone(),
            None => latest(&target, &dir, app).await?,
        };
        options.to = Some((app.clone(), name));
    }
    if args.plan || args.check {
        let (status, steps) =
            migrate::plan(&target, &dir, &options).await.context("cannot plan")?;
        let repeatables =
            if options.to.is_none() { status.repeatables.clone() } else { Vec::new() };
        if args.plan {
            let source = migrate::load(&dir)?;
            crate::ctx::print(&migrate::render_plan(&source, &steps, &repeatables));
            return Ok(OK);
        }
        report_problems(&status);
        let current = steps.is_empty() && repeatables.is_empty() && status.is_current();
        let current = current
            || (options.to.is_some()
                && steps.is_empty()
                && status.drifted.is_empty()
                && status.inconsistent.is_empty());
        say(if current { "migrations: up to date" } else { "migrations: not up to date" });
        return Ok(if current { OK } else { failed() });
    }
    let report = migrate::run(&target, &dir, &options).await.context("migrate failed")?;
    for step in &report.steps {
        let verb = match (step.backwards, step.fake) {
            (false, false) => "Applied",
            (true, false) => "Unapplied",
            (false, true) => "Faked",
            (true, true) => "Faked unapplying",
        };
        say(&format!(
            "  {verb} {}.{} ({} ms)",
            step.key.app,
            step.key.name,
            step.duration.as_millis()
        ));
    }
    for (key, duration) in &report.repeatables {
        say(&format!("  Ran {}.{} ({} ms)", key.app, key.name, duration.as_millis()));
    }
    for key in &report.recorded_squashes {
        say(&format!("  Recorded squash {}.{}", key.app, key.name));
    }
    if !report.upgraded_checksums.is_empty() {
        say(&format!(
            "  Stored {} checksums in the form that ignores comments",
            report.upgraded_checksums.len()
        ));
    }
    if report.is_noop() {
        say("No migrations to apply.");
    }
    warn_unchecked(&report.unchecked);
    Ok(OK)
}

async fn accept(
    target: &pg::Target,
    dir: &std::path::Path,
    app: &str,
    name: &str,
) -> Result<ExitCode> {
    let accepted = migrate::accept_checksum(target, dir, app, name)
        .await
        .context("cannot accept the checksum")?;
    if accepted.changed() {
        say(&format!(
            "accepted `{}`: its checksum is now {} (was {}); recorded in `gwells_db.accepted_checksum`",
            accepted.key,
            accepted.checksum,
            accepted.previous.as_deref().unwrap_or("none, applied by Django")
        ));
    } else {
        say(&format!("`{}` already has the checksum of its file; nothing recorded", accepted.key));
    }
    Ok(OK)
}

/// Applied migrations without a checksum: a change to their files would go unseen.
fn warn_unchecked(keys: &[migrate::Key]) {
    let Some(first) = keys.first() else { return };
    let shown: Vec<String> = keys.iter().take(5).map(|k| format!("`{k}`")).collect();
    let more = if keys.len() > 5 { format!(" and {} more", keys.len() - 5) } else { String::new() };
    say(&format!(
        "warning: {} applied migration{} no checksum (applied by Django), so a change to {} cannot be detected: {}{more}\n  hint: review the file, then `cargo xtask migrate --accept-checksum {} {}` records it",
        keys.len(),
        if keys.len() == 1 { " has" } else { "s have" },
        if keys.len() == 1 { "its file" } else { "their files" },
        shown.join(", "),
        first.app,
        first.name,
    ));
}

/// The last migration of `app` in Django's order: `migrate APP` moves it there.
async fn latest(target: &pg::Target, dir: &std::path::Path, app: &str) -> Result<String> {
    let status = migrate::status(target, dir).await.context("cannot read the status")?;
    let listed = status.apps.iter().find(|(a, _)| a == app);
    let last = listed.and_then(|(_, l)| l.last()).map(|l| l.key.name.clone());
    last.ok_or_else(|| bad_input(anyhow::anyhow!("no migrations for app `{app}` in `{}`\nhint: `cargo xtask showmigrations` lists the apps", dir.display())))
}

fn report_problems(status: &Status) {
    if !status.pending.is_empty() {
        say(&format!("pending: {}", status.pending.len()));
    }
    for key in &status.repeatables {
        say(&format!("repeatable script new or changed: {}.{}", key.app, key.name));
    }
    for key in &status.unrecorded {
        say(&format!("squash to finish recording: {}.{}", key.app, key.name));
    }
    for d in &status.drifted {
        say(&format!("drifted: `{}` was applied but `{}` has changed", d.key, d.path.display()));
    }
    if status.legacy_ledger {
        say(
            "drifted: an earlier gwells-db migrated this database (its ledger is in `public`); `reset` rebuilds it (`gwells-db reset --confirm DBNAME`, `cargo xtask reset` on the dev server)",
        );
    }
    for i in &status.inconsistent {
        say(&format!("inconsistent: `{}` is applied before its dependency `{}`", i.key, i.parent));
    }
    warn_unchecked(&status.unchecked);
    for p in &status.partial {
        say(&format!(
            "stopped: `{}` after statement {} of {}: {}",
            p.key, p.done, p.total, p.error
        ));
    }
}

pub(crate) async fn showmigrations(args: ShowArgs, ctx: &Ctx) -> Result<ExitCode> {
    let target = ctx.target().await?;
    let dir = ctx.migrations_dir()?;
    let mut status = migrate::status(&target, &dir).await.context("cannot read the status")?;
    if let Some(app) = &args.app {
        if !status.apps.iter().any(|(a, _)| a == app) {
            return Err(bad_input(anyhow::anyhow!(
                "no app `{app}` in `{}`\nhint: the apps are the directories of `migrations/`",
                dir.display()
            )));
        }
        status.apps.retain(|(a, _)| a == app);
    }
    if args.json {
        crate::ctx::print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&status).context("cannot render JSON")?
        ));
    } else {
        crate::ctx::print(&migrate::render_showmigrations(&status, args.app.as_deref()));
        report_problems(&Status { pending: Vec::new(), ..status });
    }
    Ok(OK)
}

pub(crate) async fn sqlmigrate(args: SqlArgs, ctx: &Ctx) -> Result<ExitCode> {
    let dir = ctx.migrations_dir()?;
    let source = migrate::load(&dir).context("cannot read the migrations")?;
    let key = migrate::Key::new(&args.app, &args.name);
    let Some(m) = source.get(&key) else {
        return Err(Error::UnknownMigration { app: args.app, name: args.name }.into());
    };
    match migrate::render_sql(m, args.backwards) {
        Some(sql) => crate::ctx::print(&sql),
        None => {
            return Err(bad_input(anyhow::anyhow!(
                "`{key}` has no down file\nhint: write `{}`",
                m.path.with_extension("down.sql").display()
            )));
        }
    }
    Ok(OK)
}

pub(crate) async fn squash(args: SquashArgs, ctx: &Ctx) -> Result<ExitCode> {
    let dir = ctx.migrations_dir_to_write()?;
    let source = migrate::load(&dir).context("cannot read the migrations")?;
    let squashed = migrate::squash(&source, &args.app, args.to.as_deref())?;
    let written = migrate::write_squash(&dir, &squashed)?;
    say(&format!(
        "squashed {} migrations of `{}` into `{}`",
        squashed.replaces.len(),
        args.app,
        squashed.key.name
    ));
    for path in written {
        crate::ctx::print(&format!("{}\n", path.display()));
    }
    Ok(OK)
}
