//! `cargo xtask bench`: each performance scenario against its baseline, in the same run.
//!
//! A scenario's candidate and baseline alternate (so drift hits both alike), after one warm-up
//! each; the report gives min / median / max of each, the median ratio, the goal and whether it
//! was met, and the peak RSS of this process during the scenario. Timings never go into tests.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::ctx::{Ctx, say};
use crate::exit::{OK, bad_input};

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask bench                       # every scenario, 10 runs each
  cargo xtask bench server-start clone    # some scenarios
  cargo xtask bench --runs 20 --json      # JSON on stdout (always written to target/bench/)
  cargo xtask bench --smoke               # every scenario once, small (CI)

Scenarios: server-start, container-start, clone, migrate-apply, codes-load, codes-load-empty,
migrate-check, reset, replicate-vs-copy, replicate-vs-seed (heavy: ~1M rows per run; try
--runs 3), replicate-nochange, replicate-delta (merges against the FDW read floor),
replicate-online (a reader's max latency and `health --ready` during a merge)")]
pub struct Args {
    /// Scenarios to run (default: all).
    scenarios: Vec<String>,
    /// Measured runs per side, after one warm-up.
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// Print the JSON report on stdout instead of the table.
    #[arg(long)]
    json: bool,
    /// Every scenario once (`--runs 1`) on a small stand-in of 2,000 wells: what CI runs, so
    /// a broken scenario fails it. Its figures are not judged.
    #[arg(long)]
    smoke: bool,
}

type Measure<'a> = Box<dyn FnMut() -> Pin<Box<dyn Future<Output = Result<Duration>> + 'a>> + 'a>;

/// One scenario: what is measured, against what, and the goal.
struct Scenario<'a> {
    name: &'static str,
    candidate_label: &'static str,
    baseline_label: Option<&'static str>,
    goal: Goal,
    candidate: Measure<'a>,
    baseline: Option<Measure<'a>>,
}

#[derive(Clone, Copy, Serialize)]
enum Goal {
    /// Candidate median at most this many milliseconds.
    MaxMillis(f64),
    /// Candidate median at most `ratio` × the baseline's (ratio < 1 means faster).
    MaxRatio(f64),
    /// Both: median at most this many milliseconds and at most `ratio` × the baseline's.
    MaxMillisAndRatio(f64, f64),
    /// Nothing to meet; reported for information.
    None,
}

#[derive(Serialize)]
struct Stats {
    min_ms: f64,
    median_ms: f64,
    max_ms: f64,
}

#[derive(Serialize)]
struct Outcome {
    scenario: &'static str,
    candidate: &'static str,
    candidate_stats: Stats,
    baseline: Option<&'static str>,
    baseline_stats: Option<Stats>,
    /// candidate median / baseline median
    ratio: Option<f64>,
    goal: String,
    met: Option<bool>,
    peak_rss_mib: f64,
    runs: usize,
}

const ALL: &[&str] = &[
    "server-start",
    "container-start",
    "clone",
    "migrate-apply",
    "codes-load",
    "codes-load-empty",
    "migrate-check",
    "reset",
    "replicate-vs-copy",
    "replicate-vs-seed",
    "replicate-nochange",
    "replicate-delta",
    "replicate-online",
];

