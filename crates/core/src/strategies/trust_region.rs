//! A bound-constrained trust region with quadratic models: the strategy for small budgets,
//! where every evaluation must inform the next.
//!
//! **Model.** Around the incumbent `x_b` (the best point of the current run) the objective is
//! modelled as `q(x_b + s) = f_b + gᵀs + ½ sᵀHs`, interpolating up to `(D+1)(D+2)/2` (a full
//! quadratic's coefficients; at most 66, or `2D + 1` when larger) evaluated points near `x_b`.
//! With fewer points the interpolation conditions leave freedom, which is taken by the
//! Hessian closest to the previous model's in Frobenius norm (Powell 2004, 2009): a KKT
//! system `W` of `m + D + 1` equations. Curvature learnt from earlier points is kept, so every
//! evaluation informs the model even after it leaves the interpolation set. The first model
//! starts from the probe's points (and warm-start observations), not from a simplex of fresh
//! evaluations.
//!
//! **Points.** The interpolation set is kept between trials with the inverse of its KKT
//! matrix, around a fixed origin. A told point joins it, replacing the member farthest from
//! the incumbent among those whose removal keeps Powell's denominator `σ` within a factor of
//! the largest (so the set stays the nearest points, as a fresh choice would make it, and
//! never nearly singular); Powell's rank-two update of `W⁻¹` makes that `O((m + D)²)`, and a
//! fit is then a product with `W⁻¹`. The set is rebuilt from a bounded archive (at most
//! [`archive_cap`] points, the farthest from the incumbent evicted) at the first fit, after a
//! restart, after `m` replacements (rounding accumulates) and when the incumbent has moved
//! more than `√1000 Δ` from the origin: nearest first, first those that add a new direction
//! (Gram–Schmidt residual at least a fifth of the distance), then the nearest of the rest,
//! never two closer than a tenth of the radius (the probe's near repeats would make the
//! system singular). The kept set and `W⁻¹` are part of the state, so a resumed run continues
//! bit for bit.
//!
//! **Step.** `q` is minimised over the trust region `‖s‖ ≤ Δ` intersected with the unit cube by
//! truncated conjugate gradients that fix a coordinate at its bound when the path reaches it
//! and restart (Steihaug–Toint with an active set, as Powell's TRSBOX). The ratio
//! `ρ = (f_b − f(x_b + s)) / (q(0) − q(s))` moves the radius: doubled (up to 0.5) when the model
//! predicted well (`ρ ≥ 0.7`), halved when it did not (`ρ < 0.1`) and the set spans every
//! direction within `2Δ`; when it does not, the next trial is a *geometry point* at distance
//! `Δ` along the direction the set misses, and the radius is kept (Conn, Scheinberg & Vicente
//! 2009, ch. 10: shrink only a model that is good on the region). A step shorter than a tenth
//! of the radius means the model sees no descent there: geometry point or smaller radius, the
//! same way.
//!
//! **Restarts.** When the radius falls below [`MIN_RADIUS`] the run restarts at the best
//! remembered probe point farther than [`RESTART_SPREAD`] from every earlier start (another
//! basin the probe found), or at a uniform point when none is left; the Hessian is forgotten.
//!
//! **Trials in flight.** The first ask after a tell takes the model step (or geometry point);
//! asks while that is pending get points at distance `Δ` from the incumbent in random directions, distinct and
//! inside the region the model trusts, and they feed the model like any other point. Tells
//! may come in any order: a step's ratio uses the incumbent value it was computed from.
//! Failed trials shrink the radius when they were steps and never enter a model.
//!
//! # References
//! - M. J. D. Powell (2004), "Least Frobenius norm updating of quadratic models that satisfy
//!   interpolation conditions", Math. Programming 100.
//! - M. J. D. Powell (2009), "The BOBYQA algorithm for bound constrained optimization without
//!   derivatives", Cambridge report DAMTP 2009/NA06.
//! - A. R. Conn, K. Scheinberg, L. N. Vicente (2009), "Introduction to Derivative-Free
//!   Optimization", SIAM.
//! - T. Steihaug (1983), "The conjugate gradient method and trust regions in large scale
//!   optimization", SIAM J. Numer. Anal. 20.

use alloc::vec;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::{Context, Point, FAILED};
use crate::rng::{Rng, Stream};

/// Radius below which a run has converged and restarts.
pub(crate) const MIN_RADIUS: f64 = 1e-8;
/// Largest radius (half the cube's side).
const MAX_RADIUS: f64 = 0.5;
/// Bounds of the first radius read off the probe.
const MIN_START_RADIUS: f64 = 0.05;
const MAX_START_RADIUS: f64 = 0.25;
/// Radius of a restart.
const RESTART_RADIUS: f64 = 0.15;
/// A restart starts at least this far from every earlier start.
pub(crate) const RESTART_SPREAD: f64 = 0.25;
/// Most points a model interpolates (a full quadratic up to `D = 10`).
const MAX_MODEL_POINTS: usize = 66;
/// Probe points remembered as restart candidates.
const STARTS_KEPT: usize = 12;

/// Points a model interpolates in `dim` dimensions: a full quadratic's coefficients, at most
/// [`MAX_MODEL_POINTS`] (from 11 parameters on, Powell's `2D + 1` when larger, so that a fit
/// stays `O(D³)`). Powell's `2D + 1` with least-change updates measured decades worse on
/// ill-conditioned quadratics at 10–20 trials per parameter (`docs/design.md`, Selection).
fn model_points(dim: usize) -> usize {
    ((dim + 1) * (dim + 2) / 2).min(MAX_MODEL_POINTS.max(2 * dim + 1))
}

/// Points the archive keeps: enough to choose a well-spread set from, bounded so the cost
/// per trial is flat in the history.
pub(crate) fn archive_cap(dim: usize) -> usize {
    (4 * model_points(dim)).max(32)
}

/// What a trial in flight was proposed for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Purpose {
    /// A model step from an incumbent of value `base`, predicting a decrease `predicted`.
    Step { base: f64, predicted: f64, length: f64 },
    /// A point that completes the model's directions.
    Geometry,
    /// A point handed out while a step was pending.
    Spread,
    /// The first point of a run started away from every remembered probe point.
    Start,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct InFlight {
    id: u64,
    purpose: Purpose,
}

