//! Streaming mode (`"trials": "stream"`): told trials leave the solver through `drain_told`,
//! bit-for-bit the records a run that keeps every trial holds; a streaming run resumes from
//! its snapshot or its journal with the identical continuation; and what it holds stays
//! bounded however long it runs.

use arqonhpo_core::journal::{self, Event};
use arqonhpo_core::{
    Error, Outcome, Param, Solver, SolverConfig, Space, StrategyChoice, Trial, TrialRecord,
    TrialRetention, TrialStatus,
};

use crate::common::noise;

fn config(
    strategy: StrategyChoice,
    discrete: bool,
    budget: u64,
    trials: TrialRetention,
) -> SolverConfig {
    let space = if discrete {
        Space::new()
            .with("n", Param::int(0, 9))
            .with("k", Param::choice(["a", "b", "c"]))
            .with("m", Param::int(-3, 3))
    } else {
        Space::new()
            .with("x", Param::float(-2.0, 2.0))
            .with("y", Param::log_float(0.01, 10.0))
            .with("n", Param::int(1, 9))
    };
    let mut c = SolverConfig::new(space, budget, 11);
    c.strategy = strategy;
    c.trials = trials;
    c.probe.fraction = 0.05;
    c
}

fn f(t: &Trial) -> Outcome {
    if t.id % 17 == 5 {
        return Outcome::Failed { reason: Some(format!("worker {} lost", t.id % 3)) };
    }
    let v: f64 = t.params.iter().filter_map(|(_, v)| v.as_f64()).map(|x| (x - 0.4).powi(2)).sum();
    Outcome::Value(v + 0.01 * noise(t.id))
}

/// A run driven with three workers (ask three, tell the second then the first, ask again),
/// recording what streams out and the journal of its asks and tells.
struct Run {
    solver: Solver,
    in_flight: Vec<Trial>,
    asked: Vec<Trial>,
    streamed: Vec<TrialRecord>,
    journal: String,
}

impl Run {
    fn new(config: SolverConfig) -> Self {
        let journal = Event::start(&config).to_line();
        let solver = Solver::new(config).unwrap();
        Run { solver, in_flight: Vec::new(), asked: Vec::new(), streamed: Vec::new(), journal }
    }

    /// One round; false once the run is over.
    fn step(&mut self) -> bool {
        let fresh = self.solver.ask_batch(3 - self.in_flight.len());
        for t in &fresh {
            self.journal += &Event::ask(t).to_line();
        }
        self.streamed.extend(self.solver.drain_told());
        self.asked.extend(fresh.iter().cloned());
        self.in_flight.extend(fresh);
        if self.in_flight.is_empty() {
            return false;
        }
        let n = self.in_flight.len().min(2);
        for t in self.in_flight.drain(..n).rev().collect::<Vec<_>>() {
            let outcome = f(&t);
            self.journal += &Event::told(t.id, &outcome).to_line();
            self.solver.tell(t.id, outcome).unwrap();
            self.streamed.extend(self.solver.drain_told());
        }
        true
    }

    fn finish(mut self) -> Self {
        while self.step() {}
        self
    }
}

/// The kept run's trials in the order they were told: what a streaming run hands out.
fn in_told_order(solver: &Solver) -> Vec<TrialRecord> {
    let mut told: Vec<TrialRecord> =
        solver.trials().into_iter().filter(|t| t.status != TrialStatus::Pending).collect();
    told.sort_by_key(|t| t.told_index);
    told
}

const STRATEGIES: [StrategyChoice; 5] = [
    StrategyChoice::Auto,
    StrategyChoice::NelderMead,
    StrategyChoice::Tpe,
    StrategyChoice::Random,
    StrategyChoice::Cmaes,
];

#[test]
fn streamed_trials_equal_the_kept_runs_bit_for_bit() {
    for strategy in STRATEGIES {
        for discrete in [false, true] {
            let kept = Run::new(config(strategy, discrete, 300, TrialRetention::Keep)).finish();
            let streamed =
                Run::new(config(strategy, discrete, 300, TrialRetention::Stream)).finish();
            let what = format!("{strategy:?}, discrete {discrete}");
            assert_eq!(streamed.asked, kept.asked, "{what}: the suggestions");
            assert!(kept.streamed.is_empty(), "{what}: a kept run streams nothing");
            assert_eq!(streamed.streamed.len(), 300, "{what}: every trial streams out once");
            // Bit-for-bit: the values' bits, not only their numeric equality.
            let bits = |r: &[TrialRecord]| {
                r.iter().map(|t| (t.value.map(f64::to_bits), format!("{t:?}"))).collect::<Vec<_>>()
            };
            assert_eq!(bits(&streamed.streamed), bits(&in_told_order(&kept.solver)), "{what}");
            assert_eq!(streamed.solver.best(), kept.solver.best(), "{what}: the best trial");
            assert_eq!(streamed.solver.classification(), kept.solver.classification(), "{what}");
            assert!(streamed.solver.is_done() && kept.solver.is_done(), "{what}");
            assert!(streamed.solver.held_trials() <= 1, "{what}: only the best stays");
        }
    }
}

