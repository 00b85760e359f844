//! What to configure: the FDW settings from the `FDW_*` variables (or a rehearsal's own values).
//!
//! Pure: the environment is passed in as a lookup function. It does not touch a database.

use std::fmt;
use std::str::FromStr;

use pg::Secret;
use pg::vars::{FDW_FOREIGN_SCHEMA, FDW_FOREIGN_SERVER, FDW_NAME, FDW_PASS, FDW_SCHEMA, FDW_USER};
use tokio_postgres::config::Host;

use crate::Error;

/// Rows fetched per round trip (`prefetch` for oracle_fdw, `fetch_size` for postgres_fdw).
/// The drivers' defaults (50 and 100) are tiny: every round trip to a remote server costs a
/// network latency, and oracle_fdw's and postgres_fdw's own guidance is 1,000–10,240 rows.
pub(crate) const DEFAULT_BATCH_ROWS: u32 = 1000;

/// The reader role the seed's setup script creates and grants the foreign tables to.
pub(crate) const DEFAULT_READER_ROLE: &str = "fdw_reader";

/// Which foreign data wrapper, and the server options that go with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Driver {
    /// Production: `oracle_fdw`, `dbserver` is an Oracle connect string (`//host/service`).
    Oracle {
        /// The `dbserver` option, as given in `FDW_FOREIGN_SERVER`.
        dbserver: String,
    },
    /// Rehearsal: `postgres_fdw` against a PostgreSQL stand-in of the legacy database.
    Postgres {
        /// Host name, address or socket directory.
        host: String,
        /// Port.
        port: u16,
        /// Database name.
        dbname: String,
    },
}

/// The two drivers by name, for `--driver`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverKind {
    /// `oracle_fdw`.
    Oracle,
    /// `postgres_fdw`.
    Postgres,
}

impl DriverKind {
    /// The wrapper's (and extension's) name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            DriverKind::Oracle => "oracle_fdw",
            DriverKind::Postgres => "postgres_fdw",
        }
    }
}

impl FromStr for DriverKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "oracle_fdw" | "oracle" => Ok(DriverKind::Oracle),
            "postgres_fdw" | "postgres" => Ok(DriverKind::Postgres),
            other => Err(Error::BadDriver { given: other.to_string() }),
        }
    }
}

impl fmt::Display for DriverKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Driver {
    /// The kind of this driver.
    pub fn kind(&self) -> DriverKind {
        match self {
            Driver::Oracle { .. } => DriverKind::Oracle,
            Driver::Postgres { .. } => DriverKind::Postgres,
        }
    }
}

/// A complete FDW configuration. `Debug` masks the password (it is a [`Secret`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// Foreign server name (`FDW_NAME`, `wells_oradb`).
    pub name: String,
    /// Driver and server options (`FDW_FOREIGN_SERVER`).
    pub driver: Driver,
    /// Remote user (`FDW_USER`).
    pub user: String,
    /// Remote password (`FDW_PASS`).
    pub password: Secret,
    /// Remote schema, exact case (`FDW_FOREIGN_SCHEMA`, `WELLS`).
    pub foreign_schema: String,
    /// Local schema that receives the foreign tables (`FDW_SCHEMA`, `wells`).
    pub local_schema: String,
    /// Role granted read access to the foreign tables.
    pub reader_role: String,
    /// Role the reader role is granted to (the application user), if any.
    pub grantee: Option<String>,
    /// Rows per round trip.
    pub batch_rows: u32,
}

