//! The migrations and code tables compiled into the binary, and the choice between them and a
//! folder given by `--migrations-dir` / `--codetables-dir`.
//!
//! The loaders of `migrate` and `codes` read folders, so the embedded files are written once per
//! process into a private temporary folder (mode 0700, a random name, removed when the command
//! ends) the first time a command needs them. A folder of a fixed name could be prepared by
//! another user of the machine; this one cannot.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Context;

/// `(folder, path below it, contents)` of every embedded file, written by `build.rs`.
static FILES: &[(&str, &str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The hash of the embedded migrations and code tables: the one a coded template of the same
/// files is keyed by (`devdb::inputs_hash`).
pub(crate) const HASH: &str = env!("GWELLS_ASSETS_HASH");

/// What `--version` prints after the program's name.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("GWELLS_COMMIT"),
    ", migrations+codetables ",
    env!("GWELLS_ASSETS_HASH"),
    ")"
);

/// The two asset folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Migrations,
    Codetables,
}

impl Kind {
    /// The folder's name in the repository (and in the embedded table).
    pub(crate) fn folder(self) -> &'static str {
        match self {
            Kind::Migrations => "migrations",
            Kind::Codetables => "codetables",
        }
    }
}

/// Where one kind of asset comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A folder named by a flag or its variable.
    Given(PathBuf),
    /// The folder of the developer checkout the binary was built in (`cargo xtask` only).
    Checkout(PathBuf),
    /// The files compiled into the binary.
    Embedded,
}

/// The embedded files, written out on first use.
#[derive(Default)]
pub(crate) struct Embedded {
    dir: OnceLock<tempfile::TempDir>,
}

impl Embedded {
    /// The folder holding the embedded `kind`, written on first use.
    pub(crate) fn dir(&self, kind: Kind) -> anyhow::Result<PathBuf> {
        if let Some(dir) = self.dir.get() {
            return Ok(dir.path().join(kind.folder()));
        }
        let written =
            write_all().context("cannot write the embedded migrations and code tables")?;
        // Another thread may have won the race; its copy is as good, this one is removed.
        let dir = self.dir.get_or_init(|| written);
        Ok(dir.path().join(kind.folder()))
    }
}

/// Every embedded file below a fresh private temporary folder.
fn write_all() -> std::io::Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new().prefix("gwells-db-assets-").tempdir()?;
    for (folder, rel, bytes) in FILES {
        let path = dir.path().join(folder).join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)?;
    }
    Ok(dir)
}

/// How the output names an origin: `embedded (<hash>)`, or the folder.
pub(crate) fn describe(origin: &Origin, dir: &Path) -> String {
    match origin {
        Origin::Given(_) => format!("{} (given)", dir.display()),
        Origin::Checkout(_) => format!("{} (checkout)", dir.display()),
        Origin::Embedded => format!("embedded, {HASH}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many files of `kind` are embedded.
    fn count(kind: Kind) -> usize {
        FILES.iter().filter(|(folder, _, _)| *folder == kind.folder()).count()
    }

    #[test]
    fn every_migration_and_code_table_is_embedded_and_written_back_unchanged() {
        assert!(count(Kind::Migrations) > 10, "{} migration files", count(Kind::Migrations));
        assert!(count(Kind::Codetables) > 10, "{} code tables", count(Kind::Codetables));
        let embedded = Embedded::default();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        for kind in [Kind::Migrations, Kind::Codetables] {
            let dir = embedded.dir(kind).expect("written");
            for (folder, rel, bytes) in FILES.iter().filter(|f| f.0 == kind.folder()) {
                assert_eq!(&std::fs::read(dir.join(rel)).expect("written"), bytes, "{rel}");
                let source = std::fs::read(root.join(folder).join(rel)).expect("in the checkout");
                assert_eq!(&source, bytes, "{folder}/{rel} differs from the checkout");
            }
        }
        let path = embedded.dir(Kind::Migrations).expect("written").parent().map(Path::to_path_buf);
        drop(embedded);
        assert!(!path.expect("a parent").exists(), "removed with the context");
    }
}
