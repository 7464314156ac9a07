//! Shared helpers: objectives and a driver loop.

use arqonhpo_core::{Params, Solver, SolverConfig, Value};

/// Numeric view of a parameter.
pub fn num(params: &Params, name: &str) -> f64 {
    params.get(name).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

/// Runs a config to the end sequentially and returns the solver.
pub fn run(config: SolverConfig, mut f: impl FnMut(u64, &Params) -> f64) -> Solver {
    let mut solver = Solver::new(config).expect("valid config");
    while let Some(t) = solver.ask() {
        let y = f(t.id, &t.params);
        solver.tell_value(t.id, y).expect("tell");
    }
    solver
}

/// Best value of a finished run.
pub fn best_value(solver: &Solver) -> f64 {
    solver.best().and_then(|t| t.value).unwrap_or(f64::INFINITY)
}

/// Deterministic noise in [-1, 1) from an integer (SplitMix64).
pub fn noise(i: u64) -> f64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}