pub async fn run(args: Args, ctx: &Ctx) -> Result<ExitCode> {
    let wanted: Vec<&str> = if args.scenarios.is_empty() {
        ALL.to_vec()
    } else {
        for s in &args.scenarios {
            if !ALL.contains(&s.as_str()) {
                return Err(bad_input(anyhow::anyhow!(
                    "unknown scenario `{s}`\nhint: one of {}",
                    ALL.join(", ")
                )));
            }
        }
        args.scenarios.iter().map(String::as_str).collect()
    };
    if args.runs == 0 {
        return Err(bad_input(anyhow::anyhow!("`--runs` must be at least 1")));
    }
    let (runs, wells) = if args.smoke { (1, SMOKE_WELLS) } else { (args.runs, WELLS) };
    if args.smoke {
        say(&format!(
            "bench: smoke run: one run per side, the replication scenarios on {SMOKE_WELLS} wells \
             (their labels name the full {WELLS}); the figures are not judged"
        ));
    }
    let env = Env::new(ctx, wells).await?;
    let mut outcomes = Vec::new();
    for name in wanted {
        // Without an image the container backend would fail on its first start (no registry
        // here to pull from); the other scenarios still say something.
        if name == "container-start" && std::env::var_os(pg::vars::GWELLS_PG_IMAGE).is_none() {
            say(&format!(
                "bench: {name} skipped: `{}` is not set (scripts/build-pg-image.sh builds one)",
                pg::vars::GWELLS_PG_IMAGE
            ));
            continue;
        }
        let scenario = match name {
            "server-start" => server_start(&env),
            "container-start" => container_start(&env),
            "clone" => clone(&env),
            "migrate-apply" => migrate_apply(&env).await?,
            "codes-load" => codes_load(&env, true).await?,
            "codes-load-empty" => codes_load(&env, false).await?,
            "migrate-check" => migrate_check(&env).await?,
            "reset" => reset(&env).await?,
            "replicate-vs-copy" => replicate_full(&env, false).await?,
            "replicate-vs-seed" => replicate_full(&env, true).await?,
            "replicate-nochange" => replicate_merge(&env, "replicate-nochange").await?,
            "replicate-delta" => replicate_merge(&env, "replicate-delta").await?,
            "replicate-online" => replicate_merge(&env, "replicate-online").await?,
            _ => unreachable!("validated above"),
        };
        say(&format!("bench: {name} ({runs} runs per side)"));
        outcomes.push(measure(scenario, runs).await.with_context(|| format!("scenario `{name}`"))?);
    }
    let report = serde_json::json!({
        "machine": machine(),
        "command": std::env::args().collect::<Vec<_>>().join(" "),
        "outcomes": outcomes,
    });
    let dir = devdb::target_dir().join("bench");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("latest.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    if args.json {
        crate::ctx::print_line(&serde_json::to_string_pretty(&report)?);
    } else {
        crate::ctx::print_line(&table(&outcomes).to_string());
    }
    say(&format!("bench: report written to {}", path.display()));
    Ok(OK)
}

async fn measure(mut s: Scenario<'_>, runs: usize) -> Result<Outcome> {
    reset_peak_rss();
    // Warm-up: caches (initdb, templates, page cache) are what the goals are about.
    (s.candidate)().await?;
    if let Some(b) = s.baseline.as_mut() {
        b().await?;
    }
    let mut cand = Vec::with_capacity(runs);
    let mut base = Vec::with_capacity(runs);
    for _ in 0..runs {
        cand.push((s.candidate)().await?);
        if let Some(b) = s.baseline.as_mut() {
            base.push(b().await?);
        }
    }
    let candidate_stats = stats(&mut cand);
    let baseline_stats = (!base.is_empty()).then(|| stats(&mut base));
    let ratio = baseline_stats.as_ref().map(|b| candidate_stats.median_ms / b.median_ms);
    let (goal, met) = match s.goal {
        Goal::MaxMillis(ms) => (format!("median ≤ {ms} ms"), Some(candidate_stats.median_ms <= ms)),
        Goal::MaxRatio(r) => (format!("≤ {r}× baseline"), ratio.map(|x| x <= r)),
        Goal::MaxMillisAndRatio(ms, r) => (
            format!("median ≤ {ms} ms and ≤ {r}× baseline"),
            ratio.map(|x| x <= r && candidate_stats.median_ms <= ms),
        ),
        Goal::None => ("none (reported)".into(), None),
    };
    Ok(Outcome {
        scenario: s.name,
        candidate: s.candidate_label,
        candidate_stats,
        baseline: s.baseline_label,
        baseline_stats,
        ratio,
        goal,
        met,
        peak_rss_mib: peak_rss_mib(),
        runs,
    })
}

fn stats(samples: &mut [Duration]) -> Stats {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    Stats {
        min_ms: ms(samples[0]),
        median_ms: ms(samples[samples.len() / 2]),
        max_ms: ms(samples[samples.len() - 1]),
    }
}

fn table(outcomes: &[Outcome]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.set_header([
        "scenario",
        "candidate min/med/max ms",
        "baseline min/med/max ms",
        "ratio",
        "goal",
        "met",
        "peak RSS MiB",
    ]);
    let fmt = |s: &Stats| format!("{:.1} / {:.1} / {:.1}", s.min_ms, s.median_ms, s.max_ms);
    for o in outcomes {
        t.add_row([
            o.scenario.to_string(),
            format!("{}: {}", o.candidate, fmt(&o.candidate_stats)),
            o.baseline_stats
                .as_ref()
                .map(|b| format!("{}: {}", o.baseline.unwrap_or(""), fmt(b)))
                .unwrap_or_else(|| "—".into()),
            o.ratio.map(|r| format!("{r:.3}")).unwrap_or_else(|| "—".into()),
            o.goal.clone(),
            match o.met {
                Some(true) => "yes".into(),
                Some(false) => "NO".into(),
                None => "—".into(),
            },
            format!("{:.1}", o.peak_rss_mib),
        ]);
    }
    t
}

