//! The dev server of `cargo xtask db up`: one persistent server reused across runs.
//!
//! Its record is the lease `target/devdb/dev.json`; `target/devdb/dev.lock` serialises two
//! `db up` racing each other. A lease whose server no longer answers is replaced.

use pg::report::doing;
use std::fs;
use std::path::PathBuf;

use pg::{Source, Target};

use crate::paths::devdb_dir;
use crate::registry::{self, Record};
use crate::{Backend, Error, Result, Server, ServerOptions};

/// The database created on the dev server for the application.
pub const DEV_DATABASE: &str = "gwells";

/// Options of `db up`.
#[derive(Debug, Clone)]
pub struct DevOptions {
    /// Which backend starts it, when it is not running yet.
    pub backend: Backend,
}

impl DevOptions {
    /// From `GWELLS_DEVDB_BACKEND`; an invalid value falls back to `auto` here and is reported
    /// by the commands that parse it.
    pub fn from_env() -> DevOptions {
        let backend = ServerOptions::from_env().map(|o| o.backend).unwrap_or(Backend::Auto);
        DevOptions { backend }
    }
}

/// What `db status` reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DevStatus {
    /// `local` or `docker`.
    pub backend: String,
    /// The URL with the password masked.
    pub(crate) url: String,
    /// The postmaster pid (local).
    pub pid: u32,
    /// The container id (docker).
    pub container: Option<String>,
    /// The server log (local).
    pub log: Option<PathBuf>,
    /// Server version.
    pub version: String,
    /// Seconds since the epoch.
    pub(crate) started_at: u64,
}

fn lease_path() -> PathBuf {
    devdb_dir().join("dev.json")
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Lease {
    record: Record,
    url: String,
    version: String,
}

/// The running dev server, if its lease exists and it answers.
pub async fn dev_server() -> Option<Server> {
    let lease: Lease = serde_json::from_slice(&fs::read(lease_path()).ok()?).ok()?;
    let target = Target::parse(&lease.url, Source::DevServer).ok()?;
    let answers = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        pg::connect(&target, "gwells-db devdb"),
    )
    .await
    .is_ok_and(|r| r.is_ok());
    answers.then(|| Server::attach(lease.record, target, lease.version))
}

/// Starts the dev server unless it is running; idempotent. The `gwells` database exists on it.
pub async fn dev_server_up(options: &DevOptions) -> Result<Server> {
    let dir = devdb_dir();
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let lock_path = dir.join("dev.lock");
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io(&lock_path, e))?;
    let lock = tokio::task::spawn_blocking(move || lock.lock().map(|()| lock))
        .await
        .map_err(|e| Error::Command { command: "flock".into(), detail: e.to_string() })?
        .map_err(|e| Error::io(&lock_path, e))?;
    if let Some(server) = dev_server().await {
        return Ok(server);
    }
    // A stale lease: its server is gone or broken.
    if let Ok(bytes) = fs::read(lease_path())
        && let Ok(old) = serde_json::from_slice::<Lease>(&bytes)
    {
        registry::destroy(&old.record);
    }
    let server_options =
        ServerOptions { backend: options.backend, owner_pid: 0, ..ServerOptions::default() };
    let server = Server::start(&server_options).await?;
    let conn = pg::connect(server.target(), "gwells-db devdb").await?;
    let exists = conn
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&DEV_DATABASE])
        .await
        .map_err(doing("looking for the dev database"))?;
    if exists.is_none() {
        conn.batch_execute(&format!("CREATE DATABASE {DEV_DATABASE}"))
            .await
            .map_err(doing("creating the dev database"))?;
    }
    let lease = Lease {
        record: server.record().clone(),
        url: server.target().url_with_password(),
        version: server.version().to_string(),
    };
    let path = lease_path();
    let json = serde_json::to_vec_pretty(&lease).map_err(|e| Error::io(&path, e.into()))?;
    fs::write(&path, json).map_err(|e| Error::io(&path, e))?;
    drop(lock);
    Ok(Server::attach(
        server.record().clone(),
        server.target().clone().with_source(Source::DevServer),
        server.version().to_string(),
    ))
}

/// Stops the dev server and removes its lease; `false` when none was running.
pub async fn dev_server_down() -> Result<bool> {
    let Ok(bytes) = fs::read(lease_path()) else { return Ok(false) };
    let _ = fs::remove_file(lease_path());
    let Ok(lease) = serde_json::from_slice::<Lease>(&bytes) else { return Ok(false) };
    tokio::task::spawn_blocking(move || registry::destroy(&lease.record))
        .await
        .map_err(|e| Error::Command { command: "stop".into(), detail: e.to_string() })?;
    Ok(true)
}

impl Server {
    /// What `db status` prints about this server.
    pub fn status(&self) -> DevStatus {
        let r = self.record();
        DevStatus {
            backend: r.backend.clone(),
            url: self.target().to_string(),
            pid: r.pid,
            container: r.container.clone(),
            log: self.log_path(),
            version: self.version().to_string(),
            started_at: r.started_at,
        }
    }
}
