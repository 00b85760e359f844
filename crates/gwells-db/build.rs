//! Embeds `migrations/` and `codetables/` into the binary and bakes in what `--version` says:
//! the commit (`unknown` without git) and the hash of the embedded files, computed exactly as
//! `devdb::inputs_hash` keys a coded template, so the two can be compared.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.ancestors().nth(2).expect("crates/gwells-db lies two levels down");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));

    let mut hasher = Sha256::new();
    let mut table = String::from("&[\n");
    for folder in ["migrations", "codetables"] {
        let dir = root.join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files = Vec::new();
        walk(&dir, &mut files);
        files.sort();
        for file in files {
            let rel = file.strip_prefix(&dir).expect("below the folder").to_string_lossy();
            let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            hasher.update(rel.as_bytes());
            hasher.update([0]);
            hasher.update(&bytes);
            hasher.update([0]);
            let _ = writeln!(table, "    ({folder:?}, {rel:?}, include_bytes!({:?})),", file);
        }
    }
    table.push(']');
    std::fs::write(out.join("assets.rs"), table).expect("writing OUT_DIR/assets.rs");
    let hash = hex::encode(hasher.finalize());
    println!("cargo:rustc-env=GWELLS_ASSETS_HASH={}", &hash[..16]);
    println!("cargo:rustc-env=GWELLS_COMMIT={}", commit(root));
}

/// Every file below `dir`, depth first.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            walk(&path, files);
        } else if path.is_file() {
            files.push(path);
        }
    }
}

/// The short commit of the checkout, or `unknown` (a source tarball, no git); rebuilt when HEAD
/// moves.
fn commit(root: &Path) -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        for file in ["HEAD", "logs/HEAD"] {
            let path = Path::new(&dir).join(file);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into())
}
