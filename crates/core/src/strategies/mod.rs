//! Refinement strategies, as one closed, serde-tagged enum.
//!
//! A strategy sees only unit-cube points and scores (lower is better; a failed trial ranks
//! as [`FAILED`], after every finite value). The solver calls [`Strategy::propose`] for every refine-phase `ask` and
//! [`Strategy::observe`] for every `tell` that arrives once the strategy exists. Adding a
//! strategy means adding one variant and one file.

use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::config::Space;
use crate::encoding::DimKind;
use crate::trial::{Method, Score};

pub(crate) mod cmaes;
pub(crate) mod gp;
pub(crate) mod nelder_mead;
pub(crate) mod random;
pub(crate) mod tpe;
pub(crate) mod trust_region;

pub(crate) use cmaes::Cmaes;
pub(crate) use gp::Gp;
pub(crate) use nelder_mead::NelderMead;
pub(crate) use random::RandomSearch;
pub(crate) use tpe::Tpe;
pub(crate) use trust_region::TrustRegion;

/// Score of a failed trial inside the strategies: worse than any finite value, and still
/// serializable.
const FAILED: f64 = Score::FAILED_RANK;

/// What the solver tells a strategy when it proposes.
pub(crate) struct Context<'a> {
    /// How each coordinate is to be treated.
    pub kinds: &'a [DimKind],
    /// The space, to snap integer and categorical coordinates to their cells.
    pub space: &'a Space,
    /// Unit points of trials handed out and not yet told (most recent last).
    pub pending: &'a [&'a [f64]],
    /// Every configuration handed out so far, told or not, on all-discrete spaces.
    pub seen: Option<&'a crate::encoding::Seen>,
}

/// A completed observation in the unit cube.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Point {
    pub u: Vec<f64>,
    pub f: f64,
}

impl Point {
    /// A told trial at `u`, its score ranked as the strategies compare scores.
    pub(crate) fn told(u: Vec<f64>, score: Score) -> Self {
        Point { u, f: score.rank() }
    }
}

/// The refining strategy and its whole state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Strategy {
    NelderMead(NelderMead),
    Tpe(Tpe),
    Random(RandomSearch),
    Cmaes(Cmaes),
    TrustRegion(TrustRegion),
    Gp(Gp),
}

impl Strategy {
    /// The method this strategy is, as recorded in trials and phases.
    pub(crate) fn method(&self) -> Method {
        match self {
            Strategy::NelderMead(_) => Method::NelderMead,
            Strategy::Tpe(_) => Method::Tpe,
            Strategy::Random(_) => Method::Random,
            Strategy::Cmaes(_) => Method::Cmaes,
            Strategy::TrustRegion(_) => Method::TrustRegion,
            Strategy::Gp(_) => Method::Gp,
        }
    }

    /// Next point to evaluate as trial `id`.
    pub(crate) fn propose(&mut self, id: u64, ctx: &Context<'_>) -> Vec<f64> {
        match self {
            Strategy::NelderMead(s) => s.propose(id, ctx),
            Strategy::Tpe(s) => s.propose(ctx),
            Strategy::Random(s) => s.propose(ctx),
            Strategy::Cmaes(s) => s.propose(id, ctx),
            Strategy::TrustRegion(s) => s.propose(id, ctx),
            Strategy::Gp(s) => s.propose(ctx),
        }
    }

    /// Result of trial `id` at `u`.
    pub(crate) fn observe(&mut self, id: u64, u: &[f64], score: Score) {
        let f = score.rank();
        match self {
            Strategy::NelderMead(s) => s.observe(id, u, f),
            Strategy::Tpe(s) => s.observe(u, f),
            Strategy::Random(_) => {}
            Strategy::Cmaes(s) => s.observe(id, u, f),
            Strategy::TrustRegion(s) => s.observe(id, u, f),
            Strategy::Gp(s) => s.observe(u, f),
        }
    }

    /// Checks the dimensions of a restored state so later steps cannot index out of range.
    pub(crate) fn is_consistent(&self, dim: usize) -> bool {
        match self {
            Strategy::NelderMead(s) => s.is_consistent(dim),
            Strategy::Tpe(s) => s.is_consistent(dim),
            Strategy::Random(_) => true,
            Strategy::Cmaes(s) => s.is_consistent(dim),
            Strategy::TrustRegion(s) => s.is_consistent(dim),
            Strategy::Gp(s) => s.is_consistent(dim),
        }
    }
}
