//! The local backend: a cluster copied from a cached `initdb`, `postgres` spawned directly.
//!
//! `initdb` costs ~0.4 s and `pg_ctl -w` polls in 100 ms steps, so the
//! first server of a version runs `initdb` once into `target/devdb/initdb-<version>` and every
//! server after that copies it (~30 ms) and spawns `postgres` itself, polling `postmaster.pid`
//! for the `ready` status. Settings are non-durable: the data is throwaway. PostgreSQL refuses
//! to run as root, so as root the server runs as the `postgres` system user.

use std::ffi::OsStr;
use std::fs;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::{Pid, User};

use crate::paths::devdb_dir;
use crate::{Error, Result};

/// Server binaries of one PostgreSQL installation.
#[derive(Debug, Clone)]
pub struct Binaries {
    /// The directory holding `postgres` and `initdb`.
    pub bindir: PathBuf,
    /// `15.18`, from `postgres --version`.
    pub version: String,
}

impl Binaries {
    /// Finds server binaries: `pg_config --bindir`, `/usr/lib/postgresql/*/bin` (newest), `PATH`.
    pub fn find() -> Result<Binaries> {
        // Looking costs two process spawns; the answer does not change within a process.
        static FOUND: std::sync::OnceLock<Option<Binaries>> = std::sync::OnceLock::new();
        FOUND
            .get_or_init(|| Binaries::find_in(&Binaries::candidates()).ok())
            .clone()
            .ok_or(Error::NoBinaries)
    }

    /// The first of `dirs` holding `postgres` and `initdb`.
    pub fn find_in(dirs: &[PathBuf]) -> Result<Binaries> {
        let bindir = dirs
            .iter()
            .find(|dir| dir.join("postgres").is_file() && dir.join("initdb").is_file())
            .cloned()
            .ok_or(Error::NoBinaries)?;
        let out = duct::cmd!(bindir.join("postgres"), "--version")
            .full_env(clean_env())
            .read()
            .map_err(|e| command_error("postgres --version", e))?;
        // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
        let version = out.split_whitespace().nth(2).unwrap_or("unknown").to_string();
        Ok(Binaries { bindir, version })
    }

    fn candidates() -> Vec<PathBuf> {
        let mut candidates = Vec::new();
        if let Ok(out) =
            duct::cmd!("pg_config", "--bindir").full_env(clean_env()).stderr_null().read()
        {
            candidates.push(PathBuf::from(out.trim()));
        }
        if let Ok(entries) = fs::read_dir("/usr/lib/postgresql") {
            let mut versions: Vec<(u32, PathBuf)> = entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let v = e.file_name().to_str()?.parse::<u32>().ok()?;
                    Some((v, e.path().join("bin")))
                })
                .collect();
            versions.sort();
            candidates.extend(versions.into_iter().rev().map(|(_, p)| p));
        }
        if let Some(path) = std::env::var_os(pg::vars::PATH) {
            candidates.extend(std::env::split_paths(&path));
        }
        candidates
    }
}

/// A running local server.
#[derive(Debug)]
pub(crate) struct LocalServer {
    pub(crate) pid: u32,
    pub(crate) port: u16,
}

/// What the server's processes may see of our environment: enough to run, nothing else. The
/// tool's own environment holds secrets (`FDW_PASS`, `DJANGO_ADMIN_PASSWORD`, `DATABASE_URL`)
/// that a long-lived postmaster would otherwise keep in `/proc/<pid>/environ`.
fn clean_env() -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
    std::env::vars_os()
        .filter(|(k, _)| {
            k.to_str().is_some_and(|k| matches!(k, "PATH" | "LANG" | "LC_ALL" | "TMPDIR"))
        })
        .collect()
}

