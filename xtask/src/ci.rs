//! `cargo xtask ci`: what CI runs, in the order a reviewer would want to see failures.
//!
//! fmt and clippy first (cheap, and most often what breaks), then a subset rehearsal, then the
//! whole test suite under cargo-nextest against ONE throwaway server owned by this process:
//! nextest runs each test in its own process, so a server per test would cost a start each;
//! the server's URL reaches every test through `GWELLS_TEST_SERVER_URL` and it is stopped on
//! every path when this command ends.

use std::process::ExitCode;

use anyhow::{Context, Result};
use xshell::{Shell, cmd};

use crate::ctx::{Ctx, say};
use crate::exit::{self, OK};

#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  cargo xtask ci                          # everything CI runs
  cargo xtask ci --skip-lint              # tests, rehearsal and bench smoke run only
  cargo xtask ci --backend docker         # tests against a container instead of a local cluster
  cargo xtask ci -- -E 'package(migrate)' # arguments after -- go to cargo nextest run")]
pub struct Args {
    /// Skip `cargo fmt --check` and `cargo clippy`.
    #[arg(long)]
    skip_lint: bool,
    /// Skip the subset rehearsal.
    #[arg(long)]
    skip_rehearse: bool,
    /// Skip the bench smoke run (every scenario once, small; figures not judged).
    #[arg(long)]
    skip_bench: bool,
    /// Backend of the test server: local, docker or auto.
    #[arg(long, env = "GWELLS_DEVDB_BACKEND", default_value = "auto")]
    backend: String,
    /// Extra arguments for `cargo nextest run`.
    #[arg(last = true)]
    nextest: Vec<String>,
}

pub async fn run(args: Args, _ctx: &Ctx) -> Result<ExitCode> {
    let backend: devdb::Backend = args.backend.parse().map_err(exit::classified)?;
    crate::setup::ensure_postgres(&crate::workspace_root(), backend)?;
    let sh = Shell::new()?;
    sh.change_dir(crate::workspace_root());
    if !args.skip_lint {
        say("ci: cargo fmt --check");
        cmd!(sh, "cargo fmt --all --check")
            .run()
            .context("formatting differs; run `cargo fmt --all`")?;
        say("ci: cargo clippy");
        cmd!(sh, "cargo clippy --workspace --all-targets --quiet -- -D warnings")
            .run()
            .context("clippy found problems")?;
    }
    if !args.skip_rehearse {
        say("ci: subset rehearsal");
        let backend = backend.to_string();
        cmd!(sh, "cargo xtask rehearse --subset --backend {backend}")
            .run()
            .context("the subset rehearsal failed")?;
    }
    let options = devdb::ServerOptions { backend, ..devdb::ServerOptions::default() };
    let server = devdb::Server::start(&options).await.context("cannot start the test server")?;
    say(&format!(
        "ci: test server: {} PostgreSQL {} at {}",
        server.backend(),
        server.version(),
        server.target()
    ));
    let url = server.target().url_with_password();
    let nextest = args.nextest;
    // The server lives until this scope ends, whatever the tests do.
    let result = {
        let _env = sh.push_env(pg::vars::GWELLS_TEST_SERVER_URL, url);
        cmd!(sh, "cargo nextest run --workspace --no-fail-fast {nextest...}").run()
    };
    server.stop().await;
    result.context("tests failed")?;
    if !args.skip_bench {
        // Nothing else runs the bench: a scenario that broke would go unseen until someone
        // measured.
        say("ci: bench smoke run");
        cmd!(sh, "cargo xtask bench --smoke").run().context("a bench scenario failed")?;
    }
    Ok(OK)
}
