//! The health verdict, pure: what was observed in, exit state and reasons out.
//!
//! Liveness (`health`): the database answers. Readiness (`health --ready`): also no migration
//! pending, drifted or inconsistent, and the code tables loaded. Either way a live maintenance
//! marker wins — "reset in progress" (exit 3) lets a probe wrapper wait instead of rolling the
//! deployment back — while a marker whose session is gone is a failure (the reset was killed).

use reset::Marker;

/// What the probe saw.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// `Some(error)` when the database did not answer.
    pub connect_error: Option<String>,
    /// The maintenance marker, if set.
    pub maintenance: Option<Marker>,
    /// Readiness checks; `None` for a liveness probe.
    pub ready: Option<Readiness>,
}

/// What a readiness probe checks beyond the connection.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    /// Migrations not applied (`app name`).
    pub pending: Vec<String>,
    /// Applied migrations whose file changed.
    pub drifted: Vec<String>,
    /// Ledger inconsistencies.
    pub inconsistent: Vec<String>,
    /// Code tables not loaded or differing from their CSV.
    pub codes_missing: Vec<String>,
    /// A check that could not run at all.
    pub errors: Vec<String>,
}

/// The overall state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Exit 0.
    Healthy,
    /// Exit 3.
    ResetInProgress,
    /// Exit 1.
    Unhealthy,
}

impl State {
    /// The process exit code for this state.
    pub fn exit_code(self) -> u8 {
        match self {
            State::Healthy => 0,
            State::ResetInProgress => 3,
            State::Unhealthy => 1,
        }
    }
}

/// The decision, with every reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verdict {
    /// Healthy, reset in progress, or unhealthy.
    pub state: State,
    /// Why it is not healthy (or what is in progress); empty when healthy.
    pub reasons: Vec<String>,
}

/// Decides the health from what was observed.
pub fn verdict(observed: &Observed) -> Verdict {
    if let Some(err) = &observed.connect_error {
        return Verdict {
            state: State::Unhealthy,
            reasons: vec![format!("database does not answer: {err}")],
        };
    }
    if let Some(m) = &observed.maintenance {
        return if m.live {
            Verdict {
                state: State::ResetInProgress,
                reasons: vec![format!("reset in progress (started {} by {})", m.set_at, m.set_by)],
            }
        } else {
            Verdict {
                state: State::Unhealthy,
                reasons: vec![format!(
                    "a reset started {} by {} was interrupted; run the reset again (`gwells-db reset` / `cargo xtask reset`)",
                    m.set_at, m.set_by
                )],
            }
        };
    }
    let mut reasons = Vec::new();
    if let Some(r) = &observed.ready {
        let mut list = |what: &str, items: &[String]| {
            if !items.is_empty() {
                reasons.push(format!("{what}: {}", items.join(", ")));
            }
        };
        list("pending migrations", &r.pending);
        list("drifted migrations", &r.drifted);
        list("inconsistent migration ledger", &r.inconsistent);
        list("code tables not loaded", &r.codes_missing);
        reasons.extend(r.errors.iter().cloned());
    }
    let state = if reasons.is_empty() { State::Healthy } else { State::Unhealthy };
    Verdict { state, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `expected`: the state, the exit code a probe sees (written out, not derived), reasons.
    fn check(observed: Observed, expected: (State, u8, &[&str])) {
        let v = verdict(&observed);
        assert_eq!(
            (v.state, v.state.exit_code(), v.reasons.iter().map(String::as_str).collect()),
            (expected.0, expected.1, expected.2.to_vec())
        );
    }

    fn marker(live: bool) -> Option<Marker> {
        Some(Marker {
            set_at: "T".into(),
            set_by: "reset (pid 7)".into(),
            note: String::new(),
            live,
        })
    }

    #[test]
    fn states() {
        let ready = |pending: &[&str], codes: &[&str]| {
            Some(Readiness {
                pending: pending.iter().map(|s| s.to_string()).collect(),
                codes_missing: codes.iter().map(|s| s.to_string()).collect(),
                ..Readiness::default()
            })
        };
        check(Observed::default(), (State::Healthy, 0, &[]));
        check(Observed { ready: ready(&[], &[]), ..Observed::default() }, (State::Healthy, 0, &[]));
        check(
            Observed {
                connect_error: Some("refused".into()),
                maintenance: marker(true),
                ready: None,
            },
            (State::Unhealthy, 1, &["database does not answer: refused"]),
        );
        check(
            Observed {
                maintenance: marker(true),
                ready: ready(&["gwells 0001_initial"], &["well_status_code"]),
                ..Observed::default()
            },
            (State::ResetInProgress, 3, &["reset in progress (started T by reset (pid 7))"]),
        );
        check(
            Observed { maintenance: marker(false), ..Observed::default() },
            (
                State::Unhealthy,
                1,
                &[
                    "a reset started T by reset (pid 7) was interrupted; run the reset again (`gwells-db reset` / `cargo xtask reset`)",
                ],
            ),
        );
        check(
            Observed {
                ready: ready(&["gwells 0002_x", "auth 0012_y"], &["well_status_code"]),
                ..Observed::default()
            },
            (
                State::Unhealthy,
                1,
                &[
                    "pending migrations: gwells 0002_x, auth 0012_y",
                    "code tables not loaded: well_status_code",
                ],
            ),
        );
        // Liveness ignores what only readiness checks.
        check(Observed { ready: None, ..Observed::default() }, (State::Healthy, 0, &[]));
    }
}
