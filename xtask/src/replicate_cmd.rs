//! Placeholder until this command is built; it says so instead of pretending.

use std::process::ExitCode;

use crate::ctx::Ctx;

#[derive(clap::Args)]
pub struct Args {}

pub async fn run(_args: Args, _ctx: &Ctx) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this command is not built yet")
}
