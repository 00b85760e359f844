//! The container backend: testcontainers with a configurable image.
//!
//! Same URL contract as the local backend: superuser `postgres` on `127.0.0.1:<port>`, the
//! `postgres` database. testcontainers pulls only when the image is missing locally, so an image
//! built by `scripts/build-pg-image.sh` is used as is; a missing image that cannot be pulled
//! fails fast with a hint. The container's lifetime belongs to the registry (labels + record),
//! not to the handle's `Drop`, which needs a runtime and cannot outlive a killed process.

use pg::report::doing;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use pg::{Source, Target};
use testcontainers::bollard::models::{HostConfig, PortBinding};
use testcontainers::core::{IntoContainerPort, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{GenericImage, ImageExt};

use crate::registry::{MANAGED_LABEL, OWNER_LABEL};
use crate::{Error, Result};

/// The port the server listens on inside its container; the host reaches it through a mapped
/// port of its own.
pub(crate) const CONTAINER_PORT: u16 = 5432;

pub(crate) struct Started {
    pub(crate) container: String,
    pub(crate) port: u16,
    pub(crate) target: Target,
    pub(crate) version: String,
}

/// Whether a Docker daemon answers.
pub(crate) async fn available() -> bool {
    match testcontainers::core::client::docker_client_instance().await {
        Ok(client) => tokio::time::timeout(Duration::from_secs(3), client.ping())
            .await
            .is_ok_and(|r| r.is_ok()),
        Err(_) => false,
    }
}

pub(crate) async fn start(
    image: &str,
    owner_pid: u32,
    id: &str,
    settings: &[String],
) -> Result<Started> {
    let client = testcontainers::core::client::docker_client_instance()
        .await
        .map_err(|e| Error::NoDocker(e.to_string()))?;
    match tokio::time::timeout(Duration::from_secs(5), client.ping()).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return Err(Error::NoDocker(e.to_string())),
        Err(_) => return Err(Error::NoDocker("no answer within 5 s".into())),
    }
    let (name, tag) = match image.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n.to_string(), t.to_string()),
        _ => (image.to_string(), "latest".to_string()),
    };
    let local = client.inspect_image(&format!("{name}:{tag}")).await.is_ok();
    let password = random_password()?;
    let request = GenericImage::new(name, tag)
        .with_exposed_port(CONTAINER_PORT.tcp())
        .with_wait_for(WaitFor::message_on_stderr("database system is ready to accept connections"))
        .with_env_var("POSTGRES_USER", "postgres")
        .with_env_var("POSTGRES_PASSWORD", password.clone())
        .with_env_var("POSTGRES_DB", "postgres")
        .with_label(MANAGED_LABEL, "1")
        .with_label(OWNER_LABEL, owner_pid.to_string())
        .with_label("dev.gwells-db.id", id)
        .with_cmd(
            [
                "postgres",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300",
                "-c",
                "TimeZone=UTC",
                "-c",
                crate::SERVER_MARK,
            ]
            .into_iter()
            .map(str::to_string)
            .chain(settings.iter().flat_map(|s| ["-c".to_string(), s.clone()])),
        )
        .with_startup_timeout(Duration::from_secs(90))
        .with_host_config_modifier(|config: &mut HostConfig| {
            // Loopback only: without this testcontainers publishes on every interface.
            config.publish_all_ports = Some(false);
            let binding = PortBinding {
                host_ip: Some("127.0.0.1".to_string()),
                host_port: Some(String::new()),
            };
            config.port_bindings =
                Some(HashMap::from([(format!("{CONTAINER_PORT}/tcp"), Some(vec![binding]))]));
        });
    let start = request.start();
    // A missing image is pulled by testcontainers; without a registry that must fail fast.
    let limit = if local { Duration::from_secs(120) } else { Duration::from_secs(60) };
    let container = match tokio::time::timeout(limit, start).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) if !local => {
            return Err(Error::MissingImage { image: image.to_string(), reason: e.to_string() });
        }
        Ok(Err(e)) => {
            return Err(Error::Container { image: image.to_string(), reason: e.to_string() });
        }
        Err(_) if !local => {
            return Err(Error::MissingImage {
                image: image.to_string(),
                reason: "pulling did not finish within 60 s".into(),
            });
        }
        Err(_) => {
            return Err(Error::Container {
                image: image.to_string(),
                reason: "no start within 120 s".into(),
            });
        }
    };
    let container_id = container.id().to_string();
    let port = match container.get_host_port_ipv4(CONTAINER_PORT).await {
        Ok(p) => p,
        Err(e) => {
            let _ = container.rm().await;
            return Err(Error::Container { image: image.to_string(), reason: e.to_string() });
        }
    };
    // From here the registry owns the container (see module docs).
    std::mem::forget(container);
    let url = format!("postgres://postgres:{password}@127.0.0.1:{port}/postgres");
    let target = Target::parse(&url, Source::Throwaway)?;
    // The official image prints "ready" once during its init phase too; a real connection is
    // the only proof.
    let version = match wait_for_connection(&target).await {
        Ok(v) => v,
        Err(e) => {
            crate::registry::remove_container(&container_id);
            return Err(e);
        }
    };
    Ok(Started { container: container_id, port, target, version })
}

async fn wait_for_connection(target: &Target) -> Result<String> {
    let started = Instant::now();
    loop {
        match pg::connect(target, "gwells-db devdb").await {
            Ok(conn) => {
                let version: String = conn
                    .query_one("SHOW server_version", &[])
                    .await
                    .map_err(doing("reading the server's version"))?
                    .get(0);
                return Ok(version.split_whitespace().next().unwrap_or("").to_string());
            }
            Err(e) if started.elapsed() > Duration::from_secs(30) => return Err(e.into()),
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

fn random_password() -> Result<String> {
    let mut bytes = [0u8; 16];
    let path = "/dev/urandom";
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    std::io::Read::read_exact(&mut file, &mut bytes).map_err(|e| Error::io(path, e))?;
    Ok(hex::encode(bytes))
}
