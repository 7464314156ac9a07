//! Gaussian-process Bayesian optimisation with expected improvement: a model of the whole
//! landscape for small budgets at small dimension, where a global surrogate can afford to
//! weigh every evaluation.
//!
//! **Model.** A zero-mean GP on the unit cube with a Matérn-5/2 kernel with one length scale
//! per coordinate (ARD), on outputs warped and standardised: `w = ln(1 + (y − y_min)/s)` with
//! `s` the distance from the minimum to the median, which keeps the region near the best
//! values linear and compresses the heavy upper tail (an ellipsoid's values span decades), then
//! shifted to mean 0 and scaled to unit variance. Failed trials take the worst warped value.
//! A noise term `λ` (relative to the signal variance) lets the model smooth near repeats and
//! ripples the kernel cannot follow.
//!
//! **Hyperparameters.** The length scales and `λ` maximise the log marginal likelihood with the
//! signal variance profiled out (Rasmussen & Williams 2006, ch. 5), plus weak log-normal priors
//! that keep a dozen points from choosing a degenerate model (Snoek et al. 2012 marginalise
//! instead; a MAP point is what a per-trial budget affords). The search starts from the
//! previous fit and a few isotropic guesses, then climbs the analytic gradient with a
//! step that grows on success and shrinks on failure. It runs after every tell until the
//! working set is full, then each time the told points grow by an eighth (at most 16 tells
//! apart), which amortises its `O(k³)` cost where it is largest.
//!
//! **Working set.** The model sees at most [`WORKING_SET`] told points: the best half, then the
//! nearest to the incumbent. The archive they are chosen from is bounded too (the worst points
//! leave first), so the cost per trial stays flat however long the history: a fit is
//! `O(k³)` per likelihood evaluation and a prediction `O(k²)` for a working set of `k`.
//!
//! **Proposal.** Expected improvement over the best told value (Jones, Schonlau & Welch 1998),
//! in log form so that it still ranks candidates where it underflows, is maximised over a
//! deterministic candidate set: scrambled Sobol points over the cube and Gaussian
//! perturbations of the best points at three scales of their length scales; the best few are
//! then polished by a compass search. Integer and categorical coordinates are snapped to their
//! cells before scoring, and configurations already handed out are skipped on all-discrete
//! spaces.
//!
//! **Trials in flight.** Pending points enter the model with the mean value (a constant liar,
//! Ginsbourger et al. 2010), so a batch spreads out instead of crowding around one maximiser
//! (the incumbent's value as the lie left batch points 1e-3 apart); tells may come in any
//! order.
//!
//! # References
//! - D. R. Jones, M. Schonlau, W. J. Welch (1998), "Efficient global optimization of expensive
//!   black-box functions", J. Global Optimization 13.
//! - J. Snoek, H. Larochelle, R. P. Adams (2012), "Practical Bayesian optimization of machine
//!   learning algorithms", NeurIPS.
//! - C. E. Rasmussen, C. K. I. Williams (2006), "Gaussian Processes for Machine Learning",
//!   MIT Press, ch. 2 and 5.
//! - D. Ginsbourger, R. Le Riche, L. Carraro (2010), "Kriging is well-suited to parallelize
//!   optimization", in Computational Intelligence in Expensive Optimization Problems.

use alloc::vec;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::{Context, Point, FAILED};
use crate::encoding::DimKind;
use crate::rng::{Rng, Stream};

/// Most told points a model is fitted on.
pub(crate) const WORKING_SET: usize = 64;
/// Most points the archive keeps to choose the working set from.
const ARCHIVE_CAP: usize = 4 * WORKING_SET;
/// Bounds of the log length scales (unit cube) and of the log noise ratio.
const LOG_ELL: (f64, f64) = (-4.605_170_185_988_091, 2.995_732_273_553_991); // 0.01 .. 20
const LOG_NOISE: (f64, f64) = (-18.420_680_743_952_367, 0.0); // 1e-8 .. 1
/// Log-normal priors: length scales around 0.3 of the cube, noise around 1e-3 of the signal.
const PRIOR_ELL: (f64, f64) = (-1.203_972_804_325_936, 1.0);
const PRIOR_NOISE: (f64, f64) = (-6.907_755_278_982_137, 2.5);
/// Diagonal jitter that keeps the kernel matrix positive definite in floating point.
const JITTER: f64 = 1e-9;
/// Once the working set is full, hyperparameters are refitted when the told points have grown
/// by an eighth since the last fit, and at least every [`REFIT_MAX`] tells; in between the
/// model keeps them and only conditions on the new points.
const REFIT_GROWTH: u64 = 8;
const REFIT_MAX: u64 = 16;

