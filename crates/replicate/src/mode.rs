//! The replication mode, from flags or `DB_REPLICATE`.
//!
//! The seed's `db-replicate.sh` compared the value with `Subset` and `Full` exactly and ran
//! nothing for `None`; these are the spellings accepted here too. Other cases (`subset`,
//! `FULL`) are refused rather than guessed, so a typo in a deployment config is seen at once.

use std::fmt;

use serde::Serialize;

use crate::Error;

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
    /// The mode from `--subset` / `--full`, else from the value of `DB_REPLICATE` (`None` when
    /// it is unset or empty).
    pub fn resolve(subset: bool, full: bool, env: Option<&str>) -> Result<Mode, Error> {
        match (subset, full) {
            (true, true) => return Err(Error::BothModes),
            (true, false) => return Ok(Mode::Subset),
            (false, true) => return Ok(Mode::Full),
            (false, false) => {}
        }
        match env.map(str::trim) {
            None | Some("") | Some("None") => Ok(Mode::None),
            Some("Subset") => Ok(Mode::Subset),
            Some("Full") => Ok(Mode::Full),
            Some(other) => {
                Err(Error::BadMode { variable: pg::vars::DB_REPLICATE, value: other.to_string() })
            }
        }
    }

    /// The argument of `populate_xform` / `db_replicate_step1`; `None` for [`Mode::None`].
    pub fn subset_ind(self) -> Option<bool> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(subset: bool, full: bool, env: Option<&str>, expected: &str) {
        let got = match Mode::resolve(subset, full, env) {
            Ok(m) => m.to_string(),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expected, "--subset={subset} --full={full} DB_REPLICATE={env:?}");
    }

    #[test]
    fn flags_win_over_the_variable() {
        check(true, false, Some("Full"), "Subset");
        check(false, true, Some("None"), "Full");
        check(false, true, Some("garbage"), "Full");
        check(true, true, None, "error: `--subset` and `--full` exclude each other");
    }

    #[test]
    fn variable_values() {
        check(false, false, None, "None");
        check(false, false, Some(""), "None");
        check(false, false, Some("None"), "None");
        check(false, false, Some("Subset"), "Subset");
        check(false, false, Some("Full"), "Full");
        check(false, false, Some(" Full\n"), "Full");
    }

    #[test]
    fn other_spellings_are_refused_naming_the_variable() {
        for bad in ["subset", "FULL", "none", "Partial", "1", "Subset;DROP"] {
            check(
                false,
                false,
                Some(bad),
                &format!(
                    "error: `DB_REPLICATE` is `{bad}`, expected one of `None`, `Subset`, `Full` (exact case)\nhint: set `DB_REPLICATE=Subset`, or choose with a flag (`replicate --subset`, `reset --replicate subset`)"
                ),
            );
        }
    }
}
