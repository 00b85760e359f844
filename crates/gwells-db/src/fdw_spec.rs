//! The FDW spec from flags and the `FDW_*` variables, built one way for `fdw setup` and
//! reset's FDW phase (so both store the same fingerprint); the command files call this module,
//! never each other.

use pg::vars;

use crate::exit::bad_input;

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

/// The spec `fdw setup` uses without flags: the `FDW_*` variables, the reader role granted to
/// `POSTGRESQL_USER`. Reset's FDW phase uses it too, so both store the same fingerprint.
pub(crate) fn spec_from_env() -> anyhow::Result<fdw::Spec> {
    spec(&SpecFlags::default())
}

pub(crate) fn spec(flags: &SpecFlags) -> anyhow::Result<fdw::Spec> {
    let driver = flags
        .driver
        .as_deref()
        .map(str::parse::<fdw::DriverKind>)
        .transpose()
        .map_err(bad_input)?;
    let env = |name: &str| {
        let flag = match name {
            vars::FDW_NAME => &flags.name,
            vars::FDW_FOREIGN_SERVER => &flags.foreign_server,
            vars::FDW_USER => &flags.user,
            vars::FDW_FOREIGN_SCHEMA => &flags.foreign_schema,
            vars::FDW_SCHEMA => &flags.schema,
            _ => &None,
        };
        flag.clone().or_else(|| std::env::var(name).ok())
    };
    let grantee = flags
        .grant_to
        .clone()
        .or_else(|| std::env::var(vars::POSTGRESQL_USER).ok().filter(|u| !u.is_empty()));
    let spec = fdw::Spec::from_env_with(&env, driver).map_err(bad_input)?;
    Ok(spec.with_grantee(grantee.as_deref()))
}
