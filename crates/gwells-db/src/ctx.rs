//! Configuration resolved once per invocation, shared by every command.
//!
//! The product binary and `cargo xtask` build the same [`Ctx`]; they differ only in what they
//! hand it: xtask adds a [`DevServer`] (the dev server to fall back on, reset's template path)
//! and the checkout's folders, the product neither, so `gwells-db` never starts a server and
//! with no target says how to name one.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, anyhow};
use pg::{Source, Target};

use crate::assets::{self, Embedded, Kind, Origin};
use crate::exit::bad_input;

/// A boxed future, for the [`DevServer`] hooks.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What only a developer's front door can do: start and find throwaway servers. The product has
/// none of this (it links no server code).
pub trait DevServer: Send + Sync {
    /// The dev server's database, started on demand.
    fn start(&self) -> BoxFuture<'_, Result<Target>>;
    /// The dev server's database, if one is running (never starts one: `health`).
    fn running(&self) -> BoxFuture<'_, Option<Target>>;
    /// The template path of reset on a throwaway server: the name of a template holding
    /// `migrations` and `codetables`, built first if missing, on the server of `admin`.
    fn reset_template(
        &self,
        admin: Target,
        migrations: PathBuf,
        codetables: PathBuf,
    ) -> BoxFuture<'static, Result<String, reset::BoxError>>;
}

/// The global flags every command shares, for both binaries.
#[derive(clap::Args, Debug, Default)]
pub struct Global {
    /// Database to work on, e.g. postgres://user@host:5432/gwells?sslmode=verify-full (else
    /// DATABASE_URL, the POSTGRESQL_* variables, libpq's PG* variables). A password here is
    /// visible in the process list: put a URL with a password in DATABASE_URL instead.
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) database_url: Option<String>,

    /// Folder of migrations [default: the ones built into the binary].
    #[arg(long, global = true, value_name = "DIR", env = pg::vars::GWELLS_MIGRATIONS_DIR)]
    pub(crate) migrations_dir: Option<PathBuf>,

    /// Folder of code-table CSVs [default: the ones built into the binary].
    #[arg(long, global = true, value_name = "DIR", env = pg::vars::GWELLS_CODETABLES_DIR)]
    pub(crate) codetables_dir: Option<PathBuf>,

    /// Folder for replication reports [default: the current folder; `cargo xtask`:
    /// target/reports].
    #[arg(long, global = true, value_name = "DIR", env = pg::vars::GWELLS_REPORT_DIR)]
    pub(crate) report_dir: Option<PathBuf>,

    /// Limit of each connection attempt, in seconds (else the URL's connect_timeout,
    /// PGCONNECT_TIMEOUT, or 10).
    #[arg(long, global = true, value_name = "SECS")]
    pub(crate) connect_timeout: Option<u64>,

    /// Wait up to SECS for the database to accept connections before the first one (refused,
    /// not yet in DNS, still starting up), as an init container needs.
    #[arg(long, global = true, value_name = "SECS")]
    pub(crate) wait: Option<u64>,
}

/// What every command needs: the target database and the folders it reads and writes.
pub struct Ctx {
    /// `--database-url`, if given.
    database_url: Option<String>,
    migrations: Origin,
    codetables: Origin,
    report_dir: PathBuf,
    embedded: Embedded,
    dev: Option<Arc<dyn DevServer>>,
    /// `--connect-timeout`, if given: the limit of each connection attempt.
    connect_timeout: Option<Duration>,
    /// `--wait`, if given: how long to wait for the database to accept connections.
    wait: Option<Duration>,
    /// How the program is invoked, for hints: `gwells-db` or `cargo xtask`.
    pub(crate) program: &'static str,
}

impl Ctx {
    /// The product's context: embedded assets unless given, no dev server.
    pub fn product(global: Global) -> Ctx {
        let origin = |given: Option<PathBuf>| given.map_or(Origin::Embedded, Origin::Given);
        Ctx {
            database_url: global.database_url,
            migrations: origin(global.migrations_dir),
            codetables: origin(global.codetables_dir),
            report_dir: global.report_dir.unwrap_or_else(|| PathBuf::from(".")),
            embedded: Embedded::default(),
            dev: None,
            connect_timeout: global.connect_timeout.map(Duration::from_secs),
            wait: global.wait.map(Duration::from_secs),
            program: "gwells-db",
        }
    }