/// Shared state: paths, binaries, and one local server for the database scenarios.
/// Wells of the replication scenarios' stand-in: the real legacy database's order of size.
const WELLS: u32 = 111_000;
/// Wells of the stand-in in a `--smoke` run.
const SMOKE_WELLS: u32 = 2_000;

struct Env {
    /// Wells of the replication scenarios' stand-in.
    wells: u32,
    migrations: PathBuf,
    codetables: PathBuf,
    bins: Option<devdb::Binaries>,
    server: tokio::sync::OnceCell<devdb::Server>,
}

impl Env {
    async fn new(ctx: &Ctx, wells: u32) -> Result<Env> {
        Ok(Env {
            wells,
            migrations: ctx.migrations_dir()?,
            codetables: ctx.codetables_dir()?,
            bins: devdb::Binaries::find().ok(),
            server: tokio::sync::OnceCell::new(),
        })
    }

    /// The bench server's superuser target (`postgres` database), started on first use.
    async fn admin(&self) -> Result<pg::Target> {
        let server = self
            .server
            .get_or_try_init(|| async {
                devdb::Server::start(&devdb::ServerOptions {
                    backend: devdb::Backend::Local,
                    ..Default::default()
                })
                .await
            })
            .await
            .context("cannot start the bench server")?;
        Ok(server.target().clone())
    }

    fn migrations(&self) -> PathBuf {
        self.migrations.clone()
    }

    fn codetables(&self) -> PathBuf {
        self.codetables.clone()
    }

    /// The migrated template (`coded`: and code tables loaded).
    async fn template(&self, coded: bool) -> Result<String> {
        let admin = self.admin().await?;
        let label = if coded { "bench-coded" } else { "bench-migrated" };
        let codetables = coded.then(|| self.codetables());
        templates::ensure(&admin, label, &self.migrations(), codetables.as_deref())
            .await
            .map_err(anyhow::Error::from_boxed)
    }

    /// A new database: empty, or a clone of `template`. Dropped by [`Env::drop_db`].
    async fn database(&self, name: &str, template: Option<&str>) -> Result<pg::Target> {
        let admin = self.admin().await?;
        let _ = devdb::drop_database(&admin, name).await;
        match template {
            Some(t) => devdb::clone_database(&admin, t, name).await?,
            None => {
                let conn = pg::connect(&admin, "gwells-db bench").await?;
                conn.batch_execute(&format!("CREATE DATABASE {}", pg::quote::ident(name)?)).await?;
            }
        }
        Ok(admin.with_dbname(name))
    }

    async fn drop_db(&self, name: &str) -> Result<()> {
        devdb::drop_database(&self.admin().await?, name).await?;
        Ok(())
    }
}

/// Runs `psql` against `target` (password, if any, in the environment) and times it.
fn psql_timed(target: &pg::Target, args: &[&str]) -> Result<Duration> {
    let password = target.password().map(|p| p.expose().to_string()).unwrap_or_default();
    let url = target.to_string().replace(":****@", "@");
    let mut all = vec![url.as_str(), "-X", "-q", "-v", "ON_ERROR_STOP=1"];
    all.extend_from_slice(args);
    let started = Instant::now();
    let out = duct::cmd("psql", all)
        .env("PGPASSWORD", password)
        .stdout_null()
        .stderr_capture()
        .unchecked()
        .run()?;
    let took = started.elapsed();
    anyhow::ensure!(out.status.success(), "psql failed: {}", String::from_utf8_lossy(&out.stderr));
    Ok(took)
}

fn server_start(env: &Env) -> Scenario<'_> {
    Scenario {
        name: "server-start",
        candidate_label: "devdb local (cached cluster)",
        baseline_label: Some("initdb + pg_ctl start -w"),
        goal: Goal::MaxMillis(300.0),
        candidate: Box::new(|| {
            Box::pin(async {
                let options =
                    devdb::ServerOptions { backend: devdb::Backend::Local, ..Default::default() };
                let started = Instant::now();
                let server = devdb::Server::start(&options).await?;
                let took = started.elapsed();
                server.stop().await;
                Ok(took)
            })
        }),
        baseline: Some(Box::new(move || {
            Box::pin(async move {
                let bins = env.bins.clone().context("no PostgreSQL server binaries")?;
                tokio::task::spawn_blocking(move || initdb_pg_ctl(&bins)).await?
            })
        })),
    }
}

