//! Every environment variable the workspace reads, declared once (uv's registry pattern).
//!
//! The README's configuration table is checked against [`ALL`] by a test in xtask, so a
//! variable cannot be read without being documented.

/// Target database URL; the second choice after `--database-url`.
pub const DATABASE_URL: &str = "DATABASE_URL";
/// Database pod: application user.
pub const POSTGRESQL_USER: &str = "POSTGRESQL_USER";
/// Database pod: application user's password (secret).
pub(crate) const POSTGRESQL_PASSWORD: &str = "POSTGRESQL_PASSWORD";
/// Database pod: application database.
pub(crate) const POSTGRESQL_DATABASE: &str = "POSTGRESQL_DATABASE";
/// Kubernetes service host of the database pod.
pub(crate) const POSTGRESQL_SERVICE_HOST: &str = "POSTGRESQL_SERVICE_HOST";
/// Kubernetes service port of the database pod.
pub(crate) const POSTGRESQL_SERVICE_PORT: &str = "POSTGRESQL_SERVICE_PORT";
/// Django's name of the database service; `<NAME>_SERVICE_HOST`/`_PORT` are read from it.
pub(crate) const DATABASE_SERVICE_NAME: &str = "DATABASE_SERVICE_NAME";
/// Data directory of the database pod; the seed's `fdw.conf` lock file lives in it.
pub const PGDATA: &str = "PGDATA";

/// libpq: host name, IP address or socket directory (a comma-separated list is tried in order).
pub(crate) const PGHOST: &str = "PGHOST";
/// libpq: port (or a comma-separated list, one per host).
pub(crate) const PGPORT: &str = "PGPORT";
/// libpq: user name (default: the operating-system user).
pub(crate) const PGUSER: &str = "PGUSER";
/// libpq: password (secret), when the target gives none.
pub(crate) const PGPASSWORD: &str = "PGPASSWORD";
/// libpq: database name (default: the user name).
pub(crate) const PGDATABASE: &str = "PGDATABASE";
/// libpq: `sslmode`, when the target gives none.
pub(crate) const PGSSLMODE: &str = "PGSSLMODE";
/// libpq: `sslrootcert`, when the target gives none.
pub(crate) const PGSSLROOTCERT: &str = "PGSSLROOTCERT";
/// libpq: `connect_timeout` in seconds, when the target gives none.
pub(crate) const PGCONNECT_TIMEOUT: &str = "PGCONNECT_TIMEOUT";
/// libpq: the password file (default `~/.pgpass`).
pub(crate) const PGPASSFILE: &str = "PGPASSFILE";
/// The home directory, where `.pgpass` is looked for.
pub(crate) const HOME: &str = "HOME";

/// FDW: foreign server name.
pub const FDW_NAME: &str = "FDW_NAME";
/// FDW: `dbserver` (`//host/service`) or a PostgreSQL URL / connection string.
pub const FDW_FOREIGN_SERVER: &str = "FDW_FOREIGN_SERVER";
/// FDW: remote user.
pub const FDW_USER: &str = "FDW_USER";
/// FDW: remote password (secret).
pub const FDW_PASS: &str = "FDW_PASS";
/// FDW: remote schema, exact case (`WELLS`).
pub const FDW_FOREIGN_SCHEMA: &str = "FDW_FOREIGN_SCHEMA";
/// FDW: local schema receiving the foreign tables (`wells`).
pub const FDW_SCHEMA: &str = "FDW_SCHEMA";

/// Replication mode: `None`, `Subset` or `Full`.
pub const DB_REPLICATE: &str = "DB_REPLICATE";

/// Django admin user name.
pub const DJANGO_ADMIN_USER: &str = "DJANGO_ADMIN_USER";
/// Django admin e-mail.
pub const DJANGO_ADMIN_EMAIL: &str = "DJANGO_ADMIN_EMAIL";
/// Django admin password (secret).
pub const DJANGO_ADMIN_PASSWORD: &str = "DJANGO_ADMIN_PASSWORD";
/// Obfuscated admin URL path.
pub const DJANGO_ADMIN_URL: &str = "DJANGO_ADMIN_URL";

/// Folder of migrations to use instead of the ones built into the binary (`--migrations-dir`).
pub const GWELLS_MIGRATIONS_DIR: &str = "GWELLS_MIGRATIONS_DIR";
/// Folder of code-table CSVs to use instead of the built-in ones (`--codetables-dir`).
pub const GWELLS_CODETABLES_DIR: &str = "GWELLS_CODETABLES_DIR";
/// Folder for replication reports (`--report-dir`).
pub const GWELLS_REPORT_DIR: &str = "GWELLS_REPORT_DIR";

/// devdb: container image for the docker backend (default `postgres:15`).
pub const GWELLS_PG_IMAGE: &str = "GWELLS_PG_IMAGE";
/// devdb: backend for servers the tool starts: `local`, `docker` or `auto`.
pub const GWELLS_DEVDB_BACKEND: &str = "GWELLS_DEVDB_BACKEND";
/// Tests: admin URL of a server started by `cargo xtask ci`/`test`, shared by every test process.
pub const GWELLS_TEST_SERVER_URL: &str = "GWELLS_TEST_SERVER_URL";
/// Set by CI systems: a database test that finds no server fails instead of skipping.
pub(crate) const CI: &str = "CI";
/// devdb: where `target/` is (its caches, servers and templates live under it), as cargo's own.
pub const CARGO_TARGET_DIR: &str = "CARGO_TARGET_DIR";
/// devdb: searched for PostgreSQL server binaries after `pg_config` and `/usr/lib/postgresql`.
pub const PATH: &str = "PATH";

/// Every variable above, for documentation checks.
pub const ALL: &[&str] = &[
    DATABASE_URL,
    POSTGRESQL_USER,
    POSTGRESQL_PASSWORD,
    POSTGRESQL_DATABASE,
    POSTGRESQL_SERVICE_HOST,
    POSTGRESQL_SERVICE_PORT,
    DATABASE_SERVICE_NAME,
    PGDATA,
    PGHOST,
    PGPORT,
    PGUSER,
    PGPASSWORD,
    PGDATABASE,
    PGSSLMODE,
    PGSSLROOTCERT,
    PGCONNECT_TIMEOUT,
    PGPASSFILE,
    HOME,
    FDW_NAME,
    FDW_FOREIGN_SERVER,
    FDW_USER,
    FDW_PASS,
    FDW_FOREIGN_SCHEMA,
    FDW_SCHEMA,
    DB_REPLICATE,
    DJANGO_ADMIN_USER,
    DJANGO_ADMIN_EMAIL,
    DJANGO_ADMIN_PASSWORD,
    DJANGO_ADMIN_URL,
    GWELLS_MIGRATIONS_DIR,
    GWELLS_CODETABLES_DIR,
    GWELLS_REPORT_DIR,
    GWELLS_PG_IMAGE,
    GWELLS_DEVDB_BACKEND,
    GWELLS_TEST_SERVER_URL,
    CI,
    CARGO_TARGET_DIR,
    PATH,
];

/// Whether we run under CI (`CI` set to anything but `false`/`0`/empty).
pub fn in_ci() -> bool {
    std::env::var(CI).is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}