/// Tells after a fit at `at` told points before the next fit.
fn refit_interval(at: u64) -> u64 {
    if at < WORKING_SET as u64 {
        1
    } else {
        (at / REFIT_GROWTH).clamp(1, REFIT_MAX)
    }
}
/// Likelihood evaluations of one hyperparameter fit (besides the starting guesses).
const FIT_EVALS: usize = 24;
/// Best told points whose neighbourhoods seed candidates, and perturbations per scale.
const LOCAL_CENTRES: usize = 4;
const PER_SCALE: usize = 8;
/// Candidates polished by compass search, its halvings and sweeps per step length.
const POLISHED: usize = 2;
const POLISH_HALVINGS: usize = 20;
const POLISH_SWEEPS: usize = 4;

const SQRT5: f64 = 2.236_067_977_499_79;

/// GP-EI state: the archive of told points and the last fitted hyperparameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Gp {
    dim: usize,
    /// Told points (failed ones with the failed rank), at most [`ARCHIVE_CAP`].
    archive: Vec<Point>,
    /// Log length scales (one per coordinate), then the log noise ratio.
    theta: Vec<f64>,
    /// Observations told so far, and the count the hyperparameters were last fitted at.
    told: u64,
    fitted: Option<u64>,
    rng: Rng,
}

impl Gp {
    /// A model of `history` (probe and warm-start points, in trial order).
    pub(crate) fn new(dim: usize, history: &[Point], seed: u64) -> Self {
        let mut theta = vec![PRIOR_ELL.0; dim];
        theta.push(PRIOR_NOISE.0);
        let mut s = Self {
            dim,
            archive: Vec::new(),
            theta,
            told: 0,
            fitted: None,
            rng: Rng::new(seed, Stream::Gp),
        };
        for p in history {
            s.remember(p.clone());
        }
        s
    }

    /// Result of a told trial at `u` (this strategy's or not).
    pub(crate) fn observe(&mut self, u: &[f64], f: f64) {
        self.remember(Point { u: u.to_vec(), f });
    }

    fn remember(&mut self, p: Point) {
        self.told += 1;
        self.archive.push(p);
        if self.archive.len() > ARCHIVE_CAP {
            // The worst value leaves; of equals, the earliest.
            let worst = self.archive.iter().enumerate().fold(0, |w, (i, p)| {
                if p.f > self.archive[w].f {
                    i
                } else {
                    w
                }
            });
            self.archive.remove(worst);
        }
    }