/// The model around the incumbent: `q(x_b + s) = f_b + gᵀs + ½ sᵀHs`.
struct Model {
    g: Vec<f64>,
    /// Row-major `D × D`.
    h: Vec<f64>,
    /// Distance within which the interpolation set spans every direction (`f64::MAX` when it
    /// never does); `None` when it is the kept set's at the fit's radius, worked out only when
    /// a step is refused (most models' first step is taken).
    spans: Option<f64>,
}

/// An interpolation set chosen afresh from the archive.
struct Chosen {
    chosen: Vec<Point>,
    /// Distance within which the set spans every direction (`f64::MAX` when it never does).
    spans: f64,
}

/// The interpolation set kept between trials and the inverse of its KKT matrix, in the
/// coordinates `y = (u − origin) / scale`. Row and column `0` are the constant term, `1..=D`
/// the gradient, `D + 1 + j` point `j`; the matrix is `W = [[0, Xᵀ], [X, A]]` with
/// `A_jk = ½ (y_jᵀ y_k)²` and `X`'s row `j` = `(1, y_j)`. A new point replaces one of the set
/// by Powell's update of `W⁻¹` in `O((m + D)²)`; the inverse is computed afresh every
/// [`model_points`] replacements and when the incumbent leaves the origin's neighbourhood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Interp {
    origin: Vec<f64>,
    scale: f64,
    points: Vec<Point>,
    /// `W⁻¹`, row-major (symmetric up to the updates' rounding).
    inverse: Vec<f64>,
    /// Replacements since the inverse was computed afresh.
    updates: u32,
}

/// Trust-region state: the archive, the incumbent, the radius and the model's Hessian.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TrustRegion {
    dim: usize,
    /// Evaluated points (failed ones excluded), at most [`archive_cap`].
    archive: Vec<Point>,
    /// The incumbent of the current run; `None` until a restart's first point is told.
    incumbent: Option<Point>,
    radius: f64,
    /// The last model's Hessian (row-major), the start of the next least-change fit.
    hessian: Vec<f64>,
    /// The interpolation set and its inverse KKT matrix; `None` until the first fit and after
    /// a restart.
    interp: Option<Interp>,
    in_flight: Vec<InFlight>,
    /// Best probe points not yet used as a start, best first.
    starts: Vec<Point>,
    /// Where earlier runs started.
    origins: Vec<Vec<f64>>,
    restarts: u32,
    rng: Rng,
}

impl TrustRegion {
    /// Starts at the best of `history` (probe and warm-start points, in trial order).
    pub(crate) fn new(dim: usize, history: &[Point], seed: u64) -> Self {
        let mut ranked: Vec<&Point> = history.iter().filter(|p| p.f != FAILED).collect();
        ranked.sort_by(|a, b| a.f.total_cmp(&b.f)); // stable: the earliest of equal values first
        let incumbent = ranked.first().map(|p| (*p).clone());
        let radius = incumbent.as_ref().map_or(MAX_START_RADIUS, |b| start_radius(b, &ranked, dim));
        let origins: Vec<Vec<f64>> = incumbent.iter().map(|p| p.u.clone()).collect();
        let starts = ranked.iter().skip(1).take(STARTS_KEPT).map(|p| (*p).clone()).collect();
        let mut s = Self {
            dim,
            archive: Vec::new(),
            incumbent,
            radius,
            hessian: vec![0.0; dim * dim],
            interp: None,
            in_flight: Vec::new(),
            starts,
            origins,
            restarts: 0,
            rng: Rng::new(seed, Stream::TrustRegion),
        };
        for p in ranked {
            s.remember(p.clone());
        }
        s
    }

    /// Next point to evaluate as trial `id`.
    pub(crate) fn propose(&mut self, id: u64, _ctx: &Context<'_>) -> Vec<f64> {
        let Some(base) = self.incumbent.clone() else {
            // A restart's first point is still pending (or nothing was ever told).
            return self.hand_out(id, Purpose::Spread, |s| s.uniform_point());
        };
        if self.radius < MIN_RADIUS {
            return self.restart(id);
        }
        let waiting = self.in_flight.iter().any(|t| !matches!(t.purpose, Purpose::Spread));
        if waiting {
            return self.hand_out(id, Purpose::Spread, |s| s.spread_point(&base.u));
        }
        // One fit; the radius shrinks under it until the model promises a real step.
        let model = self.fit(&base);
        self.hessian.clone_from(&model.h);
        let fit_radius = self.radius;
        let mut spans = model.spans;
        while self.radius >= MIN_RADIUS {
            let s = minimise(&model, &base.u, self.radius);
            let length = norm(&s);
            let predicted = -model_value(&model, &s);
            if length >= 0.1 * self.radius && predicted > 0.0 {
                let u: Vec<f64> = base.u.iter().zip(&s).map(|(x, d)| clamp01(x + d)).collect();
                let purpose = Purpose::Step { base: base.f, predicted, length };
                return self.hand_out(id, purpose, |_| u);
            }
            let spans = *spans.get_or_insert_with(|| {
                self.interp.as_ref().map_or(f64::MAX, |ip| ip.spans(&base.u, fit_radius))
            });
            // Poised: the set spans every direction within `2Δ`, so a model good enough on the
            // region that a failed step blames the radius, not the points.
            if spans > 2.0 * self.radius {
                let within = 2.0 * self.radius;
                let dir = missing_direction(self.dim, &self.near(&base.u, within), &base.u, within);
                let u = along(&base.u, &dir, self.radius);
                return self.hand_out(id, Purpose::Geometry, |_| u);
            }
            self.radius *= 0.5;
        }
        self.restart(id)
    }

    fn hand_out(
        &mut self,
        id: u64,
        purpose: Purpose,
        point: impl FnOnce(&mut Self) -> Vec<f64>,
    ) -> Vec<f64> {
        let u = point(self);
        self.in_flight.push(InFlight { id, purpose });
        u
    }

