//! A server started by the tool, whichever backend runs it.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

use pg::{Source, Target};

use crate::registry::{self, Record};
use crate::{Error, Result, docker, local};

/// Which kind of server to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A cluster from the local PostgreSQL binaries.
    Local,
    /// A container through testcontainers.
    Docker,
    /// Local when binaries are found, else Docker when a daemon answers.
    Auto,
}

impl FromStr for Backend {
    type Err = Error;
    fn from_str(s: &str) -> Result<Backend> {
        match s {
            "local" => Ok(Backend::Local),
            "docker" => Ok(Backend::Docker),
            "auto" => Ok(Backend::Auto),
            other => Err(Error::UnknownBackend(other.to_string())),
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Local => "local",
            Backend::Docker => "docker",
            Backend::Auto => "auto",
        })
    }
}

/// How to start a server.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Which backend.
    pub backend: Backend,
    /// Container image for the docker backend.
    pub image: String,
    /// The process whose exit ends the server (default: this one). `0` makes it persistent:
    /// nothing reaps it and dropping the handle leaves it running.
    pub owner_pid: u32,
    /// Extra `name=value` server settings, passed as `-c` after the defaults so they win
    /// (`log_statement=all` for a server whose log is scanned for secrets).
    pub settings: Vec<String>,
}

/// The official image; offline machines build `gwells-db/postgres:15` instead.
pub(crate) const DEFAULT_IMAGE: &str = "postgres:15";

impl ServerOptions {
    /// Options from `GWELLS_DEVDB_BACKEND` (default `auto`) and `GWELLS_PG_IMAGE`.
    pub fn from_env() -> Result<ServerOptions> {
        let backend = match std::env::var(pg::vars::GWELLS_DEVDB_BACKEND) {
            Ok(v) if !v.is_empty() => v.parse()?,
            _ => Backend::Auto,
        };
        Ok(ServerOptions { backend, ..ServerOptions::default() })
    }
}

impl Default for ServerOptions {
    fn default() -> Self {
        let image = std::env::var(pg::vars::GWELLS_PG_IMAGE)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_IMAGE.to_string());
        ServerOptions {
            backend: Backend::Auto,
            image,
            owner_pid: std::process::id(),
            settings: Vec::new(),
        }
    }
}

/// A running server. Dropping it stops the server and removes its files, unless it is
/// persistent (the dev server).
pub struct Server {
    target: Target,
    record: Record,
    version: String,
}

impl Server {
    /// Reaps orphans, then starts a server with `options`.
    pub async fn start(options: &ServerOptions) -> Result<Server> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let id = format!("s{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let backend = match options.backend {
            Backend::Auto => match local::Binaries::find() {
                Ok(_) => Backend::Local,
                Err(_) if docker::available().await => Backend::Docker,
                Err(_) => return Err(Error::NoBackend),
            },
            b => b,
        };
        registry::reap_orphans(backend == Backend::Docker);
        match backend {
            Backend::Local => {
                let bins = local::Binaries::find()?;
                let record_version = bins.version.clone();
                let dir = registry::servers_dir().join(&id);
                let mut record = Record {
                    id: id.clone(),
                    backend: "local".into(),
                    pid: 0,
                    container: None,
                    dir: dir.clone(),
                    port: 0,
                    owner_pid: options.owner_pid,
                    started_at: registry::now_secs(),
                };
                // Recorded before starting, so a crash mid-start still leaves a trace to reap.
                registry::write(&record)?;
                let settings = options.settings.clone();
                let started =
                    tokio::task::spawn_blocking(move || local::start(&bins, &dir, &settings))
                        .await
                        .map_err(|e| Error::Command {
                            command: "postgres".into(),
                            detail: e.to_string(),
                        });
                let server = match started.and_then(|r| r) {
                    Ok(s) => s,
                    Err(err) => {
                        registry::destroy(&record);
                        return Err(err);
                    }
                };
                record.pid = server.pid;
                record.port = server.port;
                registry::write(&record)?;
                let url = format!("postgres://postgres@127.0.0.1:{}/postgres", server.port);
                let target = Target::parse(&url, Source::Throwaway)?;
                let version = record_version;
                Ok(Server { target, record, version })
            }
            Backend::Docker | Backend::Auto => {
                let started =
                    docker::start(&options.image, options.owner_pid, &id, &options.settings)
                        .await?;
                let record = Record {
                    id,
                    backend: "docker".into(),
                    pid: 0,
                    container: Some(started.container.clone()),
                    dir: PathBuf::new(),
                    port: started.port,
                    owner_pid: options.owner_pid,
                    started_at: registry::now_secs(),
                };
                if let Err(err) = registry::write(&record) {
                    registry::destroy(&record);
                    return Err(err);
                }
                Ok(Server { target: started.target, record, version: started.version })
            }
        }
    }

    /// Re-attaches to a recorded server (the dev server) without owning it.
    pub(crate) fn attach(record: Record, target: Target, version: String) -> Server {
        Server { target, record, version }
    }

    /// The superuser's connection to the server's `postgres` database.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The server as it reaches itself: what a foreign server pointing at another database of
    /// the same server must be given. A container's server listens on 5432 inside it; the
    /// host-mapped port of [`Server::target`] exists only outside, so the container's own
    /// loopback address is used. A local cluster's address is the same from either side.
    pub fn self_target(&self) -> Result<Target> {
        if self.record.container.is_none() {
            return Ok(self.target.clone());
        }
        // The container's password is generated URL-safe (see `docker::start`).
        let password = self.target.password().map(|p| p.expose().to_string()).unwrap_or_default();
        let url = format!(
            "postgres://postgres:{password}@127.0.0.1:{}/{}",
            crate::docker::CONTAINER_PORT,
            self.target.dbname()
        );
        Ok(Target::parse(&url, Source::Throwaway)?)
    }

    /// `local` or `docker`.
    pub fn backend(&self) -> &str {
        &self.record.backend
    }

    /// The server version (`15.18`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The server log (local backend); containers: `docker logs <id>`.
    pub fn log_path(&self) -> Option<PathBuf> {
        (self.record.backend == "local").then(|| self.record.dir.join("server.log"))
    }

    /// The server log as it is now: the file (local backend) or `docker logs` (docker).
    pub fn log(&self) -> Result<String> {
        match (&self.record.container, self.log_path()) {
            (Some(id), _) => duct::cmd!("docker", "logs", id)
                .stderr_to_stdout()
                .read()
                .map_err(|e| local::command_error("docker logs", e)),
            (None, Some(path)) => std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e)),
            (None, None) => Ok(String::new()),
        }
    }

    /// The container id (docker backend).
    pub fn container_id(&self) -> Option<&str> {
        self.record.container.as_deref()
    }

    /// Whether dropping the handle leaves the server running.
    pub(crate) fn is_persistent(&self) -> bool {
        self.record.owner_pid == 0
    }

    pub(crate) fn record(&self) -> &Record {
        &self.record
    }

    /// Stops the server now and removes its files, persistent or not.
    pub async fn stop(self) {
        let record = self.record.clone();
        std::mem::forget(self);
        let _ = tokio::task::spawn_blocking(move || registry::destroy(&record)).await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !self.is_persistent() {
            registry::destroy(&self.record);
        }
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Server({}, {}, {})", self.record.backend, self.version, self.target)
    }
}
