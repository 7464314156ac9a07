//! Classify: which kind of landscape the probe shows, and so which strategy refines it.
//!
//! Five features of the probe are computed, each scale-free:
//!
//! - **roughness**: the probe ends with *twins*: for a few Sobol points `x` (sites), the
//!   points `x + h·d` and `x + 2h·d` with `h` = 0.02 of the unit cube (`probe::Layout`).
//!   The median second difference `|f(x) − 2f(x+h) + f(x+2h)|` over the sites, divided by the
//!   interquartile range of all probe values, is about `h²·f''/IQR` — thousandths — on a
//!   smooth landscape whatever its slope, and tenths or more where ripples or noise live at
//!   small scales. Scattered points alone cannot see this: a rippled function with a strong
//!   global trend looks like a bowl from 20 points.
//! - **noise**: each site also gets a near repeat at `x + ε·d`, ε = 10⁻⁴. The median
//!   `|f(x + ε·d) − f(x)|` over the IQR is the noise's size on a noisy objective, and about
//!   zero on a deterministic one however rippled (a ripple moves `f` by its slope times ε).
//!   This is what tells Ackley from a noisy bowl: both are rough at the twins' scale.
//! - **fdc**: fitness–distance correlation, the Spearman correlation between a point's
//!   distance to the best probe point and its value. Near 1 on a single basin, near 0 on
//!   multimodal or noisy landscapes (Jones & Forrest 1995).
//! - **quad_q2**: leave-one-out R² of a separable quadratic model of the value ranks
//!   (`1, x_d, x_d²` per dimension, ridge-regularised), computed exactly from the hat matrix.
//!   High when a smooth bowl explains the ranks; low or negative when it does not. It needs
//!   `4·D + 4` points (twice the coefficients), which is why the probe's default floor is that.
//! - **top_dispersion**: mean pairwise distance among the best fifth of the points divided
//!   by the mean pairwise distance among all of them (scored only when there are no twins;
//!   past 256 probe points it is computed on an evenly strided subsample).
//!
//! Ranks make fdc and q2 invariant to monotone transforms of the objective.
//! The smoothness score is `0.6·s(roughness) + 0.2·fdc⁺ + 0.2·q2⁺`, where `s` is 1 at
//! roughness ≤ 0.02, 0 at ≥ 0.2 and linear between (q2 falls back to fdc when absent; with no
//! twins, `0.4·fdc⁺ + 0.4·q2⁺ + 0.2·(1 − top_dispersion)⁺`). The verdict, in order:
//!
//! 1. **rugged** if the space has a categorical parameter (a landscape over unordered options
//!    is piecewise by nature, and simplex moves have no meaning there), or holds integers
//!    only with at most 12 levels per parameter (geometric mean; a simplex's steps round onto
//!    too few cells; the threshold is measured in `docs/design.md`) → TPE;
//! 2. **noisy** if near repeats differ by at least 0.005 of the IQR and by at least a fifth of
//!    the roughness (pure noise gives about 0.58 of it) → TPE, whose density model averages
//!    over noise where a simplex keeps the luckiest draw;
//! 3. **smooth** if the score reaches the threshold → Nelder–Mead;
//! 4. **rippled** if the landscape is rough but deterministic and has a global trend
//!    (`max(fdc, q2)` ≥ 0.2): a funnel under ripples, like Ackley or Rastrigin → Nelder–Mead,
//!    whose restarts follow the trend across the ripples;
//! 5. **rugged** otherwise → TPE.
//!
//! Rippled landscapes go to Nelder–Mead because on funnels under ripples the restarting simplex
//! beats TPE, while on noisy bowls TPE wins (benchmark numbers in `docs/design.md`; the
//! use-case tests in `tests/engine/use_cases.rs` hold both).
//! The features, the score, the threshold, the label and a one-line reason are recorded in the
//! run artifact.
//!
//! # References
//! - T. Jones, S. Forrest (1995), "Fitness distance correlation as a measure of problem
//!   difficulty for genetic algorithms", ICGA.
//! - O. Mersmann et al. (2011), "Exploratory landscape analysis", GECCO.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::encoding::{Piecewise, COARSE_LATTICE_LEVELS};
use crate::trial::Score;

