//! Random sequences of asks, tells (values, failures, non-finite values, unknown and repeated
//! ids), snapshots and artifact replays over a random small space. Checks: nothing panics,
//! every suggestion is inside the space, never more trials than the budget, a rejected tell
//! changes nothing, and a snapshot or artifact replay resumes to the same state.
#![no_main]

use arbitrary::Arbitrary;
use arqonhpo_core::{Outcome, Param, Solver, SolverConfig, Space, StrategyChoice, Value};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

#[derive(Debug, Arbitrary)]
enum Dim {
    Float { low: i16, width: u16, log: bool },
    Int { low: i8, width: u8, log: bool },
    Choice { k: u8 },
}

#[derive(Debug, Arbitrary)]
enum Op {
    Ask,
    AskBatch(u8),
    Tell { pick: u8, value: f64 },
    TellFailed { pick: u8 },
    TellUnknown(u64),
    Snapshot,
    Replay,
}

#[derive(Debug, Arbitrary)]
struct Input {
    dims: Vec<Dim>,
    budget: u8,
    seed: u64,
    strategy: u8,
    ops: Vec<Op>,
}

fn space(dims: &[Dim]) -> Space {
    let mut space = Space::new();
    for (i, d) in dims.iter().take(8).enumerate() {
        let p = match *d {
            Dim::Float { low, width, log } => {
                let low = if log { f64::from(low.unsigned_abs()) + 0.5 } else { f64::from(low) };
                Param::Float { low, high: low + f64::from(width) + 1e-3, log }
            }
            Dim::Int { low, width, log } => {
                let low = if log { f64::from(low.unsigned_abs()) + 1.0 } else { f64::from(low) };
                Param::Int { low, high: low + f64::from(width) + 1.0, log }
            }
            Dim::Choice { k } => Param::choice((0..=i64::from(k % 6)).map(Value::Int)),
        };
        space.push(format!("p{i}"), p);
    }
    space
}

fuzz_target!(|input: Input| {
    let mut config = SolverConfig::new(space(&input.dims), u64::from(input.budget), input.seed);
    let all = StrategyChoice::ALL;
    config.strategy = all[usize::from(input.strategy) % all.len()];
    if config.strategy == StrategyChoice::Gp {
        // A GP ask costs milliseconds: a short probe and a few GP trials keep inputs fast.
        config.budget = config.budget.min(GP_BUDGET);
        config.probe.min_points = Some(GP_BUDGET - 4);
    }
    let Ok(mut solver) = Solver::new(config.clone()) else { return };
    // Serialising the whole run is most of an input's cost, so only the first few snapshot
    // checks serialise; later ones compare the counts instead, or are skipped.
    let mut full_checks = MAX_FULL_CHECKS;
    for op in input.ops.iter().take(300) {
        match *op {
            Op::Ask => {
                if let Some(t) = solver.ask() {
                    check(&config, &t.params);
                }
            }
            Op::AskBatch(n) => {
                solver.ask_batch(usize::from(n % 8)).iter().for_each(|t| check(&config, &t.params))
            }
            Op::Tell { pick, value } => {
                let pending: Vec<u64> = solver.pending().collect();
                if let Some(&id) = pending.get(usize::from(pick) % pending.len().max(1)) {
                    solver
                        .tell(id, Outcome::Value(value))
                        .unwrap_or_else(|e| panic!("tell of a pending trial failed: {e}"));
                }
            }
            Op::TellFailed { pick } => {
                let pending: Vec<u64> = solver.pending().collect();
                if let Some(&id) = pending.get(usize::from(pick) % pending.len().max(1)) {
                    solver
                        .tell(id, Outcome::Failed { reason: None })
                        .unwrap_or_else(|e| panic!("{e}"));
                }
            }
            Op::TellUnknown(id) => {
                if !solver.pending().any(|p| p == id) {
                    if take(&mut full_checks) {
                        let before = solver.snapshot();
                        assert!(solver.tell_value(id, 1.0).is_err());
                        assert_eq!(solver.snapshot(), before, "a rejected tell changed the solver");
                    } else {
                        let before = counts(&solver);
                        assert!(solver.tell_value(id, 1.0).is_err());
                        assert_eq!(counts(&solver), before, "a rejected tell changed the solver");
                    }
                }
            }
            Op::Snapshot | Op::Replay if !take(&mut full_checks) => {}
            Op::Snapshot => {
                let text = solver.snapshot();
                solver = Solver::restore(&text).unwrap_or_else(|e| panic!("restore: {e}"));
                assert_eq!(solver.snapshot(), text);
            }
            Op::Replay => {
                let text = solver.snapshot();
                solver = Solver::from_artifact(&solver.artifact())
                    .unwrap_or_else(|e| panic!("replay: {e}"));
                assert_eq!(solver.snapshot(), text);
            }
        }
        assert!(solver.issued() <= config.budget);
    }
});

/// Most trials of a GP input: an 8-point probe, then four GP trials.
const GP_BUDGET: u64 = 12;

/// Snapshot and replay checks per input that serialise the whole run.
const MAX_FULL_CHECKS: u32 = 4;

fn take(left: &mut u32) -> bool {
    let some = *left > 0;
    *left = left.saturating_sub(1);
    some
}

fn counts(solver: &Solver) -> (u64, u64, usize, usize) {
    (solver.issued(), solver.told(), solver.pending().count(), solver.held_trials())
}

fn check(config: &SolverConfig, params: &arqonhpo_core::Params) {
    common::assert_inside(&config.space, params);
}
