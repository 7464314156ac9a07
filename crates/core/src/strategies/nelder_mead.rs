//! Bounded Nelder–Mead with adaptive coefficients and restarts: the smooth-landscape strategy.
//!
//! The simplex lives in the unit cube; every trial point is projected onto the bounds
//! (clamped per coordinate). Integer parameters are rounded when decoded, choices are read as
//! equal cells in their listed order (ordinal; the classifier sends categorical spaces to TPE,
//! so this only matters when Nelder–Mead is forced).
//!
//! **Initial simplex.** The best probe point is vertex 0 (its value is reused) and the others
//! are axis steps from it, which costs `n` evaluations. The step depends on how well a
//! quadratic explains the probe (the classifier's leave-one-out q2): 0.1 for one bowl
//! (q2 ≥ 0.85), 0.2 for a probe a quadratic does not explain (q2 ≤ 0.5: several basins, or
//! ripples over a funnel), linear between ([`initial_step`]). A local start converges fastest
//! in one basin; a wide one steps over small basins and ripples. A simplex spanned by other good
//! probe points would cost no evaluations but is irregular, and converges worse (both measured
//! in `docs/design.md`, Nelder–Mead).
//!
//! **Coefficients.** Gao & Han (2012): reflection 1, expansion `1 + 2/n`, contraction
//! `0.75 − 1/(2n)`, shrink `1 − 1/n` for dimension `n ≥ 2` (the classic 1, 2, ½, ½ in 1-D).
//!
//! **Restarts.** When the simplex collapses (diameter below 1e-7 or values all equal) or stalls
//! (no improvement of its best vertex in `10 + 4n` iterations) the method restarts, cycling
//! through: around the best point with step 0.1 (re-expand), around the best unused probe
//! point outside the best point's neighbourhood with step 0.1 (another basin; a fresh uniform
//! point once the probe's best 16 are used up), around the best point with step 0.02 (polish).
//!
//! **Several trials in flight.** Nelder–Mead is sequential: each step needs the value of the
//! previous point. While its own point is pending, further asks get *satellite* points,
//! Gaussian perturbations of the best point seen, scaled by the simplex size and mirrored
//! into the cube at its faces. Satellites never change the simplex, so the method stays
//! exactly Nelder–Mead whatever the order of tells; a satellite that beats everything becomes
//! the centre of the next restart.
//!
//! # References
//! - J. A. Nelder, R. Mead (1965), "A simplex method for function minimization".
//! - F. Gao, L. Han (2012), "Implementing the Nelder-Mead simplex algorithm with adaptive
//!   parameters", Computational Optimization and Applications 51.

use alloc::vec;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::{Context, Point};
use crate::rng::{Rng, Stream};

/// Step of the first axis simplex on a probe that is one bowl (and of re-expansions).
const INITIAL_STEP: f64 = 0.1;
/// Widest initial step, for probes a quadratic does not explain (several basins).
const WIDE_STEP: f64 = 0.2;
/// Diameter (max-norm) under which the simplex counts as collapsed.
const MIN_DIAMETER: f64 = 1e-7;
/// Quadratic q2 at or above which the probe is one bowl (local start), and at or below which
/// it is several basins (wide start); linear in between.
const BOWL_Q2: f64 = 0.85;
const BASINS_Q2: f64 = 0.5;

/// The initial simplex step for a probe whose quadratic fit has leave-one-out R² `q2`.
pub(crate) fn initial_step(q2: f64) -> f64 {
    let wide = ((BOWL_Q2 - q2) / (BOWL_Q2 - BASINS_Q2)).clamp(0.0, 1.0);
    INITIAL_STEP + wide * (WIDE_STEP - INITIAL_STEP)
}

/// Configurations already told that one `propose` may step over (see [`NelderMead::propose`]).
const MAX_KNOWN_STEPS: usize = 64;

/// Good probe points kept as centres for restarts in other basins.
const MAX_STARTS: usize = 16;
/// Max-norm distance within which a probe point counts as the same basin as the best point.
const BASIN_RADIUS: f64 = 0.1;

