//! Which database a command talks to.
//!
//! Precedence: `--database-url`, `DATABASE_URL`, the database pod's variables
//! (`POSTGRESQL_USER`, `POSTGRESQL_PASSWORD`, `POSTGRESQL_DATABASE`, host and port from
//! `POSTGRESQL_SERVICE_HOST`/`_PORT` or `DATABASE_SERVICE_NAME`), libpq's `PGHOST`, `PGPORT`,
//! `PGUSER`, `PGDATABASE`, else the dev server, which the caller (xtask) starts on demand.
//! Whatever the chosen target leaves out is filled in as libpq would (see `libpq.rs`). The
//! environment is passed in; only the password file is read from disk.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;

use tokio_postgres::config::Host;

use crate::tls::{self, TlsOptions};
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
    /// libpq's variables: those of `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE` that were set.
    PgVars(Vec<&'static str>),
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
            Source::PgVars(names) => return f.write_str(&names.join(", ")),
            Source::DevServer => "the dev server",
            Source::Throwaway => "a throwaway server",
        })
    }
}

/// A database to connect to, and where that choice came from.
#[derive(Clone)]
pub struct Target {
    config: tokio_postgres::Config,
    tls: TlsOptions,
    source: Source,
    /// Where the parts the source left out came from (`password from PGPASSWORD`).
    notes: Vec<String>,
    /// What libpq would warn about while resolving (a password file others can read).
    warnings: Vec<String>,
}

impl Target {
    /// Parses a URL (`postgres://user:pass@host:port/db`) or a `key=value` connection string.
    pub fn parse(url: &str, source: Source) -> Result<Target> {
        let origin = match &source {
            Source::Flag => "--database-url".to_string(),
            Source::DatabaseUrl => vars::DATABASE_URL.to_string(),
            other => other.to_string(),
        };
        if has_unencoded_at(url) {
            return Err(Error::AtInUserInfo { origin });
        }
        let (rest, tls) = tls::split_options(url)
            .map_err(|reason| Error::BadUrl { origin: origin.clone(), reason })?;
        let config = tokio_postgres::Config::from_str(&rest)
            .map_err(|e| Error::BadUrl { origin, reason: parse_reason(&e, is_url(url)) })?;
        Ok(Target::new(config, tls, source))
    }

    pub(crate) fn new(config: tokio_postgres::Config, tls: TlsOptions, source: Source) -> Target {
        let mut target = Target { config, tls, source, notes: Vec::new(), warnings: Vec::new() };
        target.sync_ssl_mode();
        target
    }

    /// Tells tokio-postgres the mode it negotiates. Over unix sockets, as libpq, there is no
    /// TLS whatever the mode: the server does not offer it there.
    pub(crate) fn sync_ssl_mode(&mut self) {
        let c = &self.config;
        let only_sockets = !c.get_hosts().is_empty()
            && c.get_hostaddrs().is_empty()
            && c.get_hosts().iter().all(|h| matches!(h, Host::Unix(_)));
        let mode = if only_sockets {
            tokio_postgres::config::SslMode::Disable
        } else {
            self.tls.tokio_mode()
        };
        self.config.ssl_mode(mode);
    }

    pub(crate) fn parts_mut(
        &mut self,
    ) -> (&mut tokio_postgres::Config, &mut TlsOptions, &mut Vec<String>, &mut Vec<String>) {
        (&mut self.config, &mut self.tls, &mut self.notes, &mut self.warnings)
    }

    /// Resolves the target from a flag and an environment lookup; `None` means "the dev
    /// server", which only the caller can start.
    pub fn resolve(
        flag: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Target>> {
        let env = |name: &str| env(name).filter(|v| !v.is_empty());
        let target = if let Some(url) = flag {
            Target::parse(url, Source::Flag)?
        } else if let Some(url) = env(vars::DATABASE_URL) {
            Target::parse(&url, Source::DatabaseUrl)?
        } else if let Some(target) = from_pod_vars(&env)? {
            target
        } else if let Some(target) = crate::libpq::from_env(&env)? {
            target
        } else {
            return Ok(None);
        };
        crate::libpq::fill_in(target, &env).map(Some)
    }

    /// The same target with another time limit per connection attempt (`--connect-timeout`
    /// overrides the URL's `connect_timeout` and `PGCONNECT_TIMEOUT`).
    pub fn with_connect_timeout(mut self, timeout: std::time::Duration) -> Target {
        self.config.connect_timeout(timeout);
        self
    }

    /// The time limit of one connection attempt: as configured, else 10 s.
    pub(crate) fn connect_timeout(&self) -> std::time::Duration {
        self.config.get_connect_timeout().copied().unwrap_or(DEFAULT_CONNECT_TIMEOUT)
    }

    /// Where the parts that the source left out came from, for the line naming the target
    /// (`password from /home/app/.pgpass line 2`). Never a value.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// What libpq would have warned about while resolving (a password file with group or world
    /// access, which is then ignored). The caller prints them.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The one connector every connection and cancel request to this target goes through.
    pub(crate) fn tls_connector(&self) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
        self.tls.connector()
    }