    /// Next point to evaluate.
    pub(crate) fn propose(&mut self, ctx: &Context<'_>) -> Vec<f64> {
        let n = self.dim;
        let discrete = ctx.kinds.iter().any(|k| !matches!(k, DimKind::Continuous));
        let work: Vec<Point> = self.working_set().into_iter().cloned().collect();
        let finite = work.iter().filter(|p| p.f != FAILED).count();
        if finite < 2 {
            let mut u: Vec<f64> = (0..n).map(|_| self.rng.uniform()).collect();
            if discrete {
                crate::encoding::snap(ctx.space, &mut u);
            }
            return u;
        }
        let ys = warp(&work.iter().map(|p| p.f).collect::<Vec<f64>>());
        let xs: Vec<&[f64]> = work.iter().map(|p| p.u.as_slice()).collect();
        if self.fitted.is_none_or(|at| self.told >= at + refit_interval(at)) {
            self.theta = fit(&xs, &ys, n, &self.theta);
            self.fitted = Some(self.told);
        }
        // The constant liar: pending points enter with the mean value (0 once standardised),
        // which keeps a batch from crowding around one maximiser.
        let best = ys.iter().copied().fold(f64::MAX, f64::min);
        let pending: Vec<&[f64]> = ctx.pending.iter().copied().filter(|u| u.len() == n).collect();
        let mut all_x = xs.clone();
        all_x.extend(pending.iter().copied());
        let mut all_y = ys.clone();
        all_y.extend(core::iter::repeat_n(0.0, pending.len()));
        let post = Posterior::new(&all_x, &all_y, &self.theta, n)
            .or_else(|| Posterior::new(&xs, &ys, &self.theta, n));
        let Some(post) = post else {
            let mut u: Vec<f64> = (0..n).map(|_| self.rng.uniform()).collect();
            if discrete {
                crate::encoding::snap(ctx.space, &mut u);
            }
            return u;
        };
        let snap = |u: &mut Vec<f64>| {
            if discrete {
                crate::encoding::snap(ctx.space, u);
            } else {
                u.iter_mut().for_each(|x| *x = crate::encoding::clamp_unit(*x));
            }
        };
        let score = |u: &[f64]| post.log_ei(u, best);

        // Candidates: scrambled Sobol points, then perturbations of the best points.
        let mut cands: Vec<Vec<f64>> = Vec::new();
        let scramble = self.rng.next_u64() as u32;
        let sobol = 128 + 16 * n;
        for i in 0..sobol as u64 {
            let mut u = crate::probe::point(i, n, scramble);
            snap(&mut u);
            cands.push(u);
        }
        let mut order: Vec<usize> = (0..ys.len()).collect();
        order.sort_by(|&a, &b| ys[a].total_cmp(&ys[b]).then(a.cmp(&b)));
        let ell: Vec<f64> = self.theta[..n].iter().map(|t| libm::exp(*t)).collect();
        for &c in order.iter().take(LOCAL_CENTRES) {
            for scale in [0.03, 0.15, 0.5] {
                for _ in 0..PER_SCALE {
                    let mut u: Vec<f64> = (0..n)
                        .map(|k| xs[c][k] + (scale * ell[k]).min(0.3) * self.rng.normal())
                        .collect();
                    u.iter_mut().for_each(|x| *x = reflect(*x));
                    snap(&mut u);
                    cands.push(u);
                }
            }
        }
        let mut scored: Vec<(f64, Vec<f64>)> = cands.into_iter().map(|u| (score(&u), u)).collect();
        // Best first; of equals, the earliest candidate.
        let rank = |v: &mut Vec<(f64, Vec<f64>)>| v.sort_by(|a, b| b.0.total_cmp(&a.0));
        rank(&mut scored);
        // Compass search from the best few, on continuous coordinates at their own scales.
        let mut polished: Vec<(f64, Vec<f64>)> = Vec::new();
        for (v0, u0) in scored.iter().take(POLISHED) {
            let (mut v, mut u) = (*v0, u0.clone());
            let mut step: Vec<f64> = ell.iter().map(|l| (0.1 * l).min(0.1)).collect();
            for _ in 0..POLISH_HALVINGS {
                // A few sweeps per step length: far in EI's tail it rises over long distances.
                let mut moved = true;
                let mut sweeps = 0;
                while moved && sweeps < POLISH_SWEEPS {
                    moved = false;
                    sweeps += 1;
                    for k in 0..n {
                        if !matches!(ctx.kinds.get(k), Some(DimKind::Continuous) | None) {
                            continue;
                        }
                        for sign in [1.0, -1.0] {
                            let mut t = u.clone();
                            t[k] = crate::encoding::clamp_unit(t[k] + sign * step[k]);
                            let tv = score(&t);
                            if tv > v {
                                (v, u) = (tv, t);
                                moved = true;
                            }
                        }
                    }
                }
                step.iter_mut().for_each(|s| *s *= 0.5);
            }
            polished.push((v, u));
        }
        polished.extend(scored);
        rank(&mut polished);
        // The best candidate that is not an evaluated or pending point.
        let taken = |u: &[f64]| {
            xs.iter().chain(&pending).any(|x| dist2(x, u) < 1e-20)
                || ctx.seen.is_some_and(|s| s.contains(ctx.space, u))
        };
        if let Some((_, u)) = polished.iter().find(|(_, u)| !taken(u)) {
            return u.clone();
        }
        let mut u: Vec<f64> = (0..n).map(|_| self.rng.uniform()).collect();
        snap(&mut u);
        u
    }

