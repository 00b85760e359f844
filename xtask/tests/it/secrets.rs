//! Secrets: every command run with planted secrets in `FDW_PASS`, the
//! database password and the admin password, against a server of its own that records what a
//! hostile reader would look at — `log_statement = all`, `log_min_error_statement = error`,
//! `log_connections = on`, `pg_stat_statements.track = all` — while `pg_stat_activity` is
//! sampled and `/proc/<pid>/cmdline` and `environ` of every process the tool starts are read.
//! stdout, stderr, reports, the server log, the samples and the processes must hold none of
//! them. Its own server, so this holds also when `GWELLS_TEST_SERVER_URL` (whose server logs
//! nothing) is set, as in CI.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use crate::support::{output, pid, text, xtask};

const DB_SECRET: &str = "Planted-Db-S3cret";
const FDW_SECRET: &str = "Planted-Fdw-S3cret";
const ADMIN_SECRET: &str = "Planted-Admin-S3cret";
/// The FDW password of the run that is told `--allow-logged-secret`: it is *expected* in
/// `pg_stat_statements`, which proves the refusal guards something real.
const ALLOWED_SECRET: &str = "Allowed-Fdw-S3cret";

/// What the logging server records, on top of devdb's defaults.
const LOGGING: &[&str] = &[
    "log_statement=all",
    "log_min_error_statement=error",
    "log_connections=on",
    "log_disconnections=on",
    "shared_preload_libraries=pg_stat_statements",
    "pg_stat_statements.track=all",
    "track_activity_query_size=16384",
];

fn files_under(dir: PathBuf, wanted: fn(&str) -> bool) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.file_name().to_str().is_some_and(wanted))
        .map(|e| e.into_path())
        .collect()
}

/// A private server that logs everything, or `None` (skip) without PostgreSQL outside CI.
#[allow(clippy::print_stderr)]
async fn logging_server() -> Option<devdb::Server> {
    let options = devdb::ServerOptions {
        settings: LOGGING.iter().map(|s| s.to_string()).collect(),
        ..devdb::ServerOptions::from_env().expect("GWELLS_DEVDB_BACKEND")
    };
    match devdb::Server::start(&options).await {
        Ok(server) => Some(server),
        Err(e) if pg::vars::in_ci() => panic!("CI is set but no logging server could start: {e}"),
        Err(e) => {
            eprintln!("SKIP secrets: no PostgreSQL available ({e})");
            None
        }
    }
}

/// Samples `pg_stat_activity.query` of every other session until told to stop.
struct Sampler {
    stop: Arc<AtomicBool>,
    samples: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<HashSet<(String, String)>>,
}

