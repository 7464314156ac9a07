//! The labels a trial carries through the engine and into every front: the run's [`Phase`],
//! the [`Stage`] and [`Method`] of a trial, its [`TrialStatus`], and the [`Score`] a told trial
//! hands to the classifier and the strategies.
//!
//! A leaf module: it imports nothing else from the crate, so the state machine, the artifact,
//! the classifier and the strategies can all use it without importing one another. Each label
//! has an `as_str()` with the name used in configs and artifacts; fronts print that, never a
//! `Debug` rendering.

use core::fmt;

use serde::{Deserialize, Serialize};

/// Where the run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// Handing out the scrambled Sobol design.
    Probe,
    /// Classified; the chosen strategy refines.
    Refine {
        /// The refining strategy.
        strategy: Method,
    },
    /// The whole budget is handed out and every trial is told.
    Done,
}

impl Phase {
    /// The phase's name: `probe`, `refine` or `done`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Phase::Probe => "probe",
            Phase::Refine { .. } => "refine",
            Phase::Done => "done",
        }
    }
}

/// `probe`, `refine (nelder_mead)`, `done`: the phase with its strategy, for people.
impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Phase::Refine { strategy } => write!(f, "refine ({})", strategy.as_str()),
            other => f.write_str(other.as_str()),
        }
    }
}

/// Which component proposed a trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The scrambled Sobol probe.
    Sobol,
    /// Bounded Nelder–Mead.
    NelderMead,
    /// Multivariate TPE.
    Tpe,
    /// Uniform random search.
    Random,
    /// CMA-ES with IPOP restarts.
    Cmaes,
    /// A trust region with quadratic models.
    TrustRegion,
    /// Gaussian-process expected improvement.
    Gp,
}

impl Method {
    /// The name used in configs and artifacts.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Sobol => "sobol",
            Method::NelderMead => "nelder_mead",
            Method::Tpe => "tpe",
            Method::Random => "random",
            Method::Cmaes => "cmaes",
            Method::TrustRegion => "trust_region",
            Method::Gp => "gp",
        }
    }
}

/// The pipeline stage a trial belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Part of the probe.
    Probe,
    /// Proposed by the refining strategy.
    Refine,
}

impl Stage {
    /// The name used in artifacts: `probe` or `refine`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::Probe => "probe",
            Stage::Refine => "refine",
        }
    }
}

/// Where a trial is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TrialStatus {
    /// Handed out, no result yet.
    Pending,
    /// Told with a finite value.
    Completed,
    /// Told as failed (or with a NaN/infinite value).
    Failed,
}

impl TrialStatus {
    /// The name used in artifacts: `pending`, `completed` or `failed`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TrialStatus::Pending => "pending",
            TrialStatus::Completed => "completed",
            TrialStatus::Failed => "failed",
        }
    }
}

/// What a told trial gives the classifier and the strategies: a finite value, or a failure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Score {
    /// A finite objective value (lower is better).
    Value(f64),
    /// The trial failed or returned a non-finite value.
    Failed,
}

impl Score {
    /// Rank of a failure among numbers: worse than any finite value, and still serializable.
    pub(crate) const FAILED_RANK: f64 = f64::MAX;

    /// The score as a number to minimise, a failure ranking last ([`Score::FAILED_RANK`]).
    pub(crate) fn rank(self) -> f64 {
        match self {
            Score::Value(v) => v,
            Score::Failed => Self::FAILED_RANK,
        }
    }

    /// The finite value, or `None` for a failure.
    pub(crate) fn value(self) -> Option<f64> {
        match self {
            Score::Value(v) => Some(v),
            Score::Failed => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn labels_print_as_they_serialize() {
        let name = |v: serde_json::Value| v.as_str().map(str::to_string).unwrap_or_default();
        for m in [Method::Sobol, Method::NelderMead, Method::Tpe, Method::Random] {
            assert_eq!(name(serde_json::json!(m)), m.as_str());
        }
        for s in [Stage::Probe, Stage::Refine] {
            assert_eq!(name(serde_json::json!(s)), s.as_str());
        }
        for s in [TrialStatus::Pending, TrialStatus::Completed, TrialStatus::Failed] {
            assert_eq!(name(serde_json::json!(s)), s.as_str());
        }
        for p in [Phase::Probe, Phase::Refine { strategy: Method::Tpe }, Phase::Done] {
            assert_eq!(name(serde_json::json!(p)["phase"].clone()), p.as_str());
        }
        assert_eq!(
            Phase::Refine { strategy: Method::NelderMead }.to_string(),
            "refine (nelder_mead)"
        );
        assert_eq!(Phase::Done.to_string(), "done");
    }

    #[test]
    fn a_failure_ranks_after_every_finite_value() {
        assert!(Score::Value(f64::MAX / 2.0).rank() < Score::Failed.rank());
        assert_eq!(Score::Failed.value(), None);
        assert_eq!(Score::Value(-1.0).value(), Some(-1.0));
    }
}
