//! The product binary as an operator sees it: its command tree, `--version`, and what it does
//! with no target (the release binary outside the source tree is tested in xtask's `product`).

use std::process::Output;

/// The binary with `args` and nothing of this process's environment but `PATH`; stdin empty, as
/// with std's `Command::output`.
fn gwells_db(args: &[&str]) -> Output {
    let path = std::env::var_os("PATH").unwrap_or_default();
    duct::cmd(env!("CARGO_BIN_EXE_gwells-db"), args)
        .full_env([("PATH", path)])
        .stdin_null()
        .stdout_capture()
        .stderr_capture()
        .unchecked()
        .run()
        .expect("run gwells-db")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The operator commands, as the README's section on the binary lists them.
const OPERATOR: &[&str] = &[
    "migrate",
    "showmigrations",
    "sqlmigrate",
    "squash",
    "codes",
    "fdw",
    "replicate",
    "reset",
    "protect",
    "unprotect",
    "admin",
    "health",
];

#[test]
fn the_product_has_every_operator_command_and_no_developer_one() {
    let out = gwells_db(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    let section = help.split("\nCommands:\n").nth(1).expect("a command list");
    let commands: Vec<&str> = section
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert_eq!(commands, OPERATOR);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README");
    let listed: String = OPERATOR.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&listed), "README.md does not list the binary's commands as {listed}");
}

#[test]
fn version_names_the_commit_and_the_hash_of_the_built_in_files() {
    let out = gwells_db(&["--version"]);
    let version = text(&out.stdout);
    let re_ok = version.starts_with(&format!("gwells-db {} (commit ", env!("CARGO_PKG_VERSION")))
        && version.contains(", migrations+codetables ");
    assert!(re_ok, "{version}");
    let hash = version.trim().trim_end_matches(')').rsplit(' ').next().unwrap_or_default();
    assert_eq!(hash.len(), 16, "{version}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{version}");
}

#[test]
fn without_a_target_every_database_command_exits_2_naming_the_ways_to_give_one() {
    for args in [
        &["migrate"][..],
        &["migrate", "--plan"],
        &["showmigrations"],
        &["codes", "load"],
        &["replicate", "--subset"],
        &["reset"],
        &["protect"],
        &["health", "--ready"],
    ] {
        let out = gwells_db(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("error: no database to work on"), "{args:?}: {err}");
        for way in ["--database-url", "DATABASE_URL", "POSTGRESQL_USER"] {
            assert!(err.contains(way), "{args:?} does not name {way}: {err}");
        }
    }
    // What needs no database still works: the embedded code tables, checked offline.
    let out = gwells_db(&["codes", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("codetables: embedded, "), "{}", text(&out.stderr));
}