/// The inner step of the method: what the pending point is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
enum Step {
    /// Evaluating the remaining vertices of a new simplex, first to last.
    Init { todo: Vec<Vec<f64>> },
    /// Evaluating the reflection of the worst vertex through the centroid.
    Reflect { centroid: Vec<f64>, x: Vec<f64> },
    /// Reflection beat the best vertex; evaluating the expansion point.
    Expand { reflected: Point, x: Vec<f64> },
    /// Reflection fell between second-worst and worst; evaluating the outside contraction.
    ContractOutside { reflected: Point, x: Vec<f64> },
    /// Reflection was no better than the worst; evaluating the inside contraction.
    ContractInside { x: Vec<f64> },
    /// Shrinking towards the best vertex: `done` are evaluated, `todo` remain.
    Shrink { done: Vec<Point>, todo: Vec<Vec<f64>> },
}

/// Bounded, restarting Nelder–Mead state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct NelderMead {
    dim: usize,
    /// Evaluated vertices, sorted best first at the start of each iteration.
    simplex: Vec<Point>,
    step: Step,
    /// Trial id of the point the method waits for.
    awaiting: Option<u64>,
    /// Best point seen by this strategy, satellites and probe included.
    best: Option<Point>,
    /// Value of the simplex's best vertex at the last improvement (`f64::MAX` before the first:
    /// the state must hold finite numbers only, as JSON has no infinity), and iterations since.
    last_improvement: f64,
    stall: u32,
    restarts: u32,
    /// Step of the first simplex.
    #[serde(default = "default_step")]
    initial_step: f64,
    /// Good probe points not yet used as a restart centre, best first: where other basins
    /// are likely to start.
    #[serde(default)]
    starts: Vec<Point>,
    restart_rng: Rng,
    satellite_rng: Rng,
}

impl NelderMead {
    /// Starts from the completed probe points (`history`, in trial order) with an axis simplex
    /// of `step` (see [`initial_step`]).
    pub(crate) fn new(dim: usize, history: &[Point], seed: u64, step: f64) -> Self {
        // The earliest of the best, so that ties resolve the same way on every run.
        let best = history.iter().reduce(|a, b| if b.f < a.f { b } else { a });
        let mut ranked: Vec<&Point> = history.iter().filter(|p| p.f != super::FAILED).collect();
        ranked.sort_by(|a, b| a.f.total_cmp(&b.f));
        let starts = ranked.iter().skip(1).take(MAX_STARTS).map(|&p| p.clone()).collect();
        let mut nm = Self {
            dim,
            simplex: Vec::new(),
            step: Step::Init { todo: Vec::new() },
            awaiting: None,
            best: best.cloned(),
            last_improvement: f64::MAX,
            stall: 0,
            restarts: 0,
            initial_step: step,
            starts,
            restart_rng: Rng::new(seed, Stream::Restart),
            satellite_rng: Rng::new(seed, Stream::Parallel),
        };
        match best {
            None => {
                let centre = vec![0.5; dim];
                nm.step = Step::Init { todo: axis_simplex(&centre, step) };
            }
            Some(best) => {
                let mut todo = axis_simplex(&best.u, step);
                todo.remove(0);
                nm.simplex.push(best.clone());
                nm.step = Step::Init { todo };
                nm.begin_if_ready();
            }
        }
        nm
    }

    fn coefficients(&self) -> (f64, f64, f64, f64) {
        let n = self.dim as f64;
        if self.dim < 2 {
            (1.0, 2.0, 0.5, 0.5)
        } else {
            (1.0, 1.0 + 2.0 / n, 0.75 - 1.0 / (2.0 * n), 1.0 - 1.0 / n)
        }
    }

    /// Next point to evaluate as trial `id`. On an all-discrete space the simplex keeps landing
    /// on configurations already told: it takes their score and moves on, up to
    /// [`MAX_KNOWN_STEPS`] times, so that the trial handed out is a new configuration.
    pub(crate) fn propose(&mut self, id: u64, ctx: &Context<'_>) -> Vec<f64> {
        let mut u = self.next_point(id);
        if let Some(seen) = ctx.seen {
            for _ in 0..MAX_KNOWN_STEPS {
                let Some(score) = seen.score(ctx.space, &u) else { break };
                self.observe(id, &u, score);
                u = self.next_point(id);
            }
        }
        u
    }

    fn next_point(&mut self, id: u64) -> Vec<f64> {
        if self.awaiting.is_some() {
            return self.satellite();
        }
        self.awaiting = Some(id);
        match &self.step {
            Step::Init { todo } | Step::Shrink { todo, .. } => {
                todo.first().cloned().unwrap_or_else(|| vec![0.5; self.dim])
            }
            Step::Reflect { x, .. }
            | Step::Expand { x, .. }
            | Step::ContractOutside { x, .. }
            | Step::ContractInside { x } => x.clone(),
        }
    }