    pub(crate) fn tls_options(&self) -> &TlsOptions {
        &self.tls
    }

    /// The first host, as a certificate must name it (for messages).
    pub(crate) fn first_host(&self) -> String {
        match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            Some(Host::Unix(dir)) => dir.display().to_string(),
            None => {
                self.config.get_hostaddrs().first().map(ToString::to_string).unwrap_or_default()
            }
        }
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
        let mut target = self.clone();
        target.config.dbname(dbname);
        target
    }

    /// The same target, recorded as coming from `source`.
    pub fn with_source(mut self, source: Source) -> Target {
        self.source = source;
        self
    }

    /// Whether every address a connection may go to is on this machine: a unix socket or a
    /// loopback address. Judged from [`Target::destinations`], so a `hostaddr` counts, not the
    /// `host` it stands beside. Being local says nothing about being throwaway: a loopback
    /// address can be the pod's own server, an SSH tunnel or a `kubectl port-forward`.
    pub fn is_local(&self) -> bool {
        self.destinations().iter().all(|d| match d {
            Destination::Unix { .. } => true,
            Destination::Tcp { host, .. } => {
                host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
            }
        })
    }

    /// Where a connection goes, in the order tried: as tokio-postgres dials, the `hostaddr` of
    /// each position when given (the `host` beside it then only names the server for TLS), else
    /// its `host`; with neither, the unix socket in libpq's default directory.
    pub fn destinations(&self) -> Vec<Destination> {
        let c = &self.config;
        let (hosts, addrs, ports) = (c.get_hosts(), c.get_hostaddrs(), c.get_ports());
        let port = |i: usize| ports.get(i).or(ports.first()).copied().unwrap_or(5432);
        if hosts.is_empty() && addrs.is_empty() {
            return vec![Destination::Unix { dir: DEFAULT_SOCKET_DIR.into(), port: port(0) }];
        }
        (0..hosts.len().max(addrs.len()))
            .map(|i| match (addrs.get(i), hosts.get(i)) {
                (Some(ip), _) => Destination::Tcp { host: ip.to_string(), port: port(i) },
                (None, Some(Host::Tcp(h))) => Destination::Tcp { host: h.clone(), port: port(i) },
                (None, Some(Host::Unix(dir))) => {
                    Destination::Unix { dir: dir.clone(), port: port(i) }
                }
                (None, None) => unreachable!("i is below the longer of the two lists"),
            })
            .collect()
    }

    /// The URL with the real password, for a child process's environment (never its arguments).
    pub fn url_with_password(&self) -> String {
        self.render(true)
    }

    /// The password, if any.
    pub fn password(&self) -> Option<Secret> {
        self.config.get_password().map(|p| Secret::new(String::from_utf8_lossy(p)))
    }

    /// The URL of this target. Every host is written (a list is tried in order), TCP hosts in
    /// the authority, socket directories and `hostaddr` as parameters, so that what is printed
    /// is where the connection goes and the URL parses back to the same destinations.
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
        let (hosts, ports) = (c.get_hosts(), c.get_ports());
        let mut params: Vec<String> = Vec::new();
        let all_tcp = !hosts.is_empty() && hosts.iter().all(|h| matches!(h, Host::Tcp(_)));
        if all_tcp {
            let port = |i: usize| ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            let authority: Vec<String> = hosts
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let Host::Tcp(h) = h else { unreachable!("all hosts are tcp") };
                    let h = if h.contains(':') { format!("[{h}]") } else { encode(h) };
                    if ports.is_empty() { h } else { format!("{h}:{}", port(i)) }
                })
                .collect();
            url.push_str(&authority.join(","));
        } else {
            for h in hosts {
                params.push(match h {
                    Host::Tcp(name) => format!("host={}", encode(name)),
                    Host::Unix(dir) => format!("host={}", encode(&dir.display().to_string())),
                });
            }
            if !ports.is_empty() {
                let list: Vec<String> = ports.iter().map(u16::to_string).collect();
                params.push(format!("port={}", list.join(",")));
            }
        }
        let addrs = c.get_hostaddrs();
        if !addrs.is_empty() {
            let list: Vec<String> = addrs.iter().map(IpAddr::to_string).collect();
            params.push(format!("hostaddr={}", encode(&list.join(","))));
        }
        params.extend(self.option_params());
        url.push('/');
        if let Some(db) = c.get_dbname() {
            url.push_str(&encode(db));
        }
        if !params.is_empty() {
            url.push('?');
            url.push_str(&params.join("&"));
        }
        url
    }
}

