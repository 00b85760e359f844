//! A server with `ssl=on`, a CA and server certificate made here, and `hostssl`-only access.

use devdb::{Backend, Server, ServerOptions};
use pg::{Source, Target};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};

use crate::{ServerFiles, chain, have_server_binaries};

/// A CA: its certificate (PEM) and what signs with it.
struct Ca {
    cert: rcgen::Certificate,
    key: KeyPair,
}

fn ca(name: &str) -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate().expect("key");
    let cert = params.self_signed(&key).expect("self-signed");
    Ca { cert, key }
}

/// A server certificate for `localhost` signed by `ca`: (certificate PEM, key PEM).
fn server_cert(ca: &Ca) -> (String, String) {
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params.distinguished_name.push(DnType::CommonName, "localhost");
    let key = KeyPair::generate().expect("key");
    let cert = params.signed_by(&key, &ca.cert, &ca.key).expect("signed");
    (cert.pem(), key.serialize_pem())
}

struct TlsServer {
    server: Server,
    files: ServerFiles,
    right_root: String,
    wrong_root: String,
}

/// Starts the server: TLS on, TCP only through `hostssl`, `app` with a password.
async fn tls_server() -> TlsServer {
    let ca_right = ca("gwells-db test CA");
    let ca_wrong = ca("some other CA");
    let (cert, key) = server_cert(&ca_right);
    let files = ServerFiles::new();
    let cert_file = files.write("server.crt", &cert);
    let key_file = files.write("server.key", &key);
    let hba = files.write(
        "pg_hba.conf",
        "local all all trust\n\
         hostssl all app 127.0.0.1/32 scram-sha-256\n\
         hostssl all all 127.0.0.1/32 trust\n",
    );
    let right_root = files.write("root.crt", &ca_right.cert.pem()).display().to_string();
    let wrong_root = files.write("other-root.crt", &ca_wrong.cert.pem()).display().to_string();
    let settings = vec![
        "ssl=on".to_string(),
        format!("ssl_cert_file={}", cert_file.display()),
        format!("ssl_key_file={}", key_file.display()),
        format!("hba_file={}", hba.display()),
        "password_encryption=scram-sha-256".to_string(),
    ];
    let options = ServerOptions { backend: Backend::Local, settings, ..ServerOptions::default() };
    let server = Server::start(&options).await.expect("start a TLS server");
    TlsServer { server, files, right_root, wrong_root }
}

impl TlsServer {
    fn port(&self) -> u16 {
        self.server.target().config().get_ports()[0]
    }

    /// `host` names the server for TLS; the connection goes to 127.0.0.1 whatever it is.
    fn url(&self, host: &str, options: &str) -> Target {
        let url = format!(
            "postgres://postgres@{host}:{}/postgres?hostaddr=127.0.0.1&{options}",
            self.port()
        );
        Target::parse(&url, Source::Flag).unwrap_or_else(|e| panic!("{url}: {e}"))
    }
}

/// Whether the session runs over TLS, as the server sees it.
async fn ssl_in_use(target: &Target) -> Result<bool, String> {
    let conn = pg::connect(target, "tls test").await.map_err(|e| chain(&e))?;
    let row = conn
        .query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
        .await
        .map_err(|e| e.to_string())?;
    Ok(row.get(0))
}