/// Largest dimension for which the quadratic fit is computed (its cost grows as D³).
const MAX_QUAD_DIM: usize = 32;

/// The classifier's verdict, and with it the refining strategy `auto` picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Landscape {
    /// Smooth at the probe's small scale and deterministic: refine with Nelder–Mead.
    Smooth,
    /// Deterministic ripples over a global trend, a funnel (Ackley, Rastrigin): refine with
    /// restarting Nelder–Mead, whose wide restarts follow the trend across the ripples.
    Rippled,
    /// Noise dominates the small-scale variation: refine with TPE, whose density model
    /// averages over noise where a simplex chases lucky draws.
    Noisy,
    /// Partly categorical, integers on a coarse lattice, or rough without a global trend:
    /// refine with TPE.
    Rugged,
}

impl Landscape {
    /// The label as written in artifacts: `smooth`, `rippled`, `noisy` or `rugged`.
    pub fn as_str(self) -> &'static str {
        match self {
            Landscape::Smooth => "smooth",
            Landscape::Rippled => "rippled",
            Landscape::Noisy => "noisy",
            Landscape::Rugged => "rugged",
        }
    }

    /// Whether `auto` refines this landscape with Nelder–Mead (else TPE).
    pub fn suits_nelder_mead(self) -> bool {
        matches!(self, Landscape::Smooth | Landscape::Rippled)
    }
}

/// Landscape features measured on the probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Features {
    /// Number of probe results used (failed trials count as the worst value).
    pub n_points: u64,
    /// Spearman correlation of distance-to-best with value.
    pub fdc: f64,
    /// Leave-one-out R² of the separable quadratic fit of value ranks (absent with fewer than
    /// `4·D + 4` points, where the fit is too unstable, or more than 32 dimensions; the score
    /// then counts `fdc` in its place).
    pub quad_q2: Option<f64>,
    /// Median second difference across the probe's twin sites divided by the interquartile
    /// range of the probe values (absent when the probe has no complete site).
    pub roughness: Option<f64>,
    /// Median `|f(x + ε) − f(x)|` across the probe's sites and their near repeats (ε = 10⁻⁴ of
    /// the box), divided by the interquartile range of the probe values: about zero on a
    /// deterministic landscape, the noise's size where there is noise (absent like
    /// `roughness`).
    #[serde(default)]
    pub noise: Option<f64>,
    /// Spread of the best fifth of the points relative to the spread of all points.
    pub top_dispersion: f64,
    /// Number of categorical parameters in the space.
    pub categorical: u64,
}

/// The recorded classification: features, score, threshold, label and reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Classification {
    /// The verdict.
    pub label: Landscape,
    /// Smoothness score in `[0, 1]`.
    pub score: f64,
    /// Threshold the score was compared with.
    pub threshold: f64,
    /// The measured features.
    pub features: Features,
    /// Whether the score or a rule decided the label.
    #[serde(default)]
    pub decided_by: Decision,
    /// One line saying why.
    pub reason: String,
}

/// What decided a classification's label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The smoothness score against the threshold.
    #[default]
    Score,
    /// A rule applied before the score was compared: too few points, categorical parameters,
    /// a coarse integer lattice, or noise.
    Rule,
}

/// Classifies from unit points and their scores: the probe's [`features`], their
/// smoothness [`score`], then the [`verdict`].
pub(crate) fn classify(
    points: &[Vec<f64>],
    scores: &[Score],
    sites: &[[usize; 4]],
    piecewise: Option<Piecewise>,
    threshold: f64,
) -> Classification {
    let features = features(points, scores, sites, piecewise);
    let score = score(&features);
    let (label, decided_by, reason) = verdict(&features, piecewise, score, threshold);
    Classification { label, score, threshold, features, decided_by, reason }
}

