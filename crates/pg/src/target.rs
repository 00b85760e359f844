//! Which database a command talks to.
//!
//! Precedence (blueprint §4): `--database-url`, `DATABASE_URL`, the database pod's variables
//! (`POSTGRESQL_USER`, `POSTGRESQL_PASSWORD`, `POSTGRESQL_DATABASE`, host and port from
//! `POSTGRESQL_SERVICE_HOST`/`_PORT` or `DATABASE_SERVICE_NAME`), else the dev server, which
//! the caller (xtask) starts on demand. Resolution is pure: the environment is passed in.

use std::fmt;
use std::str::FromStr;

use tokio_postgres::config::Host;

use crate::{Error, Result, vars};

/// A value that must never be printed: `Debug` and `Display` show `****`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    /// The secret itself, for the one place that must send it somewhere.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

/// Where a [`Target`] came from; printed by every command so the user knows what it hit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The `--database-url` flag.
    Flag,
    /// The `DATABASE_URL` variable.
    DatabaseUrl,
    /// The database pod's `POSTGRESQL_*` variables.
    PodVars,
    /// The dev server of `cargo xtask db up`.
    DevServer,
    /// A throwaway server or database created by the tool itself (tests, rehearsals).
    Throwaway,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Flag => "--database-url",
            Source::DatabaseUrl => "DATABASE_URL",
            Source::PodVars => "POSTGRESQL_* variables",
            Source::DevServer => "the dev server",
            Source::Throwaway => "a throwaway server",
        })
    }
}

/// A database to connect to, and where that choice came from.
#[derive(Clone)]
pub struct Target {
    config: tokio_postgres::Config,
    source: Source,
}

impl Target {
    /// Parses a URL (`postgres://user:pass@host:port/db`) or a `key=value` connection string.
    pub fn parse(url: &str, source: Source) -> Result<Target> {
        let origin = match &source {
            Source::Flag => "--database-url".to_string(),
            Source::DatabaseUrl => vars::DATABASE_URL.to_string(),
            other => other.to_string(),
        };
        let config = tokio_postgres::Config::from_str(url)
            .map_err(|e| Error::BadUrl { origin, reason: redact(&e.to_string(), url) })?;
        Ok(Target { config, source })
    }

    /// Resolves the target from a flag and an environment lookup; `None` means "the dev
    /// server", which only the caller can start.
    pub fn resolve(
        flag: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Target>> {
        let env = |name: &str| env(name).filter(|v| !v.is_empty());
        if let Some(url) = flag {
            return Target::parse(url, Source::Flag).map(Some);
        }
        if let Some(url) = env(vars::DATABASE_URL) {
            return Target::parse(&url, Source::DatabaseUrl).map(Some);
        }
        from_pod_vars(&env)
    }

    /// The parsed configuration, for connecting.
    pub fn config(&self) -> &tokio_postgres::Config {
        &self.config
    }

    /// Where this target came from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The database name (`postgres` when none is given, as libpq does with user `postgres`).
    pub fn dbname(&self) -> &str {
        self.config.get_dbname().or(self.config.get_user()).unwrap_or("postgres")
    }

    /// The same server and credentials, another database.
    pub fn with_dbname(&self, dbname: &str) -> Target {
        let mut config = self.config.clone();
        config.dbname(dbname);
        Target { config, source: self.source.clone() }
    }

    /// The same target, recorded as coming from `source`.
    pub fn with_source(mut self, source: Source) -> Target {
        self.source = source;
        self
    }

    /// Whether the server is on this machine: a unix socket or a loopback address.
    pub fn is_local(&self) -> bool {
        self.config.get_hosts().iter().all(|h| match h {
            Host::Unix(_) => true,
            Host::Tcp(name) => {
                name == "localhost"
                    || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
            }
        })
    }

    /// The URL with the real password, for a child process's environment (never its arguments).
    pub fn url_with_password(&self) -> String {
        self.render(true)
    }

    /// The password, if any.
    pub fn password(&self) -> Option<Secret> {
        self.config.get_password().map(|p| Secret::new(String::from_utf8_lossy(p)))
    }

    fn render(&self, with_password: bool) -> String {
        let c = &self.config;
        let mut url = String::from("postgres://");
        if let Some(user) = c.get_user() {
            url.push_str(&encode(user));
            if let Some(pw) = c.get_password() {
                url.push(':');
                if with_password {
                    url.push_str(&encode(&String::from_utf8_lossy(pw)));
                } else {
                    url.push_str("****");
                }
            }
            url.push('@');
        }
        let hosts = c.get_hosts();
        let ports = c.get_ports();
        let mut host_query = None;
        match hosts.first() {
            Some(Host::Tcp(h)) => {
                if h.contains(':') {
                    url.push_str(&format!("[{h}]"));
                } else {
                    url.push_str(h);
                }
                if let Some(p) = ports.first() {
                    url.push_str(&format!(":{p}"));
                }
            }
            Some(Host::Unix(path)) => {
                host_query = Some(path.display().to_string());
                if let Some(p) = ports.first() {
                    url.push_str(&format!(":{p}"));
                }
            }
            None => {}
        }
        url.push('/');
        if let Some(db) = c.get_dbname() {
            url.push_str(&encode(db));
        }
        if let Some(dir) = host_query {
            url.push_str("?host=");
            url.push_str(&encode(&dir));
        }
        url
    }
}

impl fmt::Display for Target {
    /// The URL with the password masked: safe for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({self}, from {})", self.source)
    }
}