#[tokio::test(flavor = "multi_thread")]
async fn sslmodes_against_a_hostssl_only_server() {
    if !have_server_binaries("sslmodes_against_a_hostssl_only_server") {
        return;
    }
    let s = tls_server().await;
    let right = format!("sslrootcert={}", s.right_root);
    let wrong = format!("sslrootcert={}", s.wrong_root);

    // require: encrypted, nothing checked.
    assert_eq!(ssl_in_use(&s.url("localhost", "sslmode=require")).await, Ok(true));
    // prefer (also the default): the server offers TLS, so it is used.
    assert_eq!(ssl_in_use(&s.url("localhost", "sslmode=prefer")).await, Ok(true));
    assert_eq!(ssl_in_use(&s.url("localhost", "application_name=x")).await, Ok(true));
    // verify-full with the right root.
    let full = s.url("localhost", &format!("sslmode=verify-full&{right}"));
    assert_eq!(ssl_in_use(&full).await, Ok(true));
    assert_eq!(
        full.to_string(),
        format!(
            "postgres://postgres@localhost:{}/postgres?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert={}",
            s.port(),
            s.right_root.replace('/', "%2F")
        ),
        "the printed URL keeps its TLS options"
    );

    // verify-full with another CA's root: refused, naming the file.
    let err = ssl_in_use(&s.url("localhost", &format!("sslmode=verify-full&{wrong}")))
        .await
        .expect_err("a wrong root must fail");
    assert!(
        err.contains(&format!("server certificate not trusted by {}: ", s.wrong_root)),
        "{err}"
    );
    // A root file makes require check the chain, as in libpq.
    let err = ssl_in_use(&s.url("localhost", &format!("sslmode=require&{wrong}")))
        .await
        .expect_err("require with a wrong root must fail");
    assert!(err.contains("server certificate not trusted by"), "{err}");
    // No sslrootcert: the system roots, which do not know this CA.
    let err = ssl_in_use(&s.url("localhost", "sslmode=verify-ca"))
        .await
        .expect_err("the system roots do not trust a test CA");
    assert!(err.contains("server certificate not trusted by the system roots"), "{err}");

    // A certificate for another host name: verify-ca checks only the chain, verify-full both.
    let ca_only = s.url("db.example", &format!("sslmode=verify-ca&{right}"));
    assert_eq!(ssl_in_use(&ca_only).await, Ok(true));
    let err = ssl_in_use(&s.url("db.example", &format!("sslmode=verify-full&{right}")))
        .await
        .expect_err("verify-full must check the host name");
    assert!(err.contains("server certificate does not name `db.example`"), "{err}");

    // disable: the server has no plaintext entry for it.
    let err = ssl_in_use(&s.url("localhost", "sslmode=disable"))
        .await
        .expect_err("hostssl-only refuses plaintext");
    assert!(err.contains("no pg_hba.conf entry") && err.contains("no encryption"), "{err}");

    // An unreadable root file is named.
    let missing = s.files.path().join("absent.crt");
    let err = ssl_in_use(
        &s.url("localhost", &format!("sslmode=verify-full&sslrootcert={}", missing.display())),
    )
    .await
    .expect_err("a missing root file");
    assert!(err.contains(&format!("cannot use the TLS roots `{}`", missing.display())), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_requests_go_through_the_same_connector() {
    if !have_server_binaries("cancel_requests_go_through_the_same_connector") {
        return;
    }
    let s = tls_server().await;
    let target = s.url("localhost", &format!("sslmode=verify-full&sslrootcert={}", s.right_root));
    let conn = pg::connect(&target, "tls cancel test").await.expect("connect");
    let sleeping = tokio::spawn(async move { conn.simple_query("SELECT pg_sleep(30)").await });
    // Until the statement runs, a cancel request cancels nothing: repeat as finish_or_cancel does.
    let started = std::time::Instant::now();
    while !sleeping.is_finished() && started.elapsed() < std::time::Duration::from_secs(10) {
        pg::cancel_running().await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let err = sleeping.await.expect("join").expect_err("cancelled");
    assert_eq!(err.code().map(|c| c.code()), Some("57014"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread")]
async fn require_against_a_server_without_tls_says_so() {
    if !have_server_binaries("require_against_a_server_without_tls_says_so") {
        return;
    }
    let options = ServerOptions { backend: Backend::Local, ..ServerOptions::default() };
    let server = Server::start(&options).await.expect("start");
    let port = server.target().config().get_ports()[0];
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres?sslmode=require");
    let target = Target::parse(&url, Source::Flag).expect("url");
    let err = ssl_in_use(&target).await.expect_err("no TLS on this server");
    assert!(
        err.contains(
            "the server does not accept TLS connections, and sslmode=require requires TLS"
        ),
        "{err}"
    );
    // prefer falls back to plaintext.
    let prefer = Target::parse(&url.replace("require", "prefer"), Source::Flag).expect("url");
    assert_eq!(ssl_in_use(&prefer).await, Ok(false));
}

#[tokio::test(flavor = "multi_thread")]
async fn pg_variables_and_a_password_file_log_in() {
    if !have_server_binaries("pg_variables_and_a_password_file_log_in") {
        return;
    }
    let s = tls_server().await;
    let admin = s.url("localhost", "sslmode=require");
    let conn = pg::connect(&admin, "tls test").await.expect("connect");
    conn.batch_execute("CREATE ROLE app LOGIN PASSWORD 'app:s3cr3t'").await.expect("role");
    let home = tempfile::tempdir().expect("home");
    let passfile = home.path().join("pgpass");
    let write_passfile = |password: &str| {
        use std::os::unix::fs::PermissionsExt;
        let line = format!(
            "otherhost:*:*:*:wrong\nlocalhost:{}:postgres:app:{}\n",
            s.port(),
            password.replace(':', "\\:")
        );
        std::fs::write(&passfile, line).expect("write");
        std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    };
    let port = s.port().to_string();
    let path = passfile.display().to_string();
    let env = |name: &str| match name {
        "PGHOST" => Some("localhost".to_string()),
        "PGPORT" => Some(port.clone()),
        "PGUSER" => Some("app".into()),
        "PGDATABASE" => Some("postgres".into()),
        "PGPASSFILE" => Some(path.clone()),
        "PGSSLMODE" => Some("verify-full".into()),
        "PGSSLROOTCERT" => Some(s.right_root.clone()),
        _ => None,
    };
    write_passfile("app:s3cr3t");
    let target = Target::resolve(None, &env).expect("resolve").expect("a target");
    assert_eq!(target.source().to_string(), "PGHOST, PGPORT, PGUSER, PGDATABASE");
    assert_eq!(
        target.notes(),
        [
            format!("password from {path} line 2"),
            "sslmode from PGSSLMODE".to_string(),
            "sslrootcert from PGSSLROOTCERT".to_string()
        ]
    );
    assert!(!format!("{target} {target:?}").contains("s3cr3t"));
    let conn = pg::connect(&target, "pgpass test").await.expect("log in with the file's password");
    let user: String = conn.query_one("SELECT current_user", &[]).await.expect("q").get(0);
    assert_eq!(user, "app");
    assert_eq!(ssl_in_use(&target).await, Ok(true));

    // The file's password is the one sent: a wrong one is refused by the server.
    write_passfile("not-it");
    let target = Target::resolve(None, &env).expect("resolve").expect("a target");
    let err = pg::connect(&target, "pgpass test").await.err().map(|e| chain(&e));
    let err = err.expect("a wrong password must fail");
    assert!(err.contains("password authentication failed"), "{err}");
    assert!(!err.contains("not-it"), "{err}");
}
