//! The tool image on a private Docker network with a PostgreSQL container, as on a pod: every
//! command line of `deploy/` runs in its own container, in the manifests' order, as an
//! arbitrary uid (as OpenShift runs them), and succeeds; `health --ready` exits 0 after them,
//! and 3 while a reset runs in another container (held inside its drop by a lock this test
//! owns), while the liveness probe still says alive.
//!
//! The image is `gwells-db/tool:latest` from `scripts/build-tool-image.sh`, which `.ci/run`
//! builds after the release binary; without Docker or the image the test says so and skips
//! (under CI a missing image fails it).

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::deploy::{self, Secrets, Step, Volume};
use crate::support::{output, root, text, with_env};

/// The PostgreSQL image of the container backend (`scripts/build-pg-image.sh`).
const PG_IMAGE: &str = "gwells-db/postgres:15";
/// The database pod's service name in the examples (`DATABASE_SERVICE_NAME`).
const SERVICE: &str = "gwells-pgsql";
/// OpenShift's kind of uid: none the image knows, group 0.
const UID: &str = "1000680000";

fn docker(args: &[&str]) -> Output {
    output(&duct::cmd("docker", args)).expect("run docker")
}

/// The containers and the network of one run, removed at the end whatever happened.
struct Lab {
    prefix: String,
    containers: std::cell::RefCell<Vec<String>>,
    scratch: tempfile::TempDir,
}