impl Sampler {
    async fn start(admin: &pg::Target) -> Sampler {
        let conn = pg::connect(admin, "secrets sampler").await.expect("sampler connects");
        let stop = Arc::new(AtomicBool::new(false));
        let samples = Arc::new(AtomicUsize::new(0));
        let (stop2, samples2) = (stop.clone(), samples.clone());
        let task = tokio::spawn(async move {
            let mut seen = HashSet::new();
            while !stop2.load(Ordering::Relaxed) {
                let rows = conn
                    .query(
                        "SELECT coalesce(application_name, ''), coalesce(query, '')
                           FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query <> ''",
                        &[],
                    )
                    .await
                    .expect("sample pg_stat_activity");
                samples2.fetch_add(1, Ordering::Relaxed);
                seen.extend(rows.iter().map(|r| (r.get(0), r.get(1))));
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            seen
        });
        Sampler { stop, samples, task }
    }

    async fn finish(self) -> (usize, HashSet<(String, String)>) {
        self.stop.store(true, Ordering::Relaxed);
        let seen = self.task.await.expect("sampler");
        (self.samples.load(Ordering::Relaxed), seen)
    }
}

/// Every process below `root`, by walking `/proc/*/stat`.
fn descendants(root: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // `pid (comm) state ppid ...`: comm may hold spaces, so parse after the last `)`.
        let ppid = stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().nth(1));
        if let Some(ppid) = ppid.and_then(|p| p.parse::<u32>().ok()) {
            parents.push((pid, ppid));
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(parents.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
        i += 1;
    }
    found.remove(0);
    found
}

/// The processes read so far: pid and command line, and what any of them held.
#[derive(Default)]
struct Processes {
    seen: BTreeSet<(u32, String)>,
    leaks: Vec<String>,
}

impl Processes {
    /// Reads `cmdline` and `environ` of `pid` (a process the tool started); false when it is
    /// gone already.
    fn read(&mut self, pid: u32, secrets: &[&str]) -> bool {
        let dir = PathBuf::from(format!("/proc/{pid}"));
        // Between fork and exec a child is still the tool itself, with the environment the
        // test gave it: only what a child runs counts.
        let tool = std::fs::canonicalize(env!("CARGO_BIN_EXE_xtask")).ok();
        if std::fs::read_link(dir.join("exe")).ok() == tool {
            return false;
        }
        let (Ok(cmdline), Ok(environ)) =
            (std::fs::read(dir.join("cmdline")), std::fs::read(dir.join("environ")))
        else {
            return false;
        };
        let cmdline = text(&cmdline).replace('\0', " ");
        let environ = text(&environ).replace('\0', "\n");
        for secret in secrets {
            if cmdline.contains(secret) {
                self.leaks.push(format!("pid {pid} `{cmdline}` has {secret} in its arguments"));
            }
            if environ.contains(secret) {
                self.leaks.push(format!("pid {pid} `{cmdline}` has {secret} in its environment"));
            }
        }
        self.seen.insert((pid, cmdline.trim().to_string()));
        true
    }
}

struct Run {
    code: Option<i32>,
    output: String,
}

/// Runs `cmd`, reading the processes it starts while it runs; its own arguments are read too
/// unless the test put a secret there on purpose.
fn run_watched(cmd: duct::Expression, own_args_clean: bool, procs: &mut Processes) -> Run {
    let secrets = [DB_SECRET, FDW_SECRET, ADMIN_SECRET];
    let child = cmd
        .stdin_null()
        .stdout_capture()
        .stderr_capture()
        .unchecked()
        .start()
        .expect("spawn xtask");
    let pid = pid(&child);
    if own_args_clean {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmdline = text(&cmdline).replace('\0', " ");
        if let Some(secret) = secrets.iter().find(|s| cmdline.contains(*s)) {
            procs.leaks.push(format!("`{cmdline}` has {secret} in its arguments"));
        }
    }
    // Done when the process has ended and its outputs are read to their end.
    let out = loop {
        for child_pid in descendants(pid) {
            procs.read(child_pid, &secrets);
        }
        if let Some(out) = child.try_wait().expect("poll xtask") {
            break out;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    Run { code: out.status.code(), output: format!("{}{}", text(&out.stdout), text(&out.stderr)) }
}

/// Runs each statement on its own (`CREATE DATABASE` refuses a transaction block).
async fn execute(target: &pg::Target, statements: &[&str]) {
    let conn = pg::connect(target, "secrets test").await.expect("connect");
    for sql in statements {
        conn.batch_execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {}", pg::describe(&e)));
    }
}

async fn strings(target: &pg::Target, sql: &str) -> Vec<String> {
    let conn = pg::connect(target, "secrets test").await.expect("connect");
    conn.query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn no_command_ever_shows_a_planted_secret() {
    let Some(server) = logging_server().await else { return };
    let admin_target = server.target().clone();
    execute(&admin_target, &["CREATE DATABASE gwells", "CREATE EXTENSION pg_stat_statements"])
        .await;
    // The local servers trust loopback logins, so a planted password in the URL is accepted
    // and unused: exactly what is needed to see whether anything echoes it. A container's
    // server checks its password: the password is then the planted secret.
    let db_secret =
        admin_target.password().map_or(DB_SECRET.to_string(), |p| p.expose().to_string());
    let port = admin_target.config().get_ports().first().copied().unwrap_or(5432);
    let url = format!("postgres://postgres:{db_secret}@127.0.0.1:{port}/gwells");
    let gwells = admin_target.with_dbname("gwells");
    let fdw_server = format!("postgres://127.0.0.1:{port}/gwells");
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
    let nowhere = format!("postgres://postgres:{db_secret}@127.0.0.1:1/nowhere");
    // Each command with the exit code it must end with (one that failed early, a misspelt flag,
    // would have printed nothing worth scanning), and whether the test itself puts the
    // database password into its arguments (to see the warning about it).
    let commands: &[(&[&str], u8, bool)] = &[
        (&["migrate"], 0, false),
        (&["migrate", "--plan"], 0, false),
        (&["migrate", "--check"], 0, false),
        (&["showmigrations", "--json"], 0, false),
        (&["codes", "load"], 0, false),
        (&["codes", "check", "--database-url", &url], 0, true),
        (&["fdw", "sql"], 0, false),
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
            false,
        ),
        (&["fdw", "setup"], 0, false),
        (&["fdw", "status"], 0, false),
        (&["fdw", "setup", "--force"], 0, false),
        (&["admin", "create"], 0, false),
        (&["admin", "create", "--update"], 0, false),
        (&["admin", "url"], 0, false),
        (&["health", "--json"], 0, false),
        (&["health", "--ready"], 0, false),
        // The foreign schema here is the target's own `public`: no legacy tables, so replication
        // fails — its error path is what gets scanned.
        (&["replicate", "--subset"], 1, false),
        (&["reset"], 0, false),
        (&["migrate", "--database-url", &nowhere], 1, true),
    ];
    let sampler = Sampler::start(&admin_target).await;
    let mut procs = Processes::default();
    let mut leaks = Vec::new();
    let mut codes = Vec::new();
    let mut hashes = Vec::new();
    for (args, expected, password_in_args) in commands {
        let mut env = vec![(pg::vars::DATABASE_URL, url.as_str())];
        env.extend(fdw.iter().chain(admin.iter()));
        let run = run_watched(xtask(*args, &env), !password_in_args, &mut procs);
        let all = run.output;
        if run.code != Some(i32::from(*expected)) {
            codes.push(format!("`xtask {}` exited {:?}:\n{all}", args.join(" "), run.code));
        }
        // Item 5: a password in `--database-url` is warned about, once.
        let warnings = all.matches("warning: the password in `--database-url`").count();
        if warnings != usize::from(*password_in_args) {
            codes.push(format!("`xtask {}` warned {warnings} times:\n{all}", args.join(" ")));
        }
        for secret in [db_secret.as_str(), FDW_SECRET, ADMIN_SECRET] {
            if all.contains(secret) {
                leaks.push(format!("`xtask {}` printed {secret}:\n{all}", args.join(" ")));
            }
        }
        if args[0] == "admin" || args[0] == "reset" {
            hashes.extend(strings(&gwells, "SELECT password FROM auth_user").await);
        }
    }
    assert!(codes.is_empty(), "{}", codes.join("\n"));
    assert!(hashes.iter().all(|h| h.starts_with("pbkdf2_sha256$")), "{hashes:?}");

    let refused = refused_without_allow_logged_secret(&server, &fdw, &mut procs).await;
    leaks.extend(refused);

    let (samples, seen) = sampler.finish().await;
    assert!(samples > 0, "pg_stat_activity was never sampled");
    assert!(
        seen.iter().any(|(app, _)| app.starts_with("gwells-db")),
        "no sample caught a session of the tool in {samples} samples"
    );
    let planted = [db_secret.as_str(), FDW_SECRET, ADMIN_SECRET, ALLOWED_SECRET];
    let hashed: Vec<&str> = hashes.iter().map(String::as_str).collect();
    for (app, query) in &seen {
        for secret in planted.iter().chain(&hashed) {
            if query.contains(secret) {
                leaks.push(format!("pg_stat_activity of `{app}` showed {secret}: {query}"));
            }
        }
    }

    // The server log: the statements that carry the secrets were logged, without them.
    let log = server.log().expect("server log");
    let lines = log.lines().count();
    let statements = log.lines().filter(|l| l.contains("LOG:  statement: ")).count();
    let connections = log.lines().filter(|l| l.contains("connection authorized")).count();
    assert!(statements > 0 && connections > 0, "the server logged nothing: {lines} lines");
    assert!(
        log.contains("COPY pg_temp.gwells_db_secret") && log.contains("EXECUTE format("),
        "the stash and the user mapping's DO block were not in the log"
    );
    for (n, line) in log.lines().enumerate() {
        for secret in planted.iter().chain(&hashed) {
            if line.contains(secret) {
                leaks.push(format!("server log line {} holds {secret}: {line}", n + 1));
            }
        }
    }

    // pg_stat_statements with `track = all` records nested statements: only the allowed one.
    let recorded = strings(&admin_target, "SELECT query FROM pg_stat_statements").await;
    assert!(
        recorded.iter().any(|q| q.contains(ALLOWED_SECRET)),
        "the allowed run was not recorded"
    );
    for query in &recorded {
        for secret in [db_secret.as_str(), FDW_SECRET, ADMIN_SECRET].iter().chain(&hashed) {
            if query.contains(secret) {
                leaks.push(format!("pg_stat_statements holds {secret}: {query}"));
            }
        }
    }

    // Reports the commands wrote, and the dev server's record.
    let target = devdb::target_dir();
    for file in files_under(target.join("reports"), |n| n.ends_with(".json"))
        .into_iter()
        .chain(files_under(target.join("devdb"), |n| n == "dev.json"))
    {
        let Ok(content) = std::fs::read_to_string(&file) else { continue };
        for secret in planted.iter().chain(&hashed) {
            if content.contains(secret) {
                leaks.push(format!("{} holds {secret}", file.display()));
            }
        }
    }

    leaks.extend(processes_of_a_dev_server(&fdw, &admin, &mut procs));
    leaks.append(&mut procs.leaks);
    assert!(leaks.is_empty(), "{}", leaks.join("\n\n"));
    assert!(!procs.seen.is_empty(), "no process started by the tool was read");
    drop(server);
}

/// A role that may not turn off `pg_stat_statements.track = all` is refused (exit 2, nothing
/// changed); told `--allow-logged-secret`, it goes on. Returns what leaked.
async fn refused_without_allow_logged_secret(
    server: &devdb::Server,
    fdw: &[(&str, &str)],
    procs: &mut Processes,
) -> Vec<String> {
    let admin = server.target();
    let limited = admin.with_dbname("limited");
    execute(
        admin,
        &[
            "CREATE DATABASE limited",
            "CREATE ROLE fdw_limited LOGIN",
            "GRANT CREATE ON DATABASE limited TO fdw_limited",
        ],
    )
    .await;
    execute(
        &limited,
        &[
            "CREATE EXTENSION postgres_fdw",
            "CREATE EXTENSION pgcrypto",
            "GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw TO fdw_limited",
        ],
    )
    .await;
    let port = admin.config().get_ports().first().copied().unwrap_or(5432);
    let url = format!("postgres://fdw_limited@127.0.0.1:{port}/limited");
    let command = |allow: bool, password: &str| {
        let mut args = vec!["fdw", "setup"];
        if allow {
            args.push("--allow-logged-secret");
        }
        let mut env = vec![(pg::vars::DATABASE_URL, url.as_str())];
        env.extend(fdw);
        env.push(("FDW_PASS", password));
        xtask(args, &env)
    };
    let mut leaks = Vec::new();
    let refused = run_watched(command(false, FDW_SECRET), true, procs);
    assert_eq!(refused.code, Some(2), "{}", refused.output);
    assert!(
        refused.output.contains("`pg_stat_statements.track` is `all`")
            && refused.output.contains("--allow-logged-secret"),
        "{}",
        refused.output
    );
    let servers = strings(&limited, "SELECT srvname::text FROM pg_foreign_server").await;
    assert!(servers.is_empty(), "a refused setup changed the database: {servers:?}");
    let allowed = run_watched(command(true, ALLOWED_SECRET), true, procs);
    assert!(!allowed.output.contains("`pg_stat_statements.track`"), "{}", allowed.output);
    for out in [&refused.output, &allowed.output] {
        if out.contains(FDW_SECRET) || out.contains(ALLOWED_SECRET) {
            leaks.push(format!("`fdw setup` as a limited role printed a password:\n{out}"));
        }
    }
    leaks
}

/// `db up` of a dev server of its own (a private `CARGO_TARGET_DIR`) with the secrets in the
/// tool's environment: the postmaster and every process it forks must not inherit them.
fn processes_of_a_dev_server(
    fdw: &[(&str, &str)],
    admin: &[(&str, &str)],
    procs: &mut Processes,
) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    // The server runs as `postgres` when we are root: it must reach its directory.
    std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let command = |args: &[&str], target_dir: &Path| {
        let target_dir = target_dir.to_str().expect("a UTF-8 path");
        let mut env = vec![("CARGO_TARGET_DIR", target_dir), ("GWELLS_DEVDB_BACKEND", "local")];
        env.extend(fdw.iter().chain(admin));
        xtask(args, &env)
    };
    let mut leaks = Vec::new();
    let up = run_watched(command(&["db", "up"], dir.path()), true, procs);
    if up.code != Some(0) {
        leaks.push(format!("`db up` failed:\n{}", up.output));
        return leaks;
    }
    let status = output(&command(&["db", "status", "--json"], dir.path())).expect("db status");
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).expect("status json");
    let pid = status["pid"].as_u64().expect("postmaster pid") as u32;
    let secrets = [DB_SECRET, FDW_SECRET, ADMIN_SECRET];
    let children = descendants(pid);
    let read = children.iter().filter(|child| procs.read(**child, &secrets)).count();
    if !procs.read(pid, &secrets) || read == 0 {
        leaks.push(format!(
            "the dev server's processes (pid {pid}, {children:?}) could not be read"
        ));
    }
    let down = output(&command(&["db", "down"], dir.path())).expect("db down");
    if down.status.code() != Some(0) {
        leaks.push(format!("`db down` failed:\n{}", text(&down.stderr)));
    }
    leaks
}

/// A password that is part of common words (`ser`: server, user) leaves the words alone: the
/// password is never in a message, so nothing is masked by substring.
#[tokio::test]
async fn a_short_password_leaves_the_words_of_an_error_alone() {
    let Some(db) = devdb::TestDb::empty("fdw_short_password").await else { return };
    let port = db.target().config().get_ports().first().copied().unwrap_or(5432);
    let fdw_server = format!("postgres://127.0.0.1:{port}/{}", db.name());
    let out = crate::support::run(
        db.target(),
        &["fdw", "setup"],
        &[
            ("FDW_NAME", "wells_ser"),
            ("FDW_FOREIGN_SERVER", &fdw_server),
            ("FDW_USER", "pwuser_missing"),
            ("FDW_PASS", "ser"),
            ("FDW_FOREIGN_SCHEMA", "public"),
            ("FDW_SCHEMA", "wells"),
        ],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(r#"could not connect to server "wells_ser""#), "{err}");
    assert!(err.contains(r#"role "pwuser_missing" does not exist"#), "{err}");
    assert!(!err.contains("****"), "{err}");
}
