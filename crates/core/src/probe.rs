//! The probe: a scrambled Sobol design over the unit cube.
//!
//! The first trials of every run are Owen-scrambled Sobol points (Burley's hash-based
//! scrambling, via `sobol_burley`), which cover the space far more evenly than random points
//! for the same count. Their results feed the classifier and seed the refining strategy.
//!
//! The last few planned probe trials are *twins*: twin `k` sits at distance [`TWIN_STEP`]
//! from Sobol point `k`, in a direction fixed by the scramble. Scattered points alone cannot
//! tell a smooth landscape from a rippled or noisy one with a similar global trend; the value
//! change across each twin pair measures local roughness directly (see [`crate::classify`]).
//! Categorical coordinates are not moved, so a pair differs only along ordered parameters.
//!
//! # References
//! - I. M. Sobol' (1967), on the distribution of points in a cube.
//! - B. Burley (2020), "Practical Hash-based Owen Scrambling", JCGT 9(4).

use alloc::vec::Vec;

use crate::config::SolverConfig;

/// Sobol indices supported by `sobol_burley`.
const MAX_INDEX: u64 = 1 << 16;

/// Distance in the unit cube between a twin and its Sobol point.
pub const TWIN_STEP: f64 = 0.02;

/// How the planned probe trials split into Sobol points and twins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Sobol points first.
    pub sobol: u64,
    /// Then one twin for each of the first `twins` Sobol points.
    pub twins: u64,
}

impl Layout {
    /// Twins take a quarter of a probe of at least 8 trials (3 to 12 of them).
    pub fn new(planned: u64) -> Self {
        let twins = if planned >= 8 { (planned / 4).clamp(3, 12) } else { 0 };
        Self { sobol: planned - twins, twins }
    }

    /// The unit point of probe trial `index`. Trials past the plan (asked while the probe's
    /// results are still pending) continue the Sobol sequence.
    pub fn point(&self, index: u64, categorical: &[bool], scramble: u32) -> Vec<f64> {
        let dim = categorical.len();
        if index < self.sobol {
            return point(index, dim, scramble);
        }
        let k = index - self.sobol;
        if k >= self.twins {
            return point(index - self.twins, dim, scramble);
        }
        let base = point(k, dim, scramble);
        // A direction from a second, independent scramble: deterministic, no RNG state.
        let mut dir: Vec<f64> = (0..dim)
            .map(|d| if categorical[d] { 0.0 } else { point(k, dim, scramble ^ 0x5bd1_e995)[d] - 0.5 })
            .collect();
        let len = libm::sqrt(dir.iter().map(|x| x * x).sum::<f64>());
        if len > 0.0 {
            dir.iter_mut().for_each(|x| *x *= TWIN_STEP / len);
        }
        let inside = |sign: f64| base.iter().zip(&dir).all(|(b, d)| (0.0..=1.0).contains(&(b + sign * d)));
        let sign = if inside(1.0) { 1.0 } else { -1.0 };
        base.iter().zip(&dir).map(|(b, d)| crate::space::clamp_unit(b + sign * d)).collect()
    }

    /// `(twin index, Sobol index)` pairs within the planned probe.
    pub fn pairs(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        (0..self.twins).map(move |k| (self.sobol + k, k))
    }
}

/// Point `index` of the scrambled design in `dim` dimensions, each coordinate in `[0, 1)`.
pub fn point(index: u64, dim: usize, scramble: u32) -> Vec<f64> {
    // Past 2^16 points (never reached by a probe, kept total anyway) switch to a new
    // independent scramble rather than repeat.
    let block = (index / MAX_INDEX) as u32;
    let i = (index % MAX_INDEX) as u32;
    let seed = scramble.wrapping_add(block.wrapping_mul(0x9E37_79B9));
    (0..dim)
        // f32 -> f64 is exact, so the design is the same on every platform.
        .map(|d| f64::from(sobol_burley::sample(i, d as u32, seed)))
        .collect()
}

/// Number of probe trials the config asks for, before warm-start points are counted.
pub fn planned_size(config: &SolverConfig) -> u64 {
    let dim = config.space.len() as u64;
    let floor = config.probe.min_points.unwrap_or(4 * dim + 4);
    let by_fraction = libm::ceil(config.probe.fraction * config.budget as f64) as u64;
    by_fraction.max(floor).min(config.budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twins_sit_next_to_their_sobol_point() {
        let layout = Layout::new(16);
        assert_eq!(layout, Layout { sobol: 12, twins: 4 });
        let cats = [false, true, false];
        for (twin, base) in layout.pairs() {
            let (t, b) = (layout.point(twin, &cats, 7), layout.point(base, &cats, 7));
            let dist = libm::sqrt(t.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>());
            assert!((dist - TWIN_STEP).abs() < 1e-9 || t.iter().any(|&x| x == 0.0 || x == 1.0), "{dist}");
            assert_eq!(t[1], b[1], "categorical coordinates stay put");
        }
        // Past the plan the Sobol sequence continues where it stopped.
        assert_eq!(layout.point(16, &cats, 7), point(12, 3, 7));
        assert_eq!(Layout::new(7).twins, 0);
    }

    #[test]
    fn design_is_stratified_in_each_dimension() {
        // 16 scrambled Sobol points put exactly one point in each 1/16 strip of every axis.
        for d in 0..3 {
            let mut strips = [0u8; 16];
            for i in 0..16 {
                let x = point(i, 3, 12345)[d];
                assert!((0.0..1.0).contains(&x));
                strips[(x * 16.0) as usize] += 1;
            }
            assert!(strips.iter().all(|&c| c == 1), "dimension {d}: {strips:?}");
        }
    }
}
