//! libpq's environment: a target from `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE` when the tool's
//! own settings name none, and, for whichever target was chosen, what it leaves out filled in as
//! libpq would: host, port, user and database from the same variables, the password from
//! `PGPASSWORD` then the password file, `sslmode`, `sslrootcert` and `connect_timeout` from
//! `PGSSLMODE`, `PGSSLROOTCERT` and `PGCONNECT_TIMEOUT`. What the target says always wins.

use std::time::Duration;

use tokio_postgres::config::Host;

use crate::pgpass::{self, Found, Key};
use crate::target::DEFAULT_SOCKET_DIR;
use crate::tls::{RootCert, SslMode, TlsOptions};
use crate::{Error, Result, Source, Target, vars};

type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The variables that name a database; any of them makes a target.
const NAMING: [&str; 4] = [vars::PGHOST, vars::PGPORT, vars::PGUSER, vars::PGDATABASE];

/// A target from libpq's variables, if any of those naming a database is set.
pub(crate) fn from_env(env: Env<'_>) -> Result<Option<Target>> {
    let given: Vec<&'static str> = NAMING.into_iter().filter(|n| env(n).is_some()).collect();
    if given.is_empty() {
        return Ok(None);
    }
    Ok(Some(Target::new(
        tokio_postgres::Config::new(),
        TlsOptions::default(),
        Source::PgVars(given),
    )))
}

/// Fills in what `target` leaves out, as libpq does from its variables and password file.
pub(crate) fn fill_in(mut target: Target, env: Env<'_>) -> Result<Target> {
    let from_pg_vars = matches!(target.source(), Source::PgVars(_));
    let (config, tls, notes, warnings) = target.parts_mut();
    let mut note = |what: &str, var: &str| {
        if !from_pg_vars {
            notes.push(format!("{what} from {var}"));
        }
    };

    if config.get_hosts().is_empty() && config.get_hostaddrs().is_empty() {
        match env(vars::PGHOST) {
            Some(list) => {
                for host in list.split(',').map(str::trim).filter(|h| !h.is_empty()) {
                    // A leading `/` makes it a socket directory, as in libpq.
                    config.host(host);
                }
                note("host", vars::PGHOST);
            }
            None => {
                config.host_path(DEFAULT_SOCKET_DIR);
            }
        }
    }
    if config.get_ports().is_empty()
        && let Some(list) = env(vars::PGPORT)
    {
        for port in list.split(',').map(str::trim) {
            let port = port.parse::<u16>().map_err(|_| Error::BadVar {
                var: vars::PGPORT.into(),
                reason: format!("`{port}` is not a port number"),
            })?;
            config.port(port);
        }
        note("port", vars::PGPORT);
    }
    if config.get_user().is_none() {
        let user = match env(vars::PGUSER) {
            Some(user) => {
                note("user", vars::PGUSER);
                user
            }
            None => system_user().ok_or_else(|| Error::BadVar {
                var: vars::PGUSER.into(),
                reason: "not set, and the system user has no name".into(),
            })?,
        };
        config.user(&user);
    }
    if config.get_dbname().is_none()
        && let Some(db) = env(vars::PGDATABASE)
    {
        config.dbname(&db);
        note("database", vars::PGDATABASE);
    }

    if config.get_password().is_none() {
        if let Some(password) = env(vars::PGPASSWORD) {
            config.password(password.as_bytes());
            notes.push(format!("password from {}", vars::PGPASSWORD));
        } else if let Some(path) = pgpass::path(env) {
            let key = pgpass_key(config);
            let user = config.get_user().unwrap_or_default().to_string();
            let database = config.get_dbname().unwrap_or(&user).to_string();
            let key = Key { host: &key.0, port: key.1, database: &database, user: &user };
            match pgpass::lookup(&path, &key) {
                Found::Password { secret, line } => {
                    config.password(secret.expose().as_bytes());
                    notes.push(format!("password from {} line {line}", path.display()));
                }
                Found::Ignored(why) => warnings.push(why),
                Found::Nothing => {}
            }
        }
    }

    if tls.mode.is_none()
        && let Some(mode) = env(vars::PGSSLMODE)
    {
        let mode = SslMode::parse(&mode)
            .map_err(|reason| Error::BadVar { var: vars::PGSSLMODE.into(), reason })?;
        tls.mode = Some(mode);
        notes.push(format!("sslmode from {}", vars::PGSSLMODE));
    }
    if tls.root_cert.is_none()
        && let Some(root) = env(vars::PGSSLROOTCERT)
    {
        tls.root_cert =
            Some(if root == "system" { RootCert::System } else { RootCert::File(root.into()) });
        notes.push(format!("sslrootcert from {}", vars::PGSSLROOTCERT));
    }
    if config.get_connect_timeout().is_none()
        && let Some(secs) = env(vars::PGCONNECT_TIMEOUT)
    {
        let secs = secs.trim().parse::<u64>().map_err(|_| Error::BadVar {
            var: vars::PGCONNECT_TIMEOUT.into(),
            reason: format!("`{secs}` is not a number of seconds"),
        })?;
        // As tokio-postgres reads `connect_timeout=0`: no limit of its own, so the default.
        if secs > 0 {
            config.connect_timeout(Duration::from_secs(secs));
            notes.push(format!("connect_timeout from {}", vars::PGCONNECT_TIMEOUT));
        }
    }
    target.sync_ssl_mode();
    Ok(target)
}

