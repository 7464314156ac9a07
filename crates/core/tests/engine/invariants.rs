//! Property tests: invariants that hold for every valid config and every order of tells.
//!
//! A run is driven by a random *script*: how many trials to ask before each tell, which pending
//! trial to tell, and which tells fail. Every strategy is covered (the forced ones and `auto`).

use arqonhpo_core::{
    Outcome, Param, Params, Solver, SolverConfig, Space, StrategyChoice, TrialStatus, Value,
};
use proptest::prelude::*;

fn param() -> impl Strategy<Value = Param> {
    prop_oneof![
        (-1e3f64..1e3, 1e-3f64..1e3, any::<bool>()).prop_map(|(low, width, log)| {
            if log {
                Param::Float { low: low.abs() + 1e-6, high: low.abs() + 1e-6 + width, log }
            } else {
                Param::Float { low, high: low + width, log }
            }
        }),
        (-50i64..50, 1i64..40, any::<bool>()).prop_map(|(low, width, log)| {
            let low = if log { low.abs() + 1 } else { low };
            Param::Int { low: low as f64, high: (low + width) as f64, log }
        }),
        prop::collection::btree_set("[a-z]{1,4}", 1..5)
            .prop_map(|names| Param::choice(names.into_iter().map(Value::from))),
        Just(Param::choice([Value::Int(1), Value::Float(2.5), Value::Bool(true)])),
    ]
}

fn strategy_choice() -> impl Strategy<Value = StrategyChoice> {
    prop_oneof![
        Just(StrategyChoice::Auto),
        Just(StrategyChoice::NelderMead),
        Just(StrategyChoice::Tpe),
        Just(StrategyChoice::Random),
        Just(StrategyChoice::Cmaes),
        Just(StrategyChoice::TrustRegion),
        Just(StrategyChoice::Gp)
    ]
}

prop_compose! {
    fn config()(params in prop::collection::vec(param(), 1..5), budget in 1u64..60, seed in any::<u64>(),
                strategy in strategy_choice(), warm in 0usize..3) -> SolverConfig {
        let mut space = Space::new();
        for (i, p) in params.into_iter().enumerate() {
            space.push(format!("p{i}"), p);
        }
        let mut config = SolverConfig::new(space, budget, seed);
        config.strategy = strategy;
        // Warm-start points at the lower corner of the space, with distinct values.
        for w in 0..warm {
            let params: Params = config.space.iter().map(|(n, p)| (n.to_string(), corner(p))).collect();
            config.warm_start.push(arqonhpo_core::Observation { params, value: w as f64 });
        }
        config
    }
}

fn corner(p: &Param) -> Value {
    match p {
        Param::Float { low, .. } => Value::Float(*low),
        Param::Int { low, .. } => Value::Int(*low as i64),
        Param::Choice { choices } => choices[0].clone(),
    }
}

/// One step of a script: ask up to `asks` trials, then tell the pending trial at `pick`.
#[derive(Debug, Clone)]
struct Step {
    asks: usize,
    pick: usize,
    fail: bool,
}

fn script() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        (0usize..4, any::<prop::sample::Index>(), prop::bool::weighted(0.1)),
        1..80,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(asks, pick, fail)| Step { asks, pick: pick.index(1 << 16), fail })
            .collect()
    })
}

/// A deterministic objective over any params.
fn objective(params: &Params) -> f64 {
    params
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let x = match v {
                Value::Float(x) => *x,
                Value::Int(i) => *i as f64,
                Value::Bool(b) => f64::from(u8::from(*b)),
                Value::Str(s) => s.len() as f64,
            };
            (x.abs() + 1.0).ln() * (i as f64 + 1.0)
        })
        .sum()
}

fn check_in_space(space: &Space, params: &Params) -> Result<(), TestCaseError> {
    prop_assert_eq!(params.len(), space.len());
    for ((name, p), (pname, v)) in space.iter().zip(params.iter()) {
        prop_assert_eq!(name, pname);
        match (p, v) {
            (Param::Float { low, high, .. }, Value::Float(x)) => {
                prop_assert!(low <= x && x <= high, "{name}: {x} outside [{low}, {high}]")
            }
            (Param::Int { low, high, .. }, Value::Int(x)) => {
                prop_assert!(
                    *low <= *x as f64 && *x as f64 <= *high,
                    "{name}: {x} outside [{low}, {high}]"
                )
            }
            (Param::Choice { choices }, v) => {
                prop_assert!(choices.contains(v), "{name}: {v} is not a choice")
            }
            (p, v) => prop_assert!(false, "{name}: value {v:?} does not match {p:?}"),
        }
    }
    Ok(())
}