    /// The told points the model is fitted on: all of them up to [`WORKING_SET`], else the
    /// best half and then the nearest to the best, in archive order.
    fn working_set(&self) -> Vec<&Point> {
        if self.archive.len() <= WORKING_SET {
            return self.archive.iter().collect();
        }
        let mut order: Vec<usize> = (0..self.archive.len()).collect();
        order.sort_by(|&a, &b| self.archive[a].f.total_cmp(&self.archive[b].f).then(a.cmp(&b)));
        let best = &self.archive[order[0]].u;
        let (head, rest) = order.split_at(WORKING_SET / 2);
        let mut rest: Vec<(f64, usize)> =
            rest.iter().map(|&i| (dist2(&self.archive[i].u, best), i)).collect();
        rest.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut chosen: Vec<usize> = head.to_vec();
        chosen.extend(rest.iter().take(WORKING_SET - head.len()).map(|(_, i)| *i));
        chosen.sort_unstable();
        chosen.into_iter().map(|i| &self.archive[i]).collect()
    }

    pub(crate) fn is_consistent(&self, dim: usize) -> bool {
        self.dim == dim
            && dim > 0
            && self.theta.len() == dim + 1
            && self.theta.iter().all(|t| t.is_finite())
            && self.archive.iter().all(|p| p.u.len() == dim)
    }
}

/// Warped and standardised outputs (see the module docs); failed trials take the worst value.
fn warp(f: &[f64]) -> Vec<f64> {
    let mut finite: Vec<f64> = f.iter().copied().filter(|&v| v != FAILED).collect();
    finite.sort_by(f64::total_cmp);
    let (min, max) = (finite[0], finite[finite.len() - 1]);
    let median = finite[finite.len() / 2];
    let s = if median > min {
        median - min
    } else if max > min {
        max - min
    } else {
        1.0
    };
    let w: Vec<f64> =
        f.iter().map(|&v| libm::log1p((if v == FAILED { max } else { v } - min) / s)).collect();
    let mean = w.iter().sum::<f64>() / w.len() as f64;
    let var = w.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / w.len() as f64;
    let sd = if var > 0.0 { libm::sqrt(var) } else { 1.0 };
    w.iter().map(|v| (v - mean) / sd).collect()
}

/// The Matérn-5/2 correlation at scaled distance `r` (squared `r2`) and the factor of its
/// derivative in a log length scale: `∂k/∂ln ℓ_k = g · d_k² / ℓ_k²`.
fn matern(r2: f64) -> (f64, f64) {
    let r = libm::sqrt(r2);
    let e = libm::exp(-SQRT5 * r);
    ((1.0 + SQRT5 * r + 5.0 / 3.0 * r2) * e, 5.0 / 3.0 * (1.0 + SQRT5 * r) * e)
}

/// Log prior of `theta` and its gradient.
fn log_prior(theta: &[f64], n: usize) -> (f64, Vec<f64>) {
    let mut value = 0.0;
    let grad = theta
        .iter()
        .enumerate()
        .map(|(k, &t)| {
            let (mu, sd) = if k < n { PRIOR_ELL } else { PRIOR_NOISE };
            let z = (t - mu) / sd;
            value -= 0.5 * z * z;
            -z / sd
        })
        .collect();
    (value, grad)
}

fn clamp_theta(theta: &mut [f64], n: usize) {
    for (k, t) in theta.iter_mut().enumerate() {
        let (lo, hi) = if k < n { LOG_ELL } else { LOG_NOISE };
        *t = t.clamp(lo, hi);
    }
}

/// Pairwise squared coordinate differences of the points, `[pair][coordinate]` for the pairs
/// `i > j` in row order.
fn pair_diffs(xs: &[&[f64]], n: usize) -> Vec<f64> {
    let m = xs.len();
    let mut d = Vec::with_capacity(m * (m - 1) / 2 * n);
    for i in 0..m {
        for j in 0..i {
            d.extend(xs[i].iter().zip(xs[j]).map(|(a, b)| (a - b) * (a - b)));
        }
    }
    d
}