/// The conventional way: a fresh `initdb`, then `pg_ctl start -w` (as `postgres` under root).
fn initdb_pg_ctl(bins: &devdb::Binaries) -> Result<Duration> {
    let dir = tempfile::Builder::new().prefix("gwells-bench-").tempdir_in("/tmp")?;
    let data = dir.path().join("data");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port().to_string();
    let as_postgres = |program: PathBuf, args: Vec<String>| {
        if nix_is_root() {
            let mut all = vec![
                "-u".to_string(),
                "postgres".into(),
                "--".into(),
                program.display().to_string(),
            ];
            all.extend(args);
            duct::cmd("runuser", all)
        } else {
            duct::cmd(program, args)
        }
    };
    duct::cmd!("chown", "postgres:postgres", dir.path()).unchecked().run()?;
    let started = Instant::now();
    as_postgres(
        bins.bindir.join("initdb"),
        vec![
            "-D".into(),
            data.display().to_string(),
            "-U".into(),
            "postgres".into(),
            "-A".into(),
            "trust".into(),
            "--no-sync".into(),
        ],
    )
    .stdout_null()
    .stderr_null()
    .run()?;
    let opts =
        format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", data.display());
    as_postgres(
        bins.bindir.join("pg_ctl"),
        vec![
            "start".into(),
            "-w".into(),
            "-D".into(),
            data.display().to_string(),
            "-o".into(),
            opts,
            "-l".into(),
            dir.path().join("log").display().to_string(),
        ],
    )
    .stdout_null()
    .run()?;
    let took = started.elapsed();
    as_postgres(
        bins.bindir.join("pg_ctl"),
        vec![
            "stop".into(),
            "-m".into(),
            "immediate".into(),
            "-D".into(),
            data.display().to_string(),
        ],
    )
    .stdout_null()
    .stderr_null()
    .unchecked()
    .run()?;
    Ok(took)
}

fn nix_is_root() -> bool {
    duct::cmd!("id", "-u").read().map(|s| s.trim() == "0").unwrap_or(false)
}

fn container_start(_env: &Env) -> Scenario<'_> {
    Scenario {
        name: "container-start",
        candidate_label: "devdb docker (GWELLS_PG_IMAGE)",
        baseline_label: None,
        goal: Goal::None,
        candidate: Box::new(|| {
            Box::pin(async {
                let options =
                    devdb::ServerOptions { backend: devdb::Backend::Docker, ..Default::default() };
                let started = Instant::now();
                let server = devdb::Server::start(&options).await?;
                let took = started.elapsed();
                server.stop().await;
                Ok(took)
            })
        }),
        baseline: None,
    }
}

fn clone(env: &Env) -> Scenario<'_> {
    Scenario {
        name: "clone",
        candidate_label: "clone of the migrated+coded template",
        baseline_label: Some("cold migrate + codes load"),
        goal: Goal::MaxMillisAndRatio(60.0, 0.1),
        candidate: Box::new(move || {
            Box::pin(async move {
                let template = env.template(true).await?;
                let admin = env.admin().await?;
                let started = Instant::now();
                devdb::clone_database(&admin, &template, "bench_clone").await?;
                let took = started.elapsed();
                env.drop_db("bench_clone").await?;
                Ok(took)
            })
        }),
        baseline: Some(Box::new(move || {
            Box::pin(async move {
                let target = env.database("bench_cold", None).await?;
                let started = Instant::now();
                migrate::migrate_all(&target, &env.migrations()).await?;
                codes::load_dir(&target, &env.codetables(), &codes::LoadOptions::default()).await?;
                let took = started.elapsed();
                env.drop_db("bench_cold").await?;
                Ok(took)
            })
        })),
    }
}

/// The files `migrate` applied, in the order it applied them, as one script for `psql -1 -f`.
async fn applied_script(env: &Env) -> Result<PathBuf> {
    let target = env.database("bench_order", None).await?;
    let report = migrate::migrate_all(&target, &env.migrations()).await?;
    env.drop_db("bench_order").await?;
    let source = migrate::load(&env.migrations())?;
    let mut script = String::new();
    // The migrations in the order they ran, then the repeatable scripts, as migrate ran them.
    for step in &report.steps {
        let m =
            source.get(&step.key).with_context(|| format!("{} is not in the folder", step.key))?;
        script.push_str(&m.sql);
        script.push('\n');
    }
    for (key, _) in &report.repeatables {
        let r = source
            .repeatables
            .iter()
            .find(|r| &r.key == key)
            .with_context(|| format!("{key} is not in the folder"))?;
        script.push_str(&r.sql);
        script.push('\n');
    }
    let path =
        std::env::temp_dir().join(format!("gwells-bench-migrations-{}.sql", std::process::id()));
    std::fs::write(&path, script)?;
    Ok(path)
}

