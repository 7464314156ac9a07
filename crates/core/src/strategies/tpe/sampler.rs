//! The TPE sampler: keeps the bounded working set (the best observations and a reservoir of
//! the rest), splits it into good and bad groups, fits a [`Parzen`] mixture to each and
//! proposes the candidate with the best density ratio.

use alloc::vec;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::parzen::{Parzen, Scratch};
use crate::rng::{Rng, Stream};
use crate::strategies::{Context, Point};

const TOP_CAPACITY: usize = 32;
const RESERVOIR_CAPACITY: usize = 48;
const GAMMA: f64 = 0.1;
const MAX_GOOD: usize = 25;
const N_CANDIDATES: usize = 24;
const MAX_LIARS: usize = 32;
/// On an all-discrete space: rounds of candidates drawn before giving up on the good mixture
/// when every draw repeats a configuration handed out before, then uniform draws tried.
const DISCRETE_ROUNDS: usize = 4;
const DISCRETE_UNIFORM_TRIES: usize = 64;

/// TPE state: the bounded working set and the random streams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tpe {
    /// Best observations, best first (ties keep arrival order).
    top: Vec<Point>,
    /// Uniform sample of every observation that is not (or no longer) in `top`.
    reservoir: Vec<Point>,
    /// How many observations have gone to the reservoir's population.
    rest_seen: u64,
    rng: Rng,
    reservoir_rng: Rng,
    /// Buffers reused from one `ask` to the next; never state (not serialized, always equal).
    #[serde(skip)]
    scratch: Scratch,
}

impl Tpe {
    pub(crate) fn new(history: &[Point], seed: u64) -> Self {
        let mut tpe = Self {
            top: Vec::with_capacity(TOP_CAPACITY + 1),
            reservoir: Vec::with_capacity(RESERVOIR_CAPACITY),
            rest_seen: 0,
            rng: Rng::new(seed, Stream::Tpe),
            reservoir_rng: Rng::new(seed, Stream::Reservoir),
            scratch: Scratch::default(),
        };
        for p in history {
            tpe.observe(&p.u, p.f);
        }
        tpe
    }

    pub(crate) fn observe(&mut self, u: &[f64], f: f64) {
        let p = Point { u: u.to_vec(), f };
        if self.top.len() < TOP_CAPACITY || self.top.last().is_some_and(|w| f < w.f) {
            let at = self.top.partition_point(|q| q.f <= f);
            self.top.insert(at, p);
            if self.top.len() > TOP_CAPACITY {
                if let Some(out) = self.top.pop() {
                    self.add_to_reservoir(out);
                }
            }
        } else {
            self.add_to_reservoir(p);
        }
    }

    fn add_to_reservoir(&mut self, p: Point) {
        self.rest_seen += 1;
        if self.reservoir.len() < RESERVOIR_CAPACITY {
            self.reservoir.push(p);
        } else {
            let j = self.reservoir_rng.below(self.rest_seen) as usize;
            if j < RESERVOIR_CAPACITY {
                self.reservoir[j] = p;
            }
        }
    }

    pub(crate) fn propose(&mut self, ctx: &Context<'_>) -> Vec<f64> {
        if self.top.is_empty() {
            return uniform(&mut self.rng, ctx);
        }
        let n = self.top.len() as u64 + self.rest_seen;
        let n_good = (libm::ceil(GAMMA * n as f64) as usize).clamp(1, MAX_GOOD).min(self.top.len());
        let liars = &ctx.pending[ctx.pending.len().saturating_sub(MAX_LIARS)..];
        let good = Parzen::fit(self.top[..n_good].iter().map(|p| p.u.as_slice()), ctx.kinds);
        let bad_points = self.top[n_good..].iter().chain(&self.reservoir).map(|p| p.u.as_slice());
        let bad = Parzen::fit(bad_points.chain(liars.iter().copied()), ctx.kinds);

        // On an all-discrete space, configurations already handed out are not candidates (see
        // `Seen`); elsewhere only the pending ones are avoided.
        let seen = ctx.seen.filter(|seen| !seen.is_full());
        let repeated =
            |x: &[f64]| seen.map_or_else(|| liars.contains(&x), |seen| seen.contains(ctx.space, x));
        let rounds = if seen.is_some() { DISCRETE_ROUNDS } else { 1 };
        let (mut candidates, fallback) = draw(&mut self.rng, &good, ctx, rounds, repeated);
        if candidates.is_empty() && seen.is_some() {
            // The good mixture keeps drawing what was tried: a uniform configuration not tried yet.
            for _ in 0..DISCRETE_UNIFORM_TRIES {
                let x = uniform(&mut self.rng, ctx);
                if !repeated(&x) {
                    return x;
                }
            }
        }
        match (best_ratio(&good, &bad, &candidates, &mut self.scratch), fallback) {
            (Some(i), _) => candidates.swap_remove(i),
            (None, Some(x)) => x,
            (None, None) => vec![0.5; ctx.kinds.len()],
        }
    }

    pub(crate) fn is_consistent(&self, dim: usize) -> bool {
        self.top.iter().chain(&self.reservoir).all(|p| p.u.len() == dim)
            && self.top.len() <= TOP_CAPACITY
            && self.reservoir.len() <= RESERVOIR_CAPACITY
    }
}

