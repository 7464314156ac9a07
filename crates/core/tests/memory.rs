//! Heap bytes a solver holds per trial, counted by allocator (not timed): a told trial costs
//! its point (8 bytes a parameter) and a fixed record, with parameter names stored once, in
//! the space. Its own test binary because it installs a counting global allocator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use arqonhpo_core::{Param, Solver, SolverConfig, Space, StrategyChoice, TrialRetention};

/// Counts the bytes allocated on the current thread (tests run on several threads).
struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; it only adds a count.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATED.try_with(|a| a.set(a.get() + layout.size()));
        // SAFETY: the caller's layout is passed through.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes a copy of the solver allocates: a clone sizes every buffer to its contents, so this
/// is what the solver holds, without the slack of growing vectors.
fn held_bytes(solver: &Solver) -> usize {
    let before = ALLOCATED.with(Cell::get);
    let copy = solver.clone();
    let bytes = ALLOCATED.with(Cell::get) - before;
    drop(copy);
    bytes
}

fn config(dim: usize, strategy: StrategyChoice, trials: TrialRetention) -> SolverConfig {
    let space = (0..dim).fold(Space::new(), |s, i| {
        let name = format!("parameter_{i}");
        match i % 3 {
            0 => s.with(name, Param::float(-5.0, 5.0)),
            1 => s.with(name, Param::int(0, 1000)),
            _ => s.with(name, Param::choice(["relu", "tanh", "gelu"])),
        }
    });
    let mut c = SolverConfig::new(space, 20_000, 3);
    c.strategy = strategy;
    c.trials = trials;
    c.probe.fraction = 0.01;
    c
}

/// Held bytes after `n1` and after `n2` told trials.
fn growth(
    dim: usize,
    strategy: StrategyChoice,
    trials: TrialRetention,
    n1: u64,
    n2: u64,
) -> (usize, usize) {
    let mut solver = Solver::new(config(dim, strategy, trials)).unwrap();
    let mut at = Vec::new();
    while let Some(t) = solver.ask() {
        let v = t.params.iter().filter_map(|(_, v)| v.as_f64()).map(|x| x * x).sum::<f64>();
        solver.tell_value(t.id, v).unwrap();
        solver.drain_told();
        if t.id + 1 == n1 || t.id + 1 == n2 {
            at.push(held_bytes(&solver));
        }
        if t.id + 1 == n2 {
            break;
        }
    }
    (at[0], at[1])
}

#[test]
fn a_kept_trial_costs_at_most_16_bytes_a_parameter_and_a_small_constant() {
    for dim in [4, 10] {
        for strategy in [StrategyChoice::Random, StrategyChoice::Tpe] {
            let (a, b) = growth(dim, strategy, TrialRetention::Keep, 1000, 3000);
            let per_trial = (b - a) as f64 / 2000.0;
            let limit = 16.0 * dim as f64 + 48.0;
            assert!(per_trial <= limit, "D = {dim}, {strategy:?}: {per_trial} bytes a trial");
        }
    }
}

#[test]
fn a_streaming_solver_holds_the_same_bytes_however_long_it_runs() {
    for dim in [4, 10] {
        for strategy in [StrategyChoice::Random, StrategyChoice::Tpe] {
            let (a, b) = growth(dim, strategy, TrialRetention::Stream, 1000, 5000);
            // Allow for a few pending-set nodes and the length of the best trial's reason.
            assert!(b <= a + 512, "D = {dim}, {strategy:?}: {a} then {b} bytes");
        }
    }
}
