//! Deterministic parallel mode (`parallel: {lag}`): whatever the number of workers and the
//! order in which their results arrive, the run hands out the same trials, a snapshot taken
//! with tells held resumes to the same run, and lag 1 is the sequential run.

use arqonhpo_core::{
    Ask, Error, ParallelConfig, Param, Params, Solver, SolverConfig, Space, StrategyChoice, Trial,
};
use proptest::prelude::*;

use crate::common::{noise, num};

fn config(strategy: StrategyChoice, lag: Option<u64>, seed: u64) -> SolverConfig {
    let space = Space::new()
        .with("x", Param::float(-2.0, 2.0))
        .with("y", Param::log_float(0.01, 10.0))
        .with("n", Param::int(1, 9));
    let mut c = SolverConfig::new(space, 40, seed);
    c.strategy = strategy;
    c.parallel = lag.map(|lag| ParallelConfig { lag });
    c
}

fn f(p: &Params) -> f64 {
    let (x, y, n) = (num(p, "x"), num(p, "y"), num(p, "n"));
    (x - 0.4).powi(2) + (y.ln() - 0.3).powi(2) + 0.1 * (n - 4.0).powi(2)
}

/// Runs `config` with `workers` simulated workers. Each idle worker asks until it is told to
/// wait; then one busy worker, chosen by `order_seed`, finishes and tells. At step `resume_at`
/// the solver goes through a snapshot. Returns every trial in the order handed out.
fn drive(config: SolverConfig, workers: usize, order_seed: u64, resume_at: usize) -> Vec<Trial> {
    let mut solver = Solver::new(config).unwrap();
    let mut asked = Vec::new();
    let mut busy: Vec<Trial> = Vec::new();
    for step in 0.. {
        if step == resume_at {
            solver = Solver::restore(&solver.snapshot()).unwrap();
        }
        while busy.len() < workers {
            match solver.ask_next() {
                Ask::Trial(t) => {
                    asked.push(t.clone());
                    busy.push(t);
                }
                Ask::Wait => {
                    assert!(!busy.is_empty(), "the solver waits while no trial is out");
                    break;
                }
                Ask::Exhausted => break,
            }
        }
        if busy.is_empty() {
            break;
        }
        let pick = ((noise(order_seed ^ (step as u64) << 8) + 1.0) / 2.0 * busy.len() as f64)
            as usize
            % busy.len();
        let t = busy.swap_remove(pick);
        solver.tell_value(t.id, f(&t.params)).unwrap();
    }
    assert!(solver.is_done(), "every trial is told and applied at the end");
    asked
}

fn strategy() -> impl Strategy<Value = StrategyChoice> {
    prop_oneof![
        Just(StrategyChoice::Auto),
        Just(StrategyChoice::Tpe),
        Just(StrategyChoice::NelderMead),
        Just(StrategyChoice::Random),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The determinism proof in core: any worker count, any finishing order, a resume at any
    /// step, always the trials of the reference run (lag workers told oldest first).
    #[test]
    fn trials_depend_on_config_seed_and_values_only(
        strategy in strategy(), lag in 1u64..7, seed in 0u64..4,
        workers in 1usize..9, order_seed in any::<u64>(), resume_at in 0usize..60,
    ) {
        let reference = drive(config(strategy, Some(lag), seed), lag as usize, 0, usize::MAX);
        let shuffled = drive(config(strategy, Some(lag), seed), workers, order_seed, resume_at);
        prop_assert_eq!(reference, shuffled);
    }
}

#[test]
fn without_the_mode_the_finishing_order_changes_the_trials() {
    // The control: the same shuffles in free mode give different runs, so the property above
    // is a real constraint.
    let runs: Vec<Vec<Trial>> =
        (0..6).map(|o| drive(config(StrategyChoice::Tpe, None, 1), 4, o, usize::MAX)).collect();
    assert!(runs.iter().any(|r| *r != runs[0]), "free mode should depend on the order");
}

#[test]
fn lag_one_is_the_sequential_run() {
    for strategy in [StrategyChoice::Auto, StrategyChoice::Tpe, StrategyChoice::NelderMead] {
        let sequential = drive(config(strategy, None, 3), 1, 0, usize::MAX);
        let lag_one = drive(config(strategy, Some(1), 3), 5, 9, 17);
        assert_eq!(sequential, lag_one, "{strategy:?}");
    }
}

#[test]
fn the_next_trial_waits_for_the_one_lag_places_back() {
    let mut solver = Solver::new(config(StrategyChoice::Auto, Some(2), 0)).unwrap();
    let t0 = solver.ask().unwrap_or_else(|| panic!("trial 0"));
    let t1 = solver.ask().unwrap_or_else(|| panic!("trial 1"));
    assert_eq!(solver.ask_next(), Ask::Wait);
    // Trial 1's result is held: trial 2 still needs trial 0.
    solver.tell_value(t1.id, 1.0).unwrap();
    assert_eq!(solver.ask_next(), Ask::Wait);
    assert_eq!(solver.told(), 0);
    // A held tell cannot be told again, and the failed call changes nothing.
    let before = solver.snapshot();
    assert!(matches!(solver.tell_value(t1.id, 2.0), Err(Error::AlreadyTold { id: 1 })));
    assert_eq!(solver.snapshot(), before);
    solver.tell_value(t0.id, 0.5).unwrap();
    assert_eq!(solver.told(), 1, "trial 1 stays held until trial 2 is handed out");
    assert!(matches!(solver.ask_next(), Ask::Trial(Trial { id: 2, .. })));
    assert_eq!(solver.told(), 2);
}

#[test]
fn lag_zero_is_a_config_error_naming_the_field() {
    let err = Solver::new(config(StrategyChoice::Auto, Some(0), 0)).err();
    let text = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(text.contains("parallel.lag") && text.contains("got 0"), "{text}");
}