    pub(crate) fn observe(&mut self, id: u64, u: &[f64], f: f64) {
        if self.best.as_ref().is_none_or(|b| f < b.f) {
            self.best = Some(Point { u: u.to_vec(), f });
        }
        if self.awaiting != Some(id) {
            return; // a satellite or a late probe result: it never moves the simplex
        }
        self.awaiting = None;
        self.advance(Point { u: u.to_vec(), f });
    }

    /// The one place where every transition of the method is taken.
    fn advance(&mut self, p: Point) {
        let (_, expansion, contraction, shrink) = self.coefficients();
        let n = self.dim;
        let step = core::mem::replace(&mut self.step, Step::Init { todo: Vec::new() });
        match step {
            Step::Init { mut todo } => {
                todo.remove(0);
                self.simplex.push(p);
                self.step = Step::Init { todo };
                self.begin_if_ready();
            }
            Step::Reflect { centroid, .. } => {
                let (best, second_worst, worst) =
                    (self.simplex[0].f, self.simplex[n - 1].f, self.simplex[n].f);
                if p.f < best {
                    let x = project(&along(&centroid, &p.u, expansion));
                    self.step = Step::Expand { reflected: p, x };
                } else if p.f < second_worst {
                    self.replace_worst(p);
                } else if p.f < worst {
                    let x = project(&along(&centroid, &p.u, contraction));
                    self.step = Step::ContractOutside { reflected: p, x };
                } else {
                    let x = project(&along(&centroid, &self.simplex[n].u, contraction));
                    self.step = Step::ContractInside { x };
                }
            }
            Step::Expand { reflected, .. } => {
                self.replace_worst(if p.f < reflected.f { p } else { reflected })
            }
            Step::ContractOutside { reflected, .. } => {
                if p.f <= reflected.f {
                    self.replace_worst(p);
                } else {
                    self.start_shrink(shrink);
                }
            }
            Step::ContractInside { .. } => {
                if p.f < self.simplex[n].f {
                    self.replace_worst(p);
                } else {
                    self.start_shrink(shrink);
                }
            }
            Step::Shrink { mut done, mut todo } => {
                todo.remove(0);
                done.push(p);
                if todo.is_empty() {
                    self.simplex.truncate(1);
                    self.simplex.append(&mut done);
                    self.iterate();
                } else {
                    self.step = Step::Shrink { done, todo };
                }
            }
        }
    }

    fn replace_worst(&mut self, p: Point) {
        self.simplex[self.dim] = p;
        self.iterate();
    }

    fn start_shrink(&mut self, delta: f64) {
        let x0 = self.simplex[0].u.clone();
        let todo = self.simplex[1..].iter().map(|v| project(&along(&x0, &v.u, delta))).collect();
        self.step = Step::Shrink { done: Vec::new(), todo };
    }

    fn begin_if_ready(&mut self) {
        if matches!(&self.step, Step::Init { todo } if todo.is_empty()) {
            self.last_improvement = f64::MAX;
            self.stall = 0;
            self.iterate();
        }
    }

    /// Sorts the simplex, restarts if it collapsed or stalled, else proposes a reflection.
    fn iterate(&mut self) {
        self.simplex.sort_by(|a, b| a.f.total_cmp(&b.f));
        let best = self.simplex[0].f;
        if best < self.last_improvement - 1e-12 * (1.0 + libm::fabs(best)) {
            self.last_improvement = best;
            self.stall = 0;
        } else {
            self.stall += 1;
        }
        let flat = self.simplex[self.dim].f - best <= 1e-14 * (1.0 + libm::fabs(best));
        let stall_limit = 10 + 4 * self.dim as u32;
        if self.diameter() < MIN_DIAMETER || flat || self.stall >= stall_limit {
            self.restart();
            return;
        }
        let n = self.dim;
        let mut centroid = vec![0.0; n];
        for v in &self.simplex[..n] {
            for (c, x) in centroid.iter_mut().zip(&v.u) {
                *c += x / n as f64;
            }
        }
        let x = project(&along(&centroid, &self.simplex[n].u, -1.0));
        self.step = Step::Reflect { centroid, x };
    }

    fn restart(&mut self) {
        self.restarts += 1;
        let (centre, step) = match self.restarts % 3 {
            1 => (Ok(self.best_point()), 0.1),
            2 => (self.next_basin(), 0.1),
            _ => (Ok(self.best_point()), 0.02),
        };
        self.start_simplex(centre, step);
    }

