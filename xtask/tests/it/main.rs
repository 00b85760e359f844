//! The CLI as a user sees it: the real `xtask` binary, its exit codes and its words; and the
//! reliability suite (bad inputs, secrets, concurrency, faults) against real databases.

mod bad_input;
mod connect_errors;
mod deploy;
mod faults;
mod guards;
mod health;
mod image;
mod merge_health;
mod product;
mod replicate_faults;
mod schema;
mod secrets;
mod signals;
mod support;
mod tidy;
mod transcripts;
mod wait;

use std::process::Output;

use support::{output, text};

/// The binary with `args`, none of the target variables set.
fn xtask(args: &[&str]) -> Output {
    output(&support::xtask(args, &[])).expect("run xtask")
}

#[test]
fn readme_documents_every_variable_the_workspace_reads() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README");
    let missing: Vec<&str> =
        pg::vars::ALL.iter().copied().filter(|v| !readme.contains(&format!("`{v}`"))).collect();
    assert!(missing.is_empty(), "README.md does not document {missing:?}");
}

/// Which commands `--help` lists is `tidy::the_readme_command_table_is_the_cli`'s to check.
#[test]
fn help_has_examples() {
    let out = xtask(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("Examples:"), "{}", text(&out.stdout));
}

#[test]
fn an_unknown_backend_is_bad_input_with_a_hint() {
    let out = xtask(&["db", "up", "--backend", "podman"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.starts_with("error: unknown backend `podman`"), "{err}");
    assert!(err.contains("\nhint: set `--backend` or `GWELLS_DEVDB_BACKEND`"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_bad_database_url_is_bad_input_and_never_echoes_the_password() {
    let url = "postgres://app:Planted-S3cret@db:notaport/gwells";
    let out = output(&support::xtask(["migrate", "--check"], &[("DATABASE_URL", url)]))
        .expect("run xtask");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("`DATABASE_URL` is not a valid PostgreSQL URL"), "{err}");
    assert!(
        !err.contains("Planted-S3cret") && !text(&out.stdout).contains("Planted-S3cret"),
        "{err}"
    );
}

#[test]
fn an_unknown_bench_scenario_is_bad_input() {
    let out = xtask(&["bench", "warp-speed"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown scenario `warp-speed`"));
}

/// `cargo xtask fdw sql | head -1`: a reader that goes away ends the command quietly, exit 0,
/// not with Rust's "failed printing to stdout" panic (exit 101).
#[test]
fn a_closed_stdout_ends_quietly() {
    let env = [
        ("FDW_NAME", "wells_oradb"),
        ("FDW_FOREIGN_SERVER", "//nrk1-scan.example/envprod1"),
        ("FDW_USER", "proxy_wells_gwells"),
        ("FDW_PASS", "x"),
        ("FDW_FOREIGN_SCHEMA", "WELLS"),
        ("FDW_SCHEMA", "wells"),
    ];
    // The read end is closed before the process starts: its first write gets EPIPE.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = support::xtask(["fdw", "sql"], &env)
        .stdout_file(writer)
        .stderr_capture()
        .unchecked()
        .run()
        .expect("run xtask");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
}