/// A uniform point of the unit cube, snapped to the space's cells.
fn uniform(rng: &mut Rng, ctx: &Context<'_>) -> Vec<f64> {
    let mut u: Vec<f64> = ctx.kinds.iter().map(|_| rng.uniform()).collect();
    crate::encoding::snap(ctx.space, &mut u);
    u
}

/// Up to `rounds` rounds of [`N_CANDIDATES`] snapped draws from the good mixture, stopping after
/// the first round that yields a candidate; a draw that `repeated` rejects is not a candidate,
/// and the first of those is the fallback.
fn draw(
    rng: &mut Rng,
    good: &Parzen<'_>,
    ctx: &Context<'_>,
    rounds: usize,
    repeated: impl Fn(&[f64]) -> bool,
) -> (Vec<Vec<f64>>, Option<Vec<f64>>) {
    let mut candidates = Vec::with_capacity(N_CANDIDATES);
    let mut fallback = None;
    for _ in 0..rounds {
        for _ in 0..N_CANDIDATES {
            let mut x = good.sample(rng, ctx.kinds);
            crate::encoding::snap(ctx.space, &mut x);
            if repeated(&x) {
                fallback.get_or_insert(x);
            } else {
                candidates.push(x);
            }
        }
        if !candidates.is_empty() {
            break;
        }
    }
    (candidates, fallback)
}

/// The first candidate with the highest `log l(x) − log g(x)` (`None` when there is none).
fn best_ratio(
    good: &Parzen<'_>,
    bad: &Parzen<'_>,
    candidates: &[Vec<f64>],
    scratch: &mut Scratch,
) -> Option<usize> {
    let (mut log_l, mut log_g) = (Vec::new(), Vec::new());
    good.log_pdf_batch(candidates, scratch, &mut log_l);
    bad.log_pdf_batch(candidates, scratch, &mut log_g);
    let mut chosen: Option<(f64, usize)> = None;
    for (i, (l, g)) in log_l.iter().zip(&log_g).enumerate() {
        let score = l - g;
        if chosen.is_none_or(|(s, _)| score > s) {
            chosen = Some((score, i));
        }
    }
    chosen.map(|(_, i)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::DimKind;

    #[test]
    fn working_set_stays_bounded_and_keeps_the_best() {
        let mut tpe = Tpe::new(&[], 1);
        for i in 0..10_000u32 {
            let f = f64::from((i * 7919) % 10_007);
            tpe.observe(&[f / 10_007.0], f);
        }
        assert_eq!(tpe.top.len(), TOP_CAPACITY);
        assert_eq!(tpe.reservoir.len(), RESERVOIR_CAPACITY);
        assert_eq!(tpe.rest_seen, 10_000 - TOP_CAPACITY as u64);
        let best: Vec<f64> = tpe.top.iter().map(|p| p.f).collect();
        assert_eq!(best, (0..32).map(f64::from).collect::<Vec<_>>());
    }

    #[test]
    fn proposals_prefer_the_good_option() {
        let kinds = [DimKind::Categorical { k: 3 }, DimKind::Continuous];
        let space = crate::config::Space::new()
            .with("c", crate::config::Param::choice(["a", "b", "c"]))
            .with("x", crate::config::Param::float(0.0, 1.0));
        let ctx = Context { kinds: &kinds, space: &space, pending: &[], seen: None };
        // Option "c" (the last cell) is good, whatever x is.
        let f = |u: &[f64]| if u[0] >= 2.0 / 3.0 { u[1] } else { 1.0 + u[1] };
        let history: Vec<Point> =
            (0..30).map(|i| crate::probe::point(i, 2, 3)).map(|u| Point { f: f(&u), u }).collect();
        let mut tpe = Tpe::new(&history, 5);
        let hits = (0..40).filter(|_| tpe.propose(&ctx)[0] >= 2.0 / 3.0).count();
        // Uniform proposals would pick it about 13 times in 40.
        assert!(hits >= 28, "{hits}");
    }

    #[test]
    fn proposals_move_towards_the_good_region() {
        let kinds = [DimKind::Continuous, DimKind::Continuous];
        let space = crate::config::Space::new()
            .with("a", crate::config::Param::float(0.0, 1.0))
            .with("b", crate::config::Param::float(0.0, 1.0));
        let ctx = Context { kinds: &kinds, space: &space, pending: &[], seen: None };
        let f = |u: &[f64]| (u[0] - 0.8) * (u[0] - 0.8) + (u[1] - 0.2) * (u[1] - 0.2);
        let history: Vec<Point> =
            (0..30).map(|i| crate::probe::point(i, 2, 9)).map(|u| Point { f: f(&u), u }).collect();
        let mut tpe = Tpe::new(&history, 4);
        let mean_dist = (0..40)
            .map(|_| {
                let u = tpe.propose(&ctx);
                libm::sqrt(f(&u))
            })
            .sum::<f64>()
            / 40.0;
        // Uniform points lie about 0.5 from (0.8, 0.2) on average.
        assert!(mean_dist < 0.3, "{mean_dist}");
    }
}
