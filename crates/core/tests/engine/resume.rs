//! Save and resume, for every strategy, with trials pending: the next `ask()` after a restore
//! (from a snapshot, or by replaying the artifact) is bit-identical to the run that never stopped.

use arqonhpo_core::journal::{self, Event};
use arqonhpo_core::{
    Error, Method, Param, Phase, RunArtifact, Solver, SolverConfig, Space, StrategyChoice, Trial,
};

use crate::common::num;

fn config(strategy: StrategyChoice) -> SolverConfig {
    let space = Space::new()
        .with("x", Param::float(-2.0, 2.0))
        .with("y", Param::log_float(0.01, 10.0))
        .with("n", Param::int(1, 9));
    let mut c = SolverConfig::new(space, 48, 5);
    c.strategy = strategy;
    c
}

fn f(t: &Trial) -> f64 {
    let (x, y, n) = (num(&t.params, "x"), num(&t.params, "y"), num(&t.params, "n"));
    (x - 0.4).powi(2) + (y.ln() - 0.3).powi(2) + 0.1 * (n - 4.0).powi(2)
}

/// Drives a run with three workers: ask three, tell the oldest two, ask again, and so on.
/// At step `stop_at` the solver is replaced by `resume(solver)`. Returns every trial asked.
fn drive(
    strategy: StrategyChoice,
    stop_at: usize,
    resume: impl Fn(&Solver) -> Solver,
) -> (Vec<Trial>, Solver) {
    let mut solver = Solver::new(config(strategy)).unwrap();
    let mut asked: Vec<Trial> = Vec::new();
    let mut in_flight: Vec<Trial> = Vec::new();
    for step in 0.. {
        if step == stop_at {
            assert!(!in_flight.is_empty(), "the resume point must have trials pending");
            solver = resume(&solver);
        }
        let fresh = solver.ask_batch(3 - in_flight.len());
        asked.extend(fresh.iter().cloned());
        in_flight.extend(fresh);
        if in_flight.is_empty() {
            break;
        }
        // Tell the oldest two (out of ask order when possible: the second, then the first).
        let n = in_flight.len().min(2);
        let told: Vec<Trial> = in_flight.drain(..n).rev().collect();
        for t in told {
            solver.tell_value(t.id, f(&t)).unwrap();
        }
    }
    (asked, solver)
}

fn through_snapshot(s: &Solver) -> Solver {
    Solver::restore(&s.snapshot()).expect("restore")
}

fn through_artifact(s: &Solver) -> Solver {
    let text = s.artifact().to_json();
    let artifact = RunArtifact::from_json(&text).expect("artifact");
    Solver::from_artifact(&artifact).expect("replay")
}

/// The artifact's asks and tells written as a journal, then replayed as the CLI replays one.
fn through_journal(s: &Solver) -> Solver {
    let events = journal::events(&s.artifact()).unwrap_or_else(|e| panic!("events: {e}"));
    let text: String =
        std::iter::once(Event::start(s.config())).chain(events).map(|e| e.to_line()).collect();
    journal::replay(&text, Some(s.config())).unwrap_or_else(|e| panic!("journal: {e}")).solver
}

#[test]
fn every_strategy_resumes_bit_identically_with_trials_pending() {
    let cases = [
        (StrategyChoice::NelderMead, Method::NelderMead),
        (StrategyChoice::Tpe, Method::Tpe),
        (StrategyChoice::Random, Method::Random),
        (StrategyChoice::Cmaes, Method::Cmaes),
        (StrategyChoice::TrustRegion, Method::TrustRegion),
        (StrategyChoice::Gp, Method::Gp),
        (StrategyChoice::Auto, Method::NelderMead),
    ];
    for (strategy, method) in cases {
        let (reference, done) = drive(strategy, usize::MAX, |s| s.clone());
        assert_eq!(done.phase(), Phase::Done);
        assert!(done.classification().is_some());
        assert_eq!(done.strategy(), Some(method), "the strategy stays known once done");
        assert!(reference.iter().any(|t| t.method == method), "{strategy:?} never used {method:?}");
        // Resume in the probe, right after the switch to refine, and deep into refine.
        for stop_at in [3, 9, 14, 20] {
            for (how, resume) in [
                ("snapshot", through_snapshot as fn(&Solver) -> Solver),
                ("artifact", through_artifact),
                ("journal", through_journal),
            ] {
                let (resumed, end) = drive(strategy, stop_at, resume);
                assert_eq!(resumed, reference, "{strategy:?} resumed by {how} at step {stop_at}");
                assert_eq!(
                    end.snapshot(),
                    done.snapshot(),
                    "{strategy:?} by {how} at {stop_at}: final state"
                );
            }
        }
    }
}

#[test]
fn damaged_or_foreign_state_is_an_error_not_a_panic() {
    let mut solver = Solver::new(config(StrategyChoice::Tpe)).unwrap();
    for t in solver.ask_batch(20) {
        solver.tell_value(t.id, f(&t)).unwrap();
    }
    let text = solver.snapshot();
    assert!(matches!(Solver::restore("{"), Err(Error::Json { .. })));
    assert!(matches!(
        Solver::restore(&text.replacen("\"state_version\":1", "\"state_version\":99", 1)),
        Err(Error::Resume { .. })
    ));
    // A trial list that no longer matches the budget.
    let shrunk = text.replacen("\"budget\":48", "\"budget\":3", 1);
    assert!(
        matches!(Solver::restore(&shrunk), Err(Error::Resume { .. })),
        "budget below the trial count"
    );
    // An artifact whose trials were edited does not replay.
    let mut artifact = solver.artifact();
    artifact.trials[2].params = artifact.trials[3].params.clone();
    match Solver::from_artifact(&artifact) {
        Err(Error::Resume { reason }) => assert!(reason.contains("trial 2"), "{reason}"),
        other => panic!("expected a resume error, got {other:?}"),
    }
}