    /// Result of trial `id` at `u` (any told trial, this strategy's or not).
    pub(crate) fn observe(&mut self, id: u64, u: &[f64], f: f64) {
        let purpose = match self.in_flight.iter().position(|t| t.id == id) {
            Some(i) => Some(self.in_flight.remove(i).purpose),
            None => None,
        };
        if f == FAILED {
            if let Some(Purpose::Step { length, .. }) = purpose {
                self.radius = (0.5 * length.min(self.radius)).max(0.5 * MIN_RADIUS);
            }
            return;
        }
        let point = Point { u: u.to_vec(), f };
        let improves = self.incumbent.as_ref().is_none_or(|b| f < b.f);
        if let Some(Purpose::Step { base, predicted, length }) = purpose {
            let ratio = (base - f) / predicted;
            if ratio >= 0.7 {
                self.radius = (2.0 * length).max(self.radius).min(MAX_RADIUS);
            } else if ratio < 0.1 {
                let poised =
                    self.incumbent.as_ref().is_none_or(|b| self.spans(b) <= 2.0 * self.radius);
                if poised {
                    self.radius = 0.5 * length.min(self.radius);
                }
            }
        }
        if improves {
            self.incumbent = Some(point.clone());
        }
        self.absorb(&point);
        self.remember(point);
    }

    /// Puts a told point into the kept interpolation set, replacing the member whose removal
    /// Powell's rule weighs best; the set is rebuilt at the next fit when the update fails.
    fn absorb(&mut self, p: &Point) {
        let (Some(interp), Some(base)) = (self.interp.as_mut(), self.incumbent.as_ref()) else {
            return;
        };
        if !interp.insert(p, &base.u, model_points(self.dim), self.dim) {
            self.interp = None;
        }
    }

    /// Adds a point to the archive, evicting the farthest from the incumbent past the cap.
    fn remember(&mut self, p: Point) {
        self.archive.push(p);
        if self.archive.len() > archive_cap(self.dim) {
            let centre =
                self.incumbent.as_ref().map_or_else(|| vec![0.5; self.dim], |b| b.u.clone());
            let far = self
                .archive
                .iter()
                .enumerate()
                .max_by(|a, b| dist2(&a.1.u, &centre).total_cmp(&dist2(&b.1.u, &centre)))
                .map_or(0, |(i, _)| i);
            self.archive.remove(far);
        }
    }

    /// A new run: at the best remembered probe point far from every earlier start, or at a
    /// uniform point (evaluated first).
    fn restart(&mut self, id: u64) -> Vec<f64> {
        self.restarts += 1;
        self.hessian.iter_mut().for_each(|h| *h = 0.0);
        self.interp = None;
        self.radius = RESTART_RADIUS;
        let far = |p: &Point, origins: &[Vec<f64>]| {
            origins.iter().all(|o| dist2(o, &p.u) > RESTART_SPREAD * RESTART_SPREAD)
        };
        let next = self.starts.iter().position(|p| far(p, &self.origins));
        let start = next.map(|i| self.starts.remove(i));
        if let Some(p) = &start {
            self.origins.push(p.u.clone());
        }
        let origins = &self.origins;
        self.starts.retain(|p| far(p, origins));
        match start {
            Some(p) => {
                self.incumbent = Some(p.clone());
                self.propose_after_restart(id, p)
            }
            None => {
                self.incumbent = None;
                let u = self.uniform_point();
                self.origins.push(u.clone());
                self.hand_out(id, Purpose::Start, |_| u)
            }
        }
    }

    fn propose_after_restart(&mut self, id: u64, base: Point) -> Vec<f64> {
        let model = self.fit(&base);
        let s = minimise(&model, &base.u, self.radius);
        let predicted = -model_value(&model, &s);
        self.hessian.clone_from(&model.h);
        if norm(&s) > 0.0 && predicted > 0.0 {
            let u: Vec<f64> = base.u.iter().zip(&s).map(|(x, d)| clamp01(x + d)).collect();
            let purpose = Purpose::Step { base: base.f, predicted, length: norm(&s) };
            return self.hand_out(id, purpose, |_| u);
        }
        let u = self.spread_point(&base.u);
        self.hand_out(id, Purpose::Geometry, |_| u)
    }

    fn uniform_point(&mut self) -> Vec<f64> {
        (0..self.dim).map(|_| self.rng.uniform()).collect()
    }

    /// A point at distance `Δ` from `centre` in a random direction (inside the cube).
    fn spread_point(&mut self, centre: &[f64]) -> Vec<f64> {
        let mut dir: Vec<f64> = Vec::with_capacity(self.dim + 1);
        while dir.len() < self.dim {
            let (a, b) = normal_pair(&mut self.rng);
            dir.push(a);
            dir.push(b);
        }
        dir.truncate(self.dim);
        let n = norm(&dir).max(f64::MIN_POSITIVE);
        dir.iter_mut().for_each(|d| *d /= n);
        along(centre, &dir, self.radius)
    }