    /// The developers' context: the checkout's folders (when the checkout exists on disk) and
    /// its reports folder, and a dev server to fall back on.
    pub fn developer(
        global: Global,
        checkout: Option<PathBuf>,
        target_dir: PathBuf,
        dev: Option<Arc<dyn DevServer>>,
    ) -> Ctx {
        let origin = |given: Option<PathBuf>, folder: &str| match (given, &checkout) {
            (Some(dir), _) => Origin::Given(dir),
            (None, Some(root)) => Origin::Checkout(root.join(folder)),
            (None, None) => Origin::Embedded,
        };
        Ctx {
            database_url: global.database_url,
            migrations: origin(global.migrations_dir, "migrations"),
            codetables: origin(global.codetables_dir, "codetables"),
            report_dir: global.report_dir.unwrap_or_else(|| target_dir.join("reports")),
            embedded: Embedded::default(),
            dev,
            connect_timeout: global.connect_timeout.map(Duration::from_secs),
            wait: global.wait.map(Duration::from_secs),
            program: "cargo xtask",
        }
    }

    /// The dev-server hooks, when this is the developers' front door in a checkout.
    pub(crate) fn dev(&self) -> Option<&Arc<dyn DevServer>> {
        self.dev.as_ref()
    }

    /// The target database, chosen by `pg::Target::resolve`'s precedence and announced on stderr
    /// with the password masked. Without any setting: the dev server, started on demand, inside
    /// a developer checkout; else an error naming the ways to give one (exit 2).
    pub async fn target(&self) -> Result<Target> {
        let target = match (self.configured_target()?, &self.dev) {
            (Some(t), _) => t,
            (None, Some(dev)) => dev.start().await?,
            (None, None) => return Err(bad_input(no_target())),
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

    /// With `--wait`, waits until `target` accepts connections (a progress line per failed
    /// attempt), failing with the last error at the deadline; without it, returns at once.
    pub(crate) async fn wait_for(&self, target: &Target) -> Result<()> {
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

    /// Whether `--database-url` or any environment setting names a database.
    pub(crate) fn configured_target(&self) -> Result<Option<Target>> {
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

    /// The migrations folder: `--migrations-dir`, the checkout's, or the embedded files.
    pub fn migrations_dir(&self) -> Result<PathBuf> {
        self.asset_dir(Kind::Migrations, &self.migrations)
    }

    /// The code-table folder: `--codetables-dir`, the checkout's, or the embedded files.
    pub fn codetables_dir(&self) -> Result<PathBuf> {
        self.asset_dir(Kind::Codetables, &self.codetables)
    }

    /// The migrations folder for a command that writes into it (`squash`): never the embedded
    /// files, which a write would only change in a temporary copy.
    pub(crate) fn migrations_dir_to_write(&self) -> Result<PathBuf> {
        if self.migrations == Origin::Embedded {
            return Err(bad_input(anyhow!(
                "the migrations are the ones built into the binary, which cannot be written\n\
                 hint: give the folder to write into with `--migrations-dir DIR`"
            )));
        }
        self.migrations_dir()
    }

    /// Whether the code tables are the embedded files (a `codes dump` needs `--out` then).
    pub(crate) fn codetables_embedded(&self) -> bool {
        self.codetables == Origin::Embedded
    }

    fn asset_dir(&self, kind: Kind, origin: &Origin) -> Result<PathBuf> {
        let dir = match origin {
            Origin::Given(dir) | Origin::Checkout(dir) => dir.clone(),
            Origin::Embedded => self.embedded.dir(kind)?,
        };
        // Once per folder and process: the output says which files a command used.
        static SAID: std::sync::Mutex<Vec<&str>> = std::sync::Mutex::new(Vec::new());
        if let Ok(mut said) = SAID.lock()
            && !said.contains(&kind.folder())
        {
            said.push(kind.folder());
            say(&format!("{}: {}", kind.folder(), assets::describe(origin, &dir)));
        }
        Ok(dir)
    }

    /// Where replication reports go.
    pub fn report_dir(&self) -> PathBuf {
        self.report_dir.clone()
    }
}

/// The error of a command that needs a database when none is named.
fn no_target() -> anyhow::Error {
    anyhow!(
        "no database to work on\n\
         hint: name one with `--database-url postgres://USER@HOST:PORT/DBNAME`, `DATABASE_URL`, \
         the database pod's variables `POSTGRESQL_USER`, `POSTGRESQL_PASSWORD`, \
         `POSTGRESQL_DATABASE` (with `POSTGRESQL_SERVICE_HOST` / `DATABASE_SERVICE_NAME` for the host), \
         or libpq's `PGHOST` / `PGPORT` / `PGUSER` / `PGDATABASE`"
    )
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
/// (`gwells-db showmigrations | head`) ends the process quietly with exit 0, as ripgrep
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
