use std::path::PathBuf;

/// An error a template build function may return.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong starting servers and making databases.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No PostgreSQL server binaries were found.
    #[error(
        "no PostgreSQL server binaries found (looked at `pg_config --bindir`, /usr/lib/postgresql/*/bin and PATH)\nhint: run `scripts/install-postgres.sh`, or use `--backend docker`"
    )]
    NoBinaries,

    /// The backend name was not one we know.
    #[error(
        "unknown backend `{0}`: expected `local`, `docker` or `auto`\nhint: set `--backend` or `GWELLS_DEVDB_BACKEND` to one of them"
    )]
    UnknownBackend(String),

    /// Neither backend is available.
    #[error(
        "no way to start PostgreSQL: no server binaries and no Docker daemon answers\nhint: run `scripts/install-postgres.sh` (local cluster) or start Docker and run `scripts/build-pg-image.sh`"
    )]
    NoBackend,

    /// The Docker daemon could not be reached.
    #[error("the Docker daemon does not answer: {0}\nhint: start Docker, or use `--backend local`")]
    NoDocker(String),

    /// The image is not present locally and could not be pulled.
    #[error(
        "image `{image}` is not available locally and could not be pulled: {reason}\nhint: run `scripts/build-pg-image.sh` and `export GWELLS_PG_IMAGE=gwells-db/postgres:15`"
    )]
    MissingImage { image: String, reason: String },

    /// A container failed to start.
    #[error("container from `{image}` failed to start: {reason}")]
    Container { image: String, reason: String },

    /// A command (initdb, cp, docker, ...) failed.
    #[error("`{command}` failed: {detail}")]
    Command { command: String, detail: String },

    /// The server process exited or never became ready.
    #[error("PostgreSQL in `{}` did not start: {reason}\n--- last lines of {} ---\n{log_tail}", data_dir.display(), log.display())]
    Start { data_dir: PathBuf, log: PathBuf, reason: String, log_tail: String },

    /// A file under `target/devdb` could not be read or written.
    #[error("cannot use `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Building a template failed.
    #[error("building template `{name}` failed")]
    Template {
        name: String,
        #[source]
        source: BoxError,
    },

    /// Plumbing shared with the other crates.
    #[error(transparent)]
    Pg(#[from] pg::Error),

    /// A statement failed; it says what it was for.
    #[error(transparent)]
    Db(#[from] pg::report::Failed),
}

/// Whether the settings are to blame (exit code 2): an unknown backend. A missing server,
/// image or daemon is the machine's state, said with the command that fixes it.
impl pg::report::Classify for Error {
    fn is_bad_input(&self) -> bool {
        match self {
            Error::UnknownBackend(_) => true,
            Error::NoBinaries
            | Error::NoBackend
            | Error::NoDocker(_)
            | Error::MissingImage { .. }
            | Error::Container { .. }
            | Error::Command { .. }
            | Error::Start { .. }
            | Error::Io { .. }
            | Error::Template { .. }
            | Error::Db(_) => false,
            Error::Pg(e) => e.is_bad_input(),
        }
    }
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}