/// The host and port a password-file line is matched on, as libpq picks them: the first host
/// (a socket in the default directory counts as `localhost`), else the first `hostaddr`.
fn pgpass_key(config: &tokio_postgres::Config) -> (String, u16) {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(dir)) if dir.as_os_str() == DEFAULT_SOCKET_DIR => "localhost".into(),
        Some(Host::Unix(dir)) => dir.display().to_string(),
        None => config
            .get_hostaddrs()
            .first()
            .map(ToString::to_string)
            .unwrap_or_else(|| "localhost".into()),
    };
    (host, config.get_ports().first().copied().unwrap_or(5432))
}

/// The operating-system user's name, libpq's default user.
fn system_user() -> Option<String> {
    nix::unistd::User::from_uid(nix::unistd::getuid()).ok().flatten().map(|u| u.name)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn resolve(flag: Option<&str>, pairs: &[(&str, &str)]) -> String {
        let owned: Vec<(String, String)> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let env = move |name: &str| owned.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        match Target::resolve(flag, &env) {
            Ok(Some(t)) => {
                let mut line = format!("{t} from {}", t.source());
                for note in t.notes() {
                    line.push_str(&format!("; {note}"));
                }
                for warning in t.warnings() {
                    line.push_str(&format!("; warning: {warning}"));
                }
                line
            }
            Ok(None) => "dev server".into(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn pg_variables_come_after_the_tools_own() {
        let pg = [
            ("PGHOST", "db.example"),
            ("PGPORT", "6432"),
            ("PGUSER", "app"),
            ("PGDATABASE", "gwells"),
            ("PGPASSWORD", "pw"),
        ];
        assert_eq!(
            resolve(None, &pg),
            "postgres://app:****@db.example:6432/gwells from PGHOST, PGPORT, PGUSER, PGDATABASE; password from PGPASSWORD"
        );
        // A URL wins, and libpq's variables fill only what it leaves out (a URL with a host
        // has a port: tokio-postgres reads the default 5432 into it).
        let mut with_url = pg.to_vec();
        with_url.push(("DATABASE_URL", "postgres://other@h2/d2"));
        assert_eq!(
            resolve(None, &with_url),
            "postgres://other:****@h2:5432/d2 from DATABASE_URL; password from PGPASSWORD"
        );
        with_url.push(("DATABASE_URL", "postgresql:///d3"));
        with_url.swap_remove(5);
        assert_eq!(
            resolve(None, &with_url),
            "postgres://app:****@db.example:6432/d3 from DATABASE_URL; host from PGHOST; port from PGPORT; user from PGUSER; password from PGPASSWORD"
        );
        assert_eq!(
            resolve(Some("postgres://x:y@h3:1/z"), &with_url),
            "postgres://x:****@h3:1/z from --database-url"
        );
        // The pod's variables win over libpq's.
        let mut with_pod = pg.to_vec();
        with_pod.extend([
            ("POSTGRESQL_USER", "u"),
            ("POSTGRESQL_PASSWORD", "p"),
            ("POSTGRESQL_DATABASE", "d"),
        ]);
        assert_eq!(
            resolve(None, &with_pod),
            "postgres://u:****@localhost:5432/d from POSTGRESQL_* variables"
        );
        // A password or TLS setting alone names no database.
        assert_eq!(resolve(None, &[("PGPASSWORD", "pw"), ("PGSSLMODE", "require")]), "dev server");
    }

    #[test]
    fn pg_variables_spell_hosts_ports_and_sockets_as_libpq() {
        assert_eq!(
            resolve(None, &[("PGHOST", "a,b"), ("PGPORT", "5,6"), ("PGUSER", "u")]),
            "postgres://u@a:5,b:6/ from PGHOST, PGPORT, PGUSER"
        );
        assert_eq!(
            resolve(None, &[("PGHOST", "/tmp"), ("PGUSER", "u"), ("PGDATABASE", "d")]),
            "postgres://u@/d?host=%2Ftmp from PGHOST, PGUSER, PGDATABASE"
        );
        assert_eq!(
            resolve(None, &[("PGUSER", "u")]),
            "postgres://u@/?host=%2Fvar%2Frun%2Fpostgresql from PGUSER"
        );
        assert_eq!(
            resolve(None, &[("PGHOST", "h"), ("PGPORT", "x"), ("PGUSER", "u")]),
            "error: `PGPORT` has an invalid value: `x` is not a port number"
        );
    }

    #[test]
    fn tls_and_timeout_variables_fill_what_the_url_leaves_out() {
        let env = [
            ("PGSSLMODE", "verify-full"),
            ("PGSSLROOTCERT", "/etc/ca.pem"),
            ("PGCONNECT_TIMEOUT", "4"),
        ];
        assert_eq!(
            resolve(Some("postgres://u@h/d"), &env),
            "postgres://u@h:5432/d?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=4 from --database-url; sslmode from PGSSLMODE; sslrootcert from PGSSLROOTCERT; connect_timeout from PGCONNECT_TIMEOUT"
        );
        assert_eq!(
            resolve(Some("postgres://u@h:5432/d?sslmode=disable&connect_timeout=2"), &env),
            "postgres://u@h:5432/d?sslmode=disable&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=2 from --database-url; sslrootcert from PGSSLROOTCERT"
        );
        assert_eq!(
            resolve(Some("postgres://u@h/d"), &[("PGSSLMODE", "maybe")]),
            "error: `PGSSLMODE` has an invalid value: expected disable, prefer, require, verify-ca or verify-full"
        );
        assert_eq!(
            resolve(Some("postgres://u@h/d"), &[("PGCONNECT_TIMEOUT", "soon")]),
            "error: `PGCONNECT_TIMEOUT` has an invalid value: `soon` is not a number of seconds"
        );
    }

    #[test]
    fn the_password_file_is_read_as_libpq_reads_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("pass");
        std::fs::write(&file, "other:*:*:*:no\nh:5433:*:app:s3cr3t\n*:*:*:*:any\n").expect("write");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let path = file.display().to_string();
        let pg = [("PGHOST", "h"), ("PGPORT", "5433"), ("PGUSER", "app"), ("PGPASSFILE", &path)];
        let got = resolve(None, &pg);
        assert_eq!(
            got,
            format!(
                "postgres://app:****@h:5433/ from PGHOST, PGPORT, PGUSER; password from {path} line 2"
            )
        );
        assert!(!got.contains("s3cr3t"));
        // PGPASSWORD comes before the file; the URL's own password before both.
        let mut with_pw = pg.to_vec();
        with_pw.push(("PGPASSWORD", "env"));
        assert!(resolve(None, &with_pw).ends_with("; password from PGPASSWORD"));
        assert_eq!(
            resolve(Some("postgres://app:own@h:5433/d"), &pg),
            "postgres://app:****@h:5433/d from --database-url"
        );
        // ~/.pgpass when PGPASSFILE is not set.
        std::fs::write(dir.path().join(".pgpass"), "*:*:*:*:home\n").expect("write");
        let dot = dir.path().join(".pgpass");
        std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let home = dir.path().display().to_string();
        assert_eq!(
            resolve(Some("postgres://u@h/d"), &[("HOME", &home)]),
            format!(
                "postgres://u:****@h:5432/d from --database-url; password from {home}/.pgpass line 1"
            )
        );
        // Readable by others: ignored, with libpq's warning.
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        assert_eq!(
            resolve(None, &pg),
            format!(
                "postgres://app@h:5433/ from PGHOST, PGPORT, PGUSER; warning: password file \"{path}\" has group or world access (mode 640); permissions should be u=rw (0600) or less"
            )
        );
    }

    #[test]
    fn the_password_file_matches_sockets_as_localhost() {
        let config = |s: &str| s.parse::<tokio_postgres::Config>().expect("config");
        assert_eq!(pgpass_key(&config("host=/var/run/postgresql")), ("localhost".into(), 5432));
        assert_eq!(pgpass_key(&config("host=/tmp port=7")), ("/tmp".into(), 7));
        assert_eq!(pgpass_key(&config("hostaddr=10.1.2.3")), ("10.1.2.3".into(), 5432));
    }
}
