//! Placeholder until these commands are built; they say so instead of pretending.

use std::process::ExitCode;

use crate::ctx::Ctx;

#[derive(clap::Args)]
pub struct ResetArgs {}
#[derive(clap::Args)]
pub struct ProtectArgs {}

pub async fn reset(_args: ResetArgs, _ctx: &Ctx) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this command is not built yet")
}
pub async fn protect(_args: ProtectArgs, _ctx: &Ctx, _on: bool) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this command is not built yet")
}