/// The landscape features of a probe (see the module docs for each).
fn features(
    points: &[Vec<f64>],
    scores: &[Score],
    sites: &[[usize; 4]],
    piecewise: Option<Piecewise>,
) -> Features {
    let categorical = match piecewise {
        Some(Piecewise::Categorical(count)) => count,
        _ => 0,
    };
    let n = points.len();
    let values: Vec<f64> = scores.iter().map(|s| s.rank()).collect();
    let ranks = ranks(&values);
    let best = (0..n).min_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b))).unwrap_or(0);

    let fdc = if n >= 3 {
        let dist: Vec<f64> = points.iter().map(|p| distance(p, &points[best])).collect();
        finite_or_zero(pearson(&self::ranks(&dist), &ranks))
    } else {
        0.0
    };
    let quad_q2 = quadratic_q2(points, &ranks).map(|q| q.max(-1.0));
    // Pairwise distances are quadratic in the probe size: past 256 points, an evenly strided
    // subsample (by trial order, so deterministic) stands in for the whole probe.
    let stride = n.div_ceil(MAX_DISPERSION_POINTS).max(1);
    let top_dispersion = if stride == 1 {
        top_dispersion(points, &ranks)
    } else {
        let sub: Vec<Vec<f64>> = points.iter().step_by(stride).cloned().collect();
        let sub_ranks: Vec<f64> = ranks.iter().step_by(stride).copied().collect();
        top_dispersion(&sub, &sub_ranks)
    };
    let (roughness, noise) = match site_differences(scores, sites) {
        Some((r, n)) => (Some(r), Some(n)),
        None => (None, None),
    };
    Features {
        n_points: n as u64,
        fdc,
        quad_q2,
        roughness,
        noise,
        top_dispersion,
        categorical: categorical as u64,
    }
}

/// The smoothness score in `[0, 1]`: `0.6·s(roughness) + 0.2·fdc⁺ + 0.2·q2⁺` with twins,
/// `0.4·fdc⁺ + 0.4·q2⁺ + 0.2·(1 − top_dispersion)⁺` without (q2 falls back to fdc).
fn score(features: &Features) -> f64 {
    let Features { fdc, quad_q2, roughness, top_dispersion, .. } = *features;
    let q2_or_fdc = quad_q2.unwrap_or(fdc).max(0.0);
    match roughness {
        Some(r) => 0.6 * local_smoothness(r) + 0.2 * fdc.max(0.0) + 0.2 * q2_or_fdc,
        None => 0.4 * fdc.max(0.0) + 0.4 * q2_or_fdc + 0.2 * (1.0 - top_dispersion).max(0.0),
    }
    .clamp(0.0, 1.0)
}

/// The label and a one-line reason, by the rules of the module docs in their order.
fn verdict(
    features: &Features,
    piecewise: Option<Piecewise>,
    score: f64,
    threshold: f64,
) -> (Landscape, Decision, String) {
    let Features { n_points: n, fdc, quad_q2, roughness, noise, top_dispersion, categorical } =
        *features;
    let q2_text = quad_q2.map_or(String::from("n/a"), |q| format!("{q:.2}"));
    let rough_text = roughness.map_or(String::from("n/a"), |r| format!("{r:.3}"));
    let noise_text = noise.map_or(String::from("n/a"), |r| format!("{r:.4}"));
    let measured = format!(
        "fitness-distance correlation {fdc:.2}, quadratic fit R² {q2_text}, roughness \
         {rough_text}, noise {noise_text}, spread of the best fifth {top_dispersion:.2}"
    );
    let trend = fdc.max(quad_q2.unwrap_or(fdc));
    if n < 3 {
        (
            Landscape::Rugged,
            Decision::Rule,
            format!("only {n} probe results; too few to judge, assuming rugged"),
        )
    } else if categorical > 0 {
        (
            Landscape::Rugged,
            Decision::Rule,
            format!(
                "{categorical} categorical parameter(s) make the landscape piecewise \
                 (score {score:.2}; {measured})"
            ),
        )
    } else if let Some(Piecewise::CoarseLattice { levels }) = piecewise {
        (
            Landscape::Rugged,
            Decision::Rule,
            format!(
                "integers only, {levels:.1} levels per parameter (geometric mean, \
                 <= {COARSE_LATTICE_LEVELS}): a lattice too coarse for simplex steps \
                 (score {score:.2}; {measured})"
            ),
        )
    } else if let Some((r, nz)) = roughness.zip(noise).filter(|&(r, nz)| is_noisy(r, nz)) {
        (
            Landscape::Noisy,
            Decision::Rule,
            format!(
                "near repeats differ by {nz:.4} of the value range against a roughness of \
                 {r:.3}: noise ({measured})"
            ),
        )
    } else if score >= threshold {
        (
            Landscape::Smooth,
            Decision::Score,
            format!("score {score:.2} >= threshold {threshold:.2}: {measured}"),
        )
    } else if roughness.is_some() && trend >= MIN_TREND {
        (
            Landscape::Rippled,
            Decision::Score,
            format!(
                "score {score:.2} < threshold {threshold:.2}, but deterministic with a global \
                 trend {trend:.2} >= {MIN_TREND:.2}: ripples over a funnel ({measured})"
            ),
        )
    } else {
        (
            Landscape::Rugged,
            Decision::Score,
            format!("score {score:.2} < threshold {threshold:.2} and no global trend: {measured}"),
        )
    }
}

fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    libm::sqrt(a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum())
}

/// Average ranks (ties share their mean rank), scaled to `[0, 1]`.
pub(crate) fn ranks(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut out = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0;
        for &k in &order[i..=j] {
            out[k] = if n > 1 { r / (n - 1) as f64 } else { 0.0 };
        }
        i = j + 1;
    }
    out
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / libm::sqrt(sxx * syy)
}

fn mean_pairwise(points: &[&Vec<f64>]) -> f64 {
    let (mut sum, mut count) = (0.0, 0u64);
    for i in 0..points.len() {
        for j in 0..i {
            sum += distance(points[i], points[j]);
            count += 1;
        }
    }
    if count == 0 {
        0.0
    } else {
        sum / count as f64
    }
}

/// Most points whose pairwise distances [`top_dispersion`] compares.
const MAX_DISPERSION_POINTS: usize = 256;

/// Roughness at or below which the landscape is locally smooth, and at or above which it is
/// not; linear in between.
const SMOOTH_ROUGHNESS: f64 = 0.02;
const ROUGH_ROUGHNESS: f64 = 0.2;

fn local_smoothness(roughness: f64) -> f64 {
    ((ROUGH_ROUGHNESS - roughness) / (ROUGH_ROUGHNESS - SMOOTH_ROUGHNESS)).clamp(0.0, 1.0)
}

/// Smallest noise feature that counts as noise (below it, rounding and solver tolerances in
/// a deterministic objective).
const NOISE_FLOOR: f64 = 0.005;
/// Share of the roughness that near-repeat differences must reach to be called noise. Pure
/// noise gives about 0.58 (the median of `|ε₁ − ε₂|` over that of `|ε₁ − 2ε₂ + ε₃|`); a
/// deterministic landscape, rippled or not, gives `ε/h` times a slope ratio, thousandths.
const NOISE_SHARE: f64 = 0.2;
/// Global trend (the larger of fdc and quadratic q2) above which a rough, deterministic
/// landscape is a funnel worth following with a simplex.
const MIN_TREND: f64 = 0.2;

fn is_noisy(roughness: f64, noise: f64) -> bool {
    noise >= NOISE_FLOOR && noise >= NOISE_SHARE * roughness
}

