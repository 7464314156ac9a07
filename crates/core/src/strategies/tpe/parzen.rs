//! The Parzen estimator: a mixture of one product kernel per observation plus a prior kernel,
//! fitted to a group of points, sampled from, and scored on a batch of candidates.

use alloc::vec::Vec;

use super::kernels::{option, sample_truncated, truncated_log_norm, truncated_mass, Categorical};
use super::numerics::{exp_small, LN_SQRT_2PI};
use crate::encoding::DimKind;
use crate::rng::Rng;

/// Scott's rule constant for a normal reference density.
const SCOTT: f64 = 1.059;

/// A Parzen mixture: one product kernel per point plus a prior kernel, equal weights.
pub(super) struct Parzen<'a> {
    /// Kernel centres, `m` points.
    centres: Vec<&'a [f64]>,
    /// Shared bandwidth per coordinate, and its inverse.
    sigma: Vec<f64>,
    inv_sigma: Vec<f64>,
    /// The centres' ordered coordinates divided by their bandwidth, one row of
    /// `ordered.len()` per kernel, contiguous so that the distance loop vectorises.
    scaled: Vec<f64>,
    /// Per kernel: `Σ_d (−ln(σ_d√(2π)) − ln Z_d)` over the ordered coordinates, `Z_d` the
    /// truncation mass of the kernel's normal on [0, 1].
    log_norm: Vec<f64>,
    /// The prior kernel's constant, likewise.
    prior_log_norm: f64,
    /// Ordered (continuous or integer) coordinates.
    ordered: Vec<usize>,
    /// Categorical coordinates.
    categorical: Vec<Categorical>,
    /// The centres' option indices on the categorical coordinates, one row of
    /// `categorical.len()` per kernel, so scoring compares integers instead of re-deriving
    /// every centre's option from its unit coordinate.
    options: Vec<u32>,
}

const PRIOR_MU: f64 = 0.5;
const PRIOR_SIGMA: f64 = 1.0;

impl<'a> Parzen<'a> {
    pub(super) fn fit(points: impl Iterator<Item = &'a [f64]>, kinds: &[DimKind]) -> Self {
        let centres: Vec<&[f64]> = points.collect();
        let m = centres.len();
        let d = kinds.len();
        let ordered: Vec<usize> =
            (0..d).filter(|&j| !matches!(kinds[j], DimKind::Categorical { .. })).collect();
        let categorical: Vec<Categorical> = kinds
            .iter()
            .enumerate()
            .filter_map(|(j, kind)| match *kind {
                DimKind::Categorical { k } => Some(Categorical::new(j, k, m)),
                _ => None,
            })
            .collect();
        let sigma = bandwidths(&centres, kinds);
        let inv_sigma: Vec<f64> = sigma.iter().map(|s| 1.0 / s).collect();
        // Filled row by row into exactly sized buffers (a flattening iterator cannot tell
        // `collect` its length, and the regrowing cost more than the filling).
        let mut scaled = Vec::with_capacity(m * ordered.len());
        for c in &centres {
            scaled.extend(ordered.iter().map(|&j| c[j] * inv_sigma[j]));
        }
        let log_norm = log_norms(&centres, &ordered, &sigma);
        let prior_log_norm = ordered.len() as f64 * truncated_log_norm(PRIOR_MU, PRIOR_SIGMA);
        let mut options = Vec::with_capacity(m * categorical.len());
        for c in &centres {
            options.extend(categorical.iter().map(|cat| option(c[cat.j], cat.k)));
        }
        Self {
            centres,
            sigma,
            inv_sigma,
            scaled,
            log_norm,
            prior_log_norm,
            ordered,
            categorical,
            options,
        }
    }

    pub(super) fn sample(&self, rng: &mut Rng, kinds: &[DimKind]) -> Vec<f64> {
        let m = self.centres.len();
        let k = rng.below(m as u64 + 1) as usize;
        let prior = k == m;
        kinds
            .iter()
            .enumerate()
            .map(|(j, kind)| match *kind {
                DimKind::Categorical { k: cats } => {
                    let own = if prior { None } else { Some(self.centres[k][j]) };
                    match own {
                        Some(u) if rng.uniform() >= Categorical::spread(cats, m) => u,
                        _ => (rng.below(cats as u64) as f64 + 0.5) / cats as f64,
                    }
                }
                _ => {
                    let (mu, sigma) = if prior {
                        (PRIOR_MU, PRIOR_SIGMA)
                    } else {
                        (self.centres[k][j], self.sigma[j])
                    };
                    sample_truncated(rng, mu, sigma)
                }
            })
            .collect()
    }

