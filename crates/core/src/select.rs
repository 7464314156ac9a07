//! Selection: which strategy refines, from the classifier's verdict, the dimension and the
//! budget. The one place where `auto` maps a probe to a strategy.
//!
//! 1. **CMA-ES** for deterministic ripples over a landscape a quadratic does not explain
//!    (roughness ≥ [`RIPPLE_ROUGHNESS`], quadratic q2 < [`BOWL_Q2`], not noisy, no
//!    categorical parameter nor coarse integer lattice) with at least [`CMAES_MIN_DIM`]
//!    parameters and [`CMAES_TRIALS_PER_DIM`] trials per parameter: multimodal with global
//!    structure, where IPOP restarts with growing populations follow the funnel across basins
//!    that a simplex settles in. From [`CMAES_WIDE_DIM`] parameters weaker ripples suffice
//!    (roughness ≥ [`WIDE_RIPPLE_ROUGHNESS`]) whatever the quadratic explains: there a funnel
//!    under ripples (Ackley) fits a quadratic well, yet the simplex settles in a basin of it
//!    while CMA-ES follows it. The reason is appended to the classification's.
//! 2. **Trust region** for what the classifier calls smooth or rippled on a space without
//!    integers when the budget is small (fewer than [`SMALL_BUDGET_PER_DIM`]
//!    trials per parameter, at least [`SMALL_BUDGET_MIN_DIM`] parameters; its
//!    steps are continuous and shrink below an integer's cell): its
//!    quadratic models learn from every trial, probe points included, where a simplex spends
//!    `D + 1` trials before it moves. The reason is appended to the classification's.
//! 3. **Nelder–Mead** for the rest of what the classifier calls smooth or rippled: single
//!    bowls, ill-conditioned ellipsoids and funnels a quadratic explains (Ackley), where the
//!    restarting simplex converges fastest at these budgets.
//! 4. **TPE** for noisy and rugged landscapes and piecewise spaces.
//!
//! The measurements behind the thresholds are in `docs/design.md` (Selection).

use alloc::format;
use alloc::string::String;

use crate::classify::{Classification, Landscape};
use crate::Method;

/// Roughness (at the probe twins' scale) from which a landscape has ripples.
pub(crate) const RIPPLE_ROUGHNESS: f64 = 0.02;
/// Quadratic leave-one-out q2 from which the probe is one bowl (as Nelder–Mead's start step).
pub(crate) const BOWL_Q2: f64 = 0.85;
/// Fewest parameters for which CMA-ES is selected.
pub(crate) const CMAES_MIN_DIM: usize = 5;
/// Fewest parameters from which ripples select CMA-ES whatever the quadratic fit.
pub(crate) const CMAES_WIDE_DIM: usize = 10;
/// Roughness from which a landscape of [`CMAES_WIDE_DIM`] or more parameters has ripples.
pub(crate) const WIDE_RIPPLE_ROUGHNESS: f64 = 0.005;
/// Fewest trials per parameter for which CMA-ES is selected.
pub(crate) const CMAES_TRIALS_PER_DIM: u64 = 100;
/// Budgets below this many trials per parameter are small: the trust region refines.
pub(crate) const SMALL_BUDGET_PER_DIM: u64 = 40;
/// Fewest parameters for which a small budget selects the trust region: below, Nelder–Mead
/// won on the measured 2- and 3-parameter tasks (rippled functions, the PID simulation).
pub(crate) const SMALL_BUDGET_MIN_DIM: u64 = 5;