/// Log posterior density of `theta` (profiled log marginal likelihood plus log prior) and, when
/// asked, its gradient. `None` when the kernel matrix is not positive definite.
fn objective(
    theta: &[f64],
    diffs: &[f64],
    y: &[f64],
    n: usize,
    want_grad: bool,
) -> Option<(f64, Vec<f64>)> {
    let m = y.len();
    let inv2: Vec<f64> = theta[..n].iter().map(|t| libm::exp(-2.0 * t)).collect();
    let noise = libm::exp(theta[n]);
    let mut k = vec![0.0; m * m];
    let mut g = if want_grad { vec![0.0; m * (m - 1) / 2] } else { Vec::new() };
    let mut pair = 0;
    for i in 0..m {
        for j in 0..i {
            let d = &diffs[pair * n..(pair + 1) * n];
            let r2: f64 = d.iter().zip(&inv2).map(|(a, b)| a * b).sum();
            let (c, dc) = matern(r2);
            k[i * m + j] = c;
            if want_grad {
                g[pair] = dc;
            }
            pair += 1;
        }
        k[i * m + i] = 1.0 + noise + JITTER;
    }
    cholesky(&mut k, m)?;
    let alpha = chol_solve(&k, y, m);
    let ya: f64 = y.iter().zip(&alpha).map(|(a, b)| a * b).sum();
    if ya.is_nan() || ya <= 0.0 {
        return None;
    }
    let logdet: f64 = (0..m).map(|i| libm::log(k[i * m + i])).sum::<f64>() * 2.0;
    let (prior, prior_grad) = log_prior(theta, n);
    let value = -0.5 * m as f64 * libm::log(ya / m as f64) - 0.5 * logdet + prior;
    if !value.is_finite() {
        return None;
    }
    if !want_grad {
        return Some((value, Vec::new()));
    }
    // W = (m / yᵀα) ααᵀ − K⁻¹; the gradient is ½ Σ W ∘ ∂K.
    let kinv = chol_inverse(&k, m);
    let scale = m as f64 / ya;
    let w = |i: usize, j: usize| scale * alpha[i] * alpha[j] - kinv[i * m + j];
    let mut grad = prior_grad;
    let mut pair = 0;
    for i in 0..m {
        for j in 0..i {
            let wg = w(i, j) * g[pair];
            let d = &diffs[pair * n..(pair + 1) * n];
            for kk in 0..n {
                grad[kk] += wg * d[kk] * inv2[kk];
            }
            pair += 1;
        }
    }
    grad[n] += 0.5 * noise * (0..m).map(|i| w(i, i)).sum::<f64>();
    Some((value, grad))
}

/// Hyperparameters for the points `xs` with standardised outputs `y`: the best of `start` and a
/// few isotropic guesses, then gradient ascent on the log posterior density.
fn fit(xs: &[&[f64]], y: &[f64], n: usize, start: &[f64]) -> Vec<f64> {
    let diffs = pair_diffs(xs, n);
    let value = |t: &[f64]| objective(t, &diffs, y, n, false).map_or(f64::MIN, |(v, _)| v);
    let mut best = start.to_vec();
    clamp_theta(&mut best, n);
    let mut best_v = value(&best);
    for ell in [0.1, 0.3, 1.0] {
        let mut t = vec![libm::log(ell); n];
        t.push(PRIOR_NOISE.0);
        let v = value(&t);
        if v > best_v {
            (best, best_v) = (t, v);
        }
    }
    let mut step = 0.5;
    let mut evals = 0;
    'climb: while evals < FIT_EVALS {
        let Some((v, grad)) = objective(&best, &diffs, y, n, true) else { break };
        evals += 1;
        best_v = v;
        let top = grad.iter().fold(0.0f64, |m, g| m.max(libm::fabs(*g)));
        if top.is_nan() || top <= 1e-9 {
            break;
        }
        while evals < FIT_EVALS {
            let mut t: Vec<f64> = best.iter().zip(&grad).map(|(a, g)| a + step * g / top).collect();
            clamp_theta(&mut t, n);
            let tv = value(&t);
            evals += 1;
            if tv > best_v {
                best = t;
                step = (step * 1.6).min(2.0);
                continue 'climb;
            }
            step *= 0.25;
            if step < 1e-3 {
                break 'climb;
            }
        }
    }
    best
}

/// The GP posterior given points, standardised outputs and hyperparameters.
struct Posterior<'a> {
    xs: Vec<&'a [f64]>,
    inv2: Vec<f64>,
    /// Cholesky factor (lower, row-major) of the kernel matrix.
    chol: Vec<f64>,
    alpha: Vec<f64>,
}