impl Spec {
    /// Reads the six `FDW_*` variables; the driver follows from the form of `FDW_FOREIGN_SERVER`.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Spec, Error> {
        Spec::from_env_with(env, None)
    }

    /// Like [`Spec::from_env`], with the driver chosen explicitly (`--driver`).
    pub fn from_env_with(
        env: &dyn Fn(&str) -> Option<String>,
        driver: Option<DriverKind>,
    ) -> Result<Spec, Error> {
        let get = |name: &str| env(name).filter(|v| !v.is_empty());
        let all =
            [FDW_NAME, FDW_FOREIGN_SERVER, FDW_USER, FDW_PASS, FDW_FOREIGN_SCHEMA, FDW_SCHEMA];
        let missing: Vec<&'static str> = all.into_iter().filter(|v| get(v).is_none()).collect();
        if !missing.is_empty() {
            return Err(Error::Missing { vars: missing });
        }
        let value = |name: &'static str| -> Result<String, Error> {
            let v = get(name).unwrap_or_default();
            if v.contains('\0') { Err(Error::NulByte { var: name }) } else { Ok(v) }
        };
        let server = value(FDW_FOREIGN_SERVER)?;
        Ok(Spec {
            name: value(FDW_NAME)?,
            driver: parse_server(&server, driver)?,
            user: value(FDW_USER)?,
            password: Secret::new(value(FDW_PASS)?),
            foreign_schema: value(FDW_FOREIGN_SCHEMA)?,
            local_schema: value(FDW_SCHEMA)?,
            reader_role: DEFAULT_READER_ROLE.to_string(),
            grantee: None,
            batch_rows: DEFAULT_BATCH_ROWS,
        })
    }

    /// A `postgres_fdw` spec for a rehearsal against a PostgreSQL stand-in.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn postgres(
        name: &str,
        host: &str,
        port: u16,
        dbname: &str,
        user: &str,
        password: Secret,
        foreign_schema: &str,
        local_schema: &str,
    ) -> Spec {
        Spec {
            name: name.to_string(),
            driver: Driver::Postgres { host: host.to_string(), port, dbname: dbname.to_string() },
            user: user.to_string(),
            password,
            foreign_schema: foreign_schema.to_string(),
            local_schema: local_schema.to_string(),
            reader_role: DEFAULT_READER_ROLE.to_string(),
            grantee: None,
            batch_rows: DEFAULT_BATCH_ROWS,
        }
    }

    /// The rehearsals' spec: server `wells_legacy` reaching the stand-in in database `dbname`
    /// on the server of `server`, with its host, port, user and password, importing
    /// `foreign_schema` into `wells`.
    pub fn rehearsal(server: &pg::Target, dbname: &str, foreign_schema: &str) -> Spec {
        let config = server.config();
        let host = match config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            Some(Host::Unix(dir)) => dir.display().to_string(),
            None => "127.0.0.1".to_string(),
        };
        Spec::postgres(
            "wells_legacy",
            &host,
            config.get_ports().first().copied().unwrap_or(5432),
            dbname,
            config.get_user().unwrap_or("postgres"),
            server.password().unwrap_or_else(|| Secret::new("")),
            foreign_schema,
            "wells",
        )
    }

    /// The extensions the setup creates when missing: the wrapper's, and `pgcrypto`, as the
    /// seed's setup did (replication's `gen_random_uuid()` came from it before PostgreSQL 13).
    pub fn extensions(&self) -> [&'static str; 2] {
        [self.driver.kind().name(), "pgcrypto"]
    }

    /// The same spec, granting the reader role to `grantee` (the application user).
    pub fn with_grantee(mut self, grantee: Option<&str>) -> Spec {
        self.grantee = grantee.map(str::to_string);
        self
    }

    /// Checks what quoting cannot represent: a NUL byte in any value, named by its variable.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        let dbserver = match &self.driver {
            Driver::Oracle { dbserver } => dbserver.as_str(),
            Driver::Postgres { host, dbname, .. } => {
                if host.contains('\0') {
                    host.as_str()
                } else {
                    dbname.as_str()
                }
            }
        };
        let fields = [
            (FDW_NAME, self.name.as_str()),
            (FDW_FOREIGN_SERVER, dbserver),
            (FDW_USER, self.user.as_str()),
            (FDW_PASS, self.password.expose()),
            (FDW_FOREIGN_SCHEMA, self.foreign_schema.as_str()),
            (FDW_SCHEMA, self.local_schema.as_str()),
            ("reader role", self.reader_role.as_str()),
            ("grantee", self.grantee.as_deref().unwrap_or_default()),
        ];
        match fields.into_iter().find(|(_, v)| v.contains('\0')) {
            Some((var, _)) => Err(Error::NulByte { var }),
            None => Ok(()),
        }
    }

    /// Refuses a local schema (`FDW_SCHEMA`) that is not the FDW's own: `public`, a system
    /// schema, or one of `application_schemas` (read from the database by the caller, e.g.
    /// `reset::application_schemas`). The schema holds only foreign tables: setup replaces it
    /// and reset keeps it whole, so an application schema would be kept by reset, undropped.
    pub fn check_local_schema(&self, application_schemas: &[String]) -> Result<(), Error> {
        let schema = self.local_schema.as_str();
        let system = schema == "information_schema" || schema.starts_with("pg_");
        if schema == "public" || system || application_schemas.iter().any(|a| a == schema) {
            return Err(Error::ApplicationSchema { var: FDW_SCHEMA, schema: schema.to_string() });
        }
        Ok(())
    }
}