    /// Archive points other than `centre` within distance `within` of it, with their squared
    /// distance to it, nearest first.
    fn near(&self, centre: &[f64], within: f64) -> Vec<(f64, &Point)> {
        let mut near: Vec<(f64, &Point)> = self
            .archive
            .iter()
            .map(|p| (dist2(&p.u, centre), p))
            .filter(|(d, _)| *d > 0.0 && libm::sqrt(*d) <= within)
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0));
        near
    }

    /// The least-change quadratic model around `base`, from the kept interpolation set
    /// (rebuilt from the archive when it is missing, old or centred too far away).
    fn fit(&mut self, base: &Point) -> Model {
        let n = self.dim;
        let stale = self.interp.as_ref().is_none_or(|ip| {
            ip.updates as usize >= model_points(n)
                || dist2(&base.u, &ip.origin) > 1e3 * self.radius * self.radius
                || !ip.points.iter().any(|p| p.u == base.u)
        });
        if stale {
            let mut points = vec![base.clone()];
            points.extend(self.choose(base).chosen);
            self.interp = Interp::build(base.u.clone(), points, n);
        }
        if let Some(ip) = &self.interp {
            if let Some((g, h)) = ip.model(base, &self.hessian, n) {
                return Model { g, h, spans: None };
            }
        }
        Model { g: vec![0.0; n], h: self.hessian.clone(), spans: Some(self.choose(base).spans) }
    }

    /// Distance within which the points around `base` span every direction.
    fn spans(&self, base: &Point) -> f64 {
        match &self.interp {
            Some(ip) => ip.spans(&base.u, self.radius),
            None => self.choose(base).spans,
        }
    }

    /// The interpolation set around `base`: nearest first, first the points that add a
    /// direction, then the nearest of the rest, none closer than a tenth of the radius to
    /// another.
    fn choose(&self, base: &Point) -> Chosen {
        let n = self.dim;
        let delta = self.radius;
        let near = self.near(&base.u, f64::INFINITY);
        let min_gap2 = (0.1 * delta) * (0.1 * delta);
        let mut chosen: Vec<(Vec<f64>, f64)> = Vec::new(); // displacement, value
        let mut picked: Vec<Point> = Vec::new();
        let mut basis: Vec<Vec<f64>> = Vec::new(); // orthonormal directions found
        let mut used = vec![false; near.len()];
        let spaced = |s: &[f64], chosen: &[(Vec<f64>, f64)]| {
            s.iter().map(|x| x * x).sum::<f64>() >= min_gap2
                && chosen.iter().all(|(c, _)| dist2(c, s) >= min_gap2)
        };
        // First the nearest points that add a direction.
        let mut poised_radius = f64::MAX;
        for (k, (d2, p)) in near.iter().enumerate() {
            if basis.len() == n {
                break;
            }
            let s: Vec<f64> = p.u.iter().zip(&base.u).map(|(a, b)| a - b).collect();
            if !spaced(&s, &chosen) {
                continue;
            }
            let mut r = s.clone();
            for b in &basis {
                let dot: f64 = r.iter().zip(b).map(|(x, y)| x * y).sum();
                r.iter_mut().zip(b).for_each(|(x, y)| *x -= dot * y);
            }
            let rn = norm(&r);
            if rn >= 0.2 * libm::sqrt(*d2) {
                basis.push(r.iter().map(|x| x / rn).collect());
                chosen.push((s, p.f));
                picked.push((*p).clone());
                used[k] = true;
                poised_radius = libm::sqrt(*d2);
            }
        }
        // Then the nearest of the rest.
        let m = model_points(n) - 1;
        for (k, (_, p)) in near.iter().enumerate() {
            if chosen.len() >= m {
                break;
            }
            if used[k] {
                continue;
            }
            let s: Vec<f64> = p.u.iter().zip(&base.u).map(|(a, b)| a - b).collect();
            if spaced(&s, &chosen) {
                chosen.push((s, p.f));
                picked.push((*p).clone());
            }
        }
        let spans = if basis.len() == n { poised_radius } else { f64::MAX };
        Chosen { chosen: picked, spans }
    }

    pub(crate) fn is_consistent(&self, dim: usize) -> bool {
        self.dim == dim
            && dim > 0
            && self.radius.is_finite()
            && self.radius > 0.0
            && self.hessian.len() == dim * dim
            && self.archive.iter().chain(&self.starts).all(|p| p.u.len() == dim)
            && self.incumbent.as_ref().is_none_or(|p| p.u.len() == dim)
            && self.origins.iter().all(|o| o.len() == dim)
            && self.interp.as_ref().is_none_or(|ip| ip.is_consistent(dim))
    }
}

/// The first radius: half the distance from the best probe point to its `D`-th nearest
/// other probe point, clamped to `[MIN_START_RADIUS, MAX_START_RADIUS]`.
fn start_radius(best: &Point, ranked: &[&Point], dim: usize) -> f64 {
    let mut d: Vec<f64> =
        ranked.iter().map(|p| dist2(&p.u, &best.u)).filter(|&d| d > 1e-6).collect();
    d.sort_by(f64::total_cmp);
    let k = dim.min(d.len());
    if k == 0 {
        return MAX_START_RADIUS;
    }
    (0.5 * libm::sqrt(d[k - 1])).clamp(MIN_START_RADIUS, MAX_START_RADIUS)
}

/// A unit direction the points within `within` of `base` miss: the coordinate axis with the
/// largest residual after projecting out the directions those points span.
fn missing_direction(n: usize, near: &[(f64, &Point)], base: &[f64], within: f64) -> Vec<f64> {
    // Directions of the points already close enough count as present.
    let mut close: Vec<Vec<f64>> = Vec::new();
    for (d2, p) in near {
        if libm::sqrt(*d2) > within || close.len() == n {
            break;
        }
        let mut r: Vec<f64> = p.u.iter().zip(base).map(|(a, b)| a - b).collect();
        let len = norm(&r);
        for b in &close {
            let dot: f64 = r.iter().zip(b).map(|(x, y)| x * y).sum();
            r.iter_mut().zip(b).for_each(|(x, y)| *x -= dot * y);
        }
        let rn = norm(&r);
        if rn >= 0.2 * len && rn > 0.0 {
            close.push(r.iter().map(|x| x / rn).collect());
        }
    }
    let mut best: (f64, Vec<f64>) = (-1.0, vec![0.0; n]);
    for axis in 0..n {
        let mut r = vec![0.0; n];
        r[axis] = 1.0;
        for b in &close {
            let dot = b[axis];
            r.iter_mut().zip(b).for_each(|(x, y)| *x -= dot * y);
        }
        let rn = norm(&r);
        if rn > best.0 {
            best = (rn, r.iter().map(|x| x / rn.max(f64::MIN_POSITIVE)).collect());
        }
    }
    best.1
}

/// `centre + len · dir`, the direction reversed when that stays farther inside the cube, and
/// clamped.
fn along(centre: &[f64], dir: &[f64], len: f64) -> Vec<f64> {
    let plus: Vec<f64> = centre.iter().zip(dir).map(|(c, d)| c + len * d).collect();
    let minus: Vec<f64> = centre.iter().zip(dir).map(|(c, d)| c - len * d).collect();
    let outside = |v: &[f64]| v.iter().map(|&x| (x - clamp01(x)).abs()).sum::<f64>();
    let pick = if outside(&minus) < outside(&plus) { minus } else { plus };
    pick.into_iter().map(clamp01).collect()
}

impl Interp {
    /// The set's KKT matrix around `origin`, inverted afresh; `None` when it is singular
    /// (fewer than `D + 1` affinely independent points). When the first `D + 1` points are
    /// affinely independent (a [`TrustRegion::choose`] set starts with them) only their block
    /// is eliminated, and the other points are bordered on one by one, `O((m + D)²)` each;
    /// a point that would make the matrix nearly singular is left out.
    fn build(origin: Vec<f64>, points: Vec<Point>, n: usize) -> Option<Self> {
        let far = points.iter().map(|p| dist2(&p.u, &origin)).fold(0.0, f64::max);
        let scale = libm::sqrt(far).max(f64::MIN_POSITIVE);
        if points.len() > n + 1 {
            let first = points[..n + 1].to_vec();
            let mut ip = Self {
                origin: origin.clone(),
                scale,
                points: first,
                inverse: Vec::new(),
                updates: 0,
            };
            if let Some(inverse) = invert(&mut ip.kkt(n), 2 * n + 2) {
                ip.inverse = inverse;
                for p in &points[n + 1..] {
                    ip.insert(p, &[], usize::MAX, n);
                }
                return Some(ip);
            }
        }
        let mut ip = Self { origin, scale, points, inverse: Vec::new(), updates: 0 };
        let size = n + 1 + ip.points.len();
        ip.inverse = invert(&mut ip.kkt(n), size)?;
        Some(ip)
    }