async fn migrate_apply(env: &Env) -> Result<Scenario<'_>> {
    let script = applied_script(env).await?;
    Ok(Scenario {
        name: "migrate-apply",
        candidate_label: "migrate (all, empty database)",
        baseline_label: Some("psql -1 -f of the same files"),
        goal: Goal::MaxRatio(1.3),
        candidate: Box::new(move || {
            Box::pin(async move {
                let target = env.database("bench_migrate", None).await?;
                let started = Instant::now();
                migrate::migrate_all(&target, &env.migrations()).await?;
                let took = started.elapsed();
                env.drop_db("bench_migrate").await?;
                Ok(took)
            })
        }),
        baseline: Some(Box::new(move || {
            let script = script.clone();
            Box::pin(async move {
                let target = env.database("bench_psql", None).await?;
                let file = script.display().to_string();
                let took =
                    tokio::task::spawn_blocking(move || psql_timed(&target, &["-1", "-f", &file]))
                        .await??;
                env.drop_db("bench_psql").await?;
                Ok(took)
            })
        })),
    })
}

/// The seed's way: one `\copy` per file, parents before children; with `clear`, first its
/// `clear-tables.sql`: one `TRUNCATE ... CASCADE` of every code table.
fn copy_script(env: &Env, clear: bool) -> Result<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(env.codetables())?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    // A file after the files its foreign keys point to, as the seed's script listed them; within
    // a rank, by name. Each `\copy` commits alone, so a child before its parent fails the load.
    let rank = |p: &PathBuf| match p.file_stem().and_then(|s| s.to_str()) {
        Some("well_subclass_code" | "registries_subactivity_code") => 1,
        Some("registries_qualification_code") => 2,
        _ => 0,
    };
    files.sort_by_key(|p| (rank(p), p.clone()));
    let mut script = String::new();
    if clear {
        let tables: Vec<&str> = files.iter().filter_map(|f| f.file_stem()?.to_str()).collect();
        script.push_str(&format!("TRUNCATE {} CASCADE;\n", tables.join(", ")));
    }
    for file in files {
        let table = file.file_stem().and_then(|s| s.to_str()).context("csv name")?.to_string();
        let header = std::fs::read_to_string(&file)?
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches('\u{feff}')
            .to_string();
        script.push_str(&format!(
            "\\copy {table} ({header}) from '{}' with (format csv, header true)\n",
            file.display()
        ));
    }
    let path =
        std::env::temp_dir().join(format!("gwells-bench-copy-{}-{clear}.sql", std::process::id()));
    std::fs::write(&path, script)?;
    Ok(path)
}

/// `reload`: both sides start from a loaded database, as every deploy did (the seed truncated
/// and re-copied; `codes load` finds everything unchanged). Otherwise both load empty tables.
async fn codes_load(env: &Env, reload: bool) -> Result<Scenario<'_>> {
    let script = copy_script(env, reload)?;
    Ok(Scenario {
        name: if reload { "codes-load" } else { "codes-load-empty" },
        candidate_label: "codes load (upsert, one transaction)",
        baseline_label: Some(if reload {
            "psql TRUNCATE .. CASCADE + \\copy per file"
        } else {
            "psql \\copy per file"
        }),
        goal: Goal::MaxRatio(1.0),
        candidate: Box::new(move || {
            Box::pin(async move {
                let template = env.template(reload).await?;
                let target = env.database("bench_codes", Some(&template)).await?;
                let started = Instant::now();
                codes::load_dir(&target, &env.codetables(), &codes::LoadOptions::default()).await?;
                let took = started.elapsed();
                env.drop_db("bench_codes").await?;
                Ok(took)
            })
        }),
        baseline: Some(Box::new(move || {
            let script = script.clone();
            Box::pin(async move {
                let template = env.template(reload).await?;
                let target = env.database("bench_copy", Some(&template)).await?;
                let file = script.display().to_string();
                let took = tokio::task::spawn_blocking(move || psql_timed(&target, &["-f", &file]))
                    .await??;
                env.drop_db("bench_copy").await?;
                Ok(took)
            })
        })),
    })
}