/// The strategy `auto` refines with, and why when the verdict's label alone does not say.
pub(crate) fn select(
    c: &Classification,
    dim: usize,
    budget: u64,
    piecewise: bool,
    integers: bool,
) -> (Method, Option<String>) {
    let f = &c.features;
    let ripples_without_a_bowl =
        f.roughness.zip(f.quad_q2).filter(|&(r, q2)| r >= RIPPLE_ROUGHNESS && q2 < BOWL_Q2);
    let wide_ripples = f.roughness.filter(|&r| dim >= CMAES_WIDE_DIM && r >= WIDE_RIPPLE_ROUGHNESS);
    let room = dim >= CMAES_MIN_DIM && budget >= CMAES_TRIALS_PER_DIM * dim as u64;
    let small = dim as u64 >= SMALL_BUDGET_MIN_DIM && budget < SMALL_BUDGET_PER_DIM * dim as u64;
    let cmaes_allowed = room && !piecewise && c.label != Landscape::Noisy;
    match (ripples_without_a_bowl, wide_ripples) {
        (Some((r, q2)), _) if cmaes_allowed => (
            Method::Cmaes,
            Some(format!(
                "CMA-ES refines: ripples (roughness {r:.3} >= {RIPPLE_ROUGHNESS}) a quadratic does not explain (quadratic fit R² {q2:.2} < {BOWL_Q2}), {dim} parameters, {budget} trials (>= {CMAES_TRIALS_PER_DIM} per parameter)"
            )),
        ),
        (_, Some(r)) if cmaes_allowed => (
            Method::Cmaes,
            Some(format!(
                "CMA-ES refines: ripples (roughness {r:.3} >= {WIDE_RIPPLE_ROUGHNESS}) over {dim} parameters (>= {CMAES_WIDE_DIM}), where a simplex settles in one basin, {budget} trials (>= {CMAES_TRIALS_PER_DIM} per parameter)"
            )),
        ),
        _ if c.label.suits_nelder_mead() && !piecewise && !integers && small => (
            Method::TrustRegion,
            Some(format!(
                "trust region refines: {budget} trials for {dim} parameters (< {SMALL_BUDGET_PER_DIM} per parameter), every one informs its quadratic model"
            )),
        ),
        _ if c.label.suits_nelder_mead() => (Method::NelderMead, None),
        _ => (Method::Tpe, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Features;

    fn verdict(label: Landscape, roughness: f64, q2: f64) -> Classification {
        let features = Features {
            n_points: 44,
            fdc: 0.5,
            quad_q2: Some(q2),
            roughness: Some(roughness),
            noise: Some(0.0),
            top_dispersion: 0.8,
            categorical: 0,
        };
        Classification {
            label,
            score: 0.6,
            threshold: 0.5,
            features,
            decided_by: crate::Decision::Score,
            reason: String::new(),
        }
    }

    #[test]
    fn cmaes_takes_ripples_without_a_bowl_given_room_and_nothing_else() {
        let ripples = verdict(Landscape::Smooth, 0.1, 0.4);
        let (method, why) = select(&ripples, 10, 1_000, false, false);
        assert_eq!(method, Method::Cmaes);
        assert!(why.is_some_and(|w| w.contains("roughness 0.100")));
        let rugged = verdict(Landscape::Rugged, 0.1, 0.1);
        assert_eq!(select(&rugged, 5, 500, false, false).0, Method::Cmaes);
        // Too few parameters or trials, a piecewise space, noise: the label decides.
        assert_eq!(select(&ripples, 4, 1_000, false, false), (Method::NelderMead, None));
        assert_eq!(select(&ripples, 10, 999, false, false).0, Method::NelderMead);
        assert_eq!(select(&rugged, 10, 1_000, true, false).0, Method::Tpe);
        assert_eq!(
            select(&verdict(Landscape::Noisy, 0.1, 0.4), 10, 1_000, false, false).0,
            Method::Tpe
        );
        // A bowl (Ackley's funnel) or no ripples (an ellipsoid): Nelder–Mead below 10
        // parameters; from 10, ripples alone select CMA-ES, and the reason says so.
        assert_eq!(
            select(&verdict(Landscape::Smooth, 0.1, 0.9), 9, 900, false, false).0,
            Method::NelderMead
        );
        let (method, why) =
            select(&verdict(Landscape::Smooth, 0.012, 0.9), 10, 1_000, false, false);
        assert_eq!(method, Method::Cmaes);
        assert!(why.is_some_and(|w| w.contains("roughness 0.012 >= 0.005) over 10 parameters")));
        assert_eq!(
            select(&verdict(Landscape::Smooth, 0.004, 0.9), 10, 1_000, false, false).0,
            Method::NelderMead
        );
        assert_eq!(
            select(&verdict(Landscape::Smooth, 0.012, 0.9), 10, 1_000, true, false).0,
            Method::NelderMead
        );
        // ... and the trust region below 40 trials per parameter.
        let (method, why) = select(&verdict(Landscape::Smooth, 0.1, 0.9), 10, 399, false, false);
        assert_eq!(method, Method::TrustRegion);
        assert!(why.is_some_and(|w| w.contains("399 trials for 10 parameters")));
        assert_eq!(
            select(&verdict(Landscape::Rippled, 0.1, 0.4), 5, 100, false, false).0,
            Method::TrustRegion
        );
        assert_eq!(
            select(&verdict(Landscape::Smooth, 0.001, 0.9), 4, 80, false, false).0,
            Method::NelderMead
        );
        // Noise or a rugged verdict keep TPE whatever the budget; a piecewise space is never
        // given the trust region.
        assert_eq!(
            select(&verdict(Landscape::Noisy, 0.1, 0.9), 5, 50, false, false).0,
            Method::Tpe
        );
        assert_eq!(
            select(&verdict(Landscape::Rugged, 0.1, 0.1), 5, 50, false, false).0,
            Method::Tpe
        );
        assert_eq!(
            select(&verdict(Landscape::Smooth, 0.001, 0.9), 5, 50, true, false).0,
            Method::NelderMead
        );
        // Integers keep Nelder–Mead.
        assert_eq!(
            select(&verdict(Landscape::Smooth, 0.001, 0.9), 5, 50, false, true).0,
            Method::NelderMead
        );
        assert_eq!(
            select(&verdict(Landscape::Smooth, 0.001, 0.4), 10, 1_000, false, false).0,
            Method::NelderMead
        );
    }
}
