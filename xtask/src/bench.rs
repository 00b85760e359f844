//! `cargo xtask bench`: each scenario of blueprint §9 against its baseline, in the same run.
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

Scenarios: server-start, container-start, clone")]
pub struct Args {
    /// Scenarios to run (default: all).
    scenarios: Vec<String>,
    /// Measured runs per side, after one warm-up.
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// Print the JSON report on stdout instead of the table.
    #[arg(long)]
    json: bool,
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

const ALL: &[&str] = &["server-start", "container-start", "clone"];

#[allow(clippy::print_stdout)]
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
    let env = Env::new(ctx).await?;
    let mut outcomes = Vec::new();
    for name in wanted {
        let scenario = match name {
            "server-start" => server_start(&env),
            "container-start" => container_start(&env),
            "clone" => clone(&env),
            _ => unreachable!("validated above"),
        };
        say(&format!("bench: {name} ({} runs per side)", args.runs));
        outcomes.push(measure(scenario, args.runs).await.with_context(|| format!("scenario `{name}`"))?);
    }
    let report = serde_json::json!({
        "machine": machine(),
        "command": std::env::args().collect::<Vec<_>>().join(" "),
        "outcomes": outcomes,
    });
    let dir = ctx.target_dir().join("bench");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("latest.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{}", table(&outcomes));
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
    t.set_header(["scenario", "candidate min/med/max ms", "baseline min/med/max ms", "ratio", "goal", "met", "peak RSS MiB"]);
    let fmt = |s: &Stats| format!("{:.1} / {:.1} / {:.1}", s.min_ms, s.median_ms, s.max_ms);
    for o in outcomes {
        t.add_row([
            o.scenario.to_string(),
            format!("{}: {}", o.candidate, fmt(&o.candidate_stats)),
            o.baseline_stats.as_ref().map(|b| format!("{}: {}", o.baseline.unwrap_or(""), fmt(b))).unwrap_or_else(|| "—".into()),
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

/// Shared state: paths and binaries.
struct Env {
    root: PathBuf,
    bins: Option<devdb::Binaries>,
}

impl Env {
    async fn new(ctx: &Ctx) -> Result<Env> {
        Ok(Env { root: ctx.root.clone(), bins: devdb::Binaries::find().ok() })
    }
}

fn server_start(env: &Env) -> Scenario<'_> {
    Scenario {
        name: "server-start",
        candidate_label: "devdb local (cached cluster)",
        baseline_label: Some("initdb + pg_ctl start -w"),
        goal: Goal::MaxMillis(300.0),
        candidate: Box::new(|| {
            Box::pin(async {
                let options = devdb::ServerOptions { backend: devdb::Backend::Local, ..Default::default() };
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
            let mut all = vec!["-u".to_string(), "postgres".into(), "--".into(), program.display().to_string()];
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
        vec!["-D".into(), data.display().to_string(), "-U".into(), "postgres".into(), "-A".into(), "trust".into(), "--no-sync".into()],
    )
    .stdout_null()
    .stderr_null()
    .run()?;
    let opts = format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", data.display());
    as_postgres(
        bins.bindir.join("pg_ctl"),
        vec!["start".into(), "-w".into(), "-D".into(), data.display().to_string(), "-o".into(), opts, "-l".into(), dir.path().join("log").display().to_string()],
    )
    .stdout_null()
    .run()?;
    let took = started.elapsed();
    as_postgres(bins.bindir.join("pg_ctl"), vec!["stop".into(), "-m".into(), "immediate".into(), "-D".into(), data.display().to_string()])
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
                let options = devdb::ServerOptions { backend: devdb::Backend::Docker, ..Default::default() };
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
    let spec = devdb::TemplateSpec { label: "bench-clone".into(), inputs: vec![env.root.join("migrations")], extra: String::new() };
    let server = std::rc::Rc::new(tokio::sync::OnceCell::<devdb::Server>::new());
    let server2 = server.clone();
    let spec2 = spec.clone();
    Scenario {
        name: "clone",
        candidate_label: "CREATE DATABASE .. TEMPLATE",
        baseline_label: None,
        goal: Goal::MaxMillis(60.0),
        candidate: Box::new(move || {
            let server = server2.clone();
            let spec = spec2.clone();
            Box::pin(async move {
                let server = server
                    .get_or_try_init(|| async {
                        devdb::Server::start(&devdb::ServerOptions { backend: devdb::Backend::Local, ..Default::default() }).await
                    })
                    .await?;
                let admin = server.target();
                let template = devdb::ensure_template(admin, &spec, |_t| async { Ok(()) }).await?;
                let name = format!("bench_clone_{}", std::process::id());
                let started = Instant::now();
                devdb::clone_database(admin, &template, &name).await?;
                let took = started.elapsed();
                devdb::drop_database(admin, &name).await?;
                Ok(took)
            })
        }),
        baseline: None,
    }
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
        .and_then(|s| s.lines().find(|l| l.starts_with("PRETTY_NAME=")).map(|l| l.trim_start_matches("PRETTY_NAME=").trim_matches('"').to_string()))
        .unwrap_or_default();
    serde_json::json!({ "cpus": cpus, "memory": mem, "os": os })
}
