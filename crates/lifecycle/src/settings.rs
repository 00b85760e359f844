//! Settings read and validated once, before anything changes: the FDW spec from the `FDW_*`
//! variables (and flags over them), the replication mode, the admin account, the folders.
//!
//! The environment is passed in (`env`), so tests give a map and the binaries
//! `std::env::var`; every name is a constant of `pg::vars`.

use std::path::PathBuf;

use pg::vars;
use replicate::Mode;

/// How settings read a variable: `None` when unset.
pub(crate) type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The folders a lifecycle operation reads: migrations and code tables.
#[derive(Debug, Clone)]
pub struct Folders {
    pub migrations: PathBuf,
    pub codetables: PathBuf,
}

/// `--subset` / `--full`: a mode, none, or the error of both.
pub fn mode_from_flags(subset: bool, full: bool) -> Result<Option<Mode>, replicate::Error> {
    match (subset, full) {
        (true, true) => Err(replicate::Error::BothModes),
        (true, false) => Ok(Some(Mode::Subset)),
        (false, true) => Ok(Some(Mode::Full)),
        (false, false) => Ok(None),
    }
}

/// A mode as a word, for a flag (`--replicate subset`) and `DB_REPLICATE` alike: the seed's
/// spellings (`None`, `Subset`, `Full`) or the same in lowercase, as flags are written. Any
/// other case (`SUBSET`) is refused rather than guessed at.
pub fn parse_mode(word: &str) -> Result<Mode, String> {
    match word.trim() {
        "None" | "none" => Ok(Mode::None),
        "Subset" | "subset" => Ok(Mode::Subset),
        "Full" | "full" => Ok(Mode::Full),
        _ => Err(format!(
            "`{word}` is not a replication mode: expected None, Subset or Full (or lowercase)"
        )),
    }
}

/// The replication mode: the one chosen by a flag, else `DB_REPLICATE` in [`parse_mode`]'s
/// words (`None` when unset or empty, as the seed read it).
pub fn replication_mode(chosen: Option<Mode>, env: Env) -> Result<Mode, replicate::Error> {
    if let Some(mode) = chosen {
        return Ok(mode);
    }
    match env(vars::DB_REPLICATE) {
        None => Ok(Mode::None),
        Some(value) if value.trim().is_empty() => Ok(Mode::None),
        Some(value) => parse_mode(&value)
            .map_err(|_| replicate::Error::BadMode { variable: vars::DB_REPLICATE, value }),
    }
}

/// What flags may say over the `FDW_*` variables (`fdw setup --name ...`).
#[derive(Debug, Clone, Default)]
pub struct FdwOverrides {
    pub driver: Option<String>,
    pub name: Option<String>,
    pub foreign_server: Option<String>,
    pub user: Option<String>,
    pub foreign_schema: Option<String>,
    pub schema: Option<String>,
    /// The role granted `fdw_reader` [default: `POSTGRESQL_USER`].
    pub grant_to: Option<String>,
}

/// The FDW spec: the overrides, else the `FDW_*` variables; the reader role granted to
/// `POSTGRESQL_USER` unless said otherwise. `fdw setup` and reset's FDW phase both build it
/// here, so both store the same fingerprint.
pub fn fdw_spec(overrides: &FdwOverrides, env: Env) -> Result<fdw::Spec, fdw::Error> {
    let driver = overrides.driver.as_deref().map(str::parse::<fdw::DriverKind>).transpose()?;
    let read = |name: &str| {
        let flag = match name {
            vars::FDW_NAME => &overrides.name,
            vars::FDW_FOREIGN_SERVER => &overrides.foreign_server,
            vars::FDW_USER => &overrides.user,
            vars::FDW_FOREIGN_SCHEMA => &overrides.foreign_schema,
            vars::FDW_SCHEMA => &overrides.schema,
            _ => &None,
        };
        flag.clone().or_else(|| env(name))
    };
    let grantee =
        overrides.grant_to.clone().or_else(|| env(vars::POSTGRESQL_USER).filter(|u| !u.is_empty()));
    let spec = fdw::Spec::from_env_with(&read, driver)?;
    Ok(spec.with_grantee(grantee.as_deref()))
}

/// Whether any `FDW_*` variable names a foreign server: reset then runs its FDW phase.
pub(crate) fn fdw_configured(env: Env) -> bool {
    [vars::FDW_NAME, vars::FDW_FOREIGN_SERVER, vars::FDW_SCHEMA]
        .iter()
        .any(|v| env(v).is_some_and(|v| !v.is_empty()))
}

