//! The GWELLS templates on a throwaway server: migrated, or migrated and coded.
//!
//! Used by `reset` (its template path) and `bench`; built once per content of the migrations and
//! code-table directories (see `devdb::ensure_template`), then only cloned.

use std::path::{Path, PathBuf};

use devdb::{BoxError, TemplateSpec};
use pg::Target;
use sha2::{Digest, Sha256};

/// The name of the template on the server of `admin` holding `migrations` applied and, when
/// given, `codetables` loaded; built first if it does not exist. `label` names it; templates of
/// one label replace each other as the inputs change.
pub async fn ensure(
    admin: &Target,
    label: &str,
    migrations: &Path,
    codetables: Option<&Path>,
) -> Result<String, BoxError> {
    let mut inputs = vec![migrations.to_path_buf()];
    inputs.extend(codetables.map(Path::to_path_buf));
    let spec = TemplateSpec { label: label.into(), inputs, extra: String::new() };
    let (migrations, codetables): (PathBuf, Option<PathBuf>) =
        (migrations.to_path_buf(), codetables.map(Path::to_path_buf));
    let name = devdb::ensure_template(admin, &spec, |target| async move {
        migrate::migrate_all(&target, &migrations).await?;
        if let Some(dir) = codetables {
            codes::load_dir(&target, &dir, &codes::LoadOptions::default()).await?;
        }
        Ok(())
    })
    .await?;
    Ok(name)
}

/// `reset-<8 hex>`: one reset template per pair of directories, so a reset run against a copy of
/// the migrations (a test, a branch checkout elsewhere) does not evict the main one.
pub fn reset_label(migrations: &Path, codetables: &Path) -> String {
    let mut hasher = Sha256::new();
    for dir in [migrations, codetables] {
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        hasher.update(dir.to_string_lossy().as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("reset-{hex}")
}
