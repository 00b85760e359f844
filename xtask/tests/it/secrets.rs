//! Secrets (blueprint §5, §10): every command run with planted secrets in `FDW_PASS`, the
//! database password and the admin password; stdout, stderr, reports and server logs are
//! scanned and must hold none of them.

use std::path::PathBuf;

use crate::support::{database, text, xtask};

const DB_SECRET: &str = "Planted-Db-S3cret";
const FDW_SECRET: &str = "Planted-Fdw-S3cret";
const ADMIN_SECRET: &str = "Planted-Admin-S3cret";

fn files_under(dir: PathBuf, wanted: fn(&str) -> bool) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.file_name().to_str().is_some_and(wanted))
        .map(|e| e.into_path())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn no_command_ever_shows_a_planted_secret() {
    let Some(db) = database("planted_secrets", true).await else { return };
    // The test servers trust loopback logins, so a password in the URL is accepted and unused:
    // exactly what is needed to see whether anything echoes it.
    let mut url = db.target().clone();
    url = pg::Target::parse(
        &url.url_with_password().replacen(
            "postgres://postgres@",
            &format!("postgres://postgres:{DB_SECRET}@"),
            1,
        ),
        pg::Source::DatabaseUrl,
    )
    .expect("url with a planted password");
    let url = url.url_with_password();
    assert!(url.contains(DB_SECRET));
    let port = db.target().config().get_ports().first().copied().unwrap_or(5432);
    let fdw_server = format!("postgres://127.0.0.1:{port}/{}", db.name());
    let fdw = [
        ("FDW_NAME", "wells_rehearsal"),
        ("FDW_FOREIGN_SERVER", fdw_server.as_str()),
        ("FDW_USER", "postgres"),
        ("FDW_PASS", FDW_SECRET),
        ("FDW_FOREIGN_SCHEMA", "public"),
        ("FDW_SCHEMA", "wells"),
    ];
    let admin = [
        ("DJANGO_ADMIN_USER", "admin"),
        ("DJANGO_ADMIN_EMAIL", "admin@example.com"),
        ("DJANGO_ADMIN_PASSWORD", ADMIN_SECRET),
        ("DJANGO_ADMIN_URL", "admin-x7q2"),
    ];
    // Each command with the exit code it must end with: one that failed early (a misspelt
    // flag, ...) would have printed nothing worth scanning.
    let commands: &[(&[&str], u8)] = &[
        (&["migrate"], 0),
        (&["migrate", "--plan"], 0),
        (&["migrate", "--check"], 0),
        (&["showmigrations", "--json"], 0),
        (&["codes", "load"], 0),
        (&["codes", "check", "--database-url", &url], 0),
        (&["fdw", "sql"], 0),
        (
            &[
                "fdw",
                "sql",
                "--driver",
                "oracle_fdw",
                "--foreign-server",
                "//oracle.example/envprod1",
            ],
            0,
        ),
        (&["fdw", "setup"], 0),
        (&["fdw", "status"], 0),
        (&["fdw", "setup", "--force"], 0),
        (&["admin", "create"], 0),
        (&["admin", "create", "--update"], 0),
        (&["admin", "url"], 0),
        (&["health", "--json"], 0),
        (&["health", "--ready"], 0),
        // The foreign schema here is the target's own `public`: no legacy tables, so replication
        // fails — its error path is what gets scanned.
        (&["replicate", "--subset"], 1),
        (&["reset"], 0),
        (
            &[
                "migrate",
                "--database-url",
                "postgres://postgres:Planted-Db-S3cret@127.0.0.1:1/nowhere",
            ],
            1,
        ),
    ];
    let mut leaks = Vec::new();
    let mut codes = Vec::new();
    for (args, expected) in commands {
        let mut cmd = xtask();
        cmd.args(*args).env(pg::vars::DATABASE_URL, &url);
        for (k, v) in fdw.iter().chain(admin.iter()) {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run xtask");
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        if out.status.code() != Some(i32::from(*expected)) {
            codes.push(format!(
                "`xtask {}` exited {:?}:\n{all}",
                args.join(" "),
                out.status.code()
            ));
        }
        for secret in [DB_SECRET, FDW_SECRET, ADMIN_SECRET] {
            if all.contains(secret) {
                leaks.push(format!("`xtask {}` printed {secret}:\n{all}", args.join(" ")));
            }
        }
    }
    assert!(codes.is_empty(), "{}", codes.join("\n"));
    let target = devdb::target_dir();
    let mut scanned = 0;
    for file in files_under(target.join("reports"), |n| n.ends_with(".json"))
        .into_iter()
        .chain(files_under(target.join("devdb"), |n| n == "server.log" || n == "dev.json"))
    {
        let Ok(content) = std::fs::read_to_string(&file) else { continue };
        scanned += 1;
        for secret in [DB_SECRET, FDW_SECRET, ADMIN_SECRET] {
            if content.contains(secret) {
                leaks.push(format!("{} holds {secret}", file.display()));
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n\n"));
    // The scan must have looked at something: at least the test server's log when devdb runs it.
    assert!(
        scanned > 0 || std::env::var(pg::vars::GWELLS_TEST_SERVER_URL).is_ok(),
        "no report or log was scanned"
    );
}