    /// Log-density of the mixture at each of `xs` (into `out`, in order).
    ///
    /// The candidates are scored together, kernel by kernel, with the candidates in the inner
    /// loops: those loops run over contiguous columns (one per coordinate) and vectorise,
    /// which scoring one candidate at a time against short rows of 9 or 10 coordinates does
    /// not. Each candidate's own arithmetic is unchanged and in the same order — the squared
    /// distance in four interleaved lanes of coordinates plus a tail, then the categorical
    /// terms, then the log-sum-exp over kernels in kernel order — so the densities are
    /// bit-identical to scoring the candidates one by one.
    pub(super) fn log_pdf_batch(&self, xs: &[Vec<f64>], scratch: &mut Scratch, out: &mut Vec<f64>) {
        let n = xs.len();
        out.clear();
        if n == 0 {
            return;
        }
        let m = self.log_norm.len();
        let Scratch { columns, options, terms, lanes, maxes, sums } = scratch;
        self.candidate_columns(xs, columns, options);
        terms.resize((m + 1) * n, 0.0);
        lanes.resize(5 * n, 0.0);
        let (kernel_terms, prior_terms) = terms.split_at_mut(m * n);
        for (i, own_terms) in kernel_terms.chunks_exact_mut(n).enumerate() {
            self.kernel_terms(i, columns, options, lanes, own_terms);
        }
        self.prior_terms(xs, prior_terms);
        log_sum_exp(terms, n, maxes, sums, out);
    }

    /// The candidates' ordered coordinates divided by their bandwidth, one contiguous column
    /// per coordinate, and their options on the categorical coordinates, likewise.
    fn candidate_columns(&self, xs: &[Vec<f64>], columns: &mut Vec<f64>, options: &mut Vec<u32>) {
        columns.clear();
        for &j in &self.ordered {
            let inv = self.inv_sigma[j];
            columns.extend(xs.iter().map(|x| x[j] * inv));
        }
        options.clear();
        for cat in &self.categorical {
            options.extend(xs.iter().map(|x| option(x[cat.j], cat.k)));
        }
    }

    /// Kernel `i`'s log-density at every candidate (into `out`, one per candidate): the squared
    /// distance in four interleaved lanes of coordinates plus a tail (`lanes`, `5·n` long),
    /// then the categorical terms.
    fn kernel_terms(
        &self,
        i: usize,
        columns: &[f64],
        options: &[u32],
        lanes: &mut [f64],
        out: &mut [f64],
    ) {
        let n = out.len();
        let (width, cats, norm) = (self.ordered.len(), self.categorical.len(), self.log_norm[i]);
        let whole = width / 4 * 4;
        let row = &self.scaled[i * width..(i + 1) * width];
        let (quad, tail) = lanes.split_at_mut(4 * n);
        // A lane's first square is stored rather than added to zero (the same value, since
        // 0 + y = y exactly); only lanes that get no coordinate are zeroed.
        if whole == 0 {
            quad.fill(0.0);
        }
        if whole == width {
            tail.fill(0.0);
        }
        for (d, &r) in row[..whole].iter().enumerate() {
            let lane = &mut quad[(d % 4) * n..(d % 4 + 1) * n];
            let column = &columns[d * n..(d + 1) * n];
            if d < 4 {
                lane.iter_mut().zip(column).for_each(|(acc, &x)| *acc = (x - r) * (x - r));
            } else {
                lane.iter_mut().zip(column).for_each(|(acc, &x)| *acc += (x - r) * (x - r));
            }
        }
        for (d, &r) in row.iter().enumerate().skip(whole) {
            let column = &columns[d * n..(d + 1) * n];
            if d == whole {
                tail.iter_mut().zip(column).for_each(|(acc, &x)| *acc = (x - r) * (x - r));
            } else {
                tail.iter_mut().zip(column).for_each(|(acc, &x)| *acc += (x - r) * (x - r));
            }
        }
        let (l01, l23) = quad.split_at(2 * n);
        for (c, t) in out.iter_mut().enumerate() {
            let sq = (l01[c] + l01[n + c]) + (l23[c] + l23[n + c]) + tail[c];
            *t = norm - 0.5 * sq;
        }
        for (jj, cat) in self.categorical.iter().enumerate() {
            let (centre, own, other) = (self.options[i * cats + jj], cat.log_own, cat.log_other);
            for (t, &o) in out.iter_mut().zip(&options[jj * n..(jj + 1) * n]) {
                *t += if o == centre { own } else { other };
            }
        }
    }