    /// A new axis simplex of `step` at `centre`: a known point (`Ok`) is vertex 0 and its
    /// value is reused.
    fn start_simplex(&mut self, centre: Result<Point, Vec<f64>>, step: f64) {
        self.simplex.clear();
        let vertices = match centre {
            Ok(known) => {
                let mut vertices = axis_simplex(&known.u, step);
                vertices.remove(0);
                self.simplex.push(known);
                vertices
            }
            Err(fresh) => axis_simplex(&fresh, step),
        };
        self.step = Step::Init { todo: vertices };
        self.begin_if_ready();
    }

    /// A centre in another basin: the best unused probe point that is not next to the best
    /// point so far (nor to the simplex just left), else a fresh uniform point (`Err`).
    fn next_basin(&mut self) -> Result<Point, Vec<f64>> {
        let best = self.best_point().u;
        let left = self.simplex.first().map_or_else(|| best.clone(), |p| p.u.clone());
        let near =
            |u: &[f64], v: &[f64]| u.iter().zip(v).all(|(a, b)| libm::fabs(a - b) < BASIN_RADIUS);
        while !self.starts.is_empty() {
            let p = self.starts.remove(0);
            if !near(&p.u, &best) && !near(&p.u, &left) {
                return Ok(p);
            }
        }
        Err((0..self.dim).map(|_| self.restart_rng.uniform()).collect())
    }

    fn best_point(&self) -> Point {
        self.best
            .clone()
            .or_else(|| self.simplex.first().cloned())
            .unwrap_or(Point { u: vec![0.5; self.dim], f: super::FAILED })
    }

    fn diameter(&self) -> f64 {
        let x0 = &self.simplex[0].u;
        self.simplex[1..]
            .iter()
            .flat_map(|v| v.u.iter().zip(x0).map(|(a, b)| libm::fabs(a - b)))
            .fold(0.0, f64::max)
    }

    fn satellite(&mut self) -> Vec<f64> {
        let centre = self.best_point().u;
        let scale = if self.simplex.len() > 1 { self.diameter() } else { self.initial_step };
        let sigma = 0.5 * scale.max(0.01);
        // Mirrored at the faces rather than clamped: satellites of a best point in a corner
        // would otherwise all land on the corner itself.
        centre.iter().map(|&c| mirror_unit(c + sigma * self.satellite_rng.normal())).collect()
    }

    pub(crate) fn is_consistent(&self, dim: usize) -> bool {
        let ok = |u: &Vec<f64>| u.len() == dim;
        let step_ok = match &self.step {
            Step::Init { todo } => {
                todo.iter().all(ok) && self.simplex.len() + todo.len() == dim + 1
            }
            Step::Shrink { done, todo } => {
                todo.iter().all(ok)
                    && done.iter().all(|p| ok(&p.u))
                    && self.simplex.len() == dim + 1
            }
            Step::Reflect { centroid, x } => ok(centroid) && ok(x) && self.simplex.len() == dim + 1,
            Step::Expand { reflected, x } | Step::ContractOutside { reflected, x } => {
                ok(&reflected.u) && ok(x) && self.simplex.len() == dim + 1
            }
            Step::ContractInside { x } => ok(x) && self.simplex.len() == dim + 1,
        };
        self.dim == dim
            && step_ok
            && self.simplex.iter().chain(&self.starts).all(|p| ok(&p.u))
            && self.best.as_ref().is_none_or(|p| ok(&p.u))
    }
}

fn default_step() -> f64 {
    INITIAL_STEP
}

/// `from + t·(to − from)`: reflection is `t = −1` about the centroid, and so on.
fn along(from: &[f64], to: &[f64], t: f64) -> Vec<f64> {
    from.iter().zip(to).map(|(a, b)| a + t * (b - a)).collect()
}

/// Projection onto the unit cube.
fn project(u: &[f64]) -> Vec<f64> {
    u.iter().map(|&x| crate::encoding::clamp_unit(x)).collect()
}

/// Folds a coordinate back into the unit interval by reflection at its faces.
fn mirror_unit(x: f64) -> f64 {
    let folded = x - 2.0 * libm::floor(x / 2.0);
    crate::encoding::clamp_unit(if folded > 1.0 { 2.0 - folded } else { folded })
}

