//! Selection: which strategy refines, from the classifier's verdict, the dimension and the
//! budget. The one place where `auto` maps a probe to a strategy.
//!
//! 1. **CMA-ES** for deterministic ripples over a landscape a quadratic does not explain
//!    (roughness ≥ [`RIPPLE_ROUGHNESS`], quadratic q2 < [`BOWL_Q2`], not noisy, no
//!    categorical parameter nor coarse integer lattice) with at least [`CMAES_MIN_DIM`]
//!    parameters and [`CMAES_TRIALS_PER_DIM`] trials per parameter: multimodal with global
//!    structure, where IPOP restarts with growing populations follow the funnel across basins
//!    that a simplex settles in. The reason is appended to the classification's.
//! 2. **Nelder–Mead** for the rest of what the classifier calls smooth or rippled: single
//!    bowls, ill-conditioned ellipsoids and funnels a quadratic explains (Ackley), where the
//!    restarting simplex converges fastest at these budgets.
//! 3. **TPE** for noisy and rugged landscapes and piecewise spaces.
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
/// Fewest trials per parameter for which CMA-ES is selected.
pub(crate) const CMAES_TRIALS_PER_DIM: u64 = 100;

/// The strategy `auto` refines with, and why when the verdict's label alone does not say.
pub(crate) fn select(
    c: &Classification,
    dim: usize,
    budget: u64,
    piecewise: bool,
) -> (Method, Option<String>) {
    let f = &c.features;
    let ripples_without_a_bowl =
        f.roughness.zip(f.quad_q2).filter(|&(r, q2)| r >= RIPPLE_ROUGHNESS && q2 < BOWL_Q2);
    let room = dim >= CMAES_MIN_DIM && budget >= CMAES_TRIALS_PER_DIM * dim as u64;
    match ripples_without_a_bowl {
        Some((r, q2)) if room && !piecewise && c.label != Landscape::Noisy => (
            Method::Cmaes,
            Some(format!(
                "CMA-ES refines: ripples (roughness {r:.3} >= {RIPPLE_ROUGHNESS}) a quadratic does not explain (quadratic fit R² {q2:.2} < {BOWL_Q2}), {dim} parameters, {budget} trials (>= {CMAES_TRIALS_PER_DIM} per parameter)"
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
        let (method, why) = select(&ripples, 10, 1_000, false);
        assert_eq!(method, Method::Cmaes);
        assert!(why.is_some_and(|w| w.contains("roughness 0.100")));
        let rugged = verdict(Landscape::Rugged, 0.1, 0.1);
        assert_eq!(select(&rugged, 5, 500, false).0, Method::Cmaes);
        // Too few parameters or trials, a piecewise space, noise: the label decides.
        assert_eq!(select(&ripples, 4, 1_000, false), (Method::NelderMead, None));
        assert_eq!(select(&ripples, 10, 999, false).0, Method::NelderMead);
        assert_eq!(select(&rugged, 10, 1_000, true).0, Method::Tpe);
        assert_eq!(select(&verdict(Landscape::Noisy, 0.1, 0.4), 10, 1_000, false).0, Method::Tpe);
        // A bowl (Ackley's funnel) or no ripples (an ellipsoid): Nelder–Mead.
        assert_eq!(
            select(&verdict(Landscape::Smooth, 0.1, 0.9), 10, 1_000, false).0,
            Method::NelderMead
        );
        assert_eq!(
            select(&verdict(Landscape::Smooth, 0.001, 0.4), 10, 1_000, false).0,
            Method::NelderMead
        );
    }
}