    /// The prior kernel's log-density at every candidate (into `out`).
    fn prior_terms(&self, xs: &[Vec<f64>], out: &mut [f64]) {
        for (t, x) in out.iter_mut().zip(xs) {
            let mut prior = self.prior_log_norm;
            for &j in &self.ordered {
                let z = (x[j] - PRIOR_MU) / PRIOR_SIGMA;
                prior -= 0.5 * z * z;
            }
            for cat in &self.categorical {
                prior -= libm::log(cat.k as f64);
            }
            *t = prior;
        }
    }
}

/// Per coordinate, the bandwidth shared by every kernel: Scott's rule on the centres, shrunk
/// for the dimension, floored by the magic clip `1 / min(100, m + 1)` (and half a cell for
/// integers), at most 1.
fn bandwidths(centres: &[&[f64]], kinds: &[DimKind]) -> Vec<f64> {
    let m = centres.len();
    let d = kinds.len();
    let magic_floor = 1.0 / (m as f64 + 1.0).min(100.0);
    let shrink = libm::pow(m.max(1) as f64, -1.0 / (d as f64 + 4.0));
    kinds
        .iter()
        .enumerate()
        .map(|(j, kind)| {
            let floor = match *kind {
                DimKind::Integer { levels } => magic_floor.max(0.5 / levels),
                _ => magic_floor,
            };
            let std = if m < 2 {
                0.0
            } else {
                let mean = centres.iter().map(|c| c[j]).sum::<f64>() / m as f64;
                libm::sqrt(
                    centres.iter().map(|c| (c[j] - mean) * (c[j] - mean)).sum::<f64>()
                        / (m - 1) as f64,
                )
            };
            (SCOTT * std * shrink).clamp(floor, 1.0)
        })
        .collect()
}

/// Per kernel, `Σ_d (−ln(σ_d√(2π)) − ln Z_d)` over the ordered coordinates.
fn log_norms(centres: &[&[f64]], ordered: &[usize], sigma: &[f64]) -> Vec<f64> {
    // Σ_d −ln(σ_d√(2π)) is shared by every kernel; the truncation masses multiply (each is at
    // least 0.34, so the product of even 256 of them stays a normal double) and cost one `ln`
    // per kernel instead of one per coordinate.
    let base: f64 = ordered.iter().map(|&j| -libm::log(sigma[j]) - LN_SQRT_2PI).sum();
    centres
        .iter()
        .map(|c| {
            base - libm::log(
                ordered.iter().map(|&j| truncated_mass(c[j], sigma[j])).product::<f64>(),
            )
        })
        .collect()
}

/// The mixture's log-density per candidate from `terms`, one row of `n` candidates per kernel
/// (equal weights): the largest term, then the sum of `exp(term − largest)` in kernel order.
/// Terms more than 40 below the largest add less than 4e-18 of it and count as exactly 0 (so
/// no branch stops the loop vectorising).
fn log_sum_exp(
    terms: &[f64],
    n: usize,
    maxes: &mut Vec<f64>,
    sums: &mut Vec<f64>,
    out: &mut Vec<f64>,
) {
    maxes.clear();
    maxes.resize(n, f64::NEG_INFINITY);
    for row in terms.chunks_exact(n) {
        for (top, &t) in maxes.iter_mut().zip(row) {
            *top = top.max(t);
        }
    }
    sums.clear();
    sums.resize(n, 0.0);
    for row in terms.chunks_exact(n) {
        for ((sum, &top), &t) in sums.iter_mut().zip(maxes.iter()).zip(row) {
            let d = t - top;
            let e = exp_small(d.max(-40.0));
            *sum += if d > -40.0 { e } else { 0.0 };
        }
    }
    let log_count = libm::log((terms.len() / n) as f64);
    out.extend(maxes.iter().zip(sums.iter()).map(|(&top, &sum)| {
        if top.is_finite() {
            top + libm::log(sum) - log_count
        } else {
            top - log_count
        }
    }));
}

