//! The probe: a scrambled Sobol design over the unit cube.
//!
//! The first trials of every run are Owen-scrambled Sobol points (Burley's hash-based
//! scrambling, via `sobol_burley`), which cover the space far more evenly than random points
//! for the same count. Their results feed the classifier and seed the refining strategy.
//!
//! The last few planned probe trials are *twins*: each of the first few Sobol points (a
//! *site*) gets three, at distances [`TWIN_STEP`] and `2·TWIN_STEP` along one direction fixed
//! by the scramble, and a *near repeat* at [`REPEAT_STEP`] along the same direction. Scattered
//! points alone cannot tell a smooth landscape from a rippled or noisy one with a similar
//! global trend; the second difference `f(x) − 2 f(x+h) + f(x+2h)` across a site measures
//! curvature at a small scale directly, and unlike a first difference it does not grow with
//! the slope. The near repeat separates the two kinds of roughness: on a deterministic
//! landscape, rippled or not, `f` barely moves over 10⁻⁴ of the box, while noise moves it by
//! its full size (see [`crate::classify`]). Categorical coordinates are not moved.
//!
//! **Spaces with a categorical parameter, and spaces of integers on a coarse lattice**, are
//! rugged by rule (the classifier sends them to TPE whatever it measures; see
//! `encoding::Piecewise`), so their probe has no twins and a floor of [`PIECEWISE_FLOOR`] points
//! instead of the `4·D + 4` the quadratic fit needs: the trials saved go to TPE early
//! (measured in `docs/design.md`, Probe). On a coarse integer lattice a twin 0.02 of the box
//! away mostly lands in its site's own cell: a repeated configuration.
//!
//! # References
//! - I. M. Sobol' (1967), on the distribution of points in a cube.
//! - B. Burley (2020), "Practical Hash-based Owen Scrambling", JCGT 9(4).

use alloc::vec::Vec;

use crate::config::SolverConfig;

/// Sobol indices supported by `sobol_burley`.
const MAX_INDEX: u64 = 1 << 16;

/// Distance in the unit cube between a site's Sobol point and its first twin.
pub const TWIN_STEP: f64 = 0.02;

/// Distance in the unit cube between a site's Sobol point and its near repeat.
pub const REPEAT_STEP: f64 = 1e-4;

/// Extra trials per site: two twins and a near repeat.
const PER_SITE: u64 = 3;

/// Default probe floor for a space TPE refines by rule (a categorical parameter, or integers
/// on a coarse lattice): at γ = 0.1 the TPE that follows has a good group of one point from
/// here on.
pub const PIECEWISE_FLOOR: u64 = 10;

/// How the planned probe trials split into Sobol points and twin sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Sobol points first.
    pub sobol: u64,
    /// Then two twins and a near repeat for each of the first `sites` Sobol points.
    pub sites: u64,
}

impl Layout {
    /// About a third of a probe of at least 10 trials goes to twins: 2 to 6 sites. A space
    /// the classifier calls rugged whatever the roughness (`piecewise`: a categorical
    /// parameter, or integers on a coarse lattice) gets none: its twins would be wasted trials.
    pub fn new(planned: u64, piecewise: bool) -> Self {
        let twins = planned >= 10 && !piecewise;
        let sites = if twins { (planned / 10).clamp(2, 6) } else { 0 };
        Self { sobol: planned - PER_SITE * sites, sites }
    }

    /// The unit point of probe trial `index`. Trials past the plan (asked while the probe's
    /// results are still pending) continue the Sobol sequence.
    pub fn point(&self, index: u64, categorical: &[bool], scramble: u32) -> Vec<f64> {
        let dim = categorical.len();
        let twins = PER_SITE * self.sites;
        if index < self.sobol {
            return point(index, dim, scramble);
        }
        let k = index - self.sobol;
        if k >= twins {
            return point(index - twins, dim, scramble);
        }
        let (site, steps) =
            (k / PER_SITE, [1.0, 2.0, REPEAT_STEP / TWIN_STEP][(k % PER_SITE) as usize]);
        let base = point(site, dim, scramble);
        // A direction from a second, independent scramble: deterministic, no RNG state.
        let other = point(site, dim, scramble ^ 0x5bd1_e995);
        let mut dir: Vec<f64> =
            (0..dim).map(|d| if categorical[d] { 0.0 } else { other[d] - 0.5 }).collect();
        let len = libm::sqrt(dir.iter().map(|x| x * x).sum::<f64>());
        if len > 0.0 {
            dir.iter_mut().for_each(|x| *x *= TWIN_STEP / len);
        }
        // Both twins must fit: a coordinate that would leave the cube steps the other way
        // (the three points stay collinear and equally spaced).
        for (d, b) in dir.iter_mut().zip(&base) {
            if !(0.0..=1.0).contains(&(b + 2.0 * *d)) {
                *d = -*d;
            }
        }
        base.iter().zip(&dir).map(|(b, d)| crate::encoding::clamp_unit(b + steps * d)).collect()
    }

