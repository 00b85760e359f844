//! `cargo xtask fuzz`: the cargo-fuzz targets of `fuzz/`, each for a fixed time (not in CI).
//!
//! Builds the targets once with `cargo fuzz build`, then runs each with libFuzzer's
//! `-max_total_time`, its output kept in `target/fuzz/<target>.log` and a progress line on
//! stderr every ten seconds. The seed corpus `fuzz/corpus/<target>/` is read, never written;
//! what libFuzzer finds grows `target/fuzz/corpus/<target>/`, reused by the next run.
//!
//! Stable toolchains: cargo-fuzz's default AddressSanitizer needs rustc's `-Zsanitizer`, so the
//! default here is `--sanitizer none` (the targets are safe Rust; coverage instrumentation
//! needs only `-C` flags). `--asan` builds with the sanitizer and sets `RUSTC_BOOTSTRAP=1` for
//! that build, which lets a stable rustc take `-Z` flags.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::ctx::{Ctx, say};
use crate::exit::{OK, bad_input, failed};

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask fuzz                         # every target, 60 s each
  cargo xtask fuzz sql_splitter            # one target
  cargo xtask fuzz csv_reader --seconds 600
  cargo xtask fuzz --asan --seconds 30     # with AddressSanitizer (RUSTC_BOOTSTRAP=1 on stable)

Targets (fuzz/fuzz_targets/): migration_header, sql_splitter, csv_reader.
Needs cargo-fuzz: `cargo install cargo-fuzz`. Logs: target/fuzz/<target>.log.
A crash leaves its input in fuzz/artifacts/<target>/ and exits 1.")]
pub struct Args {
    /// Targets to run (default: all).
    targets: Vec<String>,
    /// Seconds per target.
    #[arg(long, default_value_t = 60, value_name = "N")]
    seconds: u64,
    /// Build with AddressSanitizer; on a stable toolchain the build runs with RUSTC_BOOTSTRAP=1.
    #[arg(long)]
    asan: bool,
}

/// Each target, the crate whose code it drives and the file holding its regression tests.
const TARGETS: &[(&str, &str, &str)] = &[
    ("migration_header", "migrate", "crates/migrate/src/source.rs"),
    ("sql_splitter", "migrate", "crates/migrate/src/split.rs"),
    ("csv_reader", "codes", "crates/codes/src/table.rs"),
];

/// How long a run may overstay `--seconds` (libFuzzer's exit, a crash's minimising) before
/// it is killed.
const GRACE: Duration = Duration::from_secs(300);

/// What one target's run came to.
struct Outcome {
    target: String,
    runs: Option<u64>,
    seconds: f64,
    corpus: usize,
    crashes: Vec<PathBuf>,
    panic: Option<String>,
}

pub async fn run(args: Args, _ctx: &Ctx) -> Result<ExitCode> {
    let targets = chosen(&args.targets)?;
    if args.seconds == 0 {
        return Err(bad_input(anyhow::anyhow!("`--seconds` must be at least 1")));
    }
    check_cargo_fuzz(&crate::workspace_root())?;
    let sanitizer = if args.asan { "address" } else { "none" };

    for target in &targets {
        say(&format!("fuzz: building {target} (sanitizer {sanitizer})"));
        let build = cargo_fuzz(
            &crate::workspace_root(),
            args.asan,
            ["build", "--sanitizer", sanitizer, target].map(OsString::from),
        );
        let out = build.unchecked().run().context("cannot run `cargo fuzz build`")?;
        if !out.status.success() {
            bail!("`cargo fuzz build {target}` failed ({})", out.status);
        }
    }

    let work = devdb::target_dir().join("fuzz");
    let mut outcomes = Vec::new();
    for target in &targets {
        outcomes.push(fuzz_one(&work, target, sanitizer, args.asan, args.seconds).await?);
    }

    crate::ctx::print_line(&table(&outcomes).to_string());
    let mut code = OK;
    for o in &outcomes {
        if !o.crashes.is_empty() {
            explain_crash(o, sanitizer);
            code = failed();
        }
    }
    Ok(code)
}

