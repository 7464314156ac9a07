//! Per-trial cost of `ask` + `tell` for each refining strategy, by dimension and history length.
//!
//! Each benchmark starts from a solver that has already completed `history` trials and times
//! a batch of [`BATCH`] ask+tell pairs on a fresh clone of it, so the history stays at the
//! stated length. The clone and one ask+tell on it are not timed: a clone's trial list has no
//! spare capacity, and its first push would copy the whole history, which a run that never
//! clones pays only at each doubling. Criterion reports time per batch; divide by [`BATCH`]
//! (the throughput line gives trials per second). Run with `make bench-core`.

// Setup that fails is a broken benchmark: stop there, with the error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arqonhpo_core::{Param, Solver, SolverConfig, Space, StrategyChoice};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};

const BATCH: u64 = 32;

fn objective(x: &[f64]) -> f64 {
    x.iter().enumerate().map(|(i, v)| (v - 0.1 * i as f64).powi(2)).sum()
}

fn values(trial: &arqonhpo_core::Trial) -> Vec<f64> {
    trial.params.iter().map(|(_, v)| v.as_f64().unwrap_or(0.0)).collect()
}

/// A solver with `history` completed trials, able to hand out `BATCH` more.
fn warmed(strategy: StrategyChoice, dim: usize, history: u64) -> Solver {
    let mut space = Space::new();
    for i in 0..dim {
        space.push(format!("x{i}"), Param::float(-1.0, 1.0));
    }
    let mut config = SolverConfig::new(space, history + BATCH + 1, 7);
    config.strategy = strategy;
    // A small probe, so that most of the history is the strategy's own (the forced strategy
    // does not need the classifier's minimum).
    config.probe.fraction = 0.01;
    config.probe.min_points = Some(10);
    let mut solver = Solver::new(config).unwrap();
    for _ in 0..history {
        let Some(t) = solver.ask() else { break };
        let y = objective(&values(&t));
        solver.tell_value(t.id, y).unwrap();
    }
    solver
}

fn step(solver: &mut Solver) {
    let t = solver.ask().expect("budget left");
    let y = objective(&values(&t));
    solver.tell_value(t.id, y).unwrap();
}

fn ask_tell(c: &mut Criterion) {
    let histories: &[u64] = if std::env::var_os("ARQON_BENCH_QUICK").is_some() {
        &[100, 1_000]
    } else {
        &[100, 1_000, 10_000]
    };
    for (name, strategy) in [
        ("tpe", StrategyChoice::Tpe),
        ("nelder_mead", StrategyChoice::NelderMead),
        ("random", StrategyChoice::Random),
        ("cmaes", StrategyChoice::Cmaes),
        ("trust_region", StrategyChoice::TrustRegion),
        ("gp", StrategyChoice::Gp),
    ] {
        let mut group = c.benchmark_group(format!("ask_tell/{name}"));
        group.throughput(Throughput::Elements(BATCH));
        group.sample_size(30);
        // The trust region and the GP are for small budgets and D <= 10 (the trust region's fit
        // is O(D^3) up to 66 points, the GP's O(k^3) in its working set of k <= 64).
        let dims: &[usize] = match name {
            "trust_region" => &[5, 10],
            "gp" => &[2, 5, 10],
            _ => &[2, 10, 50],
        };
        for &dim in dims {
            for &history in histories {
                let base = warmed(strategy, dim, history);
                group.bench_with_input(
                    BenchmarkId::new(format!("d{dim}"), history),
                    &base,
                    |b, base| {
                        b.iter_batched_ref(
                            || {
                                let mut solver = base.clone();
                                step(&mut solver);
                                solver
                            },
                            |solver| (0..BATCH).for_each(|_| step(solver)),
                            BatchSize::LargeInput,
                        );
                    },
                );
            }
        }
        group.finish();
    }
}

// criterion_group! defines an undocumented `pub fn`; a private module keeps it out of the
// crate's public items (and of `missing_docs`).
mod harness {
    use super::*;
    criterion_group!(benches, ask_tell);
}
criterion_main!(harness::benches);