async fn migrate_check(env: &Env) -> Result<Scenario<'_>> {
    let template = env.template(false).await?;
    let target = env.database("bench_check", Some(&template)).await?;
    let url = target.url_with_password();
    Ok(Scenario {
        name: "migrate-check",
        candidate_label: "xtask migrate --check (process, all applied)",
        baseline_label: None,
        goal: Goal::MaxMillis(50.0),
        candidate: xtask_timed(url, &["migrate", "--check"]),
        baseline: None,
    })
}

/// `xtask reset` of a migrated and coded database on a throwaway server, as a whole process:
/// the template path (clone and swap) against `--cold` (drop, migrate, codes) on the same
/// database. The bar: a second reset well under a second.
async fn reset(env: &Env) -> Result<Scenario<'_>> {
    let template = env.template(true).await?;
    let target = env.database("bench_reset", Some(&template)).await?;
    let url = target.url_with_password();
    Ok(Scenario {
        name: "reset",
        candidate_label: "xtask reset (template path)",
        baseline_label: Some("xtask reset --cold"),
        goal: Goal::MaxMillis(500.0),
        candidate: xtask_timed(url.clone(), &["reset"]),
        baseline: Some(xtask_timed(url, &["reset", "--cold"])),
    })
}

/// Runs this binary with `args` against the database `url` and times the whole process.
fn xtask_timed<'a>(url: String, args: &[&str]) -> Measure<'a> {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    Box::new(move || {
        let (url, args) = (url.clone(), args.clone());
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let exe = std::env::current_exe()?;
                let started = Instant::now();
                let out = duct::cmd(exe, &args)
                    .env(pg::vars::DATABASE_URL, url)
                    .stdout_null()
                    .stderr_capture()
                    .unchecked()
                    .run()?;
                let took = started.elapsed();
                anyhow::ensure!(
                    out.status.success(),
                    "xtask {} failed: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&out.stderr)
                );
                Ok(took)
            })
            .await?
        })
    })
}

/// The replication scenarios' shared state, built once per process.
struct Shared {
    fdw: fdw::Spec,
    legacy: pg::Target,
    copy: pg::Target,
    tables: Vec<String>,
}
static SHARED: tokio::sync::OnceCell<Shared> = tokio::sync::OnceCell::const_new();

/// A clone of the coded template named `name`, with the foreign schema `wells`.
async fn replica_target(env: &Env, spec: &fdw::Spec, name: &str) -> Result<pg::Target> {
    let target = env.database(name, Some(&env.template(true).await?)).await?;
    fdw::setup(&target, spec, &fdw::SetupOptions::default()).await?;
    Ok(target)
}

/// A full replication of `target` on the path the target's content chooses, verified.
async fn replicate(target: &pg::Target) -> Result<Duration> {
    let options = replicate::Options::new(replicate::Mode::Full);
    let started = Instant::now();
    let report = replicate::replicate(target, &options, &mut |_| {}).await?;
    let took = started.elapsed();
    anyhow::ensure!(report.verified, "the replication did not verify: {:?}", report.tables);
    Ok(took)
}

/// The stand-in (111k wells, or the smoke run's few) and the copy's tables, built on first use.
async fn shared(env: &Env) -> Result<&'static Shared> {
    SHARED
        .get_or_try_init(|| async {
            let admin = env.admin().await?;
            let legacy_db = env.database("bench_legacy", None).await?;
            let spec = legacy::Spec { wells: env.wells, ..legacy::Spec::default() };
            legacy::create(&legacy_db, &spec).await?;
            let fdw = fdw::Spec::rehearsal(&admin, "bench_legacy", &spec.schema);
            // The copy's source: the replicated rows, in the application's shape, as bare
            // tables; its destination: the same shape without a single constraint.
            let copy = replica_target(env, &fdw, "bench_copy").await?;
            replicate(&copy).await?;
            let tables: Vec<String> = replicate::TABLES.iter().map(|t| t.to_string()).collect();
            let mut ddl = String::new();
            for t in &tables {
                ddl.push_str(&format!(
                    "CREATE TABLE copy_src_{t} AS SELECT * FROM {t};
                     CREATE TABLE copy_dst_{t} AS SELECT * FROM {t} WITH NO DATA;"
                ));
            }
            pg::connect(&copy, "gwells-db bench").await?.batch_execute(&ddl).await?;
            anyhow::Ok(Shared { fdw, legacy: legacy_db, copy, tables })
        })
        .await
        .context("cannot build the replication scenario's stand-in")
}

