//! The replication mode. Flags and `DB_REPLICATE` are read into it by `lifecycle`'s settings,
//! the one place that spells it.

use std::fmt;

use serde::Serialize;

/// What to replicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Mode {
    /// Nothing: replication is skipped, and the command says so.
    None,
    /// Wells 100001..=113567 (`db_replicate_step1(_subset_ind=>true)`).
    Subset,
    /// Every accepted well (`db_replicate_step1(_subset_ind=>false)`).
    Full,
}

impl Mode {
    /// The argument of `populate_xform` / `db_replicate_step1`; `None` for [`Mode::None`].
    pub(crate) fn subset_ind(self) -> Option<bool> {
        match self {
            Mode::None => None,
            Mode::Subset => Some(true),
            Mode::Full => Some(false),
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::None => "None",
            Mode::Subset => "Subset",
            Mode::Full => "Full",
        })
    }
}
