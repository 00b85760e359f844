use std::path::PathBuf;

/// The repository root (the parent of `crates/`).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().nth(2).map(PathBuf::from).unwrap_or(manifest)
}

/// `target/` of the workspace, or `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os(pg::vars::CARGO_TARGET_DIR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("target"),
    }
}

/// `target/devdb`: caches, servers and their records.
pub(crate) fn devdb_dir() -> PathBuf {
    target_dir().join("devdb")
}
