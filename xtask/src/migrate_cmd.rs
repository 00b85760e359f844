//! Placeholder until these commands are built; they say so instead of pretending.

use std::process::ExitCode;

use crate::ctx::Ctx;

#[derive(clap::Args)]
pub struct MigrateArgs {}
#[derive(clap::Args)]
pub struct ShowArgs {}
#[derive(clap::Args)]
pub struct SqlArgs {}
#[derive(clap::Args)]
pub struct SquashArgs {}

pub async fn migrate(_args: MigrateArgs, _ctx: &Ctx) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this command is not built yet")
}
pub async fn showmigrations(_args: ShowArgs, _ctx: &Ctx) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this command is not built yet")
}
pub async fn sqlmigrate(_args: SqlArgs, _ctx: &Ctx) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this command is not built yet")
}
pub async fn squash(_args: SquashArgs, _ctx: &Ctx) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this command is not built yet")
}
