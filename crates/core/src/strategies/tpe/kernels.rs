//! The kernels of a Parzen mixture, one per coordinate kind: a normal truncated to [0, 1] on
//! continuous and integer coordinates, a smoothed one-hot kernel on categorical ones.

use super::numerics::{normal_cdf, LN_SQRT_2PI};
use crate::rng::Rng;

/// A categorical coordinate of a mixture and its kernel: each kernel gives its own option a
/// count of 1 and every option, its own included, a pseudo-count `w = 1/(m + 1)` (`m` kernels
/// in the group), so a kernel's own option has probability `(1 + w)/(1 + k·w)` and each other
/// option `w/(1 + k·w)`.
///
/// Smoother than Aitchison–Aitken, so once the good group agrees on an option the others can
/// still win the density ratio (the comparison is in `docs/design.md`, TPE).
pub(super) struct Categorical {
    /// Coordinate index and number of options.
    pub(super) j: usize,
    pub(super) k: usize,
    /// `ln` of the probability of the kernel's own option, and of each other option.
    pub(super) log_own: f64,
    pub(super) log_other: f64,
}

impl Categorical {
    pub(super) fn new(j: usize, k: usize, m: usize) -> Self {
        let spread = Self::spread(k, m);
        let kf = k as f64;
        Self {
            j,
            k,
            log_own: libm::log(1.0 - spread + spread / kf),
            log_other: libm::log(spread / kf),
        }
    }

    /// The probability that a kernel's draw is redrawn uniformly over all `k` options (so it
    /// keeps its own option with probability `1 − spread + spread/k`): `k·w / (1 + k·w)`.
    pub(super) fn spread(k: usize, m: usize) -> f64 {
        let kw = k as f64 / (m as f64 + 1.0);
        kw / (1.0 + kw)
    }
}

/// The option (cell) of a unit coordinate on a categorical parameter with `k` options: exactly
/// `floor(u·k)`, unclamped, so 1.0 has a cell of its own (suggestions depend on it).
pub(super) fn option(u: f64, k: usize) -> u32 {
    libm::floor(u * k as f64) as u32
}

/// `−ln(σ√(2π)) − ln(Φ((1−μ)/σ) − Φ(−μ/σ))`.
pub(super) fn truncated_log_norm(mu: f64, sigma: f64) -> f64 {
    -libm::log(sigma) - LN_SQRT_2PI - libm::log(truncated_mass(mu, sigma))
}

/// `Φ((1−μ)/σ) − Φ(−μ/σ)`: the mass of N(μ, σ²) on [0, 1].
pub(super) fn truncated_mass(mu: f64, sigma: f64) -> f64 {
    // Beyond 6σ from both faces the truncated mass is 1 to double precision.
    if mu > 6.0 * sigma && 1.0 - mu > 6.0 * sigma {
        return 1.0;
    }
    // The centre lies in [0, 1], so the mass is at least Φ(1) − ½ ≈ 0.34 (σ ≤ 1) and the
    // approximate Φ's absolute error of 2.5e-4 is a relative error under 1.5e-3.
    (normal_cdf((1.0 - mu) / sigma) - normal_cdf(-mu / sigma)).max(1e-300)
}

/// A draw from N(μ, σ²) truncated to [0, 1], by rejection (clamped after 16 misses, which
/// only happens for kernels centred far outside the cube).
pub(super) fn sample_truncated(rng: &mut Rng, mu: f64, sigma: f64) -> f64 {
    for _ in 0..16 {
        let x = mu + sigma * rng.normal();
        if (0.0..=1.0).contains(&x) {
            return x;
        }
    }
    mu.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_normal_density_integrates_to_one() {
        for (mu, sigma) in [(0.5, 0.1), (0.02, 0.3), (0.9, 1.0)] {
            let ln = truncated_log_norm(mu, sigma);
            let n = 20_000;
            let integral: f64 = (0..n)
                .map(|i| {
                    let x = (i as f64 + 0.5) / n as f64;
                    let z = (x - mu) / sigma;
                    libm::exp(ln - 0.5 * z * z)
                })
                .sum::<f64>()
                / n as f64;
            // The normaliser uses the approximate CDF: relative error below 1.5e-3.
            assert!((integral - 1.0).abs() < 1.5e-3, "{mu} {sigma}: {integral}");
        }
    }

    #[test]
    fn categorical_kernels_are_distributions() {
        for (k, m) in [(2, 1), (3, 10), (7, 25)] {
            let cat = Categorical::new(0, k, m);
            let (own, other) = (libm::exp(cat.log_own), libm::exp(cat.log_other));
            assert!((own + (k - 1) as f64 * other - 1.0).abs() < 1e-12, "{k} {m}");
            // Every option keeps a pseudo-count of 1/(m + 1), the own option one more.
            let w = 1.0 / (m as f64 + 1.0);
            assert!(
                (other - w / (1.0 + k as f64 * w)).abs() < 1e-15
                    && (own / other - (1.0 + w) / w).abs() < 1e-9,
                "{k} {m}"
            );
        }
    }
}