    /// The KKT matrix `W` of the set, row-major.
    fn kkt(&self, n: usize) -> Vec<f64> {
        let ys = self.scaled(n);
        let m = self.points.len();
        let size = n + 1 + m;
        let mut w = vec![0.0; size * size];
        for k in 0..m {
            let r = n + 1 + k;
            let yk = &ys[k * n..(k + 1) * n];
            w[r] = 1.0;
            w[r * size] = 1.0;
            for (i, y) in yk.iter().enumerate() {
                w[(1 + i) * size + r] = *y;
                w[r * size + 1 + i] = *y;
            }
            for l in k..m {
                let dot = dot(yk, &ys[l * n..(l + 1) * n]);
                w[r * size + n + 1 + l] = 0.5 * dot * dot;
                w[(n + 1 + l) * size + r] = 0.5 * dot * dot;
            }
            w[r * size + r] += REGULARISATION;
        }
        w
    }

    fn to_scaled(&self, u: &[f64]) -> Vec<f64> {
        u.iter().zip(&self.origin).map(|(x, o)| (x - o) / self.scale).collect()
    }

    /// Every point's scaled coordinates, row-major `m × D`.
    fn scaled(&self, n: usize) -> Vec<f64> {
        let mut ys = Vec::with_capacity(self.points.len() * n);
        for p in &self.points {
            ys.extend(p.u.iter().zip(&self.origin).map(|(x, o)| (x - o) / self.scale));
        }
        ys
    }

    /// Adds `p`: appended while the set has fewer than `cap` points (bordering the inverse),
    /// else in place of a member (Powell's rank-two update). `false` when the update would
    /// divide by a vanishing denominator or leave a non-finite inverse.
    fn insert(&mut self, p: &Point, base: &[f64], cap: usize, n: usize) -> bool {
        let m = self.points.len();
        let size = n + 1 + m;
        let ys = self.scaled(n);
        let y = self.to_scaled(&p.u);
        let mut w = Vec::with_capacity(size);
        w.push(1.0);
        w.extend_from_slice(&y);
        for k in 0..m {
            let d = dot(&ys[k * n..(k + 1) * n], &y);
            w.push(0.5 * d * d);
        }
        let hw = mat_vec(&self.inverse, &w, size);
        let yy = dot(&y, &y);
        let beta = 0.5 * yy * yy + REGULARISATION - dot(&w, &hw);
        let h = &self.inverse;
        if m < cap {
            if !(beta > TINY_DENOMINATOR && beta.is_finite()) {
                return false;
            }
            // [[H + c cᵀβ, −c], [−cᵀ, 1/β]] with c = Hw / β.
            let c: Vec<f64> = hw.iter().map(|x| x / beta).collect();
            if !c.iter().all(|x| x.is_finite()) {
                return false;
            }
            let mut next = Vec::with_capacity((size + 1) * (size + 1));
            for (hrow, ci) in h.chunks_exact(size).zip(&c) {
                next.extend(hrow.iter().zip(&hw).map(|(x, y)| x + ci * y));
                next.push(-ci);
            }
            next.extend(c.iter().map(|x| -x));
            next.push(1.0 / beta);
            self.inverse = next;
            self.points.push(p.clone());
            return true;
        }
        // The slot to replace: the farthest from the incumbent, as a fresh choice of the
        // nearest points would drop it, among the members whose replacement keeps Powell's
        // denominator `σ_t` within a factor of the largest (a nearly singular set otherwise).
        let sigma_of = |j: usize| {
            let k = n + 1 + j;
            libm::fabs(h[k * size + k] * beta + hw[k] * hw[k])
        };
        let top = (0..m).map(sigma_of).fold(0.0, f64::max);
        let mut best: Option<(usize, f64)> = None;
        for (j, q) in self.points.iter().enumerate() {
            if q.u == base || sigma_of(j) < SIGMA_FLOOR * top {
                continue;
            }
            let d2 = dist2(&q.u, base);
            if best.is_none_or(|(_, b)| d2 > b) {
                best = Some((j, d2));
            }
        }
        let Some((j, _)) = best else { return false };
        let t = n + 1 + j;
        let alpha = h[t * size + t];
        let tau = hw[t];
        let sigma = alpha * beta + tau * tau;
        if !(libm::fabs(sigma) > TINY_DENOMINATOR && sigma.is_finite()) {
            return false;
        }
        // H ← H + [α v vᵀ − β h_t h_tᵀ + τ (h_t vᵀ + v h_tᵀ)] / σ with v = e_t − Hw and
        // h_t = H e_t, applied by rows as H_ij += a_i v_j + b_i h_tj.
        let ht: Vec<f64> = h[t * size..(t + 1) * size].to_vec();
        let mut v: Vec<f64> = hw.iter().map(|x| -x).collect();
        v[t] += 1.0;
        let (v, ht) = (&v[..size], &ht[..size]);
        let mut finite = true;
        for (i, row) in self.inverse.chunks_exact_mut(size).enumerate() {
            let a = (alpha * v[i] + tau * ht[i]) / sigma;
            let b = (tau * v[i] - beta * ht[i]) / sigma;
            finite &= a.is_finite() && b.is_finite();
            let row = &mut row[..size];
            for j in 0..size {
                row[j] += a * v[j] + b * ht[j];
            }
        }
        self.points[j] = p.clone();
        self.updates = self.updates.saturating_add(1);
        finite
    }

