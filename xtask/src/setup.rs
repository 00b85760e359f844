//! What the README's two commands need on a fresh machine, found or installed: `ci` and
//! `rehearse` call [`ensure_postgres`] before they start a server, so nothing is set up by hand.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::ctx::say;

/// PostgreSQL server binaries, `psql` and `postgres_fdw` for the local backend: present, or
/// installed from the distribution's packages by `scripts/install-postgres.sh` when this runs
/// as root; otherwise an error naming the one command to run. The docker backend needs none.
pub fn ensure_postgres(root: &Path, backend: devdb::Backend) -> Result<()> {
    if backend == devdb::Backend::Docker {
        return Ok(());
    }
    let script = root.join("scripts").join("install-postgres.sh");
    let check = duct::cmd!("bash", &script, "--check").stdout_null().stderr_null().unchecked();
    if check.run().with_context(|| format!("cannot run {}", script.display()))?.status.success() {
        return Ok(());
    }
    let root_user = duct::cmd!("id", "-u").read().is_ok_and(|id| id.trim() == "0");
    if !root_user {
        bail!(
            "PostgreSQL server binaries, psql or postgres_fdw are missing\n\
             hint: install them with `sudo scripts/install-postgres.sh` (Debian packages), or \
             use `--backend docker` with `GWELLS_PG_IMAGE` set"
        );
    }
    say("setup: PostgreSQL server binaries are missing; installing them from Debian packages");
    duct::cmd!("bash", &script).run().context("installing PostgreSQL failed")?;
    Ok(())
}