    /// `(Sobol index, first twin, second twin, near repeat)` for each site of the planned probe.
    pub fn sites(&self) -> impl Iterator<Item = [u64; 4]> + '_ {
        (0..self.sites).map(move |k| {
            let first = self.sobol + PER_SITE * k;
            [k, first, first + 1, first + 2]
        })
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
///
/// The default floor is `4·D + 4` points, enough for the classifier's quadratic fit. A space
/// with a categorical parameter, or of integers on a coarse lattice, is rugged by rule, so
/// nothing is fitted and the floor is only [`PIECEWISE_FLOOR`] (or `D + 1`, a Nelder–Mead
/// simplex, if larger).
pub fn planned_size(config: &SolverConfig) -> u64 {
    let dim = config.space.len() as u64;
    let piecewise = crate::encoding::Encoding::new(&config.space).piecewise().is_some();
    let default_floor = if piecewise { PIECEWISE_FLOOR.max(dim + 1) } else { 4 * dim + 4 };
    let floor = config.probe.min_points.unwrap_or(default_floor);
    let by_fraction = libm::ceil(config.probe.fraction * config.budget as f64) as u64;
    by_fraction.max(floor).min(config.budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twins_are_collinear_steps_from_their_site() {
        let layout = Layout::new(20, false);
        assert_eq!(layout, Layout { sobol: 14, sites: 2 });
        let cats = [false, true, false];
        for [base, t1, t2, near] in layout.sites() {
            let [b, a, c, r] = [base, t1, t2, near].map(|i| layout.point(i, &cats, 7));
            let dist = |p: &[f64], q: &[f64]| {
                libm::sqrt(p.iter().zip(q).map(|(x, y)| (x - y) * (x - y)).sum::<f64>())
            };
            assert!((dist(&b, &a) - TWIN_STEP).abs() < 1e-9, "{}", dist(&b, &a));
            assert!((dist(&b, &c) - 2.0 * TWIN_STEP).abs() < 1e-9, "{}", dist(&b, &c));
            assert!((dist(&b, &r) - REPEAT_STEP).abs() < 1e-9, "{}", dist(&b, &r));
            assert_eq!((a[1], c[1], r[1]), (b[1], b[1], b[1]), "categorical coordinates stay put");
        }
        // Past the plan the Sobol sequence continues where it stopped.
        assert_eq!(layout.point(20, &cats, 7), point(14, 3, 7));
        assert_eq!(Layout::new(9, false).sites, 0);
        assert_eq!(Layout::new(200, false).sites, 6);
    }

    #[test]
    fn spaces_rugged_by_rule_get_a_small_probe_without_twins() {
        use crate::config::{Param, Space};
        let mixed = Space::new()
            .with("depth", Param::int(1, 20))
            .with("leaf", Param::int(1, 60))
            .with("split", Param::int(2, 40))
            .with("features", Param::float(0.1, 1.0))
            .with("criterion", Param::choice(["a", "b", "c"]));
        let continuous =
            Space::new().with("x", Param::float(0.0, 1.0)).with("y", Param::float(0.0, 1.0));
        assert_eq!(planned_size(&SolverConfig::new(mixed.clone(), 50, 0)), 10);
        assert_eq!(
            planned_size(&SolverConfig::new(mixed.clone(), 200, 0)),
            40,
            "the fraction still rules"
        );
        assert_eq!(
            planned_size(&SolverConfig::new(continuous, 50, 0)),
            12,
            "4·D + 4 for the quadratic fit"
        );
        let wide = (0..15).fold(Space::new().with("c", Param::choice([1, 2])), |s, i| {
            s.with(alloc::format!("x{i}"), Param::float(0.0, 1.0))
        });
        assert_eq!(planned_size(&SolverConfig::new(wide, 50, 0)), 17, "a simplex of D + 1 points");
        let lattice = Space::new()
            .with("a", Param::int(1, 6))
            .with("b", Param::int(1, 6))
            .with("c", Param::int(1, 6));
        assert_eq!(
            planned_size(&SolverConfig::new(lattice, 50, 0)),
            10,
            "a coarse integer lattice is rugged by rule too"
        );
        let fine = Space::new().with("a", Param::int(1, 30)).with("b", Param::int(1, 30));
        assert_eq!(
            planned_size(&SolverConfig::new(fine, 50, 0)),
            12,
            "a fine lattice is probed like a continuous space"
        );
        let layout = Layout::new(10, true);
        assert_eq!(layout, Layout { sobol: 10, sites: 0 });
        assert_eq!(layout.sites().count(), 0);
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
