//! `cargo xtask reset`, `protect`, `unprotect`: a guarded reset to the clean migrated and coded
//! state.
//!
//! Thin over the `reset` crate: every setting (FDW, replication mode, admin account) is read and
//! validated before anything is dropped; then `reset::run` replaces the database by a template
//! clone (on a throwaway server) or drops in place, and calls the phases built here.

use std::process::ExitCode;

use anyhow::Context;

use crate::ctx::{Ctx, say};
use crate::exit::{self, bad_input};
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
    #[arg(long, value_name = "MODE", value_enum)]
    replicate: Option<ReplicateArg>,
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

/// `--replicate`: the modes, spelled as flags are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReplicateArg {
    None,
    Subset,
    Full,
}

pub async fn reset(args: ResetArgs, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // The variable is read as `replicate` reads it: the seed's spellings only.
    let mode = match args.replicate {
        Some(ReplicateArg::None) => replicate::Mode::None,
        Some(ReplicateArg::Subset) => replicate::Mode::Subset,
        Some(ReplicateArg::Full) => replicate::Mode::Full,
        None => replicate::Mode::resolve(false, false, env(pg::vars::DB_REPLICATE).as_deref())
            .map_err(bad_input)?,
    };
    let fdw_configured = [pg::vars::FDW_NAME, pg::vars::FDW_FOREIGN_SERVER, pg::vars::FDW_SCHEMA]
        .iter()
        .any(|v| env(v).is_some());
    // As `fdw setup` builds it, so both store the same fingerprint.
    let fdw_spec = if fdw_configured { Some(crate::fdw_spec::spec_from_env()?) } else { None };
    let sources = admin::Sources { env: &env, secret_dir: None, password: None };
    let account = if admin::Account::configured(&sources).map_err(bad_input)? {
        Some(admin::Account::from_sources(&sources).map_err(bad_input)?)
    } else {
        None
    };

    let interrupt = Interrupt::install("reset")?;
    let target = ctx.target().await?;
    // The guard's one fact: whether the server carries the mark of a server this tool started.
    let throwaway = pg::is_devdb_server(&target)
        .await
        .with_context(|| format!("cannot tell whether {target} was started by this tool"))?;
    if let Some(spec) = &fdw_spec {
        let schemas = reset::application_schemas(&target).await?;
        spec.check_local_schema(&schemas).map_err(bad_input)?;
    }
    let options = reset::Options {
        place: reset::Place::of(&target, throwaway),
        confirm: args.confirm.clone(),
        drop: reset::DropOptions {
            drop_fdw: args.drop_fdw,
            fdw_schemas: env(pg::vars::FDW_SCHEMA).into_iter().collect(),
        },
        set_by: format!("{} reset (pid {})", ctx.program, std::process::id()),
        stop: interrupt.stop().clone(),
    };
    if !throwaway && target.source() == &pg::Source::DevServer {
        say(
            "reset: this dev server predates the mark cluster_name=gwells-devdb: it needs `--confirm` and gets no template path",
        );
        say(
            "hint: `cargo xtask db down && cargo xtask db up` restarts it marked, with `gwells` empty",
        );
    }
    let template = match ctx.dev() {
        Some(dev) if throwaway && !args.cold => {
            Some(template(ctx, dev, &target, fdw_spec.as_ref())?)
        }
        _ => None,
    };
    let phases = phases(ctx, fdw_spec, mode, account)?;
    let mut show = |r: &reset::PhaseReport| {
        say(&format!("reset: {:<8} {:>8.2} s  {}", r.name, r.elapsed.as_secs_f64(), r.summary));
    };
    let started = std::time::Instant::now();
    match reset::run(&target, &options, template, phases, &mut show).await {
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
        Err(err @ reset::Error::Interrupted { .. }) => match interrupt.received() {
            Some(signal) => Ok(Interrupt::exit(signal, &err.to_string())),
            None => Err(err.into()),
        },
        Err(
            err @ (reset::Error::NotConfirmed { .. }
            | reset::Error::WrongConfirm { .. }
            | reset::Error::Protected { .. }),
        ) => Err(bad_input(err)),
        Err(err) => Err(anyhow::Error::new(err)).with_context(|| format!("reset of {target}")),
    }
}

/// The template path: a clone of the migrated and coded template stands for `migrate` and
/// `codes`; the FDW phase, when it runs, builds its extension, server and schema again.
fn template(
    ctx: &Ctx,
    dev: &std::sync::Arc<dyn crate::DevServer>,
    target: &pg::Target,
    fdw_spec: Option<&fdw::Spec>,
) -> anyhow::Result<reset::Template> {
    let (migrations, codetables) = (ctx.migrations_dir()?, ctx.codetables_dir()?);
    let recreated = fdw_spec.map_or_else(Vec::new, |spec| {
        let extensions = spec.extensions().map(|e| reset::Kept::Extension(e.into()));
        let objects = [
            reset::Kept::Server(spec.name.clone()),
            reset::Kept::Schema(spec.local_schema.clone()),
        ];
        extensions.into_iter().chain(objects).collect()
    });
    let admin = target.with_dbname("postgres");
    let dev = dev.clone();
    Ok(reset::Template::new(admin, &["migrate", "codes"], recreated, move |admin| {
        dev.reset_template(admin, migrations, codetables)
    }))
}

fn phases(
    ctx: &Ctx,
    fdw_spec: Option<fdw::Spec>,
    mode: replicate::Mode,
    account: Option<admin::Account>,
) -> anyhow::Result<Vec<reset::Phase>> {
    let migrations = ctx.migrations_dir()?;
    let codes_dir = ctx.codetables_dir()?;
    let mut phases = vec![
        reset::Phase::new("migrate", move |target| async move {
            let report = migrate::migrate_all(&target, &migrations).await?;
            Ok(format!(
                "{} migration(s), {} repeatable script(s)",
                report.steps.len(),
                report.repeatables.len()
            ))
        }),
        reset::Phase::new("codes", move |target| async move {
            let report =
                codes::load_dir(&target, &codes_dir, &codes::LoadOptions::default()).await?;
            Ok(format!("{} code table(s)", report.tables.len()))
        }),
    ];
    if let Some(spec) = fdw_spec {
        phases.push(reset::Phase::new("fdw", move |target| async move {
            let outcome = fdw::setup(&target, &spec, &fdw::SetupOptions::default()).await?;
            Ok(outcome.to_string())
        }));
    }
    if mode != replicate::Mode::None {
        phases.push(reset::Phase::new("replicate", move |target| async move {
            // The driver's future is not `Send` (it holds the notice callback), so it runs on a
            // blocking thread of its own, driven by the same runtime.
            let handle = tokio::runtime::Handle::current();
            let report = tokio::task::spawn_blocking(move || {
                handle.block_on(async {
                    let options = replicate::Options::new(mode);
                    replicate::replicate(&target, &options, &mut |_| {}).await
                })
            })
            .await??;
            Ok(format!("{mode}: {} table(s)", report.tables.len()))
        }));
    }
    if let Some(account) = account {
        phases.push(reset::Phase::new("admin", move |target| async move {
            let outcome =
                admin::create_superuser(&target, &account, &admin::CreateOptions::default())
                    .await?;
            Ok(format!("`{}` {outcome}", account.username))
        }));
    }
    Ok(phases)
}

pub async fn protect(args: ProtectArgs, ctx: &Ctx, on: bool) -> anyhow::Result<ExitCode> {
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