fn from_pod_vars(env: &dyn Fn(&str) -> Option<String>) -> Result<Option<Target>> {
    let names = [vars::POSTGRESQL_USER, vars::POSTGRESQL_PASSWORD, vars::POSTGRESQL_DATABASE];
    let values: Vec<Option<String>> = names.iter().map(|n| env(n)).collect();
    if values.iter().all(Option::is_none) {
        return Ok(None);
    }
    let missing: Vec<&str> =
        names.iter().zip(&values).filter(|(_, v)| v.is_none()).map(|(n, _)| *n).collect();
    if !missing.is_empty() {
        let present: Vec<&str> =
            names.iter().zip(&values).filter(|(_, v)| v.is_some()).map(|(n, _)| *n).collect();
        return Err(Error::Incomplete { missing: missing.join(", "), present: present.join(", ") });
    }
    let [user, password, database] =
        [&values[0], &values[1], &values[2]].map(|v| v.clone().unwrap_or_default());

    // Host: the service variables Kubernetes injects, else Django's DATABASE_SERVICE_NAME rule
    // (upper-case, `-` to `_`, then `<NAME>_SERVICE_HOST`), else the service name itself, which
    // is how the seed's shell scripts used it (`psql -h $DATABASE_SERVICE_NAME`).
    let service = env(vars::DATABASE_SERVICE_NAME);
    let service_prefix = service.as_ref().map(|s| s.to_uppercase().replace('-', "_"));
    let host = env(vars::POSTGRESQL_SERVICE_HOST)
        .or_else(|| service_prefix.as_ref().and_then(|p| env(&format!("{p}_SERVICE_HOST"))))
        .or(service)
        .unwrap_or_else(|| "localhost".to_string());
    let (port_var, port) = match env(vars::POSTGRESQL_SERVICE_PORT) {
        Some(p) => (vars::POSTGRESQL_SERVICE_PORT.to_string(), Some(p)),
        None => match &service_prefix {
            Some(p) => (format!("{p}_SERVICE_PORT"), env(&format!("{p}_SERVICE_PORT"))),
            None => (String::new(), None),
        },
    };
    let port = match port {
        Some(p) => p.parse::<u16>().map_err(|_| Error::BadVar {
            var: port_var,
            reason: format!("`{p}` is not a port number"),
        })?,
        None => 5432,
    };
    let mut config = tokio_postgres::Config::new();
    config.user(&user).password(password.as_bytes()).dbname(&database).host(&host).port(port);
    Ok(Some(Target { config, source: Source::PodVars }))
}

/// Masks the password of any PostgreSQL URL found in `text` (`scheme://user:secret@` becomes
/// `scheme://user:****@`), for text that did not come from a [`Target`].
pub fn mask_url(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        let end = tail.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(tail.len());
        let authority = &tail[..end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..colon]);
                out.push_str(":****");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn redact(message: &str, url: &str) -> String {
    let masked = mask_url(message);
    match tokio_postgres::Config::from_str(url)
        .ok()
        .and_then(|c| c.get_password().map(<[u8]>::to_vec))
    {
        Some(pw) if !pw.is_empty() => masked.replace(&*String::from_utf8_lossy(&pw), "****"),
        _ => masked,
    }
}

