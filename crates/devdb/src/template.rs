//! Templates: a database built once, keyed by a hash of its inputs, then only ever cloned.
//!
//! Built under the tool's advisory lock (on the server's `postgres` database) into a scratch
//! name, then renamed and marked `IS_TEMPLATE true ALLOW_CONNECTIONS false`: nobody connects to
//! a template after it is built, because one session on it makes every clone wait 5 s and fail.
//! Older templates of the same label and unfinished builds are dropped under the same lock.

use pg::report::doing;
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use pg::Target;
use sha2::{Digest, Sha256};

use crate::{BoxError, Error, Result};

/// What a template contains: files whose contents shape it, plus anything else that does.
#[derive(Debug, Clone)]
pub struct TemplateSpec {
    /// A short name: `migrated`, `coded`, ...
    pub label: String,
    /// Files or directories hashed into the key (a directory: every file below it).
    pub inputs: Vec<PathBuf>,
    /// Anything else that shapes the template (tool options, ...).
    pub extra: String,
}

impl TemplateSpec {
    /// The hash of the label, `extra`, the server version, the code that builds templates (the
    /// sources of the crates that do, hashed by `build.rs`) and [`inputs_hash`] of the inputs.
    pub(crate) fn key(&self, server_version: &str) -> Result<String> {
        let inputs = inputs_hash(&self.inputs)?;
        let mut hasher = Sha256::new();
        for part in
            [&self.label, &self.extra, server_version, env!("GWELLS_TEMPLATE_BUILDERS"), &inputs]
        {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        Ok(hex::encode(hasher.finalize())[..16].to_string())
    }

    fn label_part(&self) -> String {
        let clean: String = self
            .label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
            .take(20)
            .collect();
        if clean.is_empty() { "db".into() } else { clean }
    }
}

/// The hash of the files below `inputs` (each a file or a directory), by path relative to its
/// input and contents. `gwells-db --version` prints the same hash of the migrations and code
/// tables built into it, so a coded template and a binary can be matched.
pub fn inputs_hash(inputs: &[PathBuf]) -> Result<String> {
    let mut hasher = Sha256::new();
    for input in inputs {
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(input)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for file in files {
            let rel = file.strip_prefix(input).unwrap_or(&file);
            hasher.update(rel.to_string_lossy().as_bytes());
            hasher.update([0]);
            hasher.update(std::fs::read(&file).map_err(|e| Error::io(&file, e))?);
            hasher.update([0]);
        }
    }
    Ok(hex::encode(hasher.finalize())[..16].to_string())
}

/// Returns the name of the template for `spec` on the server of `admin`, building it with
/// `build` (given the scratch database's target) if it does not exist yet.
pub async fn ensure_template<F, Fut>(
    admin: &Target,
    spec: &TemplateSpec,
    build: F,
) -> Result<String>
where
    F: FnOnce(Target) -> Fut,
    Fut: Future<Output = Result<(), BoxError>>,
{
    let conn = pg::connect(admin, "gwells-db devdb").await?;
    let version: String = conn
        .query_one("SHOW server_version", &[])
        .await
        .map_err(doing("reading the server's version"))?
        .get(0);
    let key = spec.key(&version)?;
    let prefix = format!("gwells_tpl_{}_", spec.label_part());
    let name = format!("{prefix}{key}");
    if is_template(&conn, &name).await? {
        return Ok(name);
    }
    let options = pg::LockOptions {
        timeout: Duration::from_secs(600),
        application_name: "gwells-db devdb template".into(),
    };
    let lock = pg::Lock::acquire(admin, &options).await?;
    if is_template(&conn, &name).await? {
        lock.release().await?;
        return Ok(name);
    }
    // We hold the lock, so no build is in progress: scratch databases are leftovers.
    let stale = conn
        .query(
            "SELECT datname FROM pg_database
              WHERE datname LIKE 'gwells\\_bld\\_%' OR (starts_with(datname, $1) AND datname <> $2)",
            &[&prefix, &name],
        )
        .await
        .map_err(doing("listing stale template builds"))?;
    for row in stale {
        let old: String = row.get(0);
        drop_database(admin, &old).await?;
    }
    let scratch = format!("gwells_bld_{key}_{}", std::process::id());
    conn.batch_execute(&format!("CREATE DATABASE {} TEMPLATE template0", quote(&scratch)?))
        .await
        .map_err(doing("creating the template's build database"))?;
    if let Err(source) = build(admin.with_dbname(&scratch)).await {
        drop_database(admin, &scratch).await?;
        return Err(Error::Template { name, source });
    }
    // The build's connections may still be closing; a rename needs none.
    for attempt in 0.. {
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[&scratch],
        )
        .await
        .map_err(doing("ending the build's sessions"))?;
        match conn
            .batch_execute(&format!(
                "ALTER DATABASE {} RENAME TO {}",
                quote(&scratch)?,
                quote(&name)?
            ))
            .await
        {
            Ok(()) => break,
            Err(_) if attempt < 50 => tokio::time::sleep(Duration::from_millis(20)).await,
            Err(e) => return Err(doing("renaming the build to the template")(e).into()),
        }
    }
    conn.batch_execute(&format!(
        "ALTER DATABASE {} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
        quote(&name)?
    ))
    .await
    .map_err(doing("marking the template"))?;
    lock.release().await?;
    Ok(name)
}

async fn is_template(conn: &pg::Conn, name: &str) -> Result<bool> {
    let row = conn
        .query_opt("SELECT datistemplate FROM pg_database WHERE datname = $1", &[&name])
        .await
        .map_err(doing("looking for the template"))?;
    Ok(row.is_some_and(|r| r.get::<_, bool>(0)))
}

/// `CREATE DATABASE name TEMPLATE template`.
pub async fn clone_database(admin: &Target, template: &str, name: &str) -> Result<()> {
    let conn = pg::connect(admin, "gwells-db devdb").await?;
    conn.batch_execute(&format!("CREATE DATABASE {} TEMPLATE {}", quote(name)?, quote(template)?))
        .await
        .map_err(doing("cloning the template"))?;
    Ok(())
}

/// Drops a database (template or not), disconnecting its sessions.
pub async fn drop_database(admin: &Target, name: &str) -> Result<()> {
    let conn = pg::connect(admin, "gwells-db devdb").await?;
    let q = quote(name)?;
    let is_tpl = is_template(&conn, name).await?;
    if is_tpl {
        conn.batch_execute(&format!("ALTER DATABASE {q} WITH IS_TEMPLATE false"))
            .await
            .map_err(doing("unmarking the template"))?;
    }
    conn.batch_execute(&format!("DROP DATABASE IF EXISTS {q} WITH (FORCE)"))
        .await
        .map_err(doing("dropping the database"))?;
    Ok(())
}

fn quote(name: &str) -> Result<String> {
    pg::quote::ident(name)
        .map_err(|e| Error::Command { command: "quote".into(), detail: e.to_string() })
}