/// Plays a script; returns the params handed out, in order, and the solver.
fn play(
    config: &SolverConfig,
    script: &[Step],
    snapshot_at: Option<usize>,
) -> Result<(Vec<Params>, Solver), TestCaseError> {
    let mut solver = Solver::new(config.clone())
        .map_err(|e| TestCaseError::fail(format!("valid config rejected: {e}")))?;
    let mut handed = Vec::new();
    for (i, step) in script.iter().enumerate() {
        if snapshot_at == Some(i) {
            solver = Solver::restore(&solver.snapshot())
                .map_err(|e| TestCaseError::fail(format!("restore: {e}")))?;
        }
        for t in solver.ask_batch(step.asks) {
            check_in_space(&config.space, &t.params)?;
            handed.push(t.params);
        }
        let pending: Vec<u64> = solver.pending().collect();
        if pending.is_empty() {
            continue;
        }
        let id = pending[step.pick % pending.len()];
        let outcome = if step.fail {
            Outcome::Failed { reason: None }
        } else {
            Outcome::Value(objective(&handed[id as usize]))
        };
        solver.tell(id, outcome).map_err(|e| TestCaseError::fail(format!("tell {id}: {e}")))?;
    }
    prop_assert!(solver.issued() <= config.budget);
    prop_assert!(handed.len() as u64 <= config.budget);
    Ok((handed, solver))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn suggestions_stay_in_the_space_and_within_the_budget(config in config(), script in script()) {
        let (_, mut solver) = play(&config, &script, None)?;
        // Finish the run: ask everything, tell everything.
        while let Some(t) = solver.ask() {
            check_in_space(&config.space, &t.params)?;
        }
        for id in solver.pending().collect::<Vec<_>>() {
            solver.tell_value(id, 1.0).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        prop_assert_eq!(solver.issued(), config.budget);
        prop_assert!(solver.is_done());
        prop_assert!(solver.trials().iter().all(|t| t.status != TrialStatus::Pending));
        let best = solver.best().and_then(|b| b.value);
        let min = solver.trials().iter().filter_map(|t| t.value).fold(f64::INFINITY, f64::min);
        prop_assert_eq!(best.unwrap_or(f64::INFINITY), min);
    }

    #[test]
    fn same_seed_same_stream_and_snapshots_change_nothing(config in config(), script in script(), at in any::<prop::sample::Index>()) {
        let (a, sa) = play(&config, &script, None)?;
        let (b, sb) = play(&config, &script, Some(at.index(script.len())))?;
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(sa.snapshot(), sb.snapshot());
        // The artifact replays to the same state, pending trials included.
        let replayed = Solver::from_artifact(&sa.artifact()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(replayed.snapshot(), sa.snapshot());
    }

    #[test]
    fn another_seed_gives_another_stream(config in config()) {
        prop_assume!(config.budget >= 8 && config.space.iter().any(|(_, p)| matches!(p, Param::Float { .. })));
        let mut other = config.clone();
        other.seed = config.seed.wrapping_add(1);
        let run = |c: &SolverConfig| -> Vec<Params> {
            let mut s = Solver::new(c.clone()).unwrap();
            let mut out = Vec::new();
            while let Some(t) = s.ask() {
                let y = objective(&t.params);
                out.push(t.params);
                s.tell_value(t.id, y).unwrap();
            }
            out
        };
        prop_assert_ne!(run(&config), run(&other));
    }
}

/// Workers asking together must not all get the same point: TPE counts pending trials as
/// liars, Nelder–Mead hands satellites around its best point while its own point is pending,
/// CMA-ES draws further samples of its current distribution.
#[test]
fn trials_in_flight_are_distinct() {
    for strategy in [
        StrategyChoice::Tpe,
        StrategyChoice::NelderMead,
        StrategyChoice::Random,
        StrategyChoice::Cmaes,
        StrategyChoice::TrustRegion,
        StrategyChoice::Gp,
    ] {
        let space = Space::new()
            .with("x", Param::float(0.0, 1.0))
            .with("y", Param::float(0.0, 1.0))
            .with("n", Param::int(1, 4));
        let mut config = SolverConfig::new(space, 200, 3);
        config.strategy = strategy;
        let mut solver = Solver::new(config).unwrap();
        let mut rounds = 0;
        while solver.issued() < 200 {
            let batch = solver.ask_batch(8);
            for (i, a) in batch.iter().enumerate() {
                for b in &batch[..i] {
                    assert_ne!(
                        a.params, b.params,
                        "{strategy:?}: trials {} and {} are the same point",
                        a.id, b.id
                    );
                }
            }
            for t in batch {
                let y = objective(&t.params);
                solver.tell_value(t.id, y).unwrap();
            }
            rounds += 1;
        }
        assert_eq!(rounds, 25);
    }
}