/// `centre` and one step along each axis (away from the nearer face, so no vertex is clipped).
fn axis_simplex(centre: &[f64], step: f64) -> Vec<Vec<f64>> {
    let mut out = vec![centre.to_vec()];
    for i in 0..centre.len() {
        let mut v = centre.to_vec();
        v[i] = if centre[i] + step <= 1.0 { centre[i] + step } else { centre[i] - step };
        out.push(v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::DimKind;

    fn run(f: impl Fn(&[f64]) -> f64, dim: usize, evals: u64) -> f64 {
        let space = crate::config::Space::new();
        let kinds = vec![DimKind::Continuous; dim];
        let ctx = Context { kinds: &kinds, space: &space, pending: &[], seen: None };
        let start: Vec<Point> = (0..(2 * dim as u64 + 4))
            .map(|i| crate::probe::point(i, dim, 5))
            .map(|u| Point { f: f(&u), u })
            .collect();
        let mut nm = NelderMead::new(dim, &start, 1, INITIAL_STEP);
        let mut best = f64::INFINITY;
        for id in 0..evals {
            let u = nm.propose(id, &ctx);
            let y = f(&u);
            best = best.min(y);
            nm.observe(id, &u, y);
        }
        best
    }

    #[test]
    fn converges_on_a_shifted_sphere() {
        let best = run(|u| u.iter().map(|x| (x - 0.37) * (x - 0.37)).sum(), 4, 300);
        assert!(best < 1e-8, "{best}");
    }

    #[test]
    fn finds_a_minimum_on_the_boundary() {
        let best = run(|u| u.iter().map(|x| (x + 0.2) * (x + 0.2)).sum(), 3, 200);
        assert!((best - 3.0 * 0.04).abs() < 1e-6, "{best}");
    }

    #[test]
    fn the_second_restart_starts_from_a_good_probe_point_in_another_basin() {
        let p = |u: [f64; 2], f: f64| Point { u: u.to_vec(), f };
        // The best probe point, a runner-up next to it (same basin), one far away, a worse one.
        let history =
            [p([0.2, 0.2], 0.0), p([0.25, 0.22], 0.5), p([0.8, 0.7], 1.0), p([0.5, 0.9], 9.0)];
        let mut nm = NelderMead::new(2, &history, 1, INITIAL_STEP);
        nm.restart(); // re-expand around the best point
        assert_eq!(nm.simplex[0].u, vec![0.2, 0.2]);
        nm.restart(); // another basin: the far runner-up, its value reused
        assert_eq!(nm.simplex, vec![p([0.8, 0.7], 1.0)]);
        assert!(nm.starts.iter().all(|q| q.u != vec![0.8, 0.7]), "a start is used once");
        nm.restart(); // polish around the best point
        nm.restart();
        nm.restart(); // the next far probe point
        assert_eq!(nm.simplex, vec![p([0.5, 0.9], 9.0)]);
        nm.restart();
        nm.restart();
        nm.restart(); // none left (the neighbour of the best is skipped): a uniform point
        assert!(nm.simplex.is_empty() && nm.starts.is_empty());
        assert!(matches!(&nm.step, Step::Init { todo } if todo.len() == 3));
    }

    #[test]
    fn the_initial_step_widens_as_the_quadratic_fit_worsens() {
        assert_eq!(initial_step(0.95), INITIAL_STEP);
        assert_eq!(initial_step(-0.3), WIDE_STEP);
        let mid = initial_step(0.675);
        assert!((mid - 0.5 * (INITIAL_STEP + WIDE_STEP)).abs() < 1e-12, "{mid}");
    }

    #[test]
    fn satellites_leave_the_simplex_alone() {
        let dim = 2;
        let space = crate::config::Space::new();
        let kinds = vec![DimKind::Continuous; dim];
        let ctx = Context { kinds: &kinds, space: &space, pending: &[], seen: None };
        let f = |u: &[f64]| u[0] * u[0] + u[1] * u[1];
        let mut a = NelderMead::new(dim, &[], 3, INITIAL_STEP);
        let mut b = a.clone();
        for id in 0..20 {
            let u = a.propose(id, &ctx);
            a.observe(id, &u, f(&u));
        }
        // b has a satellite in flight for each of its own points, told first.
        let mut id = 0;
        for _ in 0..20 {
            let own = b.propose(id, &ctx);
            let sat = b.propose(id + 1, &ctx);
            b.observe(id + 1, &sat, f(&sat) + 1.0);
            b.observe(id, &own, f(&own));
            id += 2;
        }
        assert_eq!(a.simplex, b.simplex);
    }
}