    /// Gradient at `base` and Hessian of the quadratic through the set whose Hessian is
    /// closest to `h0` in Frobenius norm; `None` when not finite.
    fn model(&self, base: &Point, h0: &[f64], n: usize) -> Option<(Vec<f64>, Vec<f64>)> {
        let m = self.points.len();
        let size = n + 1 + m;
        let ys = self.scaled(n);
        let s2 = self.scale * self.scale;
        // The previous Hessian in scaled coordinates, and what it leaves to interpolate (values
        // relative to the incumbent's, so that the constant does not swamp the differences).
        let mut hess: Vec<f64> = h0.iter().map(|h| h * s2).collect();
        // Both products run over the upper triangle only (the Hessians are symmetric).
        let r: Vec<f64> = self
            .points
            .iter()
            .zip(ys.chunks_exact(n))
            .map(|(p, y)| {
                let mut yhy = 0.0;
                for i in 0..n {
                    let off: f64 = hess[i * n + i + 1..(i + 1) * n]
                        .iter()
                        .zip(&y[i + 1..])
                        .map(|(h, v)| h * v)
                        .sum();
                    yhy += y[i] * (hess[i * n + i] * y[i] + 2.0 * off);
                }
                (p.f - base.f) - 0.5 * yhy
            })
            .collect();
        // (g, λ) from (c, g, λ) = W⁻¹ (0, 0, r): only the points' columns.
        let sol: Vec<f64> =
            (1..size).map(|i| dot(&self.inverse[i * size + n + 1..(i + 1) * size], &r)).collect();
        for (l, y) in sol[n..].iter().zip(ys.chunks_exact(n)) {
            for i in 0..n {
                let li = l * y[i];
                hess[i * n + i..(i + 1) * n]
                    .iter_mut()
                    .zip(&y[i..])
                    .for_each(|(h, yj)| *h += li * yj);
            }
        }
        for i in 0..n {
            for j in 0..i {
                hess[i * n + j] = hess[j * n + i];
            }
        }
        let yb = self.to_scaled(&base.u);
        let hy = mat_vec(&hess, &yb, n);
        let g: Vec<f64> = (0..n).map(|i| (sol[i] + hy[i]) / self.scale).collect();
        let h: Vec<f64> = hess.iter().map(|v| v / s2).collect();
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        (finite(&g) && finite(&h)).then_some((g, h))
    }

    /// Distance from `base` within which the set spans every direction, as
    /// [`TrustRegion::choose`] reckons it (`f64::MAX` when it never does).
    fn spans(&self, base: &[f64], delta: f64) -> f64 {
        let n = base.len();
        if n == 0 {
            return f64::MAX; // no direction to span (and `chunks_exact` needs a width)
        }
        let mut near: Vec<(f64, usize)> = self
            .points
            .iter()
            .enumerate()
            .map(|(j, p)| (dist2(&p.u, base), j))
            .filter(|(d, _)| *d > 0.0)
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0));
        let min_gap2 = (0.1 * delta) * (0.1 * delta);
        // Flat scratch, `n` per row: the displacements taken and the orthonormal basis.
        let mut taken: Vec<f64> = Vec::with_capacity(n * n);
        let mut basis: Vec<f64> = Vec::with_capacity(n * n);
        let mut s = vec![0.0; n];
        let mut r = vec![0.0; n];
        for (d2, j) in near {
            s.iter_mut().zip(self.points[j].u.iter().zip(base)).for_each(|(x, (a, b))| *x = a - b);
            if d2 < min_gap2 || taken.chunks_exact(n).any(|c| dist2(c, &s) < min_gap2) {
                continue;
            }
            r.copy_from_slice(&s);
            for b in basis.chunks_exact(n) {
                let d = dot(&r, b);
                r.iter_mut().zip(b).for_each(|(x, y)| *x -= d * y);
            }
            let rn = norm(&r);
            if rn >= 0.2 * libm::sqrt(d2) {
                basis.extend(r.iter().map(|x| x / rn));
                taken.extend_from_slice(&s);
                if basis.len() == n * n {
                    return libm::sqrt(d2);
                }
            }
        }
        f64::MAX
    }

    fn is_consistent(&self, dim: usize) -> bool {
        let size = dim + 1 + self.points.len();
        self.origin.len() == dim
            && self.scale.is_finite()
            && self.scale > 0.0
            && self.points.len() <= model_points(dim)
            && self.points.iter().all(|p| p.u.len() == dim)
            && self.inverse.len() == size * size
    }
}

/// A replaced point's denominator is at least this fraction of the largest one.
const SIGMA_FLOOR: f64 = 1e-4;

/// Added to the diagonal of the KKT matrix's point block: a whisper of regularisation that
/// keeps nearly degenerate sets solvable (without it the ellipsoid stalls a decade short).
const REGULARISATION: f64 = 1e-10;

/// Smallest denominator an update of the inverse KKT matrix divides by.
const TINY_DENOMINATOR: f64 = 1e-30;

/// The inverse of the `n × n` row-major `a` by Gauss–Jordan elimination with partial
/// pivoting; `None` when a pivot vanishes.
fn invert(a: &mut [f64], n: usize) -> Option<Vec<f64>> {
    let scale = a.iter().fold(0.0f64, |m, x| m.max(libm::fabs(*x))).max(f64::MIN_POSITIVE);
    let mut inv = vec![0.0; n * n];
    for i in 0..n {
        inv[i * n + i] = 1.0;
    }
    for col in 0..n {
        let mut pivot = col;
        let mut largest = libm::fabs(a[col * n + col]);
        for i in col + 1..n {
            let v = libm::fabs(a[i * n + col]);
            if v.total_cmp(&largest).is_ge() {
                pivot = i;
                largest = v;
            }
        }
        if largest < 1e-14 * scale {
            return None;
        }
        if pivot != col {
            for k in 0..n {
                a.swap(col * n + k, pivot * n + k);
                inv.swap(col * n + k, pivot * n + k);
            }
        }
        let p = a[col * n + col];
        a[col * n..(col + 1) * n].iter_mut().for_each(|x| *x /= p);
        inv[col * n..(col + 1) * n].iter_mut().for_each(|x| *x /= p);
        let prow: Vec<f64> = a[col * n + col..(col + 1) * n].to_vec();
        let pinv: Vec<f64> = inv[col * n..(col + 1) * n].to_vec();
        for i in 0..n {
            if i == col {
                continue;
            }
            let factor = a[i * n + col];
            if factor != 0.0 {
                a[i * n + col..(i + 1) * n]
                    .iter_mut()
                    .zip(&prow)
                    .for_each(|(x, y)| *x -= factor * y);
                inv[i * n..(i + 1) * n].iter_mut().zip(&pinv).for_each(|(x, y)| *x -= factor * y);
            }
        }
    }
    Some(inv)
}

