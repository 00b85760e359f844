//! Configuration resolved once per invocation, shared by every command.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use pg::{Source, Target};

use crate::exit::bad_input;

/// What every command needs: the workspace root and the target database.
pub struct Ctx {
    /// `--database-url`, if given.
    database_url: Option<String>,
    /// The workspace root (where `migrations/` and `codetables/` live).
    pub root: PathBuf,
    /// `--migrations-dir`, if given.
    migrations_dir: Option<PathBuf>,
    /// `--connect-timeout`, if given: the limit of each connection attempt.
    connect_timeout: Option<Duration>,
    /// `--wait`, if given: how long to wait for the database to accept connections.
    wait: Option<Duration>,
}

impl Ctx {
    pub fn new(database_url: Option<String>, migrations_dir: Option<PathBuf>) -> Ctx {
        Ctx {
            database_url,
            root: workspace_root(),
            migrations_dir,
            connect_timeout: None,
            wait: None,
        }
    }

    /// `--connect-timeout` and `--wait`, in seconds.
    pub fn with_connection_flags(mut self, connect_timeout: Option<u64>, wait: Option<u64>) -> Ctx {
        self.connect_timeout = connect_timeout.map(Duration::from_secs);
        self.wait = wait.map(Duration::from_secs);
        self
    }

    /// With `--wait`, waits until `target` accepts connections (a progress line per failed
    /// attempt), failing with the last error at the deadline; without it, returns at once.
    pub async fn wait_for(&self, target: &Target) -> Result<()> {
        let Some(wait) = self.wait else { return Ok(()) };
        let waited = pg::wait_ready(target, wait, |p| {
            // The innermost cause says what is wrong (refused, unknown host, starting up);
            // the target was named on the line before.
            let mut cause: &dyn std::error::Error = p.error;
            while let Some(next) = cause.source() {
                cause = next;
            }
            say(&format!(
                "waiting for the database ({:.0} s left, attempt {}): {cause}",
                p.remaining.as_secs_f64(),
                p.attempt,
            ));
        })
        .await?;
        if waited > Duration::from_secs(1) {
            say(&format!("database accepts connections after {:.1} s", waited.as_secs_f64()));
        }
        Ok(())
    }

    /// The target database, chosen by `pg::Target::resolve`'s precedence and announced on stderr
    /// with the password masked. Without any setting, the dev server is started on demand.
    pub async fn target(&self) -> Result<Target> {
        let resolved = self.configured_target()?;
        let target = match resolved {
            Some(t) => t,
            None => {
                let server = devdb::dev_server_up(&devdb::DevOptions::from_env())
                    .await
                    .context("no database configured, and the dev server could not start")?;
                server
                    .target()
                    .clone()
                    .with_dbname(devdb::DEV_DATABASE)
                    .with_source(Source::DevServer)
            }
        };
        let target = match self.connect_timeout {
            Some(t) => target.with_connect_timeout(t),
            None => target,
        };
        say(&format!(
            "database: {target} (from {}{}{})",
            target.source(),
            notes(&target),
            dialled(&target)
        ));
        self.wait_for(&target).await?;
        Ok(target)
    }

    /// Whether `--database-url` or any environment setting names a database.
    pub fn configured_target(&self) -> Result<Option<Target>> {
        let env = |name: &str| std::env::var(name).ok();
        let resolved = Target::resolve(self.database_url.as_deref(), &env).map_err(bad_input)?;
        if let Some(t) = &resolved {
            warn_password_in_arguments(t);
            for warning in t.warnings() {
                say(&format!("warning: {warning}"));
            }
        }
        Ok(match (resolved, self.connect_timeout) {
            (Some(t), Some(timeout)) => Some(t.with_connect_timeout(timeout)),
            (resolved, _) => resolved,
        })
    }

    /// `--migrations-dir`, else `migrations/` of the workspace.
    pub fn migrations_dir(&self) -> PathBuf {
        self.migrations_dir.clone().unwrap_or_else(|| self.root.join("migrations"))
    }

    /// `codetables/` of the workspace.
    pub fn codetables_dir(&self) -> PathBuf {
        self.root.join("codetables")
    }

    /// `target/` of the workspace (reports, bench results, devdb state).
    pub fn target_dir(&self) -> PathBuf {
        devdb::target_dir()
    }
}

/// `; password from PGPASSWORD`: where the parts the source left out came from.
fn notes(target: &Target) -> String {
    target.notes().iter().map(|n| format!("; {n}")).collect()
}

/// `, connects to 198.51.100.1:5432` when a `hostaddr` makes the connection go elsewhere than
/// the host the URL names (which then only names the server for TLS).
fn dialled(target: &Target) -> String {
    if target.config().get_hostaddrs().is_empty() {
        return String::new();
    }
    let list: Vec<String> = target.destinations().iter().map(ToString::to_string).collect();
    format!(", connects to {}", list.join(", "))
}

/// Warns, once per process, when the password came from `--database-url`: process arguments
/// are readable by every user of the machine (`ps`, `/proc/<pid>/cmdline`), the environment
/// only by the process's own user.
fn warn_password_in_arguments(target: &Target) {
    static WARNED: std::sync::Once = std::sync::Once::new();
    if *target.source() == Source::Flag && target.password().is_some() {
        WARNED.call_once(|| {
            say("warning: the password in `--database-url` is visible to every user of this machine in the process list");
            say("hint: put the URL in `DATABASE_URL` instead, or leave the password out of it");
        });
    }
}

/// Progress and diagnostics go to stderr; stdout is for data.
#[allow(clippy::print_stderr)]
pub fn say(line: &str) {
    eprintln!("{line}");
}

/// Data for stdout, as given; progress goes through [`say`]. A reader that went away
/// (`cargo xtask showmigrations | head`) ends the process quietly with exit 0, as ripgrep
/// does, instead of the panic `print!` gives.
#[allow(clippy::print_stderr)]
pub fn print(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

/// A line of data for stdout (see [`print`]).
pub fn print_line(line: &str) {
    print(&format!("{line}\n"));
}

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