/// What a reset needs beyond the target, read once, before anything is dropped.
#[derive(Debug)]
pub struct Settings {
    /// The FDW phase's spec, when `FDW_*` are set.
    pub(crate) fdw: Option<fdw::Spec>,
    /// The replication phase's mode (`None`: no phase).
    pub(crate) mode: Mode,
    /// The admin phase's account, when `DJANGO_ADMIN_USER` is set.
    pub(crate) admin: Option<admin::Account>,
    /// The local FDW schema (`FDW_SCHEMA`), kept or dropped as the FDW is.
    pub(crate) fdw_schemas: Vec<String>,
}

impl Settings {
    /// Every setting of a reset from the environment, `mode` over `DB_REPLICATE`. An empty
    /// variable counts as unset, as the seed's scripts treated it.
    pub fn for_reset(mode: Option<Mode>, env: Env) -> Result<Settings, crate::Error> {
        let env = |name: &str| env(name).filter(|v| !v.is_empty());
        let mode = replication_mode(mode, &env)?;
        let fdw = if fdw_configured(&env) {
            Some(fdw_spec(&FdwOverrides::default(), &env)?)
        } else {
            None
        };
        let sources = admin::Sources { env: &env, secret_dir: None, password: None };
        let admin = if admin::Account::configured(&sources)? {
            Some(admin::Account::from_sources(&sources)?)
        } else {
            None
        };
        let fdw_schemas = env(vars::FDW_SCHEMA).into_iter().collect();
        Ok(Settings { fdw, mode, admin, fdw_schemas })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn one_spelling_of_the_mode_for_flags_and_the_variable() {
        assert_eq!(parse_mode("subset"), Ok(Mode::Subset));
        assert_eq!(parse_mode("Full"), Ok(Mode::Full));
        assert_eq!(parse_mode("none"), Ok(Mode::None));
        assert!(parse_mode("SUBSET").is_err(), "a case of its own is refused");
        assert!(parse_mode("half").unwrap_err().contains("expected None, Subset or Full"));
        let e = env(&[(vars::DB_REPLICATE, "Subset")]);
        assert_eq!(replication_mode(None, &e).ok(), Some(Mode::Subset));
        let e = env(&[(vars::DB_REPLICATE, "full")]);
        assert_eq!(replication_mode(None, &e).ok(), Some(Mode::Full));
        assert_eq!(replication_mode(Some(Mode::Full), &e).ok(), Some(Mode::Full));
        assert_eq!(replication_mode(None, &env(&[])).ok(), Some(Mode::None));
        let bad = replication_mode(None, &env(&[(vars::DB_REPLICATE, "sometimes")]));
        assert!(matches!(bad, Err(replicate::Error::BadMode { .. })), "{bad:?}");
        assert!(matches!(mode_from_flags(true, true), Err(replicate::Error::BothModes)));
        assert_eq!(mode_from_flags(false, true).ok(), Some(Some(Mode::Full)));
    }

    #[test]
    fn reset_settings_are_read_and_refused_before_anything_runs() {
        let none = Settings::for_reset(None, &env(&[])).unwrap_or_else(|e| panic!("{e}"));
        assert!(none.fdw.is_none() && none.admin.is_none() && none.mode == Mode::None);
        // An admin user without a password is refused, naming the variable.
        let err = Settings::for_reset(None, &env(&[(vars::DJANGO_ADMIN_USER, "admin")]))
            .expect_err("no password");
        assert!(err.to_string().contains("DJANGO_ADMIN_PASSWORD"), "{err}");
        // An FDW half configured is refused too.
        let err = Settings::for_reset(None, &env(&[(vars::FDW_NAME, "legacy")]))
            .expect_err("no foreign server");
        assert!(err.to_string().contains("FDW_"), "{err}");
        let full = Settings::for_reset(
            Some(Mode::Subset),
            &env(&[
                (vars::FDW_NAME, "legacy"),
                (vars::FDW_FOREIGN_SERVER, "postgres://legacy.test/wells"),
                (vars::FDW_USER, "u"),
                (vars::FDW_PASS, "p"),
                (vars::FDW_FOREIGN_SCHEMA, "WELLS"),
                (vars::FDW_SCHEMA, "wells"),
                (vars::DB_REPLICATE, "Full"),
            ]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(full.mode, Mode::Subset, "the flag wins over DB_REPLICATE");
        assert_eq!(full.fdw.map(|s| s.local_schema), Some("wells".to_string()));
        assert_eq!(full.fdw_schemas, ["wells"]);
    }
}
