//! Tidy checks, as plain tests (rust-analyzer's `tidy.rs`): the facts a review would otherwise
//! have to remember — the code map lists every crate, the README's command table is the CLI,
//! environment variables are read through one registry, comments cite only what is in the
//! repository, programs are run through duct, errors follow `pg::report`'s protocol, the fuzz
//! targets still compile, and no dependency is unused.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{support, xtask};
use support::text;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dirs` (relative to the root) whose name ends in one of `exts`.
fn files(dirs: &[&str], exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in dirs {
        for entry in walkdir::WalkDir::new(root().join(dir)).into_iter().filter_map(Result::ok) {
            let path = entry.into_path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if path.is_file() && exts.iter().any(|e| name.ends_with(e)) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn rel(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

#[test]
fn every_crate_has_a_heading_in_the_code_map() {
    let map = read(&root().join("ARCHITECTURE.md"));
    let headings: Vec<&str> = map.lines().filter(|l| l.starts_with("### ")).collect();
    let mut crates: Vec<String> = std::fs::read_dir(root().join("crates"))
        .expect("crates/")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    crates.sort();
    assert!(crates.len() >= 10, "{crates:?}");
    let missing: Vec<&String> = crates
        .iter()
        .filter(|c| !headings.iter().any(|h| h.contains(&format!("`crates/{c}`"))))
        .collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md has no `### crates/NAME` heading for {missing:?}");
}

/// The commands `--help` of `args` lists, without `help`.
fn subcommands(args: &[&str]) -> Vec<String> {
    let mut all = args.to_vec();
    all.push("--help");
    let out = xtask(&all);
    assert_eq!(out.status.code(), Some(0), "{all:?}: {}", text(&out.stderr));
    let help = text(&out.stdout);
    let Some(section) = help.split("\nCommands:\n").nth(1) else { return Vec::new() };
    section
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   ")) // a wrapped description
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// Every runnable command path of the CLI: `migrate`, `db up`, ...
fn cli_commands() -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    for command in subcommands(&[]) {
        let subs = subcommands(&[&command]);
        if subs.is_empty() {
            paths.insert(command);
        } else {
            paths.extend(subs.iter().map(|s| format!("{command} {s}")));
        }
    }
    paths
}

/// The leading lowercase words of `piece` (the command path before its arguments).
fn words(piece: &str) -> Vec<String> {
    piece
        .split_whitespace()
        .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .take_while(|w| !w.starts_with('-'))
        .map(str::to_string)
        .collect()
}

/// The command paths of the README's command table. A row's first cell is
/// `` `cargo xtask CMD [SUB] ...` `` followed by ` / `-separated siblings: of `SUB` when the
/// first names one (`db up / down`), else of `CMD` (`reset / protect / unprotect`).
fn readme_commands() -> BTreeSet<String> {
    let readme = read(&root().join("README.md"));
    let mut paths = BTreeSet::new();
    for line in readme.lines().filter(|l| l.starts_with("| `cargo xtask ")) {
        let cell = line.trim_start_matches('|').split(" | ").next().unwrap_or_default();
        let cell = cell.replace('`', "");
        let cell = cell.trim();
        let mut pieces = cell.split(" / ");
        let first = words(pieces.next().unwrap_or_default().trim_start_matches("cargo xtask "));
        let (parent, head) = match first.as_slice() {
            [command] => (None, command.clone()),
            [command, sub, ..] => (Some(command.clone()), format!("{command} {sub}")),
            [] => panic!("README row names no command: {line}"),
        };
        paths.insert(head);
        for piece in pieces {
            let Some(word) = words(piece).into_iter().next() else { continue };
            paths.insert(match &parent {
                Some(command) => format!("{command} {word}"),
                None => word,
            });
        }
    }
    paths
}

#[test]
fn the_readme_command_table_is_the_cli() {
    let (cli, readme) = (cli_commands(), readme_commands());
    assert!(cli.len() >= 20, "{cli:?}");
    let undocumented: Vec<&String> = cli.difference(&readme).collect();
    let unknown: Vec<&String> = readme.difference(&cli).collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "README.md's command table and the CLI differ:\n  not in the README: \
         {undocumented:?}\n  not in the CLI: {unknown:?}"
    );
}