/// Copies the cached cluster into `dir/data` and starts it on a free loopback port, with the
/// defaults and then `settings` as `-c` options.
pub(crate) fn start(bins: &Binaries, dir: &Path, settings: &[String]) -> Result<LocalServer> {
    let cache = cached_initdb(bins)?;
    let data = dir.join("data");
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    duct::cmd!("cp", "-a", &cache, &data)
        .full_env(clean_env())
        .stderr_capture()
        .run()
        .map_err(|e| command_error("cp -a", e))?;
    let log = dir.join("server.log");
    let mut last_error = None;
    // A port found free can be taken before postgres binds it; retry with another.
    for _ in 0..5 {
        let port = free_port().map_err(|e| Error::io(dir, e))?;
        match spawn(bins, &data, &log, port, settings) {
            Ok(pid) => return Ok(LocalServer { pid, port }),
            Err(err @ Error::Start { .. }) if port_collision(&log) => last_error = Some(err),
            Err(err) => return Err(err),
        }
    }
    Err(last_error.unwrap_or(Error::NoBinaries))
}

fn spawn(bins: &Binaries, data: &Path, log: &Path, port: u16, settings: &[String]) -> Result<u32> {
    let log_file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| Error::io(log, e))?;
    let log_err = log_file.try_clone().map_err(|e| Error::io(log, e))?;
    let postgres = bins.bindir.join("postgres");
    let port = port.to_string();
    let mut args = vec![OsStr::new("-D"), data.as_os_str(), OsStr::new("-p"), OsStr::new(&port)];
    args.extend([OsStr::new("-k"), data.as_os_str()]);
    for setting in SETTINGS.iter().copied().chain(settings.iter().map(String::as_str)) {
        args.extend([OsStr::new("-c"), OsStr::new(setting)]);
    }
    let server = duct::cmd(&postgres, args)
        .full_env(clean_env())
        .stdin_null()
        .stdout_file(log_file)
        .stderr_file(log_err)
        .unchecked()
        // Its own process group: a Ctrl-C at the terminal must not kill the server mid-test;
        // we stop it ourselves.
        .before_spawn(|cmd| {
            cmd.process_group(0);
            Ok(())
        });
    let handle = as_postgres(server, postgres_user()?.as_ref())
        .start()
        .map_err(|e| Error::io(&postgres, e))?;
    let pid = handle.pids()[0]; // one command, one pid
    let started = Instant::now();
    loop {
        if let Ok(Some(out)) = handle.try_wait() {
            let reason = format!("postgres exited with {}", out.status);
            return Err(start_error(data, log, reason));
        }
        if is_ready(data) {
            // Whoever stops the server reaps it (by pid); dropping the handle neither kills
            // nor waits for it.
            drop(handle);
            return Ok(pid);
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = handle.kill();
            let _ = handle.wait();
            return Err(start_error(data, log, "not ready after 30 s".into()));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Non-durable settings for throwaway data (fsync, synchronous_commit and full_page_writes off),
/// loopback only.
const SETTINGS: &[&str] = &[
    "listen_addresses=127.0.0.1",
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "max_connections=300",
    "shared_buffers=256MB",
    "max_wal_size=2GB",
    "checkpoint_timeout=30min",
    "maintenance_work_mem=256MB",
    "work_mem=16MB",
    "log_min_messages=warning",
    "log_min_error_statement=panic",
    "log_connections=off",
    "TimeZone=UTC",
    crate::SERVER_MARK,
];

/// `postmaster.pid` line 8 is the postmaster's status; `ready` means it accepts connections.
fn is_ready(data: &Path) -> bool {
    fs::read_to_string(data.join("postmaster.pid"))
        .ok()
        .and_then(|s| s.lines().nth(7).map(|l| l.trim() == "ready"))
        .unwrap_or(false)
}

/// Stops a server by pid: SIGINT (fast shutdown), then SIGKILL after `grace`.
pub(crate) fn stop(pid: u32, grace: Duration) {
    let pid = Pid::from_raw(pid as i32);
    if kill(pid, Signal::SIGINT).is_err() {
        return;
    }
    let started = Instant::now();
    while alive(pid.as_raw() as u32) {
        // Reap it if it is our child; harmless otherwise.
        let _ = nix::sys::wait::waitpid(pid, Some(nix::sys::wait::WaitPidFlag::WNOHANG));
        if started.elapsed() > grace {
            let _ = kill(pid, Signal::SIGKILL);
            let _ = nix::sys::wait::waitpid(pid, None);
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Whether a process exists (and is not a zombie).
pub(crate) fn alive(pid: u32) -> bool {
    if pid == 0 || kill(Pid::from_raw(pid as i32), None).is_err() {
        return false;
    }
    // A zombie still answers kill(0); /proc says what it is.
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')),
        Err(_) => true,
    }
}

/// The cached `initdb` output for this version, made on first use.
fn cached_initdb(bins: &Binaries) -> Result<PathBuf> {
    let cache = devdb_dir().join(format!("initdb-{}", bins.version));
    if cache.join("PG_VERSION").is_file() {
        return Ok(cache);
    }
    let parent = devdb_dir();
    fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let scratch = parent.join(format!("initdb-{}.tmp-{}", bins.version, std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).map_err(|e| Error::io(&scratch, e))?;
    let user = postgres_user()?;
    if let Some(user) = &user {
        nix::unistd::chown(&scratch, Some(user.uid), Some(user.gid))
            .map_err(|e| Error::io(&scratch, e.into()))?;
    }
    fs::set_permissions(&scratch, fs::Permissions::from_mode(0o700))
        .map_err(|e| Error::io(&scratch, e))?;
    let initdb = bins.bindir.join("initdb");
    let flags = ["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"];
    let flags = flags.into_iter().chain(["--no-instructions"]).map(OsStr::new);
    let args = [OsStr::new("-D"), scratch.as_os_str()].into_iter().chain(flags);
    let initdb_run =
        duct::cmd(&initdb, args).full_env(clean_env()).stdout_null().stderr_capture().unchecked();
    let out = as_postgres(initdb_run, user.as_ref()).run().map_err(|e| Error::io(&initdb, e))?;
    if !out.status.success() {
        let _ = fs::remove_dir_all(&scratch);
        return Err(Error::Command {
            command: "initdb".into(),
            detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    // Another process may have won the race; either copy is as good.
    if fs::rename(&scratch, &cache).is_err() {
        let _ = fs::remove_dir_all(&scratch);
    }
    Ok(cache)
}

/// `expr` run as `user` (the `postgres` system user, under root), else as ourselves.
fn as_postgres(expr: duct::Expression, user: Option<&User>) -> duct::Expression {
    let Some(ids) = user.map(|user| (user.uid.as_raw(), user.gid.as_raw())) else { return expr };
    expr.before_spawn(move |cmd| {
        cmd.uid(ids.0).gid(ids.1);
        Ok(())
    })
}

/// The `postgres` system user when we run as root (PostgreSQL refuses root), else `None`.
fn postgres_user() -> Result<Option<User>> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    match User::from_name("postgres") {
        Ok(Some(user)) => Ok(Some(user)),
        _ => Err(Error::Command {
            command: "getpwnam(postgres)".into(),
            detail: "running as root, but there is no `postgres` system user to run the server as\nhint: install PostgreSQL from Debian packages (`scripts/install-postgres.sh`), which creates it".into(),
        }),
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn port_collision(log: &Path) -> bool {
    fs::read_to_string(log)
        .is_ok_and(|s| s.contains("could not bind") || s.contains("already in use"))
}

fn start_error(data: &Path, log: &Path, reason: String) -> Error {
    let text = fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(15)..].join("\n");
    Error::Start { data_dir: data.to_path_buf(), log: log.to_path_buf(), reason, log_tail: tail }
}

pub(crate) fn command_error(command: &str, err: std::io::Error) -> Error {
    Error::Command { command: command.to_string(), detail: err.to_string() }
}