/// Percent-encodes the characters that would break a URL component.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    fn check(flag: Option<&str>, env: &'static [(&'static str, &'static str)], expected: &str) {
        let got = match Target::resolve(flag, &env_of(env)) {
            Ok(Some(t)) => format!("{t} from {}", t.source()),
            Ok(None) => "dev server".to_string(),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expected);
    }

    #[test]
    fn precedence() {
        let all = &[
            ("DATABASE_URL", "postgres://app:pw@db.example:6543/gwells"),
            ("POSTGRESQL_USER", "u"),
            ("POSTGRESQL_PASSWORD", "p"),
            ("POSTGRESQL_DATABASE", "d"),
        ];
        check(
            Some("postgres://x:y@127.0.0.1:5/z"),
            all,
            "postgres://x:****@127.0.0.1:5/z from --database-url",
        );
        check(None, all, "postgres://app:****@db.example:6543/gwells from DATABASE_URL");
        check(None, &all[1..], "postgres://u:****@localhost:5432/d from POSTGRESQL_* variables");
        check(None, &[], "dev server");
        check(None, &[("DATABASE_URL", "")], "dev server");
    }

    #[test]
    fn pod_host_and_port() {
        check(
            None,
            &[
                ("POSTGRESQL_USER", "u"),
                ("POSTGRESQL_PASSWORD", "p"),
                ("POSTGRESQL_DATABASE", "gwells"),
                ("POSTGRESQL_SERVICE_HOST", "10.0.0.7"),
                ("POSTGRESQL_SERVICE_PORT", "5433"),
            ],
            "postgres://u:****@10.0.0.7:5433/gwells from POSTGRESQL_* variables",
        );
        check(
            None,
            &[
                ("POSTGRESQL_USER", "u"),
                ("POSTGRESQL_PASSWORD", "p"),
                ("POSTGRESQL_DATABASE", "gwells"),
                ("DATABASE_SERVICE_NAME", "gwells-pgsql-dev"),
                ("GWELLS_PGSQL_DEV_SERVICE_HOST", "172.30.1.2"),
                ("GWELLS_PGSQL_DEV_SERVICE_PORT", "5432"),
            ],
            "postgres://u:****@172.30.1.2:5432/gwells from POSTGRESQL_* variables",
        );
        check(
            None,
            &[
                ("POSTGRESQL_USER", "u"),
                ("POSTGRESQL_PASSWORD", "p"),
                ("POSTGRESQL_DATABASE", "gwells"),
                ("DATABASE_SERVICE_NAME", "postgresql"),
            ],
            "postgres://u:****@postgresql:5432/gwells from POSTGRESQL_* variables",
        );
        check(
            None,
            &[
                ("POSTGRESQL_USER", "u"),
                ("POSTGRESQL_PASSWORD", "p"),
                ("POSTGRESQL_DATABASE", "gwells"),
                ("POSTGRESQL_SERVICE_PORT", "fifty"),
            ],
            "error: `POSTGRESQL_SERVICE_PORT` has an invalid value: `fifty` is not a port number",
        );
    }

    #[test]
    fn incomplete_pod_vars_name_what_is_missing() {
        check(
            None,
            &[("POSTGRESQL_USER", "u")],
            "error: incomplete database settings: POSTGRESQL_PASSWORD, POSTGRESQL_DATABASE must be set together with POSTGRESQL_USER",
        );
    }

    #[test]
    fn bad_url_never_echoes_the_password() {
        let err = Target::parse("postgres://u:s3cr3t@host:notaport/db", Source::DatabaseUrl)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("`DATABASE_URL` is not a valid PostgreSQL URL"), "{err}");
        assert!(!err.contains("s3cr3t"), "{err}");
    }

    #[test]
    fn masking() {
        let t = Target::parse("postgres://app:p%40ss;w'rd@127.0.0.1:5432/gwells", Source::Flag)
            .expect("valid url");
        assert_eq!(t.to_string(), "postgres://app:****@127.0.0.1:5432/gwells");
        assert_eq!(format!("{:?}", t.password()), "Some(Secret(****))");
        assert_eq!(t.url_with_password(), "postgres://app:p%40ss%3Bw%27rd@127.0.0.1:5432/gwells");
        let round = Target::parse(&t.url_with_password(), Source::Flag).expect("round trip");
        assert_eq!(round.password().map(|p| p.expose().to_string()), Some("p@ss;w'rd".into()));
        assert_eq!(
            mask_url("could not reach postgres://a:b@h:1/d and postgresql://c@h/d"),
            "could not reach postgres://a:****@h:1/d and postgresql://c@h/d"
        );
    }

    #[test]
    fn locality() {
        let local = ["postgres://u@127.0.0.1/d", "postgres://u@localhost/d", "host=/tmp dbname=d"];
        for url in local {
            assert!(Target::parse(url, Source::Flag).expect(url).is_local(), "{url}");
        }
        let remote = Target::parse("postgres://u@db.prod.example/d", Source::Flag).expect("url");
        assert!(!remote.is_local());
    }
}