impl Target {
    /// The options a URL keeps besides where it goes, so that what is printed (and what a child
    /// process gets) connects the same way: TLS, time limit, session settings.
    fn option_params(&self) -> Vec<String> {
        use tokio_postgres::config::{ChannelBinding, TargetSessionAttrs};
        let c = &self.config;
        let mut params = Vec::new();
        if let Some(mode) = self.tls.mode {
            params.push(format!("sslmode={mode}"));
        }
        if let Some(root) = self.tls.root_cert_text() {
            params.push(format!("sslrootcert={}", encode(&root)));
        }
        if let Some(timeout) = c.get_connect_timeout() {
            params.push(format!("connect_timeout={}", timeout.as_secs().max(1)));
        }
        if let Some(name) = c.get_application_name() {
            params.push(format!("application_name={}", encode(name)));
        }
        if let Some(options) = c.get_options() {
            params.push(format!("options={}", encode(options)));
        }
        match c.get_target_session_attrs() {
            TargetSessionAttrs::ReadWrite => params.push("target_session_attrs=read-write".into()),
            TargetSessionAttrs::ReadOnly => params.push("target_session_attrs=read-only".into()),
            _ => {}
        }
        match c.get_channel_binding() {
            ChannelBinding::Disable => params.push("channel_binding=disable".into()),
            ChannelBinding::Require => params.push("channel_binding=require".into()),
            _ => {}
        }
        params
    }
}

/// What tokio-postgres is given when a target sets no `connect_timeout`: a connection attempt to
/// an address that drops packets would otherwise wait for the kernel's TCP timeout (minutes).
pub(crate) const DEFAULT_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// One address a connection may go to (see [`Target::destinations`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A host name or IP address, and a port.
    Tcp {
        /// The name or address dialled.
        host: String,
        /// The port.
        port: u16,
    },
    /// A unix socket: its directory, and the port that names the socket file.
    Unix {
        /// The socket directory.
        dir: PathBuf,
        /// The port.
        port: u16,
    },
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Destination::Tcp { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            Destination::Tcp { host, port } => write!(f, "{host}:{port}"),
            Destination::Unix { dir, port } => {
                write!(f, "unix socket {}/.s.PGSQL.{port}", dir.display())
            }
        }
    }
}

/// libpq's compiled-in socket directory on Debian and in the official images.
pub(crate) const DEFAULT_SOCKET_DIR: &str = "/var/run/postgresql";

