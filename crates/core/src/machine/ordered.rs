//! Deterministic parallel runs: the trials handed out depend only on the config, the seed and
//! the values, never on which worker finishes first.
//!
//! In free mode the model sees tells in the order they arrive, so a run with several workers
//! changes with timing. With `parallel: {"lag": k}` in the config the [`crate::Solver`]
//! follows one fixed schedule instead:
//!
//! - tells are *held* and applied to the model in trial-id order;
//! - trial `i` is proposed with exactly trials `0 ..= i − k` applied (none fewer, none more),
//!   so the other `k − 1` trials before it are the pending ones the strategy sees;
//! - while trial `i − k` is not told yet, [`crate::Solver::ask_next`] answers
//!   [`Ask::Wait`] instead of a trial.
//!
//! With `k` workers each holding at most one trial, a worker that asks gets a trial or waits
//! for a slower one; the sequence of trials is the same as if the run were replayed with
//! every tell arriving just in time. `k = 1` is the sequential run. The held tells are part of
//! the snapshot, so a resumed solver keeps the same schedule.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;

use serde::{Deserialize, Serialize};

use super::{Outcome, Trial};

/// What [`crate::Solver::ask_next`] answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    /// A trial to evaluate.
    Trial(Trial),
    /// Deterministic mode only: the next trial needs an earlier one told first. Tell a pending
    /// trial, then ask again.
    Wait,
    /// The whole budget is handed out.
    Exhausted,
}

/// A told result waiting for its turn (a non-finite value is already a failure here, so the
/// held state always serializes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Held {
    Value { value: f64 },
    Failed { reason: Option<String> },
}

impl From<Outcome> for Held {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Value(v) if v.is_finite() => Held::Value { value: v },
            Outcome::Value(v) => Held::Failed { reason: Some(format!("objective returned {v}")) },
            Outcome::Failed { reason } => Held::Failed { reason },
        }
    }
}

impl From<Held> for Outcome {
    fn from(held: Held) -> Self {
        match held {
            Held::Value { value } => Outcome::Value(value),
            Held::Failed { reason } => Outcome::Failed { reason },
        }
    }
}

/// The tells received but not yet applied, by trial id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Hold {
    held: BTreeMap<u64, Held>,
}

impl Hold {
    pub(crate) fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Whether the tell of `id` is already held.
    pub(crate) fn contains(&self, id: u64) -> bool {
        self.held.contains_key(&id)
    }

    /// Holds the tell of `id` until its turn.
    pub(crate) fn insert(&mut self, id: u64, outcome: Outcome) {
        self.held.insert(id, outcome.into());
    }

    /// The held ids (for consistency checks on a restored state).
    pub(crate) fn ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.held.keys().copied()
    }

    /// Takes the next tell to apply, if its turn has come: it must be trial `applied` (tells
    /// apply in id order), and applying it must leave trial `issued` (the next to hand out)
    /// with at most `issued − lag + 1` trials applied. Once the budget is all handed out no
    /// trial is proposed any more, so every held tell may apply.
    pub(crate) fn take_ready(
        &mut self,
        lag: u64,
        issued: u64,
        applied: u64,
        budget: u64,
    ) -> Option<(u64, Outcome)> {
        let turn = issued >= budget || applied + lag <= issued;
        if !turn {
            return None;
        }
        self.held.remove(&applied).map(|h| (applied, h.into()))
    }
}

/// Whether trial `issued` must wait: it needs trials `0 ..= issued − lag` applied.
pub(crate) fn must_wait(lag: u64, issued: u64, applied: u64) -> bool {
    applied + lag <= issued
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_applies_in_id_order_and_never_ahead_of_the_lag() {
        let mut hold = Hold::default();
        hold.insert(1, Outcome::Value(1.0));
        // Trial 0 is not told: nothing applies, and with lag 2 trial 2 must wait.
        assert_eq!(hold.take_ready(2, 2, 0, 10), None);
        assert!(must_wait(2, 2, 0));
        hold.insert(0, Outcome::Value(0.0));
        // Trial 0 applies (trial 2 is proposed with exactly trial 0 applied), trial 1 not yet.
        assert_eq!(hold.take_ready(2, 2, 0, 10), Some((0, Outcome::Value(0.0))));
        assert_eq!(hold.take_ready(2, 2, 1, 10), None);
        assert!(!must_wait(2, 2, 1));
        // After trial 2 is handed out, trial 1's turn has come.
        assert_eq!(hold.take_ready(2, 3, 1, 10), Some((1, Outcome::Value(1.0))));
    }

    #[test]
    fn a_non_finite_value_is_held_as_a_failure_that_serializes() {
        let mut hold = Hold::default();
        hold.insert(0, Outcome::Value(f64::NAN));
        let text = serde_json::to_string(&hold).unwrap_or_default();
        let back: Hold = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(back, hold);
        assert!(matches!(
            hold.take_ready(1, 1, 0, 1),
            Some((0, Outcome::Failed { reason: Some(_) }))
        ));
    }
}
