//! The FDW spec's flags, shared by every `fdw` subcommand; the spec itself is built by
//! `lifecycle::settings`, one way for `fdw setup` and reset's FDW phase.

/// The spec's flags, shared by every `fdw` subcommand.
#[derive(clap::Args, Default)]
pub(crate) struct SpecFlags {
    /// `oracle_fdw` or `postgres_fdw` [default: from the form of FDW_FOREIGN_SERVER].
    #[arg(long, global = true, value_name = "DRIVER")]
    driver: Option<String>,
    /// Foreign server name [default: FDW_NAME].
    #[arg(long, global = true, value_name = "NAME")]
    name: Option<String>,
    /// Oracle connect string or PostgreSQL URL [default: FDW_FOREIGN_SERVER].
    #[arg(long, global = true, value_name = "SERVER")]
    foreign_server: Option<String>,
    /// Remote user [default: FDW_USER]. The password is read from FDW_PASS only.
    #[arg(long, global = true, value_name = "USER")]
    user: Option<String>,
    /// Remote schema, exact case [default: FDW_FOREIGN_SCHEMA].
    #[arg(long, global = true, value_name = "SCHEMA")]
    foreign_schema: Option<String>,
    /// Local schema for the foreign tables [default: FDW_SCHEMA].
    #[arg(long, global = true, value_name = "SCHEMA")]
    schema: Option<String>,
    /// Role to grant `fdw_reader` to [default: POSTGRESQL_USER, else nobody].
    #[arg(long, global = true, value_name = "ROLE")]
    grant_to: Option<String>,
}

/// The spec from the flags over the `FDW_*` variables, built by `lifecycle::settings` as
/// reset's FDW phase builds it, so both store the same fingerprint.
pub(crate) fn spec(flags: &SpecFlags) -> anyhow::Result<fdw::Spec> {
    let overrides = lifecycle::settings::FdwOverrides {
        driver: flags.driver.clone(),
        name: flags.name.clone(),
        foreign_server: flags.foreign_server.clone(),
        user: flags.user.clone(),
        foreign_schema: flags.foreign_schema.clone(),
        schema: flags.schema.clone(),
        grant_to: flags.grant_to.clone(),
    };
    let env = |name: &str| std::env::var(name).ok();
    Ok(lifecycle::settings::fdw_spec(&overrides, &env)?)
}
