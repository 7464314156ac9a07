//! Spaces of integers only: how `auto`, forced TPE and forced Nelder–Mead do, 40 seeds each.
//!
//! The study behind the coarse-lattice rule (`encoding::Piecewise::CoarseLattice`): four shapes
//! over `D` integers `1..=L` (a tilted bowl, a bowl with ripples, a staircase, a curved
//! valley), each run to the budget; the table gives, per optimizer, the runs that reached the
//! lattice's optimum and the mean regret normalised by the median value over the lattice.
//!
//! ```console
//! cargo run --release -p arqonhpo-core --example integer_lattices -- 60 3x8,4x6,3x16
//! ```
//! (budget, then `DxL` cases; without arguments: budget 60 and a default set of cases).

use std::collections::BTreeMap;
use std::error::Error;

use arqonhpo_core::{Param, Solver, SolverConfig, Space, StrategyChoice, Value};

const SEEDS: u64 = 40;

type Shape = fn(&[f64], f64) -> f64;

fn bowl(x: &[f64], l: f64) -> f64 {
    let sum: f64 = x
        .iter()
        .zip(0..)
        .map(|(v, i)| f64::from(1 + i) * (v - l * (0.3 + 0.13 * f64::from(i))).powi(2))
        .sum();
    sum + 0.3 * x[0] * x[1]
}

fn ripples(x: &[f64], l: f64) -> f64 {
    x.iter()
        .zip(0..)
        .map(|(v, i)| {
            let z = v - l * (0.35 + 0.1 * f64::from(i));
            z * z + 4.0 * (1.0 - (std::f64::consts::TAU * z / 3.0).cos())
        })
        .sum()
}

fn staircase(x: &[f64], l: f64) -> f64 {
    x.iter().zip(0..).map(|(v, i)| ((v - l * (0.6 - 0.1 * f64::from(i))).abs() / 2.0).floor()).sum()
}

fn valley(x: &[f64], l: f64) -> f64 {
    let u: Vec<f64> = x.iter().map(|v| 2.0 * v / l - 1.0).collect();
    u.windows(2).map(|w| 10.0 * (w[1] - w[0] * w[0]).powi(2) + (0.6 - w[0]).powi(2)).sum()
}

/// Every point of the lattice `1..=levels` in `dim` dimensions.
fn lattice(dim: usize, levels: i64) -> Vec<Vec<f64>> {
    (0..dim).fold(vec![Vec::new()], |points, _| {
        points
            .iter()
            .flat_map(|p| {
                (1..=levels).map(move |v| {
                    let mut q = p.clone();
                    q.push(v as f64);
                    q
                })
            })
            .collect()
    })
}

/// Best value of one run and the classifier's label.
fn run(
    dim: usize,
    levels: i64,
    budget: u64,
    strategy: StrategyChoice,
    f: &dyn Fn(&[f64]) -> f64,
    seed: u64,
) -> Result<(f64, String), Box<dyn Error>> {
    let names: Vec<String> = (0..dim).map(|i| format!("x{i}")).collect();
    let space = names.iter().fold(Space::new(), |s, n| s.with(n.as_str(), Param::int(1, levels)));
    let mut config = SolverConfig::new(space, budget, seed);
    config.strategy = strategy;
    let mut solver = Solver::new(config)?;
    while let Some(trial) = solver.ask() {
        let x: Vec<f64> = names
            .iter()
            .map(|n| trial.params.get(n.as_str()).and_then(Value::as_f64).unwrap_or(f64::NAN))
            .collect();
        solver.tell_value(trial.id, f(&x))?;
    }
    let best = solver.best().and_then(|t| t.value).unwrap_or(f64::INFINITY);
    let label = solver.classification().map(|c| c.label.as_str().to_string()).unwrap_or_default();
    Ok((best, label))
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let budget: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(60);
    let cases: Vec<(usize, i64)> = match args.next() {
        Some(list) => list
            .split(',')
            .map(|case| -> Result<(usize, i64), Box<dyn Error>> {
                let (d, l) = case
                    .split_once('x')
                    .ok_or_else(|| format!("a case is DxL, like 3x8; got {case:?}"))?;
                Ok((d.parse()?, l.parse()?))
            })
            .collect::<Result<_, _>>()?,
        None => vec![(2, 12), (3, 5), (3, 8), (3, 12), (3, 16), (4, 6), (4, 9), (5, 6)],
    };
    let shapes: [(&str, Shape); 4] =
        [("bowl", bowl), ("ripples", ripples), ("staircase", staircase), ("valley", valley)];
    println!("budget {budget}, {SEEDS} seeds; per optimizer: runs at the optimum, mean normalised regret");
    for (dim, levels) in cases {
        if dim < 2 {
            return Err(format!("the shapes need at least 2 dimensions, got {dim}").into());
        }
        let points = lattice(dim, levels);
        for (name, shape) in shapes {
            let f = |x: &[f64]| shape(x, levels as f64);
            let mut values: Vec<f64> = points.iter().map(|p| f(p)).collect();
            values.sort_by(f64::total_cmp);
            let (optimum, scale) = (values[0], values[values.len() / 2] - values[0]);
            let mut line = format!("{dim} x {levels:<2} {name:9}");
            for (label, strategy) in [
                ("auto", StrategyChoice::Auto),
                ("tpe", StrategyChoice::Tpe),
                ("nm", StrategyChoice::NelderMead),
            ] {
                let (mut solved, mut regret, mut verdicts) = (0, 0.0, BTreeMap::new());
                for seed in 0..SEEDS {
                    let (best, verdict) = run(dim, levels, budget, strategy, &f, seed)?;
                    solved += u32::from(best <= optimum + 1e-9);
                    regret += (best - optimum) / scale / SEEDS as f64;
                    *verdicts.entry(verdict).or_insert(0) += 1;
                }
                line += &format!(" | {label} {solved:2}/{SEEDS} {regret:.4}");
                if strategy == StrategyChoice::Auto {
                    line += &format!(" {verdicts:?}");
                }
            }
            println!("{line}");
        }
    }
    Ok(())
}
