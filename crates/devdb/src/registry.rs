//! Every server the tool starts is recorded in `target/devdb/servers/<id>.json`; each start
//! first reaps the servers whose owner process is gone, native and container alike (a test
//! killed with SIGKILL never runs its `Drop`).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::paths::devdb_dir;
use crate::{Error, Result, local};

/// Docker label carrying the owner pid of a container.
pub(crate) const OWNER_LABEL: &str = "dev.gwells-db.owner-pid";
/// Docker label marking every container the tool starts.
pub(crate) const MANAGED_LABEL: &str = "dev.gwells-db.managed";

/// What is known about one server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Record {
    pub(crate) id: String,
    /// `local` or `docker`.
    pub(crate) backend: String,
    /// The postmaster pid (local backend).
    pub(crate) pid: u32,
    /// The container id (docker backend).
    #[serde(default)]
    pub(crate) container: Option<String>,
    /// The server's own directory (local backend): data, log.
    pub(crate) dir: PathBuf,
    pub(crate) port: u16,
    /// The process whose exit ends the server; 0 for the persistent dev server.
    pub(crate) owner_pid: u32,
    /// Seconds since the epoch.
    pub(crate) started_at: u64,
}

pub(crate) fn servers_dir() -> PathBuf {
    devdb_dir().join("servers")
}

pub(crate) fn record_path(id: &str) -> PathBuf {
    servers_dir().join(format!("{id}.json"))
}

pub(crate) fn write(record: &Record) -> Result<()> {
    let dir = servers_dir();
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = record_path(&record.id);
    let tmp = path.with_extension("json.tmp");
    let json = serde_json::to_vec_pretty(record).map_err(|e| Error::io(&path, e.into()))?;
    fs::write(&tmp, json).map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
}

pub(crate) fn read(path: &Path) -> Option<Record> {
    serde_json::from_slice(&fs::read(path).ok()?).ok()
}

/// Removes a container and its volumes, whatever state it is in; best effort.
pub(crate) fn remove_container(id: &str) {
    let _ =
        duct::cmd!("docker", "rm", "-f", "-v", id).stdout_null().stderr_null().unchecked().run();
}

/// Stops a recorded server and removes its files and record.
pub(crate) fn destroy(record: &Record) {
    match record.backend.as_str() {
        "docker" => {
            if let Some(id) = &record.container {
                remove_container(id);
            }
        }
        _ => {
            if postmaster_matches(record) {
                local::stop(record.pid, Duration::from_secs(10));
            }
            let _ = fs::remove_dir_all(&record.dir);
        }
    }
    let _ = fs::remove_file(record_path(&record.id));
}

/// Whether `record.pid` is still the postmaster of `record.dir` (pids get reused).
fn postmaster_matches(record: &Record) -> bool {
    let pidfile = record.dir.join("data").join("postmaster.pid");
    fs::read_to_string(pidfile)
        .ok()
        .and_then(|s| s.lines().next().and_then(|l| l.trim().parse::<u32>().ok()))
        .is_some_and(|pid| pid == record.pid && local::alive(pid))
}

/// Reaps every recorded server whose owner is gone and, with `containers`, every labelled
/// container likewise (a `docker ps`, so only when Docker is in play). Returns how many.
pub(crate) fn reap_orphans(containers: bool) -> usize {
    let mut reaped = 0;
    if let Ok(entries) = fs::read_dir(servers_dir()) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let Some(record) = read(&path) else { continue };
            let orphan = record.owner_pid != 0 && !local::alive(record.owner_pid);
            let dead = record.backend == "local" && !postmaster_matches(&record);
            if orphan || (dead && record.owner_pid == 0) {
                destroy(&record);
                reaped += 1;
            }
        }
    }
    if containers { reaped + reap_containers() } else { reaped }
}

/// Containers labelled with an owner pid that is gone (covers containers whose record is lost).
fn reap_containers() -> usize {
    let Ok(out) = duct::cmd!(
        "docker",
        "ps",
        "-a",
        "--filter",
        format!("label={MANAGED_LABEL}"),
        "--format",
        format!("{{{{.ID}}}} {{{{.Label \"{OWNER_LABEL}\"}}}}")
    )
    .stderr_null()
    .read() else {
        return 0;
    };
    let mut reaped = 0;
    for line in out.lines() {
        let mut parts = line.split_whitespace();
        let (Some(id), Some(owner)) = (parts.next(), parts.next()) else { continue };
        let Ok(owner) = owner.parse::<u32>() else { continue };
        if owner != 0 && !local::alive(owner) {
            remove_container(id);
            reaped += 1;
        }
    }
    reaped
}

pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