impl Lab {
    fn new() -> Lab {
        let prefix = format!("gwells-image-test-{}", std::process::id());
        let out = docker(&["network", "create", &prefix]);
        assert!(out.status.success(), "docker network create: {}", text(&out.stderr));
        Lab {
            prefix,
            containers: Default::default(),
            scratch: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn name(&self, what: &str) -> String {
        let n = self.containers.borrow().len();
        let name = format!("{}-{n}-{}", self.prefix, what.replace(['/', '.'], "-"));
        self.containers.borrow_mut().push(name.clone());
        name
    }

    /// `docker run` of `step` in the tool image. Values go through the environment of the
    /// docker client (`-e NAME`), never its arguments: they hold passwords. Only the variables
    /// named reach the container; the client keeps the rest of its own (`DOCKER_HOST`, ...).
    fn command(&self, image: &str, step: &Step) -> duct::Expression {
        let name = self.name(&step.name);
        let mut args: Vec<String> =
            ["run", "--rm", "--name", &name, "--network", &self.prefix, "--user", UID]
                .map(String::from)
                .into();
        for (k, _) in &step.env {
            args.extend(["-e".to_string(), k.clone()]);
        }
        for (i, (path, volume)) in step.mounts.iter().enumerate() {
            let host = self.scratch.path().join(format!("{name}-{i}"));
            std::fs::create_dir_all(&host).expect("mkdir");
            let mode = match volume {
                Volume::Secret(keys) => {
                    for (k, v) in keys {
                        std::fs::write(host.join(k), v).expect("write secret file");
                        chmod(&host.join(k), 0o444);
                    }
                    ":ro"
                }
                Volume::EmptyDir => "",
            };
            // Readable (secret) or writable (emptyDir) by the arbitrary uid, as Kubernetes does.
            chmod(&host, if mode.is_empty() { 0o1777 } else { 0o755 });
            args.extend(["-v".to_string(), format!("{}:{path}{mode}", host.display())]);
        }
        args.extend(["--entrypoint", &step.argv[0], image].map(String::from));
        args.extend(step.argv[1..].iter().cloned());
        with_env(duct::cmd("docker", args), &step.env)
    }

    fn run(&self, image: &str, step: &Step) -> (Option<i32>, String, Duration) {
        let started = Instant::now();
        let out = output(&self.command(image, step)).expect("docker run");
        (out.status.code(), text(&out.stdout) + &text(&out.stderr), started.elapsed())
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for name in self.containers.borrow().iter() {
            let _ = docker(&["rm", "-f", name]);
        }
        let _ = docker(&["network", "rm", &self.prefix]);
    }
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// The tool image to test, or `None` (skip, said why) without Docker or without the image.
#[allow(clippy::print_stderr)] // a test that cannot run says so, loudly
fn tool_image() -> Option<&'static str> {
    let skip = |why: String| {
        assert!(!pg::vars::in_ci() || why.starts_with("no Docker"), "CI is set but {why}");
        eprintln!("SKIP image: {why}");
        None
    };
    match output(&duct::cmd!("docker", "info")) {
        Ok(out) if out.status.success() => {}
        _ => return skip("no Docker daemon answers".to_string()),
    }
    for image in [deploy::TOOL_IMAGE, PG_IMAGE] {
        if !docker(&["image", "inspect", image]).status.success() {
            return skip(format!(
                "no image `{image}`: build it with `cargo build --release -p gwells-db && \
                 scripts/build-tool-image.sh` (and `scripts/build-pg-image.sh`)"
            ));
        }
    }
    // A stale image would test another binary than the one just built.
    let binary = root().join("target/release/gwells-db");
    if let Ok(bytes) = std::fs::read(&binary) {
        use sha2::Digest;
        let hash = hex_of(&sha2::Sha256::digest(&bytes));
        let out = docker(&[
            "image",
            "inspect",
            "--format",
            "{{index .Config.Labels \"gwells-db.binary-sha256\"}}",
            deploy::TOOL_IMAGE,
        ]);
        if text(&out.stdout).trim() != hash {
            return skip(format!(
                "`{}` holds another binary than {}: run `scripts/build-tool-image.sh`",
                deploy::TOOL_IMAGE,
                binary.display()
            ));
        }
    }
    Some(deploy::TOOL_IMAGE)
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The example secrets, with the legacy server pointed at the stand-in on the same server.
fn test_secrets() -> Secrets {
    let mut secrets = deploy::example_secrets();
    let admin_password = secrets["gwells-pgsql"]["database-admin-password"].clone();
    let fdw = secrets.get_mut("gwells-fdw").expect("secret gwells-fdw");
    fdw.insert("fdw-database-server".into(), format!("postgres://{SERVICE}:5432/gwells_legacy"));
    fdw.insert("fdw-database-user".into(), "postgres".into());
    fdw.insert("fdw-database-password".into(), admin_password);
    fdw.insert("fdw-database-schema".into(), "wells".into());
    secrets
}

/// The database pod: PostgreSQL on the network under the service's name, its port published
/// on loopback for the test's own connections; the application role owning the database and
/// the legacy stand-in beside it, as the database pod and the legacy server provide them.
async fn database_pod(lab: &Lab, secrets: &Secrets) -> pg::Target {
    let db = &secrets["gwells-pgsql"];
    let name = lab.name("postgres");
    let network = ["--network", &lab.prefix, "--network-alias", SERVICE];
    let publish = ["-p", "127.0.0.1::5432", "-e", "POSTGRES_PASSWORD", "-e", "POSTGRES_DB"];
    let args = ["run", "-d", "--name", &name].into_iter().chain(network).chain(publish);
    let cmd = duct::cmd("docker", args.chain([PG_IMAGE, "-c", "fsync=off"]));
    let env = [
        ("POSTGRES_PASSWORD", &db["database-admin-password"]),
        ("POSTGRES_DB", &db["database-name"]),
    ];
    let out = output(&with_env(cmd, &env)).expect("docker run postgres");
    assert!(out.status.success(), "docker run postgres: {}", text(&out.stderr));
    let port = text(&docker(&["port", &name, "5432/tcp"]).stdout);
    let port = port.lines().next().and_then(|l| l.rsplit(':').next()).expect("published port");
    let url = format!(
        "postgres://postgres:{}@127.0.0.1:{}/{}",
        percent_encoded(&db["database-admin-password"]),
        port.trim(),
        db["database-name"]
    );
    let admin = pg::Target::parse(&url, pg::Source::Flag).expect("url");

    let deadline = Instant::now() + Duration::from_secs(60);
    let conn = loop {
        match pg::connect(&admin, "image test").await {
            Ok(conn) => break conn,
            Err(e) if Instant::now() > deadline => {
                panic!("the PostgreSQL container never answered: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    let user = pg::quote::ident(&db["database-user"]).expect("user");
    let password = pg::quote::literal(&db["database-password"]).expect("password");
    let database = pg::quote::ident(&db["database-name"]).expect("database");
    // One statement each: a multi-statement string is one transaction, which CREATE DATABASE
    // refuses.
    for sql in [
        format!("CREATE ROLE {user} LOGIN PASSWORD {password}"),
        format!("ALTER DATABASE {database} OWNER TO {user}"),
        "CREATE DATABASE gwells_legacy".to_string(),
    ] {
        conn.batch_execute(&sql).await.expect("application role and legacy database");
    }
    let spec = legacy::Spec { wells: 300, ..legacy::Spec::default() };
    legacy::create(&admin.with_dbname("gwells_legacy"), &spec).await.expect("legacy stand-in");
    admin
}

/// `text` with everything but URL-unreserved characters percent-encoded.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn find<'a>(steps: &'a [Step], suffix: &str) -> &'a Step {
    steps.iter().find(|s| s.name.ends_with(suffix)).unwrap_or_else(|| panic!("no step {suffix}"))
}

#[allow(clippy::print_stderr)] // the run's transcript is the evidence the README quotes
#[tokio::test(flavor = "multi_thread")]
async fn the_deployment_examples_run_in_the_tool_image_on_a_private_network() {
    let Some(image) = tool_image() else { return };
    let secrets = test_secrets();
    let steps = deploy::steps(&secrets);
    let lab = Lab::new();
    let admin = database_pod(&lab, &secrets).await;

    let mut transcript = Vec::new();
    for step in &steps {
        let (code, output, took) = lab.run(image, step);
        assert_eq!(code, Some(0), "{}: `{}` failed:\n{output}", step.name, step.line());
        transcript.push(format!(
            "{:>5.1} s  exit {}  {}: {}",
            took.as_secs_f64(),
            0,
            step.name,
            step.line()
        ));
    }

    // The commands did their work, not just exit 0: the subset replicated, the superuser made.
    let check = pg::connect(&admin, "image test check").await.expect("connect");
    let wells: i64 =
        check.query_one("SELECT count(*) FROM public.well", &[]).await.expect("wells").get(0);
    assert!(wells > 0, "no wells after the replicate and reset Jobs");
    let user = &secrets["gwells-django"]["DJANGO_ADMIN_USER"];
    let admins: i64 = check
        .query_one(
            "SELECT count(*) FROM public.auth_user WHERE username = $1 AND is_superuser",
            &[user],
        )
        .await
        .expect("auth_user")
        .get(0);
    assert_eq!(admins, 1, "the superuser `{user}` was not created");
    transcript.push(format!("{wells} wells replicated, superuser `{user}` present"));

    let readiness = find(&steps, "/readinessProbe");
    let liveness = find(&steps, "/livenessProbe");
    let (code, output, _) = lab.run(image, readiness);
    assert_eq!(code, Some(0), "not ready after the examples:\n{output}");
    transcript.push(format!("exit 0  after them: {}", readiness.line()));

    // A reset from another container, held inside its drop by a lock the test holds: the
    // probes see it for as long as the test wants, whatever the machine's speed.
    let mut holder = pg::connect(&admin, "image test lock").await.expect("connect");
    let tx = holder.transaction().await.expect("begin");
    tx.batch_execute("LOCK TABLE public.well IN ACCESS SHARE MODE").await.expect("lock");
    let reset_step = find(&steps, "job-reset.yaml/reset");
    let reset = lab
        .command(image, reset_step)
        .stdout_capture()
        .stderr_capture()
        .unchecked()
        .start()
        .expect("spawn the reset");
    let deadline = Instant::now() + Duration::from_secs(120);
    let seen = loop {
        let (code, output, _) = lab.run(image, readiness);
        if code == Some(3) {
            break output;
        }
        assert!(
            reset.try_wait().expect("poll").is_none(),
            "the reset ended before the probe saw it"
        );
        assert!(Instant::now() < deadline, "the readiness probe never said 3; last:\n{output}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(seen.contains("reset in progress"), "{seen}");
    transcript.push(format!("exit 3  during the reset: {}", readiness.line()));
    let (code, output, _) = lab.run(image, liveness);
    assert_eq!(code, Some(0), "liveness during the reset must say alive:\n{output}");
    transcript.push(format!("exit 0  during the reset: {}", liveness.line()));

    tx.commit().await.expect("release the lock");
    let out = reset.into_output().expect("reset");
    assert!(
        out.status.success(),
        "the held reset failed:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    transcript.push(format!("exit 0  the held reset: {}", reset_step.line()));
    let (code, output, _) = lab.run(image, readiness);
    assert_eq!(code, Some(0), "not ready after the reset:\n{output}");
    transcript.push(format!("exit 0  after the reset: {}", readiness.line()));
    eprintln!("image test, {image} as uid {UID}:\n  {}", transcript.join("\n  "));
}
