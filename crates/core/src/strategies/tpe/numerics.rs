//! Special functions for the Parzen mixture, fast and bit-identical on every platform: a
//! range-limited `exp` for the log-sum-exp and an approximate normal CDF for truncation masses.

/// `eˣ` for `x` in `[−40, 0]`, the only range the log-sum-exp of
/// [`Parzen::log_pdf_batch`](super::parzen::Parzen::log_pdf_batch) needs, to a relative error
/// below 1e-13: `x = k·ln 2 + r` with `|r| ≤ ln 2 / 2`, a degree-11 Taylor polynomial in `r`,
/// and `2ᵏ` written straight into the exponent bits. Plain IEEE arithmetic and integer
/// operations in a fixed order, so it is bit-identical on every platform like the rest of the
/// engine, and branch-free, so the loop over candidates vectorises (the general `exp` was a
/// large share of TPE's cost; see `docs/design.md`).
pub(super) fn exp_small(x: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    // Adding and subtracting 1.5·2⁵² rounds to the nearest integer in IEEE arithmetic.
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let shifted = x * core::f64::consts::LOG2_E + ROUND;
    let k = shifted - ROUND;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let p = 1.0 / 3_628_800.0 + r * (1.0 / 39_916_800.0);
    let p = 1.0 / 362_880.0 + r * p;
    let p = 1.0 / 40_320.0 + r * p;
    let p = 1.0 / 5_040.0 + r * p;
    let p = 1.0 / 720.0 + r * p;
    let p = 1.0 / 120.0 + r * p;
    let p = 1.0 / 24.0 + r * p;
    let p = 1.0 / 6.0 + r * p;
    let p = 0.5 + r * p;
    let p = 1.0 + r * p;
    let p = 1.0 + r * p;
    // k is in [−58, 0] and sits in the low bits of `shifted` (its unit in the last place is 1):
    // 2ᵏ is written into the exponent bits with integer operations only.
    p * f64::from_bits(shifted.to_bits().wrapping_sub(ROUND.to_bits()).wrapping_add(1023) << 52)
}

pub(super) const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Standard normal CDF through the erf approximation 7.1.27 of Abramowitz & Stegun (absolute
/// error below 2.5e-4 in the CDF): a rational function, no `exp` or `erfc`, because every
/// `ask` recomputes `m·D` truncation masses. An error of that size in a kernel's normaliser is
/// far below the uncertainty of its bandwidth. IEEE arithmetic only, so it is bit-identical
/// across platforms.
pub(super) fn normal_cdf(z: f64) -> f64 {
    let x = libm::fabs(z) * core::f64::consts::FRAC_1_SQRT_2;
    let p = 1.0 + x * (0.278_393 + x * (0.230_389 + x * (0.000_972 + x * 0.078_108)));
    let p2 = p * p;
    let erfc = 1.0 / (p2 * p2);
    if z >= 0.0 {
        1.0 - 0.5 * erfc
    } else {
        0.5 * erfc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_small_matches_exp_over_its_range() {
        let mut worst = 0.0f64;
        for i in 0..=400_000 {
            let x = -40.0 * f64::from(i) / 400_000.0;
            let (fast, exact) = (exp_small(x), libm::exp(x));
            worst = worst.max(((fast - exact) / exact).abs());
        }
        assert!(worst < 1e-13, "worst relative error {worst:e}");
        assert_eq!(exp_small(0.0), 1.0);
    }

    #[test]
    fn approximate_normal_cdf_matches_libm() {
        for i in -80..=80 {
            let z = f64::from(i) / 10.0;
            let exact = 0.5 * libm::erfc(-z * core::f64::consts::FRAC_1_SQRT_2);
            assert!((normal_cdf(z) - exact).abs() < 2.5e-4, "{z}: {} vs {exact}", normal_cdf(z));
        }
    }
}