/// The targets asked for, in the order given, or all of them.
fn chosen(asked: &[String]) -> Result<Vec<String>> {
    let known: Vec<&str> = TARGETS.iter().map(|t| t.0).collect();
    if asked.is_empty() {
        return Ok(known.iter().map(|t| t.to_string()).collect());
    }
    for t in asked {
        if !known.contains(&t.as_str()) {
            return Err(bad_input(anyhow::anyhow!(
                "unknown fuzz target `{t}`\nhint: one of {}",
                known.join(", ")
            )));
        }
    }
    Ok(asked.to_vec())
}

/// `cargo fuzz ARGS` in the workspace root; with `asan`, allowed `-Z` flags on a stable
/// toolchain.
fn cargo_fuzz(
    root: &Path,
    asan: bool,
    args: impl IntoIterator<Item = OsString>,
) -> duct::Expression {
    let cmd = duct::cmd("cargo", std::iter::once(OsString::from("fuzz")).chain(args)).dir(root);
    if asan { cmd.env("RUSTC_BOOTSTRAP", "1") } else { cmd }
}

fn check_cargo_fuzz(root: &Path) -> Result<()> {
    let out = cargo_fuzz(root, false, [OsString::from("--version")])
        .stdin_null()
        .stdout_null()
        .stderr_null()
        .unchecked()
        .run()
        .context("cannot run `cargo`")?;
    if !out.status.success() {
        bail!("`cargo fuzz` is not installed\nhint: cargo install cargo-fuzz");
    }
    Ok(())
}

/// A running `cargo fuzz run`, killed when dropped: past its deadline, on an error, or when
/// the command is abandoned. Killing an exited run does nothing.
struct Running(Arc<duct::ReaderHandle>);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

/// Runs one target for `seconds`, its output to `target/fuzz/<target>.log`, progress on stderr.
async fn fuzz_one(
    work: &Path,
    target: &str,
    sanitizer: &str,
    asan: bool,
    seconds: u64,
) -> Result<Outcome> {
    let corpus = work.join("corpus").join(target);
    std::fs::create_dir_all(&corpus)
        .with_context(|| format!("cannot create {}", corpus.display()))?;
    let artifacts = crate::workspace_root().join("fuzz/artifacts").join(target);
    let before = files(&artifacts);
    let log_path = work.join(format!("{target}.log"));
    let mut log = std::fs::File::create(&log_path)
        .with_context(|| format!("cannot create {}", log_path.display()))?;

    say(&format!("fuzz: {target} for {seconds} s (log {})", log_path.display()));
    let root = crate::workspace_root();
    let mut args: Vec<OsString> =
        ["run", "--sanitizer", sanitizer, target].map(OsString::from).into();
    args.extend([corpus.clone().into(), root.join("fuzz/corpus").join(target).into()]);
    args.extend(["--".into(), format!("-max_total_time={seconds}").into(), "-timeout=10".into()]);
    args.push("-print_final_stats=1".into());
    // One stream: libFuzzer reports on stderr, and both go to the log in the order written.
    let reader = cargo_fuzz(&root, asan, args)
        .stdin_null()
        .stderr_to_stdout()
        .unchecked()
        .reader()
        .context("cannot run `cargo fuzz run`")?;
    let run = Running(Arc::new(reader));
    // The pipe is read on a thread of its own, which ends at EOF (when the run has exited);
    // its lines come here so that the progress ticks and the deadline need no output.
    let (send, mut lines) = tokio::sync::mpsc::unbounded_channel();
    let output = Arc::clone(&run.0);
    std::thread::spawn(move || {
        for line in BufReader::new(&*output).lines() {
            if send.send(line).is_err() {
                break;
            }
        }
    });

    let started = Instant::now();
    let deadline = started + GRACE + Duration::from_secs(seconds);
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    tick.tick().await;
    let (mut runs, mut panic) = (None, None);
    let mut last_line = String::new();
    loop {
        tokio::select! {
            line = lines.recv() => {
                let Some(line) = line else { break };
                let line = line.context("cannot read `cargo fuzz run` output")?;
                runs = parse_runs(&line).or(runs);
                if panic.is_none() && last_line.contains(" panicked at ") {
                    panic = Some(format!("{}: {line}", last_line.rsplit(" panicked at ").next().unwrap_or("").trim_end_matches(':')));
                }
                writeln!(log, "{line}").with_context(|| format!("cannot write {}", log_path.display()))?;
                last_line = line;
            }
            _ = tick.tick() => {
                let runs = runs.map_or("starting".to_string(), |r| format!("{r} runs"));
                say(&format!("fuzz: {target} {} / {seconds} s, {runs}", started.elapsed().as_secs()));
            }
            _ = tokio::time::sleep_until(deadline.into()) => {
                drop(run); // kills it
                bail!("`cargo fuzz run {target}` ran {} s past its time and was killed; see {}", GRACE.as_secs(), log_path.display());
            }
        }
    }
    // The reader saw EOF only after waiting for the run, so its status is known.
    let status =
        run.0.try_wait().context("cannot wait for `cargo fuzz run`")?.map(|out| out.status);
    let status = status.context("`cargo fuzz run` closed its output but did not exit")?;
    let crashes: Vec<PathBuf> = files(&artifacts).difference(&before).cloned().collect();
    if !status.success() && crashes.is_empty() {
        bail!(
            "`cargo fuzz run {target}` failed ({status}) without a crash input; see {}",
            log_path.display()
        );
    }
    Ok(Outcome {
        target: target.to_string(),
        runs,
        seconds: started.elapsed().as_secs_f64(),
        corpus: files(&corpus).len(),
        crashes,
        panic,
    })
}

