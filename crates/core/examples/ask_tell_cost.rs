//! A fixed run of asks and tells for instruction counts (`valgrind --tool=callgrind`): a
//! strategy warmed on a sphere to a history, then `N` more ask+tell pairs.
//!
//! ```console
//! cargo build --release -p arqonhpo-core --example ask_tell_cost
//! valgrind --tool=callgrind target/release/examples/ask_tell_cost trust_region 10 100 200
//! ```
//! (strategy, dimension, history, trials measured). Subtract a run with 0 measured trials to
//! get the cost of the measured ones alone.

use std::error::Error;

use arqonhpo_core::{Param, Solver, SolverConfig, Space, StrategyChoice};

fn objective(x: &[f64]) -> f64 {
    x.iter().enumerate().map(|(i, v)| (v - 0.1 * i as f64).powi(2)).sum()
}

fn step(solver: &mut Solver) -> Result<(), Box<dyn Error>> {
    let t = solver.ask().ok_or("budget spent")?;
    let x: Vec<f64> = t.params.iter().map(|(_, v)| v.as_f64().unwrap_or(0.0)).collect();
    solver.tell_value(t.id, objective(&x))?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    let name = arg(0, "trust_region");
    let strategy = StrategyChoice::ALL
        .into_iter()
        .find(|s| s.as_str() == name)
        .ok_or_else(|| format!("unknown strategy {name}"))?;
    let dim: usize = arg(1, "10").parse()?;
    let history: u64 = arg(2, "100").parse()?;
    let measured: u64 = arg(3, "200").parse()?;
    let mut space = Space::new();
    for i in 0..dim {
        space.push(format!("x{i}"), Param::float(-1.0, 1.0));
    }
    let mut config = SolverConfig::new(space, history + measured + 1, 7);
    config.strategy = strategy;
    config.probe.fraction = 0.01;
    config.probe.min_points = Some(10);
    let mut solver = Solver::new(config)?;
    for _ in 0..history + measured {
        step(&mut solver)?;
    }
    println!("{}", solver.best().and_then(|b| b.value).unwrap_or(f64::NAN));
    Ok(())
}