/// Full replication of a 111k-well stand-in through postgres_fdw, as `rehearse` runs it (the
/// driver, verification included), against either a plain `INSERT ... SELECT` of the same rows
/// between bare local tables (`seed` false; the goal is a rate of at least 0.6× that copy's,
/// i.e. a time ratio of at most 1/0.6), or the seed's `db_replicate_step1(false)` then
/// `db_replicate_step2()` as two psql calls (`seed` true; the goal is half its time).
///
/// The stand-in and the copy's tables are built once per process and shared by both
/// scenarios; each run replicates into a fresh clone of the coded template with the foreign
/// schema set up, untimed.
async fn replicate_full(env: &Env, seed: bool) -> Result<Scenario<'_>> {
    let shared = shared(env).await?;

    Ok(Scenario {
        name: if seed { "replicate-vs-seed" } else { "replicate-vs-copy" },
        candidate_label: "replicate --full, 111k wells via postgres_fdw, verified",
        baseline_label: Some(if seed {
            "psql db_replicate_step1(false); psql db_replicate_step2()"
        } else {
            "plain INSERT ... SELECT, bare local tables (rate vs plain copy = 1/ratio, goal ≥ 0.6)"
        }),
        // A rate of 0.6× the copy's is a time of 1/0.6 = 1.667× its time.
        goal: Goal::MaxRatio(if seed { 0.5 } else { 1.667 }),
        candidate: Box::new(move || {
            Box::pin(async move {
                let target = replica_target(env, &shared.fdw, "bench_replicate").await?;
                let took = replicate(&target).await?;
                env.drop_db("bench_replicate").await?;
                Ok(took)
            })
        }),
        baseline: Some(if seed {
            Box::new(move || {
                Box::pin(async move {
                    let target = replica_target(env, &shared.fdw, "bench_seed").await?;
                    let took = tokio::task::spawn_blocking(move || -> Result<Duration> {
                        let one = "SELECT db_replicate_step1(_subset_ind=>false)";
                        let two = "SELECT db_replicate_step2()";
                        Ok(psql_timed(&target, &["-c", one])? + psql_timed(&target, &["-c", two])?)
                    })
                    .await??;
                    env.drop_db("bench_seed").await?;
                    Ok(took)
                })
            })
        } else {
            Box::new(move || {
                Box::pin(async move {
                    let conn = pg::connect(&shared.copy, "gwells-db bench").await?;
                    let (mut empty, mut copy) = (String::new(), String::from("BEGIN;"));
                    for t in &shared.tables {
                        empty.push_str(&format!("TRUNCATE copy_dst_{t};"));
                        copy.push_str(&format!(
                            "INSERT INTO copy_dst_{t} SELECT * FROM copy_src_{t};"
                        ));
                    }
                    conn.batch_execute(&empty).await?;
                    let started = Instant::now();
                    conn.batch_execute(&(copy + "COMMIT")).await?;
                    Ok(started.elapsed())
                })
            })
        }),
    })
}

/// Merge replication of the populated 111k-well target `bench_merge` (bulk-loaded once):
/// `replicate-nochange` with nothing changed at the source, `replicate-delta` after ~1 % of the
/// wells and their children changed (`legacy mutate`, 0.15 % per kind of change, untimed),
/// both against the FDW read floor measured in the same run (every replicated foreign table
/// read once, all columns, `COPY ... TO STDOUT` discarded; goal ≤ 2×). `replicate-online`
/// times a reader's queries on `well` and a code table and runs `health --ready`, every
/// 100 ms, during a delta merge: its measure is the reader's max latency (goal ≤ 200 ms), p50
/// and p99 are printed, and a health answer other than 0 fails the scenario.
async fn replicate_merge<'a>(env: &'a Env, name: &'static str) -> Result<Scenario<'a>> {
    static MERGE: tokio::sync::OnceCell<pg::Target> = tokio::sync::OnceCell::const_new();
    static SEED: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1000);
    let shared = shared(env).await?;
    let target: &'static pg::Target = MERGE
        .get_or_try_init(|| async {
            let target = replica_target(env, &shared.fdw, "bench_merge").await?;
            replicate(&target).await?;
            anyhow::Ok(target)
        })
        .await
        .context("cannot build the merge scenarios' target")?;
    let mutate = move || async move {
        let seed = SEED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mutation = legacy::Mutation { schema: "wells".into(), fraction: 0.0015, seed };
        legacy::mutate(&shared.legacy, &mutation).await?;
        anyhow::Ok(())
    };
    let floor: Measure<'_> = Box::new(move || {
        Box::pin(async move {
            let target = target.clone();
            tokio::task::spawn_blocking(move || {
                let copies: Vec<String> = legacy::TABLES
                    .iter()
                    .map(|t| format!("COPY (SELECT * FROM wells.{t}) TO STDOUT"))
                    .collect();
                let args: Vec<&str> = copies.iter().flat_map(|c| ["-c", c.as_str()]).collect();
                psql_timed(&target, &args)
            })
            .await?
        })
    });
    Ok(match name {
        "replicate-nochange" => Scenario {
            name,
            candidate_label: "replicate --full, merge, nothing changed, 111k wells, verified",
            baseline_label: Some("FDW read floor: COPY every foreign table, all columns"),
            goal: Goal::MaxRatio(2.0),
            candidate: Box::new(move || Box::pin(async move { merge(target).await })),
            baseline: Some(floor),
        },
        "replicate-delta" => Scenario {
            name,
            candidate_label: "replicate --full, merge, ~1% of the wells changed, verified",
            baseline_label: Some("FDW read floor: COPY every foreign table, all columns"),
            goal: Goal::MaxRatio(2.0),
            candidate: Box::new(move || {
                Box::pin(async move {
                    mutate().await?;
                    merge(target).await
                })
            }),
            baseline: Some(floor),
        },
        _ => Scenario {
            name,
            candidate_label: "reader's max latency on `well` and a code table during a merge",
            baseline_label: None,
            goal: Goal::MaxMillis(200.0),
            candidate: Box::new(move || {
                Box::pin(async move {
                    mutate().await?;
                    online(target).await
                })
            }),
            baseline: None,
        },
    })
}

