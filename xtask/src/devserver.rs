//! The developers' half of the context: the dev server to fall back on when no database is
//! named, and reset's template path on throwaway servers (`gwells_db::DevServer`), present only
//! inside a developer checkout.

use std::path::{Path, PathBuf};

use anyhow::Context;
use gwells_db::ctx::BoxFuture;
use pg::{Source, Target};
use sha2::{Digest, Sha256};

/// The hooks, over devdb and templates.
pub struct Hooks;

impl gwells_db::DevServer for Hooks {
    fn start(&self) -> BoxFuture<'_, anyhow::Result<Target>> {
        Box::pin(async {
            let server = devdb::dev_server_up(&devdb::DevOptions::from_env())
                .await
                .context("no database configured, and the dev server could not start")?;
            Ok(server
                .target()
                .clone()
                .with_dbname(devdb::DEV_DATABASE)
                .with_source(Source::DevServer))
        })
    }

    fn running(&self) -> BoxFuture<'_, Option<Target>> {
        Box::pin(async {
            devdb::dev_server().await.map(|s| s.target().clone().with_dbname(devdb::DEV_DATABASE))
        })
    }

    fn reset_template(
        &self,
        admin: Target,
        migrations: PathBuf,
        codetables: PathBuf,
    ) -> BoxFuture<'static, Result<String, reset::BoxError>> {
        Box::pin(async move {
            let label = reset_label(&migrations, &codetables);
            templates::ensure(&admin, &label, &migrations, Some(&codetables)).await
        })
    }
}

/// `reset-<8 hex>`: one reset template per pair of directories, so a reset run against a copy of
/// the migrations (a test, a checkout elsewhere) does not evict the main one.
fn reset_label(migrations: &Path, codetables: &Path) -> String {
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
