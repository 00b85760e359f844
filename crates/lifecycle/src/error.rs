/// Everything that can go wrong in a lifecycle operation: a domain crate's error, as it was,
/// or the step it happened in.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setting is missing or wrong (bad input: nothing was changed).
    #[error(transparent)]
    Fdw(#[from] fdw::Error),
    #[error(transparent)]
    Admin(#[from] admin::Error),
    #[error(transparent)]
    Replicate(#[from] replicate::Error),
    #[error(transparent)]
    Reset(#[from] reset::Error),

    /// The server's mark could not be read.
    #[error("cannot tell whether {target} was started by this tool")]
    Mark {
        target: String,
        #[source]
        source: pg::Error,
    },

    /// A step of the rehearsal failed.
    #[error("{step}")]
    Step {
        step: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },

    /// The rehearsal's independent checks disagree with the replication's report.
    #[error("{0}")]
    Rehearsal(String),
}

/// Whether the input is to blame (exit code 2: nothing was changed), as the domain crate
/// inside says.
impl pg::report::Classify for Error {
    fn is_bad_input(&self) -> bool {
        match self {
            Error::Fdw(e) => e.is_bad_input(),
            Error::Admin(e) => e.is_bad_input(),
            Error::Replicate(e) => e.is_bad_input(),
            Error::Reset(e) => e.is_bad_input(),
            Error::Mark { source, .. } => source.is_bad_input(),
            Error::Step { .. } | Error::Rehearsal(_) => false,
        }
    }
}

impl Error {
    /// A step's error with what the step was.
    pub(crate) fn step(
        step: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        Error::Step { step: step.into(), source: Box::new(source) }
    }
}