#[test]
fn a_streaming_run_resumes_from_its_snapshot_or_journal_identically() {
    for strategy in STRATEGIES {
        for discrete in [false, true] {
            let cfg = config(strategy, discrete, 200, TrialRetention::Stream);
            let whole = Run::new(cfg.clone()).finish();
            // Stop in the probe, just after it, and deep in the refinement.
            for stop in [3, 12, 60] {
                for via in ["snapshot", "journal"] {
                    let mut run = Run::new(cfg.clone());
                    for _ in 0..stop {
                        run.step();
                    }
                    assert!(!run.in_flight.is_empty(), "a trial is pending at the stop");
                    run.solver = match via {
                        "snapshot" => Solver::restore(&run.solver.snapshot()).unwrap(),
                        _ => journal::replay(&run.journal, Some(&cfg)).unwrap().solver,
                    };
                    let run = run.finish();
                    let what = format!("{strategy:?}, discrete {discrete}, {via} at {stop}");
                    assert_eq!(run.asked, whole.asked, "{what}: the continuation");
                    assert_eq!(run.streamed, whole.streamed, "{what}: the streamed records");
                }
            }
        }
    }
}

#[test]
fn what_a_streaming_run_holds_stays_bounded() {
    for strategy in STRATEGIES {
        let mut run = Run::new(config(strategy, false, 6000, TrialRetention::Stream));
        let planned = 300; // 5% of 6000
        let mut snapshots = Vec::new();
        while run.step() {
            let issued = run.solver.issued();
            let held = run.solver.held_trials();
            if issued > planned + 3 {
                // The pending trials (at most three workers) and the best.
                assert!(held <= 4, "{strategy:?}: {held} trials held at {issued}");
            }
            if issued >= [1500, 3000, 5900].get(snapshots.len()).copied().unwrap_or(u64::MAX) {
                snapshots.push(run.solver.snapshot().len());
            }
        }
        assert_eq!(run.streamed.len(), 6000);
        let [a, b, c] = snapshots[..] else { panic!("{snapshots:?}") };
        // The strategies' working sets are bounded: the whole state does not grow with the
        // run (CMA-ES doubles its population on a restart, up to a fixed cap of 512, so its
        // state is held to a fixed size instead; a kept run's is about 150 bytes a trial).
        let grows = b >= 2 * a || c >= 2 * a;
        assert!(
            !grows || strategy == StrategyChoice::Cmaes,
            "{strategy:?}: state sizes {snapshots:?}"
        );
        assert!(c < 64 * 1024, "{strategy:?}: state sizes {snapshots:?}");
        let kept = Run::new(config(strategy, false, 6000, TrialRetention::Keep));
        assert!(Solver::new(kept.solver.config().clone()).unwrap().held_trials() == 0);
    }
}

#[test]
fn a_kept_run_holds_every_trial_and_a_streaming_artifact_does_not_replay() {
    let kept = Run::new(config(StrategyChoice::Tpe, false, 120, TrialRetention::Keep)).finish();
    assert_eq!(kept.solver.held_trials(), 120);
    assert_eq!(kept.solver.trials().len(), 120);
    let streamed =
        Run::new(config(StrategyChoice::Tpe, false, 120, TrialRetention::Stream)).finish();
    let artifact = streamed.solver.artifact();
    assert!(artifact.trials.len() <= 1);
    let err = Solver::from_artifact(&artifact).unwrap_err();
    assert!(matches!(&err, Error::Resume { reason } if reason.contains("journal")), "{err}");
    // The journal replays the whole run when a report asks for every trial.
    let all = journal::replay_keeping_all(&streamed.journal).unwrap().solver;
    assert_eq!(all.trials(), kept.solver.trials());
}

#[test]
fn a_streaming_config_with_a_huge_probe_is_an_error_naming_the_field() {
    let mut cfg = config(StrategyChoice::Auto, false, 1_000_000, TrialRetention::Stream);
    cfg.probe.fraction = 0.2;
    let err = Solver::new(cfg.clone()).unwrap_err();
    let Error::Config { issues } = &err else { panic!("{err}") };
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].path, "trials");
    assert!(issues[0].message.contains("probe.fraction"), "{}", issues[0].message);
    cfg.probe.fraction = 0.001;
    assert!(Solver::new(cfg.clone()).is_ok());
    let text = r#"{"budget": 5, "space": {"x": {"type": "float", "low": 0, "high": 1}}, "trials": "forget"}"#;
    let err = SolverConfig::from_json(text).unwrap_err().to_string();
    assert!(err.contains("trials") && err.contains("stream"), "{err}");
}

#[test]
fn a_state_whose_parameters_were_edited_is_a_resume_error() {
    // Parameters are derived from each trial's point, so an edit cannot pass unnoticed.
    for trials in [TrialRetention::Keep, TrialRetention::Stream] {
        let mut run = Run::new(config(StrategyChoice::Tpe, false, 100, trials));
        for _ in 0..3 {
            run.step();
        }
        let text = run.solver.snapshot();
        let mut state: serde_json::Value = serde_json::from_str(&text).unwrap();
        state["trials"][0]["params"]["n"] = serde_json::json!(100);
        let err = Solver::restore(&state.to_string()).unwrap_err();
        assert!(
            matches!(&err, Error::Resume { reason } if reason.contains("trial 0's parameters")),
            "{trials:?}: {err}"
        );
        assert!(Solver::restore(&text).is_ok());
    }
}