impl<'a> Posterior<'a> {
    fn new(xs: &[&'a [f64]], y: &[f64], theta: &[f64], n: usize) -> Option<Self> {
        let m = xs.len();
        let inv2: Vec<f64> = theta[..n].iter().map(|t| libm::exp(-2.0 * t)).collect();
        let noise = libm::exp(theta[n]);
        let mut k = vec![0.0; m * m];
        for i in 0..m {
            for j in 0..i {
                k[i * m + j] = matern(scaled_dist2(xs[i], xs[j], &inv2)).0;
            }
            k[i * m + i] = 1.0 + noise + JITTER;
        }
        cholesky(&mut k, m)?;
        let alpha = chol_solve(&k, y, m);
        Some(Self { xs: xs.to_vec(), inv2, chol: k, alpha })
    }

    /// Posterior mean and variance of the latent function at `u`.
    fn predict(&self, u: &[f64]) -> (f64, f64) {
        let m = self.xs.len();
        let mut v: Vec<f64> =
            self.xs.iter().map(|x| matern(scaled_dist2(x, u, &self.inv2)).0).collect();
        let mean: f64 = v.iter().zip(&self.alpha).map(|(a, b)| a * b).sum();
        forward(&self.chol, &mut v, m);
        let var = 1.0 - v.iter().map(|x| x * x).sum::<f64>();
        (mean, var.max(1e-12))
    }

    /// Log expected improvement below `best` at `u`.
    fn log_ei(&self, u: &[f64], best: f64) -> f64 {
        let (mean, var) = self.predict(u);
        let sd = libm::sqrt(var);
        libm::log(sd) + log_h((best - mean) / sd)
    }
}

/// `ln(z Φ(z) + φ(z))`, the log expected improvement of a unit normal past `−z`, accurate in
/// the far tail where it underflows (asymptotic series of the Mills ratio).
fn log_h(z: f64) -> f64 {
    const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_7;
    let log_phi = -0.5 * z * z - LN_SQRT_2PI;
    if z > -25.0 {
        let cdf = 0.5 * libm::erfc(-z * core::f64::consts::FRAC_1_SQRT_2);
        let h = z * cdf + libm::exp(log_phi);
        return libm::log(h.max(f64::MIN_POSITIVE));
    }
    let q = 1.0 / (z * z);
    log_phi + libm::log(q * (1.0 - q * (3.0 - q * (15.0 - 105.0 * q))))
}

fn scaled_dist2(a: &[f64], b: &[f64], inv2: &[f64]) -> f64 {
    a.iter().zip(b).zip(inv2).map(|((x, y), s)| (x - y) * (x - y) * s).sum()
}

fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Mirrors a coordinate into `[0, 1]` at the faces.
fn reflect(x: f64) -> f64 {
    let t = libm::fmod(libm::fabs(x), 2.0);
    crate::encoding::clamp_unit(if t > 1.0 { 2.0 - t } else { t })
}

/// In-place Cholesky factorisation of the symmetric positive definite `m × m` matrix whose
/// lower triangle is `a` (row-major); `None` when a pivot is not positive.
fn cholesky(a: &mut [f64], m: usize) -> Option<()> {
    for i in 0..m {
        for j in 0..=i {
            let (ri, rj) = (&a[i * m..i * m + j], &a[j * m..j * m + j]);
            let s = a[i * m + j] - ri.iter().zip(rj).map(|(x, y)| x * y).sum::<f64>();
            if i == j {
                if s.is_nan() || s <= 0.0 {
                    return None;
                }
                a[i * m + i] = libm::sqrt(s);
            } else {
                a[i * m + j] = s / a[j * m + j];
            }
        }
        a[i * m + i + 1..(i + 1) * m].iter_mut().for_each(|x| *x = 0.0);
    }
    Some(())
}

/// Solves `L x = b` in place.
fn forward(l: &[f64], b: &mut [f64], m: usize) {
    for i in 0..m {
        let s: f64 = l[i * m..i * m + i].iter().zip(&b[..i]).map(|(x, y)| x * y).sum();
        b[i] = (b[i] - s) / l[i * m + i];
    }
}

/// Solves `Lᵀ x = b` in place.
fn backward(l: &[f64], b: &mut [f64], m: usize) {
    for i in (0..m).rev() {
        let s: f64 = (i + 1..m).map(|j| l[j * m + i] * b[j]).sum();
        b[i] = (b[i] - s) / l[i * m + i];
    }
}

/// `(L Lᵀ)⁻¹ y`.
fn chol_solve(l: &[f64], y: &[f64], m: usize) -> Vec<f64> {
    let mut x = y.to_vec();
    forward(l, &mut x, m);
    backward(l, &mut x, m);
    x
}

/// `(L Lᵀ)⁻¹` as a full row-major matrix: `L⁻¹` by forward substitution, then `L⁻ᵀ L⁻¹`.
fn chol_inverse(l: &[f64], m: usize) -> Vec<f64> {
    // Row-major lower-triangular L⁻¹.
    let mut li = vec![0.0; m * m];
    for c in 0..m {
        li[c * m + c] = 1.0 / l[c * m + c];
        for i in c + 1..m {
            let s: f64 = (c..i).map(|k| l[i * m + k] * li[k * m + c]).sum();
            li[i * m + c] = -s / l[i * m + i];
        }
    }
    let mut out = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..=i {
            let s: f64 = (i..m).map(|k| li[k * m + i] * li[k * m + j]).sum();
            out[i * m + j] = s;
            out[j * m + i] = s;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sobol_history(n: usize, count: u64, f: impl Fn(&[f64]) -> f64) -> Vec<Point> {
        (0..count)
            .map(|i| {
                let u = crate::probe::point(i, n, 11);
                Point { f: f(&u), u }
            })
            .collect()
    }

    fn run(n: usize, f: impl Fn(&[f64]) -> f64, probe: u64, evals: u64) -> (f64, Gp) {
        let space = crate::config::Space::new();
        let kinds = vec![DimKind::Continuous; n];
        let ctx = Context { kinds: &kinds, space: &space, pending: &[], seen: None };
        let history = sobol_history(n, probe, &f);
        let mut gp = Gp::new(n, &history, 5);
        let mut best = history.iter().map(|p| p.f).fold(f64::MAX, f64::min);
        for _ in 0..evals {
            let u = gp.propose(&ctx);
            assert!(u.iter().all(|x| (0.0..=1.0).contains(x)), "{u:?}");
            let y = f(&u);
            gp.observe(&u, y);
            best = best.min(y);
        }
        (best, gp)
    }

    fn bowl(u: &[f64]) -> f64 {
        let x = u[0] - 0.3;
        let y = u[1] - 0.7;
        (x + 0.5 * y) * (x + 0.5 * y) + 10.0 * y * y
    }

    #[test]
    fn the_posterior_interpolates_a_smooth_function() {
        let f = |u: &[f64]| libm::sin(3.0 * u[0]) + u[1] * u[1];
        let history = sobol_history(2, 24, f);
        let xs: Vec<&[f64]> = history.iter().map(|p| p.u.as_slice()).collect();
        let raw: Vec<f64> = history.iter().map(|p| p.f).collect();
        let y = warp(&raw);
        let theta = fit(&xs, &y, 2, &[PRIOR_ELL.0, PRIOR_ELL.0, PRIOR_NOISE.0]);
        assert!(theta[2] < -6.0, "a smooth function needs no noise: {theta:?}");
        let post = Posterior::new(&xs, &y, &theta, 2).unwrap();
        for (x, want) in xs.iter().zip(&y) {
            let (mean, var) = post.predict(x);
            assert!((mean - want).abs() < 3e-2, "{mean} vs {want}");
            assert!(var < 1e-3, "{var}");
        }
        // Between the points the model still knows the function's shape: the ranking of
        // fresh points follows the truth.
        let fresh: Vec<Vec<f64>> = (100..140).map(|i| crate::probe::point(i, 2, 3)).collect();
        let mean: Vec<f64> = fresh.iter().map(|u| post.predict(u).0).collect();
        let truth: Vec<f64> = fresh.iter().map(|u| f(u)).collect();
        let agree = (0..fresh.len())
            .flat_map(|i| (0..i).map(move |j| (i, j)))
            .filter(|&(i, j)| (mean[i] > mean[j]) == (truth[i] > truth[j]))
            .count();
        let pairs = fresh.len() * (fresh.len() - 1) / 2;
        assert!(agree as f64 > 0.9 * pairs as f64, "{agree} of {pairs}");
    }

    #[test]
    fn the_likelihood_gradient_matches_finite_differences() {
        let f = |u: &[f64]| libm::cos(5.0 * u[0]) * u[1] + u[2];
        let history = sobol_history(3, 16, f);
        let xs: Vec<&[f64]> = history.iter().map(|p| p.u.as_slice()).collect();
        let y = warp(&history.iter().map(|p| p.f).collect::<Vec<f64>>());
        let diffs = pair_diffs(&xs, 3);
        let theta = [-1.0, -0.5, 0.2, -5.0];
        let (_, grad) = objective(&theta, &diffs, &y, 3, true).unwrap();
        for k in 0..4 {
            let h = 1e-6;
            let (mut a, mut b) = (theta, theta);
            a[k] += h;
            b[k] -= h;
            let va = objective(&a, &diffs, &y, 3, false).unwrap().0;
            let vb = objective(&b, &diffs, &y, 3, false).unwrap().0;
            let fd = (va - vb) / (2.0 * h);
            assert!((fd - grad[k]).abs() < 1e-4 * (1.0 + fd.abs()), "{k}: {fd} vs {}", grad[k]);
        }
    }

    #[test]
    fn expected_improvement_finds_a_bowl_minimum_in_few_trials() {
        let (best, _) = run(2, bowl, 12, 15);
        assert!(best < 1e-3, "{best}");
    }

    #[test]
    fn batches_are_distinct_and_tells_come_in_any_order() {
        let n = 2;
        let space = crate::config::Space::new();
        let kinds = vec![DimKind::Continuous; n];
        let mut gp = Gp::new(n, &sobol_history(n, 12, bowl), 9);
        let mut best = f64::MAX;
        for _round in 0..5 {
            let mut batch: Vec<Vec<f64>> = Vec::new();
            for _ in 0..4 {
                let pending: Vec<&[f64]> = batch.iter().map(Vec::as_slice).collect();
                let ctx = Context { kinds: &kinds, space: &space, pending: &pending, seen: None };
                batch.push(gp.propose(&ctx));
            }
            for (i, a) in batch.iter().enumerate() {
                let apart = batch[..i].iter().all(|b| dist2(a, b) > 1e-6);
                assert!(apart, "a repeated point in {batch:?}");
            }
            for u in batch.iter().rev() {
                let y = bowl(u);
                best = best.min(y);
                gp.observe(u, y);
            }
        }
        assert!(best < 1e-2, "{best}");
    }

    #[test]
    fn a_restored_state_proposes_the_same_points() {
        let (_, mut gp) = run(2, bowl, 12, 6);
        let text = serde_json::to_string(&gp).unwrap();
        let mut back: Gp = serde_json::from_str(&text).unwrap();
        assert_eq!(gp, back);
        let space = crate::config::Space::new();
        let kinds = vec![DimKind::Continuous; 2];
        let ctx = Context { kinds: &kinds, space: &space, pending: &[], seen: None };
        for _ in 0..4 {
            let (a, b) = (gp.propose(&ctx), back.propose(&ctx));
            assert_eq!(a, b);
            gp.observe(&a, bowl(&a));
            back.observe(&b, bowl(&b));
        }
    }

    #[test]
    fn the_working_set_and_archive_stay_bounded() {
        let f = |u: &[f64]| u.iter().map(|x| (x - 0.4) * (x - 0.4)).sum::<f64>();
        let gp = Gp::new(3, &sobol_history(3, 400, f), 1);
        assert_eq!(gp.archive.len(), ARCHIVE_CAP);
        let work = gp.working_set();
        assert_eq!(work.len(), WORKING_SET);
        let best = gp.archive.iter().map(|p| p.f).fold(f64::MAX, f64::min);
        assert!(work.iter().any(|p| p.f == best));
    }

    #[test]
    fn log_ei_is_continuous_across_the_tail_switch() {
        let (a, b) = (log_h(-25.0 + 1e-9), log_h(-25.0 - 1e-9));
        assert!((a - b).abs() < 1e-6, "{a} {b}");
        assert!(log_h(-40.0).is_finite() && log_h(-40.0) < log_h(-39.0));
        assert!((log_h(0.0) - libm::log(0.398_942_280_401_432_7)).abs() < 1e-12);
    }
}
