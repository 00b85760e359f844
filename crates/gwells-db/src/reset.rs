//! `cargo xtask reset`, `protect`, `unprotect`: a guarded reset to the clean migrated and coded
//! state.
//!
//! Thin over the `reset` crate: every setting (FDW, replication mode, admin account) is read and
//! validated before anything is dropped; then `reset::run` replaces the database by a template
//! clone (on a throwaway server) or drops in place, and calls the phases built here.

use std::process::ExitCode;

use anyhow::Context;
use pg::report::Classify;

use crate::ctx::{Ctx, say};
use crate::exit;
use crate::interrupt::Interrupt;

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask reset                                   # the dev server: a clone of the template
  cargo xtask reset --replicate subset                # ... then replicate wells 100001..113567
  DATABASE_URL=postgres://u@db.test/gwells cargo xtask reset --confirm gwells
  cargo xtask reset --drop-fdw                        # also drop the foreign server and schema
  cargo xtask reset --cold                            # drop and migrate even on a throwaway server
  cargo xtask protect --note production               # from now on reset refuses this database

Guard: databases on a server this tool started (`db up`, tests, CI: it carries the setting
cluster_name=gwells-devdb, which only a server start can set) reset freely; any other needs
--confirm with the database's exact name, also on this machine: a loopback address or a unix
socket can be the pod's own server, an SSH tunnel or a `kubectl port-forward`. A database marked
by `protect` is always refused. While the reset runs, `cargo xtask health` in other sessions
exits 3 (reset in progress).
Phases, each timed: drop, migrate (with repeatable scripts), codes, fdw (when FDW_* are set),
replicate (--replicate or DB_REPLICATE), admin (when DJANGO_ADMIN_USER is set).

Template path: on a server started by this tool (`db up`, tests, CI) the database is instead
replaced by a clone of a template holding the migrations and code tables (built once per content
of `migrations/` and `codetables/`), so `drop`, `migrate` and `codes` become `template` and `swap`.
The swap ends the database's other sessions. When the database holds something a reset in place
keeps and the template lacks (an extension, a foreign server, database settings), the template is
not used and the output says why.

SIGINT / SIGTERM: the step in flight rolls back (or finishes, if past its last statement), the
marker is cleared, the lock released, one line says what the database holds; exit 130 / 143.")]
pub struct ResetArgs {
    /// Replicate after migrating: none, subset or full [default: DB_REPLICATE, else none].
    #[arg(long, value_name = "MODE", value_parser = lifecycle::settings::parse_mode)]
    replicate: Option<replicate::Mode>,
    /// The exact name of the database: required unless its server was started by this tool.
    #[arg(long, value_name = "DBNAME")]
    confirm: Option<String>,
    /// Also drop the foreign servers, their user mappings and the foreign schemas.
    #[arg(long)]
    drop_fdw: bool,
    /// Drop and migrate in place even on a throwaway server (no template path).
    #[arg(long)]
    cold: bool,
}

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask protect --note \"production, do not reset\"
  cargo xtask unprotect

The marker is a row of gwells_db_meta.marker, a schema reset never drops.")]
pub struct ProtectArgs {
    /// Why the database is protected (shown when reset refuses it).
    #[arg(long, default_value = "")]
    note: String,
}

pub(crate) async fn reset(args: ResetArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    // Every setting is read and checked before anything is dropped.
    let env = |name: &str| std::env::var(name).ok();
    let settings = lifecycle::Settings::for_reset(args.replicate, &env)?;

    let interrupt = Interrupt::install("reset")?;
    let target = ctx.target().await?;
    let folders =
        lifecycle::Folders { migrations: ctx.migrations_dir()?, codetables: ctx.codetables_dir()? };
    let throwaway = lifecycle::reset::is_throwaway(&target).await?;
    if !throwaway && target.source() == &pg::Source::DevServer {
        say(
            "reset: this dev server predates the mark cluster_name=gwells-devdb: it needs `--confirm` and gets no template path",
        );
        say(
            "hint: `cargo xtask db down && cargo xtask db up` restarts it marked, with `gwells` empty",
        );
    }
    let template = ctx.dev().map(|dev| {
        let dev = dev.clone();
        Box::new(move |admin, migrations, codetables| {
            dev.reset_template(admin, migrations, codetables)
        }) as lifecycle::reset::TemplateBuilder
    });
    let spec = lifecycle::reset::ResetSpec {
        folders,
        settings,
        confirm: args.confirm.clone(),
        drop_fdw: args.drop_fdw,
        cold: args.cold,
        set_by: format!("{} reset (pid {})", ctx.program, std::process::id()),
        stop: interrupt.stop().clone(),
        template,
    };
    let mut show = |r: &reset::PhaseReport| {
        say(&format!("reset: {:<8} {:>8.2} s  {}", r.name, r.elapsed.as_secs_f64(), r.summary));
    };
    let started = std::time::Instant::now();
    match lifecycle::reset::reset(&target, throwaway, spec, &mut show).await {
        Ok(_) => {
            let database = target.dbname();
            say(&format!("reset: `{database}` done in {:.2} s", started.elapsed().as_secs_f64()));
            match interrupt.received() {
                Some(signal) => {
                    let line =
                        format!("reset of `{database}` finished before it could stop: it is reset");
                    Ok(Interrupt::exit(signal, &line))
                }
                None => Ok(exit::OK),
            }
        }
        Err(lifecycle::Error::Reset(err @ reset::Error::Interrupted { .. })) => {
            match interrupt.received() {
                Some(signal) => Ok(Interrupt::exit(signal, &err.to_string())),
                None => Err(err.into()),
            }
        }
        // A refusal names the database itself; anything else gets the target as context.
        Err(err) if err.is_bad_input() => Err(err.into()),
        Err(err @ lifecycle::Error::Mark { .. }) => Err(err.into()),
        Err(err) => Err(anyhow::Error::new(err)).with_context(|| format!("reset of {target}")),
    }
}

pub(crate) async fn protect(args: ProtectArgs, ctx: &Ctx, on: bool) -> anyhow::Result<ExitCode> {
    let target = ctx.target().await?;
    let by = format!("{} protect (pid {})", ctx.program, std::process::id());
    let changed = reset::set_protected(&target, on, &by, &args.note)
        .await
        .with_context(|| format!("cannot change the protection marker of {target}"))?;
    let state = if on { "protected" } else { "not protected" };
    let what = if changed { "now" } else { "already" };
    say(&format!("`{}` is {what} {state}", target.dbname()));
    Ok(exit::OK)
}
