//! Bakes the hash of the code that builds template databases into `GWELLS_TEMPLATE_BUILDERS`,
//! so a template's key covers that code as well as the files it is built from: an edited ledger
//! statement or code-table loader gives a new template instead of a clone of one the old code
//! built.

#[path = "src/builders.rs"]
mod builders;

fn main() {
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for name in builders::BUILDERS {
        println!("cargo:rerun-if-changed={}", crates.join(name).join("src").display());
    }
    let hash = builders::hash(&crates).unwrap_or_else(|e| panic!("hashing the builders: {e}"));
    println!("cargo:rustc-env=GWELLS_TEMPLATE_BUILDERS={hash}");
}