impl fmt::Display for Target {
    /// The URL with the password masked: safe for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({self}, from {})", self.source)?;
        for note in &self.notes {
            write!(f, "; {note}")?;
        }
        Ok(())
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
    Ok(Some(Target::new(config, TlsOptions::default(), Source::PodVars)))
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

fn is_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// Whether a URL's user-info holds an `@` that is not percent-encoded. The parser takes the
/// user-info up to the first `@`, so with a second one before the host the rest of a password
/// would become the host name — and be printed as such. Such a URL is refused, and nothing of it
/// is shown.
fn has_unencoded_at(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("postgres://").or(text.strip_prefix("postgresql://")) else {
        return false;
    };
    let Some((_, after)) = rest.split_once('@') else { return false };
    let host = after.split(['/', '?']).next().unwrap_or_default();
    host.contains('@')
}

/// Why the parser refused a connection string, in words that carry nothing of the input: the
/// parser's own reason when it names only an option (invalid value for option `port`), and a
/// fixed description when it would quote the input. In a `key=value` string an unquoted value
/// with a space turns its tail into a keyword (`password=ab cd=x` reports option `cd`), so an
/// unknown option is named only in a URL, where option names stand apart from the user-info.
fn parse_reason(err: &tokio_postgres::Error, url: bool) -> String {
    use std::error::Error as _;
    let Some(cause) = err.source().map(ToString::to_string) else { return err.to_string() };
    if cause.starts_with("invalid value for option") {
        cause
    } else if cause.starts_with("unknown option") {
        if url {
            cause
        } else {
            "an unknown option (a value with spaces must be quoted: `password='a b'`)".into()
        }
    } else if cause.starts_with("unexpected character at byte") {
        // "... expected `=` but got `x`": the character may belong to a value.
        cause.split(" but got").next().unwrap_or_default().to_string()
    } else if cause == "unexpected EOF"
        || cause == "unterminated parameter"
        || cause == "unterminated quoted connection parameter value"
        || cause.starts_with("invalid utf-8")
    {
        cause
    } else {
        err.to_string()
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

    fn destinations(url: &str) -> String {
        let t = Target::parse(url, Source::Flag).unwrap_or_else(|e| panic!("{url}: {e}"));
        let list: Vec<String> = t.destinations().iter().map(ToString::to_string).collect();
        format!("{} local={}", list.join(" "), t.is_local())
    }

    #[test]
    fn locality_is_where_the_connection_goes() {
        let check = |url: &str, expected: &str| assert_eq!(destinations(url), expected, "{url}");
        // `hostaddr` is dialled; `host` beside it only names the server for TLS.
        check(
            "host=localhost hostaddr=198.51.100.1 dbname=gwells",
            "198.51.100.1:5432 local=false",
        );
        check("hostaddr=198.51.100.1 dbname=gwells", "198.51.100.1:5432 local=false");
        check(
            "postgres://u@localhost/gwells?hostaddr=198.51.100.1",
            "198.51.100.1:5432 local=false",
        );
        check("postgres://u@db.prod.example/g?hostaddr=127.0.0.1", "127.0.0.1:5432 local=true");
        // Each position of a list is tried: one remote entry makes the target remote.
        check(
            "host=localhost,db.prod.example port=5,6 dbname=g",
            "localhost:5 db.prod.example:6 local=false",
        );
        // Neither host nor hostaddr: libpq's default socket.
        check("dbname=gwells", "unix socket /var/run/postgresql/.s.PGSQL.5432 local=true");
        check("host=/tmp port=5433 dbname=g", "unix socket /tmp/.s.PGSQL.5433 local=true");
    }

    #[test]
    fn the_url_shows_every_destination_and_parses_back_to_them() {
        for (url, shown) in [
            (
                "host=localhost hostaddr=198.51.100.1 user=u password=pw dbname=gwells",
                "postgres://u:****@localhost/gwells?hostaddr=198.51.100.1",
            ),
            ("host=a,b port=5,6 dbname=g", "postgres://a:5,b:6/g"),
            ("host=/tmp port=5433 dbname=g", "postgres:///g?host=%2Ftmp&port=5433"),
            ("hostaddr=::1 port=7 dbname=g", "postgres:///g?port=7&hostaddr=%3A%3A1"),
        ] {
            let t = Target::parse(url, Source::Flag).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(t.to_string(), shown, "{url}");
            let back = Target::parse(&t.url_with_password(), Source::Flag)
                .unwrap_or_else(|e| panic!("{}: {e}", t.url_with_password()));
            assert_eq!(back.destinations(), t.destinations(), "{url}");
            assert_eq!(back.password(), t.password(), "{url}");
        }
    }

    fn parse_error(url: &str) -> String {
        Target::parse(url, Source::DatabaseUrl).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn an_unencoded_at_in_the_user_info_is_refused_showing_none_of_it() {
        for url in [
            "postgres://postgres:Hunter@Secret2@db.example/gwells",
            "postgresql://me@corp@db.example:5432/gwells?sslmode=require",
        ] {
            let err = parse_error(url);
            assert_eq!(
                err,
                "`DATABASE_URL` is not a valid PostgreSQL URL: its user name or password holds an unencoded `@`\nhint: percent-encode `@` as `%40` in the user name and password (`p@ss` is written `p%40ss`)"
            );
        }
        // Encoded, or an `@` in a parameter: fine.
        let t =
            Target::parse("postgres://u:Hunter%40Secret2@h/g?application_name=a@b", Source::Flag)
                .expect("valid");
        assert_eq!(t.password().map(|p| p.expose().to_string()), Some("Hunter@Secret2".into()));
        assert!(Target::parse("user=a@b host=h dbname=g", Source::Flag).is_ok());
    }

    #[test]
    fn a_bad_url_says_why_without_quoting_it() {
        let check = |url: &str, reason: &str| {
            let err = parse_error(url);
            assert_eq!(err, format!("`DATABASE_URL` is not a valid PostgreSQL URL: {reason}"));
        };
        check("postgres://u:s3cr3t@host:notaport/db", "invalid value for option `port`");
        check(
            "postgres://u:s3cr3t@host/db?sslmode=verify",
            "invalid value for option `sslmode`: expected disable, prefer, require, verify-ca or verify-full",
        );
        check(
            "postgres://u:s3cr3t@host/db?hostaddr=db.example",
            "invalid value for option `hostaddr`",
        );
        check("postgres://u:s3cr3t@host/db?passwd=x", "unknown option `passwd`");
        check("postgres://u:s3cr3t@host/db?sslmode", "unterminated parameter");
        // In `key=value` form a value's tail can look like a keyword: neither is quoted.
        check(
            "host=h password=ab cd=x",
            "an unknown option (a value with spaces must be quoted: `password='a b'`)",
        );
        check("host=h password=s3cr3t x", "unexpected EOF");
        check("host=h password=s3 cr3t x", "unexpected character at byte 24: expected `=`");
        check("host=h password='s3cr3t", "unterminated quoted connection parameter value");
    }
}
