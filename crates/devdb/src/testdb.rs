//! One database per test.
//!
//! The server comes from, in order: `GWELLS_TEST_SERVER_URL` (set by `cargo xtask ci`, one
//! server for the whole run), the running dev server of `cargo xtask db up`, else a private
//! server started for this test process and stopped when its last database is dropped. Without
//! any PostgreSQL a test prints a loud SKIP line and passes; under `CI` it fails instead.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Weak};

use pg::{Source, Target};

use crate::{
    BoxError, Server, ServerOptions, TemplateSpec, clone_database, drop_database, ensure_template,
};

/// A database for one test: dropped after a passing test, kept (with a `psql` line printed)
/// after a failing one.
pub struct TestDb {
    target: Target,
    admin: Target,
    name: String,
    // Held so a private server lives as long as its databases.
    _server: Option<Arc<Server>>,
}

/// The server tests use: its admin target, and the handle when it is private to this process.
pub(crate) async fn shared_test_server() -> crate::Result<(Target, Option<Arc<Server>>)> {
    if let Ok(url) = std::env::var(pg::vars::GWELLS_TEST_SERVER_URL)
        && !url.is_empty()
    {
        return Ok((Target::parse(&url, Source::Throwaway)?, None));
    }
    if let Some(dev) = crate::dev_server().await {
        return Ok((dev.target().clone(), None));
    }
    // One private server per process, shared by its databases while any is alive.
    static PRIVATE: tokio::sync::Mutex<Weak<Server>> = tokio::sync::Mutex::const_new(Weak::new());
    let mut private = PRIVATE.lock().await;
    if let Some(server) = private.upgrade() {
        return Ok((server.target().clone(), Some(server)));
    }
    let server = Arc::new(Server::start(&ServerOptions::from_env()?).await?);
    *private = Arc::downgrade(&server);
    Ok((server.target().clone(), Some(server)))
}

impl TestDb {
    /// An empty database, or `None` when no PostgreSQL can be had outside CI.
    pub async fn empty(test: &str) -> Option<TestDb> {
        let (admin, server) = server_or_skip(test).await?;
        let name = db_name(test);
        let conn = pg::connect(&admin, "gwells-db test")
            .await
            .unwrap_or_else(|e| panic!("{}", pg::report::Report::of(&e)));
        let sql = format!("CREATE DATABASE {}", pg::quote::ident(&name).unwrap_or_default());
        conn.batch_execute(&sql).await.unwrap_or_else(|e| panic!("{sql}: {}", pg::describe(&e)));
        Some(TestDb { target: admin.with_dbname(&name), admin, name, _server: server })
    }

    /// A clone of the template `spec`, built by `build` on first use.
    pub async fn from_template<F, Fut>(test: &str, spec: &TemplateSpec, build: F) -> Option<TestDb>
    where
        F: FnOnce(Target) -> Fut,
        Fut: Future<Output = Result<(), BoxError>>,
    {
        let (admin, server) = server_or_skip(test).await?;
        let template = ensure_template(&admin, spec, build)
            .await
            .unwrap_or_else(|e| panic!("{}", pg::report::Report::of(&e)));
        let name = db_name(test);
        clone_database(&admin, &template, &name)
            .await
            .unwrap_or_else(|e| panic!("{}", pg::report::Report::of(&e)));
        Some(TestDb { target: admin.with_dbname(&name), admin, name, _server: server })
    }

    /// This test's database.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The server's `postgres` database, as superuser.
    pub fn admin(&self) -> &Target {
        &self.admin
    }

    /// The database name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDb {
    #[allow(clippy::print_stderr)]
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "devdb: kept database `{}` of the failed test: psql '{}'",
                self.name,
                self.target.url_with_password()
            );
            if self._server.is_some() {
                eprintln!(
                    "devdb: (its server was private to the test and stops now; set GWELLS_TEST_SERVER_URL or run `cargo xtask db up` to keep it)"
                );
            }
            return;
        }
        let admin = self.admin.clone();
        let name = self.name.clone();
        // Drop is synchronous and may run inside a runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
            if let Ok(rt) = rt {
                let _ = rt.block_on(drop_database(&admin, &name));
            }
        })
        .join();
    }
}

#[allow(clippy::print_stderr)]
async fn server_or_skip(test: &str) -> Option<(Target, Option<Arc<Server>>)> {
    match shared_test_server().await {
        Ok(s) => Some(s),
        Err(e) if pg::vars::in_ci() => {
            let e = pg::report::Report::of(&e).one_line();
            panic!("CI is set but no PostgreSQL is available for `{test}`: {e}")
        }
        Err(e) => {
            let e = pg::report::Report::of(&e).one_line();
            eprintln!("SKIP `{test}`: no PostgreSQL available ({e})");
            None
        }
    }
}

/// `t_<test>_<pid>_<n>`, at most 63 bytes.
fn db_name(test: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let clean: String = test
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .take(40)
        .collect();
    format!("t_{clean}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}
