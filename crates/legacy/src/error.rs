/// Everything that can go wrong while building or reading the legacy stand-in.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The requested size is outside what the generator supports.
    #[error(
        "cannot generate {wells} wells: at most {max} are supported\nhint: use `--wells {max}` or fewer"
    )]
    TooMany { wells: u32, max: u32 },

    /// The schema name cannot be quoted (it holds a NUL byte).
    #[error("`{schema}` is not a usable schema name: it contains a NUL byte")]
    BadSchema { schema: String },

    /// The schema exists and was not made by the generator with the same spec.
    #[error(
        "schema `{schema}` already exists and holds something else ({found})\nhint: pass `replace` (`--replace`) to drop and re-create it, or choose another schema"
    )]
    Exists { schema: String, found: String },

    /// A mutation's fraction outside (0, 0.1].
    #[error("`--fraction {fraction}` is out of range: expected more than 0 and at most 0.1")]
    BadFraction { fraction: f64 },

    /// The schema to read does not exist.
    #[error("schema `{schema}` does not exist\nhint: create it with `cargo xtask legacy up`")]
    Missing { schema: String },

    /// A database error, with the step it happened in.
    #[error("legacy stand-in `{schema}`: {step} failed: {message}")]
    Db { schema: String, step: &'static str, message: String },
}

/// Whether the arguments are to blame (exit code 2: nothing was changed).
impl pg::report::Classify for Error {
    fn is_bad_input(&self) -> bool {
        match self {
            Error::TooMany { .. }
            | Error::BadSchema { .. }
            | Error::Exists { .. }
            | Error::BadFraction { .. }
            | Error::Missing { .. } => true,
            Error::Db { .. } => false,
        }
    }
}

impl Error {
    pub(crate) fn db(schema: &str, step: &'static str) -> impl Fn(tokio_postgres::Error) -> Error {
        let schema = schema.to_string();
        move |e| Error::Db { schema: schema.clone(), step, message: pg::describe(&e) }
    }

    pub(crate) fn pg(schema: &str, step: &'static str) -> impl Fn(pg::Error) -> Error {
        let schema = schema.to_string();
        move |e| Error::Db {
            schema: schema.clone(),
            step,
            message: pg::report::Report::of(&e).one_line(),
        }
    }
}
