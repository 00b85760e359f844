//! pg against real servers: TLS modes, libpq's variables and password file, waiting.

mod tls;
mod wait;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// An error and its causes, as `anyhow` prints them with `{:#}`.
pub(crate) fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(e) = cause {
        text.push_str(&format!(": {e}"));
        cause = e.source();
    }
    text
}

/// Whether local PostgreSQL server binaries exist; without them a test skips, except under CI.
#[allow(clippy::print_stderr)]
pub(crate) fn have_server_binaries(test: &str) -> bool {
    if devdb::Binaries::find().is_ok() {
        return true;
    }
    assert!(!pg::vars::in_ci(), "CI must have PostgreSQL server binaries for `{test}`");
    eprintln!("SKIP `{test}`: no PostgreSQL server binaries");
    false
}

/// A folder the server's user can read (as root, the server runs as `postgres`), with files
/// written mode 0600 and owned by that user, as PostgreSQL wants its key.
pub(crate) struct ServerFiles {
    dir: tempfile::TempDir,
}

impl ServerFiles {
    pub(crate) fn new() -> ServerFiles {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = ServerFiles { dir };
        files.own(files.dir.path());
        std::fs::set_permissions(files.dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        files
    }

    pub(crate) fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        self.own(&path);
        path
    }

    fn own(&self, path: &Path) {
        if nix::unistd::geteuid().is_root()
            && let Ok(Some(user)) = nix::unistd::User::from_name("postgres")
        {
            nix::unistd::chown(path, Some(user.uid), Some(user.gid)).expect("chown");
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }
}