/// `(roughness, noise)` over complete sites: the median `|f(x) − 2f(x+h) + f(x+2h)|` and the
/// median `|f(x + ε) − f(x)|`, each relative to the values' interquartile range. Roughness is
/// about `h²·f'' / IQR` on a smooth landscape and much more on a rippled or noisy one; noise is
/// about zero unless the objective is noisy.
fn site_differences(scores: &[Score], sites: &[[usize; 4]]) -> Option<(f64, f64)> {
    let values: Vec<f64> = scores.iter().map(|s| s.rank()).collect();
    let complete: Vec<&[usize; 4]> =
        sites.iter().filter(|site| site.iter().all(|&i| scores[i] != Score::Failed)).collect();
    if complete.is_empty() {
        return None;
    }
    let mut curvature: Vec<f64> = complete
        .iter()
        .map(|&&[x, a, b, _]| libm::fabs(values[x] - 2.0 * values[a] + values[b]))
        .collect();
    let mut repeat: Vec<f64> =
        complete.iter().map(|&&[x, _, _, r]| libm::fabs(values[r] - values[x])).collect();
    let mut finite: Vec<f64> = scores.iter().filter_map(|s| s.value()).collect();
    finite.sort_by(f64::total_cmp);
    curvature.sort_by(f64::total_cmp);
    repeat.sort_by(f64::total_cmp);
    let iqr = quantile(&finite, 0.75) - quantile(&finite, 0.25);
    let relative = |median: f64| {
        if iqr > 0.0 {
            (median / iqr).min(10.0)
        } else if median > 0.0 {
            10.0
        } else {
            0.0
        }
    };
    Some((relative(quantile(&curvature, 0.5)), relative(quantile(&repeat, 0.5))))
}

/// Linearly interpolated quantile of sorted, non-empty values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (libm::floor(pos) as usize, libm::ceil(pos) as usize);
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

fn top_dispersion(points: &[Vec<f64>], ranks: &[f64]) -> f64 {
    let n = points.len();
    if n < 4 {
        return 1.0;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| ranks[a].total_cmp(&ranks[b]).then(a.cmp(&b)));
    let k = (n / 5).max(3);
    let top: Vec<&Vec<f64>> = order[..k].iter().map(|&i| &points[i]).collect();
    let all: Vec<&Vec<f64>> = points.iter().collect();
    let whole = mean_pairwise(&all);
    if whole <= 0.0 {
        return 1.0;
    }
    (mean_pairwise(&top) / whole).clamp(0.0, 2.0)
}

/// Leave-one-out R² (PRESS) of a ridge fit of `y` on `[1, z_d, z_d²]`, `z = x − ½`.
fn quadratic_q2(points: &[Vec<f64>], y: &[f64]) -> Option<f64> {
    let n = points.len();
    let d = points.first()?.len();
    let p = 2 * d + 1;
    // Below 2p + 2 points the leave-one-out fit is too unstable to mean anything.
    if d > MAX_QUAD_DIM || n < 2 * p + 2 {
        return None;
    }
    let row = |x: &[f64]| -> Vec<f64> {
        let mut r = Vec::with_capacity(p);
        r.push(1.0);
        for &xi in x {
            let z = xi - 0.5;
            r.push(z);
            r.push(z * z - 1.0 / 12.0);
        }
        r
    };
    let rows: Vec<Vec<f64>> = points.iter().map(|x| row(x)).collect();
    let mut a = vec![0.0; p * p];
    let mut b = vec![0.0; p];
    for (r, &yi) in rows.iter().zip(y) {
        for i in 0..p {
            b[i] += r[i] * yi;
            for j in 0..=i {
                a[i * p + j] += r[i] * r[j];
            }
        }
    }
    let trace: f64 = (0..p).map(|i| a[i * p + i]).sum();
    let ridge = 1e-6 * trace / p as f64;
    for i in 0..p {
        a[i * p + i] += ridge;
    }
    let l = cholesky(&a, p)?;
    let beta = cholesky_solve(&l, p, &b);
    let mean = y.iter().sum::<f64>() / n as f64;
    let (mut press, mut total) = (0.0, 0.0);
    for (r, &yi) in rows.iter().zip(y) {
        let fit: f64 = r.iter().zip(&beta).map(|(a, b)| a * b).sum();
        let h: f64 = r.iter().zip(&cholesky_solve(&l, p, r)).map(|(a, b)| a * b).sum();
        let loo = (yi - fit) / (1.0 - h).max(1e-9);
        press += loo * loo;
        total += (yi - mean) * (yi - mean);
    }
    if total <= 0.0 {
        return None;
    }
    Some(1.0 - press / total)
}

