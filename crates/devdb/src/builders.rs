//! The hash of the code that builds the workspace's template databases: the sources of the
//! crates listed in [`BUILDERS`]. `build.rs` bakes it into `GWELLS_TEMPLATE_BUILDERS` (a
//! binary may run far from its source tree); a test recomputes it from the tree to show the
//! baked value is current.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The crates whose code shapes a template: `devdb` (building and cloning), `pg` (every
/// statement goes through it), `migrate` (the schema and its ledgers), `codes` (the code rows)
/// and `templates` (what the GWELLS templates hold).
pub(crate) const BUILDERS: &[&str] = &["devdb", "pg", "migrate", "codes", "templates"];

/// Every file under `<crates>/<builder>/src`, in a stable order.
pub(crate) fn sources(crates: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for name in BUILDERS {
        let mut these: Vec<PathBuf> = walkdir::WalkDir::new(crates.join(name).join("src"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(walkdir::DirEntry::into_path)
            .collect();
        these.sort();
        files.extend(these);
    }
    files
}

/// The hex SHA-256 of the builders' sources (relative paths and contents).
pub(crate) fn hash(crates: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    for file in sources(crates) {
        let rel = file.strip_prefix(crates).unwrap_or(&file);
        hasher.update(rel.to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update(std::fs::read(&file)?);
        hasher.update([0]);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_baked_hash_is_that_of_the_sources_now() {
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        assert!(super::sources(&crates).len() > 20, "the builders' sources were not found");
        assert_eq!(super::hash(&crates).expect("read sources"), env!("GWELLS_TEMPLATE_BUILDERS"));
    }
}