/// Chooses the driver from `FDW_FOREIGN_SERVER` (unless forced) and parses its options.
///
/// * `(DESCRIPTION=...)`, `//host/service`, `host[:port]/service`: Oracle;
/// * `postgres://` / `postgresql://` URLs and `host=... dbname=...` strings: PostgreSQL.
fn parse_server(value: &str, forced: Option<DriverKind>) -> Result<Driver, Error> {
    let looks_pg = value.starts_with("postgres://")
        || value.starts_with("postgresql://")
        || (!value.starts_with('(') && value.contains('='));
    let looks_oracle = !looks_pg && (value.starts_with('(') || value.contains('/'));
    let kind = match forced {
        Some(kind) => kind,
        None if looks_pg => DriverKind::Postgres,
        None if looks_oracle && !value.contains("://") => DriverKind::Oracle,
        None => {
            return Err(Error::BadServer {
                var: FDW_FOREIGN_SERVER,
                reason: "neither an Oracle connect string (`//host/service`) nor a PostgreSQL URL \
                         (`postgres://host:port/dbname`) or `host=... port=... dbname=...`"
                    .to_string(),
                hint: "pass `--driver oracle_fdw` for a TNS alias, or fix the value".to_string(),
            });
        }
    };
    match kind {
        DriverKind::Oracle => Ok(Driver::Oracle { dbserver: value.to_string() }),
        DriverKind::Postgres => parse_pg_server(value),
    }
}