/// Lower Cholesky factor of a symmetric positive definite matrix (lower triangle read).
fn cholesky(a: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            let mut s = a[i * p + j];
            for k in 0..j {
                s -= l[i * p + k] * l[j * p + k];
            }
            if i == j {
                if s <= 0.0 {
                    return None;
                }
                l[i * p + i] = libm::sqrt(s);
            } else {
                l[i * p + j] = s / l[j * p + j];
            }
        }
    }
    Some(l)
}

fn cholesky_solve(l: &[f64], p: usize, b: &[f64]) -> Vec<f64> {
    let mut y = b.to_vec();
    for i in 0..p {
        for k in 0..i {
            y[i] -= l[i * p + k] * y[k];
        }
        y[i] /= l[i * p + i];
    }
    for i in (0..p).rev() {
        for k in i + 1..p {
            y[i] -= l[k * p + i] * y[k];
        }
        y[i] /= l[i * p + i];
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_THRESHOLD;
    use crate::probe;

    /// Rastrigin on [−5.12, 5.12]ᴰ mapped to the unit cube, its minimum at `centre` in each
    /// unit coordinate.
    fn rastrigin(x: &[f64], centre: f64) -> f64 {
        x.iter()
            .map(|v| {
                let z = 10.24 * (v - centre);
                z * z - 10.0 * libm::cos(core::f64::consts::TAU * z) + 10.0
            })
            .sum()
    }

    fn sample(f: impl Fn(&[f64]) -> f64, n: u64, d: usize) -> (Vec<Vec<f64>>, Vec<Score>) {
        let pts: Vec<Vec<f64>> = (0..n).map(|i| probe::point(i, d, 99)).collect();
        let vals = pts.iter().map(|p| Score::Value(f(p))).collect();
        (pts, vals)
    }

    #[test]
    fn sphere_is_smooth_and_rastrigin_is_rugged() {
        let sphere = |x: &[f64]| x.iter().map(|v| (v - 0.3) * (v - 0.3)).sum::<f64>();
        let (p, v) = sample(sphere, 20, 3);
        let c = classify(&p, &v, &[], None, DEFAULT_THRESHOLD);
        assert_eq!(c.label, Landscape::Smooth, "{}", c.reason);
        assert!(c.features.fdc > 0.8);

        let (p, v) = sample(|x| rastrigin(x, 0.5), 20, 3);
        let c = classify(&p, &v, &[], None, DEFAULT_THRESHOLD);
        assert_eq!(c.label, Landscape::Rugged, "{}", c.reason);
    }

    #[test]
    fn the_reason_spells_out_every_feature_name() {
        let bowl = |x: &[f64]| x.iter().map(|v| (v - 0.3) * (v - 0.3)).sum::<f64>();
        let (p, v) = sample(bowl, 20, 3);
        let reason = classify(&p, &v, &[], None, DEFAULT_THRESHOLD).reason;
        for name in [
            "fitness-distance correlation",
            "quadratic fit R²",
            "roughness",
            "noise",
            "spread of the best fifth",
        ] {
            assert!(reason.contains(name), "{name} missing from: {reason}");
        }
        assert!(!reason.contains("fdc") && !reason.contains("dispersion"), "{reason}");
    }

    /// Classifies `f` from a 40-trial probe laid out as the solver lays it out.
    fn classify_probe(f: impl Fn(&[f64], u64) -> f64, d: usize) -> Classification {
        let continuous = vec![false; d];
        let layout = probe::Layout::new(40, false);
        let pts: Vec<Vec<f64>> = (0..40).map(|i| layout.point(i, &continuous, 99)).collect();
        let vals: Vec<Score> = pts.iter().zip(0..).map(|(p, i)| Score::Value(f(p, i))).collect();
        let sites: Vec<[usize; 4]> = layout.sites().map(|s| s.map(|i| i as usize)).collect();
        classify(&pts, &vals, &sites, None, DEFAULT_THRESHOLD)
    }

    /// Deterministic noise in [-1, 1) from a trial index.
    fn jitter(i: u64) -> f64 {
        let mut z = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5851_F42D;
        z = (z ^ (z >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }

    #[test]
    fn near_repeats_tell_noise_from_ripples() {
        let bowl = |x: &[f64]| x.iter().map(|v| (v - 0.3) * (v - 0.3)).sum::<f64>();
        let c = classify_probe(|x, _| bowl(x), 2);
        assert_eq!(c.label, Landscape::Smooth, "{}", c.reason);
        assert!(c.features.noise.is_some_and(|n| n < 1e-3), "{}", c.reason);

        // A bowl plus noise of a tenth of its spread: noisy.
        let c = classify_probe(|x, i| bowl(x) + 0.03 * jitter(i), 2);
        assert_eq!((c.label, c.decided_by), (Landscape::Noisy, Decision::Rule), "{}", c.reason);

        // Rastrigin: as rough at the twins' scale, but deterministic, with a funnel: rippled.
        let c = classify_probe(|x, _| rastrigin(x, 0.39), 2);
        assert_eq!(c.label, Landscape::Rippled, "{}", c.reason);
        assert!(c.label.suits_nelder_mead());

        // Ripples with no trend under them: rugged.
        let egg_crate =
            |x: &[f64]| x.iter().map(|v| libm::cos(core::f64::consts::TAU * 9.7 * v)).sum::<f64>();
        let c = classify_probe(|x, _| egg_crate(x), 2);
        assert_eq!((c.label, c.decided_by), (Landscape::Rugged, Decision::Score), "{}", c.reason);
        assert!(!c.label.suits_nelder_mead());
    }

    #[test]
    fn categorical_and_coarse_integer_spaces_are_rugged_whatever_the_score() {
        let (p, v) = sample(|x| x[0], 20, 2);
        assert_eq!(classify(&p, &v, &[], None, 0.0).label, Landscape::Smooth);
        let c = classify(&p, &v, &[], Some(Piecewise::Categorical(1)), 0.0);
        assert_eq!((c.label, c.features.categorical), (Landscape::Rugged, 1));
        assert!(c.reason.contains("categorical"));
        assert_eq!(c.decided_by, Decision::Rule);
        let c = classify(&p, &v, &[], Some(Piecewise::CoarseLattice { levels: 6.0 }), 0.0);
        assert_eq!((c.label, c.features.categorical), (Landscape::Rugged, 0));
        assert_eq!(c.decided_by, Decision::Rule);
        assert!(c.reason.contains("integers only, 6.0 levels per parameter"), "{}", c.reason);
    }

    #[test]
    fn features_measure_the_probe() {
        let sphere = |x: &[f64]| x.iter().map(|v| (v - 0.3) * (v - 0.3)).sum::<f64>();
        let (p, v) = sample(sphere, 20, 3);
        let f = features(&p, &v, &[], Some(Piecewise::Categorical(2)));
        assert_eq!((f.n_points, f.categorical), (20, 2));
        assert!(f.fdc > 0.8, "{}", f.fdc);
        assert!(f.quad_q2.is_some_and(|q| q > 0.5), "{:?}", f.quad_q2);
        assert!(f.top_dispersion < 1.0, "the best points cluster: {}", f.top_dispersion);
        assert_eq!((f.roughness, f.noise), (None, None), "no twin sites");
        // A site whose three steps lie on a line and whose near repeat matches: no curvature,
        // no noise. Then a failed twin leaves no complete site.
        let mut v = [0.0, 1.0, 2.0, 3.0, 0.0, 4.0, 5.0].map(Score::Value);
        let f = features(&p[..7], &v, &[[0, 1, 2, 4]], None);
        assert_eq!((f.roughness, f.noise), (Some(0.0), Some(0.0)));
        v[1] = Score::Failed;
        assert_eq!(features(&p[..7], &v, &[[0, 1, 2, 4]], None).roughness, None);
        let f = features(&p[..2], &[Score::Value(1.0), Score::Value(0.0)], &[], None);
        assert_eq!((f.fdc, f.quad_q2), (0.0, None), "too few points to correlate or fit");
    }

    fn measured(fdc: f64, quad_q2: Option<f64>, roughness: Option<f64>) -> Features {
        Features {
            n_points: 20,
            fdc,
            quad_q2,
            roughness,
            noise: roughness.map(|_| 0.0),
            top_dispersion: 0.5,
            categorical: 0,
        }
    }

    #[test]
    fn score_weighs_roughness_then_trend() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        // With twins: 0.6 for smoothness (linear from roughness 0.02 down to 0.2), 0.2 each
        // for fdc and q2.
        assert!(close(score(&measured(1.0, Some(1.0), Some(0.02))), 1.0));
        assert!(close(score(&measured(1.0, Some(1.0), Some(0.11))), 0.7));
        assert!(close(score(&measured(0.5, Some(-0.3), Some(0.5))), 0.1));
        // q2 missing: fdc counts twice.
        assert!(close(score(&measured(0.5, None, Some(0.5))), 0.2));
        // Without twins: 0.4 fdc, 0.4 q2, 0.2 for clustered best points.
        assert!(close(score(&measured(0.5, Some(0.25), None)), 0.4));
        assert!(close(score(&measured(-1.0, Some(-1.0), None)), 0.1));
    }

    #[test]
    fn verdict_applies_the_rules_in_order() {
        let label = |f: &Features, piecewise, score| verdict(f, piecewise, score, 0.5).0;
        let smooth = measured(0.9, Some(0.9), Some(0.01));
        assert_eq!(label(&smooth, None, 0.9), Landscape::Smooth);
        // Space rules first, whatever the score.
        let cat = Features { categorical: 1, ..smooth.clone() };
        assert_eq!(label(&cat, Some(Piecewise::Categorical(1)), 0.9), Landscape::Rugged);
        let lattice = Some(Piecewise::CoarseLattice { levels: 6.0 });
        assert_eq!(label(&smooth, lattice, 0.9), Landscape::Rugged);
        // Then noise: near repeats at least 0.005 of the range and a fifth of the roughness.
        let noisy = Features { noise: Some(0.05), roughness: Some(0.1), ..smooth.clone() };
        assert_eq!(label(&noisy, None, 0.9), Landscape::Noisy);
        let faint = Features { noise: Some(0.004), roughness: Some(0.01), ..smooth.clone() };
        assert_eq!(label(&faint, None, 0.9), Landscape::Smooth);
        // Below the threshold: a trend of at least 0.2 under measured roughness is a funnel.
        let rough = measured(0.3, Some(0.1), Some(0.5));
        assert_eq!(label(&rough, None, 0.2), Landscape::Rippled);
        assert_eq!(label(&measured(0.1, Some(0.1), Some(0.5)), None, 0.2), Landscape::Rugged);
        assert_eq!(label(&measured(0.3, Some(0.1), None), None, 0.2), Landscape::Rugged);
        let few = Features { n_points: 2, ..smooth };
        let (label, decided_by, reason) = verdict(&few, None, 0.9, 0.5);
        assert_eq!((label, decided_by), (Landscape::Rugged, Decision::Rule));
        assert!(reason.starts_with("only 2 probe results"), "{reason}");
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![2.5 / 3.0, 0.0, 2.5 / 3.0, 1.0 / 3.0]);
    }

    #[test]
    fn exact_quadratic_has_q2_near_one() {
        // Ranks of a separable bowl are not exactly quadratic, so fit values, not ranks.
        let (p, _) = sample(|_| 0.0, 30, 2);
        let y: Vec<f64> = p
            .iter()
            .map(|x| (x[0] - 0.2) * (x[0] - 0.2) + 2.0 * (x[1] - 0.7) * (x[1] - 0.7))
            .collect();
        let q = quadratic_q2(&p, &y).unwrap_or(0.0);
        assert!(q > 0.999, "{q}");
    }
}