/// A merge of `target` (it must take the merge path), timed.
async fn merge(target: &pg::Target) -> Result<Duration> {
    let options = replicate::Options {
        path: replicate::Choice::Merge,
        ..replicate::Options::new(replicate::Mode::Full)
    };
    let started = Instant::now();
    let report = replicate::replicate(target, &options, &mut |_| {}).await?;
    let took = started.elapsed();
    anyhow::ensure!(report.verified, "the merge did not verify: {:?}", report.tables);
    Ok(took)
}

/// Runs a merge of `target` while a reader and `health --ready` sample it every 100 ms;
/// prints the reader's p50 / p99 / max and the health answers, returns the max.
async fn online(target: &pg::Target) -> Result<Duration> {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (target, stop) = (target.clone(), stop.clone());
        tokio::spawn(async move {
            let conn = pg::connect(&target, "gwells-db bench reader").await?;
            let mut latencies = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for sql in [
                    "SELECT count(*) FROM well WHERE well_tag_number BETWEEN 1000 AND 1100",
                    "SELECT count(*) FROM well_class_code",
                ] {
                    let started = Instant::now();
                    conn.batch_execute(sql).await?;
                    latencies.push(started.elapsed());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            anyhow::Ok(latencies)
        })
    };
    let health = {
        let (url, stop) = (target.url_with_password(), stop.clone());
        tokio::task::spawn_blocking(move || -> Result<Vec<i32>> {
            let exe = std::env::current_exe()?;
            let mut codes = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let out = duct::cmd(&exe, ["health", "--ready"])
                    .env(pg::vars::DATABASE_URL, &url)
                    .stdout_null()
                    .stderr_null()
                    .unchecked()
                    .run()?;
                codes.push(out.status.code().unwrap_or(-1));
                std::thread::sleep(Duration::from_millis(100));
            }
            Ok(codes)
        })
    };
    let merged = merge(target).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut latencies = reader.await??;
    let codes = health.await??;
    merged?;
    latencies.sort();
    let at = |q: f64| {
        let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies.get(i).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
    };
    let ready = codes.iter().filter(|c| **c == 0).count();
    say(&format!(
        "bench: replicate-online: reader p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} queries; health --ready answered 0 {ready} of {} times",
        at(0.5),
        at(0.99),
        at(1.0),
        latencies.len(),
        codes.len()
    ));
    anyhow::ensure!(
        codes.iter().all(|c| *c == 0),
        "health --ready answered {codes:?} during the merge"
    );
    Ok(latencies.last().copied().unwrap_or_default())
}

/// `/proc/self/clear_refs` value 5 resets the peak RSS (Linux ≥ 4.0).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn machine() -> serde_json::Value {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_default();
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("PRETTY_NAME="))
                .map(|l| l.trim_start_matches("PRETTY_NAME=").trim_matches('"').to_string())
        })
        .unwrap_or_default();
    serde_json::json!({ "cpus": cpus, "memory": mem, "os": os })
}