fn parse_pg_server(value: &str) -> Result<Driver, Error> {
    let bad = |reason: String, hint: &str| Error::BadServer {
        var: FDW_FOREIGN_SERVER,
        reason,
        hint: hint.to_string(),
    };
    let config = tokio_postgres::Config::from_str(value).map_err(|e| {
        // The parser's message may quote the input; the input carries no password we accept,
        // but say nothing of it anyway.
        let _ = e;
        bad(
            "it does not parse as a PostgreSQL URL or connection string".to_string(),
            "write `postgres://host:port/dbname` or `host=... port=... dbname=...`",
        )
    })?;
    if config.get_password().is_some() || config.get_user().is_some() {
        return Err(bad(
            "it carries a user or password; server options are readable by every user".to_string(),
            "remove them from `FDW_FOREIGN_SERVER` and set `FDW_USER` and `FDW_PASS`",
        ));
    }
    let host = match config.get_hosts() {
        [Host::Tcp(h)] => h.clone(),
        [Host::Unix(dir)] => dir.display().to_string(),
        [] => return Err(bad("it names no host".to_string(), "add `host=...`")),
        _ => return Err(bad("it names several hosts".to_string(), "name exactly one host")),
    };
    let port = match config.get_ports() {
        [] => 5432,
        [p] => *p,
        _ => return Err(bad("it names several ports".to_string(), "name exactly one port")),
    };
    let Some(dbname) = config.get_dbname() else {
        return Err(bad("it names no database".to_string(), "add the database name"));
    };
    Ok(Driver::Postgres { host, port, dbname: dbname.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(vars: &[(&str, &str)], forced: Option<DriverKind>, expected: &str) {
        let env = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
        let got = match Spec::from_env_with(&env, forced) {
            Ok(spec) => format!(
                "{:?} user={} schema={}->{}",
                spec.driver, spec.user, spec.foreign_schema, spec.local_schema
            ),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expected);
        assert!(!got.contains("s3cret"), "password leaked: {got}");
    }

    fn with_server(server: &str) -> Vec<(&'static str, String)> {
        vec![
            (FDW_NAME, "wells_oradb".into()),
            (FDW_FOREIGN_SERVER, server.into()),
            (FDW_USER, "proxy_wells_gwells".into()),
            (FDW_PASS, "s3cret".into()),
            (FDW_FOREIGN_SCHEMA, "WELLS".into()),
            (FDW_SCHEMA, "wells".into()),
        ]
    }

    fn check_server(server: &str, forced: Option<DriverKind>, expected: &str) {
        let owned = with_server(server);
        let vars: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
        check(&vars, forced, expected);
    }

    #[test]
    fn missing_variables_are_all_named() {
        check(
            &[],
            None,
            "error: missing FDW settings: `FDW_NAME`, `FDW_FOREIGN_SERVER`, `FDW_USER`, `FDW_PASS`, `FDW_FOREIGN_SCHEMA`, `FDW_SCHEMA`\nhint: set `FDW_NAME`, `FDW_FOREIGN_SERVER`, `FDW_USER`, `FDW_PASS`, `FDW_FOREIGN_SCHEMA`, `FDW_SCHEMA` (or pass the matching flags); see `cargo xtask fdw setup --help`",
        );
        check(
            &[(FDW_NAME, "x"), (FDW_USER, ""), (FDW_PASS, "s3cret"), (FDW_SCHEMA, "wells")],
            None,
            "error: missing FDW settings: `FDW_FOREIGN_SERVER`, `FDW_USER`, `FDW_FOREIGN_SCHEMA`\nhint: set `FDW_FOREIGN_SERVER`, `FDW_USER`, `FDW_FOREIGN_SCHEMA` (or pass the matching flags); see `cargo xtask fdw setup --help`",
        );
    }

    #[test]
    fn driver_from_the_form_of_the_server() {
        check_server(
            "//nrk1-scan.bcgov/envprod1.nrs.bcgov",
            None,
            r#"Oracle { dbserver: "//nrk1-scan.bcgov/envprod1.nrs.bcgov" } user=proxy_wells_gwells schema=WELLS->wells"#,
        );
        check_server(
            "dbhost:1521/ORCL",
            None,
            r#"Oracle { dbserver: "dbhost:1521/ORCL" } user=proxy_wells_gwells schema=WELLS->wells"#,
        );
        check_server(
            "(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=s)))",
            None,
            r#"Oracle { dbserver: "(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=s)))" } user=proxy_wells_gwells schema=WELLS->wells"#,
        );
        check_server(
            "postgres://127.0.0.1:5433/gwells_legacy",
            None,
            r#"Postgres { host: "127.0.0.1", port: 5433, dbname: "gwells_legacy" } user=proxy_wells_gwells schema=WELLS->wells"#,
        );
        check_server(
            "postgresql://legacy/wells",
            None,
            r#"Postgres { host: "legacy", port: 5432, dbname: "wells" } user=proxy_wells_gwells schema=WELLS->wells"#,
        );
        check_server(
            "host=127.0.0.1 port=6000 dbname='a b'",
            None,
            r#"Postgres { host: "127.0.0.1", port: 6000, dbname: "a b" } user=proxy_wells_gwells schema=WELLS->wells"#,
        );
        check_server(
            "ENVPROD1",
            Some(DriverKind::Oracle),
            r#"Oracle { dbserver: "ENVPROD1" } user=proxy_wells_gwells schema=WELLS->wells"#,
        );
    }

    #[test]
    fn unusable_servers_are_refused() {
        check_server(
            "ENVPROD1",
            None,
            "error: `FDW_FOREIGN_SERVER` is not a server the tool understands: neither an Oracle connect string (`//host/service`) nor a PostgreSQL URL (`postgres://host:port/dbname`) or `host=... port=... dbname=...`\nhint: pass `--driver oracle_fdw` for a TNS alias, or fix the value",
        );
        check_server(
            "mysql://h/db",
            None,
            "error: `FDW_FOREIGN_SERVER` is not a server the tool understands: neither an Oracle connect string (`//host/service`) nor a PostgreSQL URL (`postgres://host:port/dbname`) or `host=... port=... dbname=...`\nhint: pass `--driver oracle_fdw` for a TNS alias, or fix the value",
        );
        check_server(
            "postgres://u:s3cret@h/db",
            None,
            "error: `FDW_FOREIGN_SERVER` is not a server the tool understands: it carries a user or password; server options are readable by every user\nhint: remove them from `FDW_FOREIGN_SERVER` and set `FDW_USER` and `FDW_PASS`",
        );
        check_server(
            "postgres://h:5432",
            None,
            "error: `FDW_FOREIGN_SERVER` is not a server the tool understands: it names no database\nhint: add the database name",
        );
    }

    #[test]
    fn nul_bytes_are_refused_by_name() {
        let mut owned = with_server("//h/s");
        owned[2].1 = "a\0b".into();
        let vars: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
        check(
            &vars,
            None,
            "error: `FDW_USER` contains a NUL byte, which PostgreSQL text cannot hold",
        );
    }

    #[test]
    fn an_application_schema_is_not_the_fdw_schema() {
        let with =
            |local: &str| Spec::postgres("s", "h", 1, "d", "u", Secret::new("x"), "W", local);
        let app = ["public".to_string(), "registries".to_string()];
        for schema in ["public", "registries", "pg_catalog", "information_schema"] {
            let err = with(schema).check_local_schema(&app).err().map(|e| e.to_string());
            assert_eq!(
                err.unwrap_or_default(),
                format!(
                    "`FDW_SCHEMA` is `{schema}`, a schema the application or the server keeps its tables in: fdw setup replaces its schema and reset keeps it whole\nhint: set `FDW_SCHEMA` to a schema of the FDW's own (the seed's is `wells`)"
                )
            );
        }
        // Even when the caller could not say which schemas hold tables, `public` is refused.
        assert!(with("public").check_local_schema(&[]).is_err());
        assert!(with("wells").check_local_schema(&app).is_ok());
        assert!(with("Public").check_local_schema(&app).is_ok(), "names are exact");
    }

    #[test]
    fn debug_masks_the_password() {
        let spec = Spec::postgres("s", "h", 1, "d", "u", Secret::new("pw'x"), "wells", "wells");
        assert!(!format!("{spec:?}").contains("pw'x"));
    }
}
