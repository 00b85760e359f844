//! The GWELLS template databases: the migrations applied, and optionally the code tables loaded.
//!
//! One home for what `reset`'s template path, `bench` and the crates' database tests all clone:
//! `devdb` knows how to build and clone a template but nothing about GWELLS; this crate says what
//! the GWELLS ones hold. A template is keyed by the contents of the directories it is built from
//! (see `devdb::TemplateSpec`) and by the code that builds it, so an edited migration, CSV or
//! loader gives a new one.

use std::path::{Path, PathBuf};

use devdb::{BoxError, TemplateSpec, TestDb};
use pg::Target;

/// What a template holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contents {
    /// Every migration and repeatable script applied; code tables empty.
    Migrated,
    /// Migrated, and every code table of `codetables/` loaded.
    Coded,
}

impl Contents {
    /// The template's label (its name is `gwells_tpl_<label>_<key>`).
    pub(crate) fn label(self) -> &'static str {
        match self {
            Contents::Migrated => "migrated",
            Contents::Coded => "coded",
        }
    }

    /// The workspace's `codetables/` when coded.
    fn codetables(self) -> Option<PathBuf> {
        (self == Contents::Coded).then(|| devdb::workspace_root().join("codetables"))
    }
}

/// The workspace's `migrations/`.
pub fn migrations_dir() -> PathBuf {
    devdb::workspace_root().join("migrations")
}

/// The template's spec: `label`, keyed by `migrations` (and `codetables` when coded).
fn spec(label: &str, migrations: &Path, codetables: Option<&Path>) -> TemplateSpec {
    let mut inputs = vec![migrations.to_path_buf()];
    inputs.extend(codetables.map(Path::to_path_buf));
    TemplateSpec { label: label.into(), inputs, extra: String::new() }
}

/// Builds the template's contents into `target` (an empty database).
async fn build(
    target: Target,
    migrations: PathBuf,
    codetables: Option<PathBuf>,
) -> Result<(), BoxError> {
    migrate::migrate_all(&target, &migrations).await?;
    if let Some(dir) = codetables {
        codes::load_dir(&target, &dir, &codes::LoadOptions::default()).await?;
    }
    Ok(())
}

/// The name of the template `label` on the server of `admin`, built first if it does not exist.
pub async fn ensure(
    admin: &Target,
    label: &str,
    migrations: &Path,
    codetables: Option<&Path>,
) -> Result<String, BoxError> {
    let spec = spec(label, migrations, codetables);
    let (migrations, codetables) = (migrations.to_path_buf(), codetables.map(Path::to_path_buf));
    let name = devdb::ensure_template(admin, &spec, |target| build(target, migrations, codetables))
        .await?;
    Ok(name)
}

/// The name of the workspace's template holding `contents` on the server of `admin` (the one
/// [`test_db`] clones), built first if it does not exist.
pub async fn ensure_contents(admin: &Target, contents: Contents) -> Result<String, BoxError> {
    let codetables = contents.codetables();
    ensure(admin, contents.label(), &migrations_dir(), codetables.as_deref()).await
}

/// A test database cloned from the workspace's template holding `contents` (`None` without
/// PostgreSQL, outside CI; see `devdb::TestDb`).
pub async fn test_db(test: &str, contents: Contents) -> Option<TestDb> {
    let codetables = contents.codetables();
    let spec = spec(contents.label(), &migrations_dir(), codetables.as_deref());
    TestDb::from_template(test, &spec, |target| build(target, migrations_dir(), codetables)).await
}