/// `aᵀb` in four interleaved partial sums (a fixed order, so portable; and vectorisable).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0; 4];
    for (x, y) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        for l in 0..4 {
            acc[l] += x[l] * y[l];
        }
    }
    let tail: f64 = a[n / 4 * 4..].iter().zip(&b[n / 4 * 4..]).map(|(x, y)| x * y).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// `q(s) − q(0) = gᵀs + ½ sᵀHs`.
fn model_value(m: &Model, s: &[f64]) -> f64 {
    let n = s.len();
    let hs = mat_vec(&m.h, s, n);
    s.iter().zip(&m.g).map(|(x, g)| x * g).sum::<f64>()
        + 0.5 * s.iter().zip(&hs).map(|(x, y)| x * y).sum::<f64>()
}

fn mat_vec(h: &[f64], v: &[f64], n: usize) -> Vec<f64> {
    h.chunks_exact(n).map(|row| dot(row, v)).collect()
}

/// An approximate minimiser of the model over `‖s‖ ≤ Δ` and `0 ≤ x + s ≤ 1`: conjugate
/// gradients from `s = 0`, stopped at the trust region's boundary or on negative curvature
/// there, and restarted with a coordinate fixed whenever the path reaches its bound.
fn minimise(m: &Model, x: &[f64], delta: f64) -> Vec<f64> {
    let n = x.len();
    let mut s = vec![0.0; n];
    let mut fixed = vec![false; n];
    // Coordinates on a face whose gradient points out start fixed.
    for i in 0..n {
        if (x[i] <= 0.0 && m.g[i] > 0.0) || (x[i] >= 1.0 && m.g[i] < 0.0) {
            fixed[i] = true;
        }
    }
    'outer: for _ in 0..=n {
        let hs = mat_vec(&m.h, &s, n);
        let mut r: Vec<f64> =
            (0..n).map(|i| if fixed[i] { 0.0 } else { -(m.g[i] + hs[i]) }).collect();
        let mut p = r.clone();
        let mut rr: f64 = r.iter().map(|v| v * v).sum();
        let r0 = libm::sqrt(rr);
        if r0 == 0.0 {
            break;
        }
        for _ in 0..n {
            let hp = mat_vec(&m.h, &p, n);
            let curv: f64 = p.iter().zip(&hp).map(|(a, b)| a * b).sum();
            // Longest step along p inside the ball.
            let sp: f64 = s.iter().zip(&p).map(|(a, b)| a * b).sum();
            let pp: f64 = p.iter().map(|v| v * v).sum();
            let ss: f64 = s.iter().map(|v| v * v).sum();
            let disc = (sp * sp + pp * (delta * delta - ss)).max(0.0);
            let to_ball = (-sp + libm::sqrt(disc)) / pp;
            // Longest step inside the box, and the coordinate that stops it.
            let (mut to_box, mut hit) = (f64::MAX, None);
            for i in 0..n {
                if fixed[i] || p[i] == 0.0 {
                    continue;
                }
                let room = if p[i] > 0.0 { 1.0 - x[i] - s[i] } else { -x[i] - s[i] };
                let t = (room / p[i]).max(0.0);
                if t < to_box {
                    to_box = t;
                    hit = Some(i);
                }
            }
            let step = if curv > 0.0 { rr / curv } else { f64::MAX };
            let alpha = step.min(to_ball).min(to_box);
            s.iter_mut().zip(&p).for_each(|(a, b)| *a += alpha * b);
            if alpha == to_box && to_box < to_ball && to_box < step {
                if let Some(i) = hit {
                    fixed[i] = true;
                    s[i] = if p[i] > 0.0 { 1.0 - x[i] } else { -x[i] };
                }
                continue 'outer;
            }
            if alpha == to_ball {
                break 'outer;
            }
            r.iter_mut().zip(&hp).enumerate().for_each(|(i, (a, b))| {
                if !fixed[i] {
                    *a -= alpha * b;
                }
            });
            let rr_new: f64 = r.iter().map(|v| v * v).sum();
            if libm::sqrt(rr_new) <= 1e-10 * r0 {
                break 'outer;
            }
            let beta = rr_new / rr;
            rr = rr_new;
            p.iter_mut().zip(&r).for_each(|(a, b)| *a = b + beta * *a);
        }
        break;
    }
    s
}

fn clamp01(x: f64) -> f64 {
    crate::encoding::clamp_unit(x)
}

fn norm(v: &[f64]) -> f64 {
    libm::sqrt(v.iter().map(|x| x * x).sum())
}

fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Two independent standard normals by Box–Muller (`libm`, so portable).
fn normal_pair(rng: &mut Rng) -> (f64, f64) {
    let u1 = 1.0 - rng.uniform();
    let u2 = rng.uniform();
    let r = libm::sqrt(-2.0 * libm::log(u1));
    let (sin, cos) = libm::sincos(core::f64::consts::TAU * u2);
    (r * cos, r * sin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        n: usize,
        f: impl Fn(&[f64]) -> f64,
        probe: usize,
        evals: u64,
    ) -> (f64, u64, TrustRegion) {
        let space = crate::config::Space::new();
        let kinds = vec![crate::encoding::DimKind::Continuous; n];
        let ctx = Context { kinds: &kinds, space: &space, pending: &[], seen: None };
        let history: Vec<Point> = (0..probe as u64)
            .map(|i| {
                let u = crate::probe::point(i, n, 11);
                Point { f: f(&u), u }
            })
            .collect();
        let mut tr = TrustRegion::new(n, &history, 5);
        let mut best = history.iter().map(|p| p.f).fold(f64::MAX, f64::min);
        let mut used = 0;
        for id in 0..evals {
            let u = tr.propose(id, &ctx);
            assert!(u.iter().all(|x| (0.0..=1.0).contains(x)), "{u:?}");
            let y = f(&u);
            tr.observe(id, &u, y);
            if y < best {
                best = y;
                used = id + 1;
            }
        }
        (best, used, tr)
    }

    /// A rotated, ill-conditioned quadratic with its minimum inside the cube.
    fn bowl(u: &[f64]) -> f64 {
        let n = u.len();
        let x: Vec<f64> = u.iter().enumerate().map(|(i, v)| v - 0.3 - 0.05 * i as f64).collect();
        (0..n)
            .map(|i| {
                let z = x[i] + 0.5 * x[(i + 1) % n];
                libm::pow(100.0, i as f64 / (n - 1) as f64) * z * z
            })
            .sum()
    }

    #[test]
    fn minimises_a_quadratic_to_machine_precision_in_few_trials() {
        // Condition 100 in a rotated frame, D = 5: the model is exact once its Hessian is.
        let (best, used, _) = run(5, bowl, 18, 60);
        assert!(best < 1e-12, "{best}");
        assert!(used <= 60, "{used}");
    }

    #[test]
    fn reaches_a_boundary_optimum_exactly() {
        let f = |u: &[f64]| u.iter().enumerate().map(|(i, x)| (i + 1) as f64 * x).sum::<f64>();
        let (best, _, _) = run(5, f, 18, 40);
        assert_eq!(best, 0.0);
    }

    fn pt(u: &[f64], f: f64) -> Point {
        Point { u: u.to_vec(), f }
    }

    #[test]
    fn least_change_recovers_a_quadratic_from_a_full_set() {
        // With (D+1)(D+2)/2 points the interpolant is the quadratic itself.
        let q = |s: &[f64]| {
            1.0 + 2.0 * s[0] - s[1] + 3.0 * s[0] * s[0] + s[0] * s[1] + 0.5 * s[1] * s[1]
        };
        let points: Vec<Point> =
            [[0.5, 0.5], [0.6, 0.5], [0.5, 0.6], [0.4, 0.5], [0.5, 0.4], [0.6, 0.6]]
                .iter()
                .map(|u| pt(u, q(&[u[0] - 0.5, u[1] - 0.5])))
                .collect();
        let ip = Interp::build(vec![0.5, 0.5], points, 2).unwrap();
        let (g, h) = ip.model(&pt(&[0.5, 0.5], q(&[0.0, 0.0])), &[0.0; 4], 2).unwrap();
        let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6);
        assert!(close(&g, &[2.0, -1.0]), "{g:?}");
        assert!(close(&h, &[6.0, 1.0, 1.0, 1.0]), "{h:?}");
    }

    #[test]
    fn updated_inverse_matches_a_fresh_one() {
        // Grow a set to its cap, then replace points; the kept inverse must stay the
        // inverse of the set's KKT matrix, and the model the one a fresh build gives.
        let n = 3;
        let mut rng = Rng::new(3, Stream::TrustRegion);
        let f = |u: &[f64]| bowl(u) + u[0].sin();
        let mut draw = |c: f64, r: f64| -> Point {
            let u: Vec<f64> = (0..n).map(|_| c + r * (2.0 * rng.uniform() - 1.0)).collect();
            pt(&u, f(&u))
        };
        let base = draw(0.5, 0.0);
        let mut points = vec![base.clone()];
        points.extend((0..6).map(|_| draw(0.5, 0.2)));
        let mut ip = Interp::build(base.u.clone(), points, n).unwrap();
        let cap = model_points(n);
        for _ in 0..30 {
            let p = draw(0.5, 0.05);
            assert!(ip.insert(&p, &base.u, cap, n));
        }
        assert_eq!(ip.points.len(), cap);
        assert!(ip.updates > 10);
        // W · W⁻¹ = I for the set as it is now, up to rounding relative to W⁻¹'s size.
        let size = n + 1 + cap;
        let big = ip.inverse.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let w = ip.kkt(n);
        for i in 0..size {
            for j in 0..size {
                let wh: f64 = (0..size).map(|k| w[i * size + k] * ip.inverse[k * size + j]).sum();
                let id = if i == j { 1.0 } else { 0.0 };
                assert!((wh - id).abs() < 1e-10 * big, "(W W⁻¹)[{i}][{j}] = {wh}, {big}");
            }
        }
        // The model interpolates every point of the set, as a fresh inverse's does.
        let h0 = [0.3; 9];
        let fresh = Interp::build(ip.origin.clone(), ip.points.clone(), n).unwrap();
        for kept in [&ip, &fresh] {
            let (g, h) = kept.model(&base, &h0, n).unwrap();
            for p in &kept.points {
                let s: Vec<f64> = p.u.iter().zip(&base.u).map(|(a, b)| a - b).collect();
                let q = base.f + dot(&g, &s) + 0.5 * dot(&s, &mat_vec(&h, &s, n));
                assert!((q - p.f).abs() < 1e-6 * (1.0 + p.f.abs()), "{q} against {}", p.f);
            }
        }
        // Far points leave first: of the six at up to 0.2 at most two are left.
        let far = ip.points.iter().filter(|p| dist2(&p.u, &base.u) > 3.0 * 0.05 * 0.05).count();
        assert!(far <= 2, "{far} far points kept");
    }

    #[test]
    fn batches_are_distinct_and_tells_come_in_any_order() {
        let n = 4;
        let space = crate::config::Space::new();
        let kinds = vec![crate::encoding::DimKind::Continuous; n];
        let history: Vec<Point> = (0..15)
            .map(|i| {
                let u = crate::probe::point(i, n, 3);
                Point { f: bowl(&u), u }
            })
            .collect();
        let mut tr = TrustRegion::new(n, &history, 9);
        let mut next = 0;
        let mut best = f64::MAX;
        for _round in 0..20 {
            let mut batch: Vec<(u64, Vec<f64>)> = Vec::new();
            for _ in 0..4 {
                let pending: Vec<&[f64]> = batch.iter().map(|(_, u)| u.as_slice()).collect();
                let ctx = Context { kinds: &kinds, space: &space, pending: &pending, seen: None };
                let u = tr.propose(next, &ctx);
                batch.push((next, u));
                next += 1;
            }
            for (i, (_, a)) in batch.iter().enumerate() {
                assert!(batch[..i].iter().all(|(_, b)| a != b), "a repeated point in {batch:?}");
            }
            for (id, u) in batch.iter().rev() {
                let y = bowl(u);
                best = best.min(y);
                tr.observe(*id, u, y);
            }
            assert!(tr.in_flight.is_empty());
        }
        assert!(best < 1e-6, "{best}");
    }

    #[test]
    fn a_collapsed_radius_restarts_at_another_probe_basin() {
        // Two basins; the run converges in the better one and then restarts.
        let f = |u: &[f64]| {
            let a: f64 = u.iter().map(|x| (x - 0.2) * (x - 0.2)).sum();
            let b: f64 = u.iter().map(|x| (x - 0.8) * (x - 0.8)).sum::<f64>() + 0.01;
            a.min(b)
        };
        let (best, _, tr) = run(2, f, 12, 300);
        assert!(best < 1e-12, "{best}");
        assert!(tr.restarts >= 1, "no restart in 300 trials");
        assert!(tr.origins.len() >= 2);
    }
}