/// Reused buffers of [`Parzen::log_pdf_batch`]: candidate coordinates by column, their
/// categorical options, the kernel-by-candidate terms, four distance lanes plus a tail per
/// candidate, and each candidate's largest term and sum of exponentials.
/// Their contents never outlive one `ask`, so they are not part of the state: they are not
/// serialized, and any two compare equal.
#[derive(Clone, Default)]
pub(super) struct Scratch {
    columns: Vec<f64>,
    options: Vec<u32>,
    terms: Vec<f64>,
    lanes: Vec<f64>,
    maxes: Vec<f64>,
    sums: Vec<f64>,
}

impl PartialEq for Scratch {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl core::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Scratch")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    /// The mixture's log-density written the plain way: one kernel at a time, `libm::exp`.
    fn reference_log_pdf(p: &Parzen<'_>, x: &[f64]) -> f64 {
        let mut terms: Vec<f64> = p
            .centres
            .iter()
            .zip(&p.log_norm)
            .map(|(c, norm)| {
                let sq: f64 = p.ordered.iter().map(|&j| ((x[j] - c[j]) / p.sigma[j]).powi(2)).sum();
                let cat: f64 = p
                    .categorical
                    .iter()
                    .map(|cat| {
                        if option(x[cat.j], cat.k) == option(c[cat.j], cat.k) {
                            cat.log_own
                        } else {
                            cat.log_other
                        }
                    })
                    .sum();
                norm - 0.5 * sq + cat
            })
            .collect();
        let prior_cat: f64 = p.categorical.iter().map(|cat| libm::log(cat.k as f64)).sum();
        let z2: f64 = p.ordered.iter().map(|&j| (x[j] - PRIOR_MU).powi(2)).sum();
        terms.push(p.prior_log_norm - 0.5 * z2 - prior_cat);
        let max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        max + libm::log(terms.iter().map(|t| libm::exp(t - max)).sum::<f64>())
            - libm::log(terms.len() as f64)
    }

    #[test]
    fn batch_scoring_matches_one_candidate_at_a_time_and_the_plain_formula() {
        use DimKind::{Categorical, Continuous, Integer};
        let spaces: [&[DimKind]; 5] = [
            &[Continuous],
            &[Continuous, Integer { levels: 7.0 }, Continuous],
            &[Categorical { k: 3 }, Categorical { k: 2 }],
            &[Continuous; 9],
            &[
                Continuous,
                Continuous,
                Continuous,
                Continuous,
                Integer { levels: 64.0 },
                Categorical { k: 3 },
                Continuous,
                Continuous,
            ],
        ];
        let mut rng = Rng::new(11, Stream::Tpe);
        for kinds in spaces {
            let d = kinds.len();
            let centres: Vec<Vec<f64>> =
                (0..23).map(|_| (0..d).map(|_| rng.uniform()).collect()).collect();
            let model = Parzen::fit(centres.iter().map(Vec::as_slice), kinds);
            let xs: Vec<Vec<f64>> =
                (0..37).map(|_| (0..d).map(|_| rng.uniform()).collect()).collect();
            let (mut scratch, mut batch, mut single) = (Scratch::default(), Vec::new(), Vec::new());
            model.log_pdf_batch(&xs, &mut scratch, &mut batch);
            assert_eq!(batch.len(), xs.len());
            for (x, &b) in xs.iter().zip(&batch) {
                model.log_pdf_batch(core::slice::from_ref(x), &mut scratch, &mut single);
                assert_eq!(
                    single[0].to_bits(),
                    b.to_bits(),
                    "batching changed a density ({d} dims)"
                );
                let plain = reference_log_pdf(&model, x);
                assert!(
                    (plain - b).abs() < 1e-9 * (1.0 + plain.abs()),
                    "{plain} vs {b} ({d} dims)"
                );
            }
            model.log_pdf_batch(&[], &mut scratch, &mut batch);
            assert!(batch.is_empty());
        }
    }

    #[test]
    fn draws_follow_the_categorical_kernel() {
        // Four kernels on the middle of three options plus the uniform prior kernel.
        let kinds = [DimKind::Categorical { k: 3 }];
        let centres = [[0.5]; 4];
        let parzen = Parzen::fit(centres.iter().map(|c| c.as_slice()), &kinds);
        let own = libm::exp(parzen.categorical[0].log_own);
        let expected = (4.0 * own + 1.0 / 3.0) / 5.0;
        let mut rng = Rng::new(3, Stream::Tpe);
        let draws = 40_000;
        let hits =
            (0..draws).filter(|_| option(parzen.sample(&mut rng, &kinds)[0], 3) == 1).count();
        let share = hits as f64 / draws as f64;
        assert!((share - expected).abs() < 0.01, "{share} against {expected}");
    }
}
