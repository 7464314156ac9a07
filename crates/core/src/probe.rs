//! The probe: a scrambled Sobol design over the unit cube.
//!
//! The first trials of every run are Owen-scrambled Sobol points (Burley's hash-based
//! scrambling, via `sobol_burley`), which cover the space far more evenly than random points
//! for the same count. Their results feed the classifier and seed the refining strategy.
//!
//! # References
//! - I. M. Sobol' (1967), on the distribution of points in a cube.
//! - B. Burley (2020), "Practical Hash-based Owen Scrambling", JCGT 9(4).

use alloc::vec::Vec;

use crate::config::SolverConfig;

/// Sobol indices supported by `sobol_burley`.
const MAX_INDEX: u64 = 1 << 16;

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
    let floor = config.probe.min_points.unwrap_or(2 * dim + 4);
    let by_fraction = libm::ceil(config.probe.fraction * config.budget as f64) as u64;
    by_fraction.max(floor).min(config.budget)
}

#[cfg(test)]
mod tests {
    use super::*;

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
