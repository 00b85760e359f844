//! A reset composed of its phases: migrate (with the repeatable scripts), codes, FDW (when
//! configured), replication (a mode other than `None`), admin (when an account is configured),
//! over the `reset` crate, which knows none of them. On a throwaway server, with a template
//! builder from the caller (the developers' front door has one, the product not), the database
//! is replaced by a clone of a migrated and coded template instead.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use crate::{Error, Folders, Settings};

/// Builds (or finds) the template for `migrations` and `codetables` on the server of `admin`
/// and returns its name.
pub type TemplateBuilder = Box<
    dyn FnOnce(
            pg::Target,
            PathBuf,
            PathBuf,
        )
            -> Pin<Box<dyn Future<Output = Result<String, reset::BoxError>> + Send + 'static>>
        + Send,
>;

/// Everything a reset needs besides the target, read and checked beforehand.
pub struct ResetSpec {
    pub folders: Folders,
    pub settings: Settings,
    /// `--confirm`: the database's exact name.
    pub confirm: Option<String>,
    /// Also drop the foreign servers and schemas.
    pub drop_fdw: bool,
    /// Drop and migrate in place even on a throwaway server.
    pub cold: bool,
    /// Recorded in the maintenance marker: `gwells-db reset (pid 123)`.
    pub set_by: String,
    /// Requested by a signal: stop at the next safe point.
    pub stop: pg::Stop,
    /// The template path's builder, when the caller has one.
    pub template: Option<TemplateBuilder>,
}

/// Whether the server of `target` carries devdb's mark: the guard's one fact.
pub async fn is_throwaway(target: &pg::Target) -> Result<bool, Error> {
    pg::is_devdb_server(target)
        .await
        .map_err(|source| Error::Mark { target: target.to_string(), source })
}

/// Resets `target` as `spec` says, reporting each phase as it finishes; `throwaway` is
/// [`is_throwaway`]'s answer. The FDW's local schema is checked against the database before
/// anything changes.
pub async fn reset(
    target: &pg::Target,
    throwaway: bool,
    spec: ResetSpec,
    on_phase: &mut (dyn FnMut(&reset::PhaseReport) + Send),
) -> Result<Vec<reset::PhaseReport>, Error> {
    if let Some(fdw) = &spec.settings.fdw {
        let schemas = reset::application_schemas(target).await?;
        fdw.check_local_schema(&schemas)?;
    }
    let options = reset::Options {
        place: reset::Place::of(target, throwaway),
        confirm: spec.confirm,
        drop: reset::DropOptions {
            drop_fdw: spec.drop_fdw,
            fdw_schemas: spec.settings.fdw_schemas.clone(),
        },
        set_by: spec.set_by,
        stop: spec.stop,
    };
    let template = match spec.template {
        Some(build) if throwaway && !spec.cold => {
            Some(template(target, &spec.folders, spec.settings.fdw.as_ref(), build))
        }
        _ => None,
    };
    let phases = phases(spec.folders, spec.settings);
    Ok(reset::run(target, &options, template, phases, on_phase).await?)
}

/// The template path: a clone of the migrated and coded template stands for `migrate` and
/// `codes`; the FDW phase, when it runs, builds its extension, server and schema again.
fn template(
    target: &pg::Target,
    folders: &Folders,
    fdw_spec: Option<&fdw::Spec>,
    build: TemplateBuilder,
) -> reset::Template {
    let recreated = fdw_spec.map_or_else(Vec::new, |spec| {
        let extensions = spec.extensions().map(|e| reset::Kept::Extension(e.into()));
        let objects = [
            reset::Kept::Server(spec.name.clone()),
            reset::Kept::Schema(spec.local_schema.clone()),
        ];
        extensions.into_iter().chain(objects).collect()
    });
    let admin = target.with_dbname("postgres");
    let (migrations, codetables) = (folders.migrations.clone(), folders.codetables.clone());
    reset::Template::new(admin, &["migrate", "codes"], recreated, move |admin| {
        build(admin, migrations, codetables)
    })
}

/// The phases after the drop, in order.
pub(crate) fn phases(folders: Folders, settings: Settings) -> Vec<reset::Phase> {
    let Folders { migrations, codetables } = folders;
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
                codes::load_dir(&target, &codetables, &codes::LoadOptions::default()).await?;
            Ok(format!("{} code table(s)", report.tables.len()))
        }),
    ];
    if let Some(spec) = settings.fdw {
        phases.push(reset::Phase::new("fdw", move |target| async move {
            let outcome = fdw::setup(&target, &spec, &fdw::SetupOptions::default()).await?;
            Ok(outcome.to_string())
        }));
    }
    let mode = settings.mode;
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
    if let Some(account) = settings.admin {
        phases.push(reset::Phase::new("admin", move |target| async move {
            let outcome =
                admin::create_superuser(&target, &account, &admin::CreateOptions::default())
                    .await?;
            Ok(format!("`{}` {outcome}", account.username))
        }));
    }
    phases
}