/// The run count of a libFuzzer status line (`#123456\tpulse ...`) or of its final stats.
fn parse_runs(line: &str) -> Option<u64> {
    if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
        return n.trim().parse().ok();
    }
    let rest = line.strip_prefix('#')?;
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// The files in `dir`; none if it does not exist.
fn files(dir: &Path) -> BTreeSet<PathBuf> {
    let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
    entries.map(|e| e.path()).filter(|p| p.is_file()).collect()
}

fn table(outcomes: &[Outcome]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::NOTHING);
    t.set_header(["target", "seconds", "runs", "runs/s", "corpus", "crashes"]);
    for o in outcomes {
        let runs = o.runs.map_or("?".into(), |r| r.to_string());
        let rate = o.runs.map_or("?".into(), |r| format!("{:.0}", r as f64 / o.seconds.max(1.0)));
        t.add_row([
            o.target.clone(),
            format!("{:.0}", o.seconds),
            runs,
            rate,
            o.corpus.to_string(),
            o.crashes.len().to_string(),
        ]);
    }
    t
}

/// Where the crashing input is, how to replay it, and how it becomes a regression test.
fn explain_crash(o: &Outcome, sanitizer: &str) {
    let (_, krate, tests) = TARGETS.iter().find(|t| t.0 == o.target).copied().unwrap_or_default();
    for crash in &o.crashes {
        let input = crash.strip_prefix(crate::workspace_root()).unwrap_or(crash).display();
        say(&format!("\nfuzz: `{}` crashed on {input}", o.target));
        if let Some(panic) = &o.panic {
            say(&format!("  {panic}"));
        }
        say(&format!("  replay:   cargo fuzz run --sanitizer {sanitizer} {} {input}", o.target));
        say(&format!("  minimize: cargo fuzz tmin --sanitizer {sanitizer} {} {input}", o.target));
        say(&format!(
            "hint: fix the bug in `{krate}`, copy the input to crates/{krate}/tests/fuzz/{}_<what>.<ext>\n      and replay it in `fuzz_regressions` of {tests} (include_bytes!), beside the code",
            o.target
        ));
    }
}
