//! What the C ABI adds to the engine's own cost: the same batches of ask+tell through the
//! core API and through the ABI (JSON and array forms), plus one near-empty call
//! (`arqon_progress`: registry lookup, lock, panic guard).
//!
//! Each batch starts from a solver with `HISTORY` completed trials (built untimed from a
//! snapshot) and times [`BATCH`] ask+tell pairs. Criterion reports time per batch; the
//! throughput line gives trials per second. Run with `make c-bench`.

// Setup that fails is a broken benchmark: stop there, with the error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::CString;
use std::ptr;

use arqonhpo::*;
use arqonhpo_core::{Param, Solver, SolverConfig, Space, StrategyChoice};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};

const BATCH: u64 = 32;
const HISTORY: u64 = 100;

fn objective(x: &[f64]) -> f64 {
    x.iter().enumerate().map(|(i, v)| (v - 0.1 * i as f64).powi(2)).sum()
}

/// A solver with `HISTORY` completed trials, able to hand out `BATCH` more.
fn warmed(strategy: StrategyChoice, dim: usize) -> Solver {
    let mut space = Space::new();
    for i in 0..dim {
        space.push(format!("x{i}"), Param::float(-1.0, 1.0));
    }
    let mut config = SolverConfig::new(space, HISTORY + BATCH, 7);
    config.strategy = strategy;
    config.probe.fraction = 0.01;
    let mut solver = Solver::new(config).unwrap();
    for _ in 0..HISTORY {
        core_step(&mut solver);
    }
    solver
}

/// One ask+tell through the core API.
fn core_step(solver: &mut Solver) {
    let t = solver.ask().expect("budget left");
    let x: Vec<f64> = t.params.iter().map(|(_, v)| v.as_f64().unwrap_or(0.0)).collect();
    solver.tell_value(t.id, objective(&x)).unwrap();
}

/// A handle freed on drop, so that freeing happens outside the timed routine.
struct Handle(*mut ArqonSolver);

impl Handle {
    fn restore(state: &CString) -> Self {
        let mut out = ptr::null_mut();
        // SAFETY: valid string and out-pointer.
        let status = unsafe { arqon_solver_restore(state.as_ptr(), &mut out, ptr::null_mut()) };
        assert_eq!(status, ArqonStatus::Ok);
        Handle(out)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: a live handle, freed once.
        unsafe { arqon_solver_free(self.0) };
    }
}

fn ask_tell(c: &mut Criterion) {
    for (name, strategy, dim) in [
        ("random", StrategyChoice::Random, 2usize),
        ("random", StrategyChoice::Random, 10),
        ("tpe", StrategyChoice::Tpe, 10),
    ] {
        let base = warmed(strategy, dim);
        let state = CString::new(base.snapshot()).unwrap();
        let mut group = c.benchmark_group(format!("abi_ask_tell/{name}_d{dim}_h{HISTORY}"));
        group.throughput(Throughput::Elements(BATCH));
        group.sample_size(30);
        group.bench_function(BenchmarkId::from_parameter("core"), |b| {
            b.iter_batched_ref(
                || base.clone(),
                |solver| (0..BATCH).for_each(|_| core_step(solver)),
                BatchSize::LargeInput,
            );
        });
        group.bench_function(BenchmarkId::from_parameter("abi_array"), |b| {
            let mut x = vec![0.0; dim];
            b.iter_batched(
                || Handle::restore(&state),
                |h| {
                    for _ in 0..BATCH {
                        let mut id = 0;
                        // SAFETY: live handle; `x` holds `dim` doubles.
                        let status = unsafe { arqon_ask_array(h.0, &mut id, x.as_mut_ptr(), dim) };
                        assert_eq!(status, ArqonStatus::Ok);
                        // SAFETY: live handle.
                        unsafe { arqon_tell(h.0, id, objective(&x)) };
                    }
                    h
                },
                BatchSize::LargeInput,
            );
        });
        group.bench_function(BenchmarkId::from_parameter("abi_json"), |b| {
            b.iter_batched(
                || Handle::restore(&state),
                |h| {
                    for _ in 0..BATCH {
                        let (mut id, mut params) = (0, ptr::null_mut());
                        // SAFETY: live handle, valid out-pointers.
                        let status = unsafe { arqon_ask(h.0, &mut id, &mut params) };
                        assert_eq!(status, ArqonStatus::Ok);
                        // SAFETY: a string from the library, freed once.
                        unsafe { arqon_string_free(params) };
                        // SAFETY: live handle.
                        unsafe { arqon_tell(h.0, id, id as f64) };
                    }
                    h
                },
                BatchSize::LargeInput,
            );
        });
        group.finish();
    }
}

fn call_overhead(c: &mut Criterion) {
    let state = CString::new(warmed(StrategyChoice::Random, 2).snapshot()).unwrap();
    let h = Handle::restore(&state);
    c.bench_function("abi_call/arqon_progress", |b| {
        let (mut issued, mut told, mut done) = (0, 0, false);
        // SAFETY: live handle, valid out-pointers.
        b.iter(|| unsafe { arqon_progress(h.0, &mut issued, &mut told, &mut done) });
    });
}

// criterion_group! defines an undocumented `pub fn`; a private module keeps it out of the
// crate's public items (and of `missing_docs`).
mod harness {
    use super::*;
    criterion_group!(benches, ask_tell, call_overhead);
}
criterion_main!(harness::benches);