#[test]
fn environment_variables_are_read_only_through_the_registry() {
    let registry = root().join("crates/pg/src/vars.rs");
    let mut offenders = Vec::new();
    for file in files(&["crates", "xtask/src"], &[".rs"]) {
        if file == registry || rel(&file).contains("/tests/") {
            continue;
        }
        let build_script = file.file_name().is_some_and(|n| n == "build.rs");
        for (n, line) in read(&file).lines().enumerate() {
            // Where cargo wants a build script's output is cargo's input, not configuration.
            if build_script && line.contains("env::var_os(\"OUT_DIR\")") {
                continue;
            }
            if line.contains("env::var(\"") || line.contains("env::var_os(\"") {
                offenders.push(format!("{}:{}: {}", rel(&file), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "read these through a constant of crates/pg/src/vars.rs (and document it in the \
         README):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn comments_cite_only_documents_in_the_repository() {
    // The design documents live outside the repository; a comment states the fact instead.
    // The section sign is an escape, so a grep for it finds only real citations.
    const OUTSIDE: &[&str] = &["blueprint", "anchors", "gwells-domain", "\u{a7}"];
    let mut offenders = Vec::new();
    let dirs = ["crates", "xtask", "migrations", "scripts", "fuzz/fuzz_targets", ".ci"];
    for file in files(&dirs, &[".rs", ".sql", ".toml", ".sh", "run"]) {
        if file.ends_with("xtask/tests/it/tidy.rs") {
            continue; // the list above
        }
        if rel(&file).starts_with("xtask/tests/it/fixtures/a4ff251/") {
            continue; // an old commit's files, verbatim: editing them would falsify the fixture
        }
        for (n, line) in read(&file).lines().enumerate() {
            if OUTSIDE.iter().any(|word| line.contains(word)) {
                offenders.push(format!("{}:{}: {}", rel(&file), n + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "comments citing documents outside the repository:\n{}", {
        offenders.join("\n")
    });
}

// Split, so that the check does not find itself.
const STD_BUILDER: &str = concat!("process::", "Command");
const TOKIO_PROCESS: &str = concat!("tokio::", "process");
const XSHELL: &str = concat!("x", "shell");

/// The lines (0-based) of `text` that name the process builder of std or tokio: by path (as a
/// whole word: not `CommandExt`) or in a braced `use std::process::{..}` group, which may span
/// lines.
fn builder_lines(text: &str) -> BTreeSet<usize> {
    let line_of = |at: usize| text[..at].matches('\n').count();
    let mut lines = BTreeSet::new();
    for (at, _) in text.match_indices(STD_BUILDER) {
        let next = text[at + STD_BUILDER.len()..].chars().next();
        if !next.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            lines.insert(line_of(at));
        }
    }
    let group = concat!("std::process::", "{");
    for (at, _) in text.match_indices(group) {
        let items = &text[at + group.len()..];
        let items = &items[..items.find('}').unwrap_or(items.len())];
        let item = |i: &str| i == "Command" || i.starts_with("Command ");
        if items.split(',').any(|i| item(i.trim())) {
            lines.insert(line_of(at));
        }
    }
    lines
}

#[test]
fn programs_are_run_through_duct() {
    let mut offenders = Vec::new();
    for file in files(&["crates", "xtask", "fuzz/fuzz_targets"], &[".rs"]) {
        let name = rel(&file);
        let text = read(&file);
        // Build scripts keep std: their one `git` call is not worth a build-dependency.
        let build_script = file.file_name().is_some_and(|n| n == "build.rs");
        let mut bad = if build_script { BTreeSet::new() } else { builder_lines(&text) };
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            if line.contains(TOKIO_PROCESS) || (line.contains(XSHELL) && name != "xtask/src/ci.rs")
            {
                bad.insert(n);
            }
        }
        offenders.extend(bad.into_iter().map(|n| format!("{name}:{}: {}", n + 1, lines[n].trim())));
    }
    assert!(
        offenders.is_empty(),
        "run programs through duct ({XSHELL} only in xtask/src/ci.rs, std's {STD_BUILDER} only \
         in build scripts):\n{}",
        offenders.join("\n")
    );
}

/// The fields of a `thiserror` variant that are its source: `#[source]` / `#[from]` ones, one
/// named `source`, and `0` for a tuple variant with either attribute.
fn source_fields(variant: &str) -> Vec<String> {
    let mut fields = Vec::new();
    for attr in ["#[source]", "#[from]"] {
        for (at, _) in variant.match_indices(attr) {
            let rest = variant[at + attr.len()..].trim_start();
            let rest =
                rest.strip_prefix("pub(crate) ").or(rest.strip_prefix("pub ")).unwrap_or(rest);
            let name: String =
                rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let after = rest[name.len()..].trim_start();
            // `name: Type`, not the path of a tuple variant's type (`pg::Error`).
            let named = after.starts_with(':') && !after.starts_with("::");
            fields.push(if named { name } else { "0".to_string() });
        }
    }
    if variant.contains(" source:") || variant.contains("\tsource:") {
        fields.push("source".to_string());
    }
    // `#[source] source: X` is found twice.
    fields.sort();
    fields.dedup();
    fields
}

/// `pg::report`'s protocol, where a review would have to catch it: no `#[error(...)]` message
/// interpolates its source (the chain prints it), and no `is_bad_input` has a `_` arm (a new
/// variant must be classified).
#[test]
fn errors_follow_the_protocol() {
    let mut offenders = Vec::new();
    for file in files(&["crates", "xtask/src"], &[".rs"]) {
        let text = read(&file);
        let starts: Vec<usize> = text.match_indices("#[error(").map(|(at, _)| at).collect();
        for (i, &at) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            let item = &text[at..end];
            let (attr, variant) = item.split_at(item.find(")]").map_or(item.len(), |e| e + 2));
            // The variant ends at the blank line before the next one, or with the enum.
            let variant =
                &variant[..variant.find("\n\n").or(variant.find("\n}")).unwrap_or(variant.len())];
            for field in source_fields(variant) {
                if attr.contains(&format!("{{{field}}}")) || attr.contains(&format!("{{{field}:")) {
                    let line = text[..at].matches('\n').count() + 1;
                    offenders.push(format!(
                        "{}:{line}: the message interpolates its source `{field}`",
                        rel(&file)
                    ));
                }
            }
        }
        for (at, _) in text.match_indices("fn is_bad_input(") {
            let body = &text[at..];
            let body = &body[..body.find("\n    }\n").unwrap_or(body.len())];
            if body.contains("_ =>") {
                let line = text[..at].matches('\n').count() + 1;
                offenders.push(format!("{}:{line}: `is_bad_input` has a `_` arm", rel(&file)));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "errors that break pg::report's protocol:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn source_fields_are_found_in_every_form() {
    let named = "    Connect {\n        target: String,\n        #[source]\n        last: Box<Error>,\n    },";
    assert_eq!(source_fields(named), ["last"]);
    assert_eq!(source_fields("    Pg(#[from] pg::Error),"), ["0"]);
    assert_eq!(source_fields("    Db(#[from] Failed),"), ["0"]);
    assert_eq!(
        source_fields("    Quote {\n        name: String,\n        source: NulByte,\n    },"),
        ["source"]
    );
    assert!(source_fields("    Missing { key: String },").is_empty());
}

#[test]
fn the_fuzz_targets_compile() {
    // `fuzz/` is a workspace of its own, so `cargo build --workspace` never sees it.
    let manifest = ["--manifest-path", "fuzz/Cargo.toml"];
    // `--no-default-features`: no libFuzzer C++ to compile for a check.
    let check = ["check", "--quiet", "--bins", "--no-default-features"];
    let out = duct::cmd(env!("CARGO"), check.iter().chain(&manifest))
        .env("CARGO_TARGET_DIR", root().join("target/tidy-fuzz"))
        .dir(root())
        .stdout_capture()
        .stderr_capture()
        .unchecked()
        .run()
        .expect("run cargo check");
    assert!(out.status.success(), "cargo check of fuzz/ failed:\n{}", text(&out.stderr));
}

#[test]
fn no_dependency_is_unused() {
    let out =
        duct::cmd!("cargo-machete", root()).stdout_capture().stderr_capture().unchecked().run();
    let out = match out {
        Ok(out) => out,
        Err(_) => {
            assert!(!pg::vars::in_ci(), "cargo-machete is missing (.ci/run installs it)");
            eprintln!("SKIP no_dependency_is_unused: `cargo install cargo-machete` to run it");
            return;
        }
    };
    assert!(
        out.status.success(),
        "cargo machete found unused dependencies:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
