//! Regressions found by adversarial testing: each test failed before its fix.

use arqonhpo_core::{Error, Param, Solver, SolverConfig, Space, StrategyChoice};

use crate::common::num;

/// A float range wider than the largest double (`high - low` overflows) still spreads the
/// suggestions over the range, for every strategy, and values told back round-trip.
#[test]
fn float_ranges_wider_than_f64_max_do_not_collapse_to_the_bound() {
    for (low, high) in [(-1e308, 1e308), (-1.7e308, 1.7e308), (-f64::MAX, f64::MAX)] {
        for strategy in StrategyChoice::ALL {
            let space = Space::new().with("x", Param::float(low, high));
            let mut config = SolverConfig::new(space, 40, 3);
            config.strategy = strategy;
            let mut solver = Solver::new(config).unwrap();
            let mut xs = Vec::new();
            while let Some(t) = solver.ask() {
                let x = num(&t.params, "x");
                assert!(x.is_finite() && (low..=high).contains(&x), "{x} outside the range");
                xs.push(x);
                solver.tell_value(t.id, (x / high - 0.25).abs()).unwrap();
            }
            let positive = xs.iter().filter(|&&x| x > 0.0).count();
            assert!(
                positive > 0 && positive < xs.len(),
                "{strategy:?} on [{low}, {high}]: every suggestion on one side: {xs:?}"
            );
            let distinct =
                xs.iter().map(|x| x.to_bits()).collect::<std::collections::BTreeSet<_>>();
            assert!(distinct.len() > xs.len() / 2, "{strategy:?}: suggestions collapsed: {xs:?}");
            // The optimum is x = high / 4; a refinement that sees the encoded values finds it.
            let best = solver.best().and_then(|t| t.value).unwrap();
            assert!(best < 0.2, "{strategy:?} on [{low}, {high}]: best {best}");
        }
    }
}

/// A parameter name containing NUL cannot be passed through C strings unchanged: rejected.
#[test]
fn parameter_names_with_nul_are_rejected_by_validation() {
    let space = Space::new().with("a\0b", Param::float(0.0, 1.0));
    let err = SolverConfig::new(space, 10, 0).validate().unwrap_err();
    let Error::Config { issues } = &err else { panic!("a config error, got {err}") };
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0].path.starts_with("space."), "{:?}", issues[0]);
    assert!(issues[0].message.contains("NUL"), "{:?}", issues[0]);
}

/// A saved run with `n` trials: the last two pending, one of the rest failed.
fn artifact_with_pending() -> arqonhpo_core::RunArtifact {
    let space = Space::new().with("x", Param::float(-2.0, 2.0)).with("y", Param::float(-2.0, 2.0));
    let mut solver = Solver::new(SolverConfig::new(space, 30, 7)).unwrap();
    for i in 0..12 {
        let t = solver.ask().unwrap();
        if i == 3 {
            solver.tell(t.id, arqonhpo_core::Outcome::Failed { reason: None }).unwrap();
        } else {
            solver.tell_value(t.id, num(&t.params, "x").powi(2)).unwrap();
        }
    }
    solver.ask_batch(2);
    solver.artifact()
}

fn resume_reason(artifact: &arqonhpo_core::RunArtifact) -> String {
    match Solver::from_artifact(artifact) {
        Err(Error::Resume { reason }) => reason,
        Err(other) => panic!("a damaged artifact must be a resume error, got {other:?}"),
        Ok(_) => panic!("a damaged artifact was accepted"),
    }
}

/// Every hand-edited or damaged artifact is a resume error that names what is wrong (before,
/// a duplicated list or an edited tell index failed as an unknown or already-told trial, and
/// a pending trial edited to completed was silently replayed as pending).
#[test]
fn damaged_artifacts_are_resume_errors_naming_the_damage() {
    let good = artifact_with_pending();
    assert!(Solver::from_artifact(&good).is_ok());

    let mut doubled = good.clone();
    doubled.trials.extend(good.trials.clone());
    assert!(resume_reason(&doubled).contains("has id 0"), "{}", resume_reason(&doubled));

    let mut same_index = good.clone();
    same_index.trials[4].told_index = same_index.trials[5].told_index;
    assert!(resume_reason(&same_index).contains("same tell index"));

    let mut gap = good.clone();
    gap.trials[11].told_index = Some(20);
    assert!(resume_reason(&gap).contains("tell index 20"), "{}", resume_reason(&gap));

    let mut early = good.clone();
    let (a, b) = (early.trials[2].told_index, early.trials[9].told_index);
    early.trials[2].told_index = b;
    early.trials[9].told_index = a;
    assert!(resume_reason(&early).contains("told before it was asked"));

    let mut completed = good.clone();
    completed.trials[12].status = arqonhpo_core::TrialStatus::Completed;
    completed.trials[12].value = Some(0.5);
    let reason = resume_reason(&completed);
    assert!(reason.contains("trial 12 is completed but has no tell index"), "{reason}");
    // With its tell index too, the edit is a consistent record of a tell, and replays as one.
    completed.trials[12].told_index = Some(12);
    let resumed = Solver::from_artifact(&completed).unwrap();
    assert_eq!(resumed.trials()[12].value, Some(0.5));

    let mut method = good.clone();
    method.trials[4].method = arqonhpo_core::Method::Tpe;
    assert!(resume_reason(&method).contains("trial 4 does not match its replay"));

    let mut failed = good.clone();
    failed.trials[3].value = Some(1.0);
    assert!(resume_reason(&failed).contains("trial 3 is failed but has a value"));

    let mut bytes = good.to_json().into_bytes();
    bytes[40] = 0xff;
    match arqonhpo_core::RunArtifact::from_json_bytes(&bytes) {
        Err(Error::Resume { reason }) => assert!(reason.contains("byte 40"), "{reason}"),
        other => panic!("non-UTF-8 artifact: {other:?}"),
    }
}

/// A state (snapshot) with an edited tell index or told count is a resume error; before, both
/// were accepted and the run continued from a state no run could reach.
#[test]
fn damaged_states_with_edited_tells_are_resume_errors() {
    let good = artifact_with_pending();
    let solver = Solver::from_artifact(&good).unwrap();
    let state: serde_json::Value = serde_json::from_str(&solver.snapshot()).unwrap();
    assert!(Solver::restore(&state.to_string()).is_ok());
    let reason = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut damaged = state.clone();
        edit(&mut damaged);
        match Solver::restore(&damaged.to_string()) {
            Err(Error::Resume { reason }) => reason,
            other => panic!("a damaged state must be a resume error, got {:?}", other.err()),
        }
    };
    let r = reason(&|s| s["trials"][3]["told_index"] = 7.into());
    assert!(r.contains("same tell index 7"), "{r}");
    let r = reason(&|s| s["told"] = 3.into());
    assert!(r.contains("count of told trials"), "{r}");
    let r = reason(&|s| s["trials"][5]["told_index"] = serde_json::Value::Null);
    assert!(r.contains("trial 5 is completed but has no tell index"), "{r}");
}

/// A budget or seed beyond 2^64 - 1 is reported by its range, not as "invalid type: floating
/// point" (JSON integers that large are parsed as doubles).
#[test]
fn counts_beyond_u64_are_reported_by_their_range() {
    let text = |field: &str, value: &str| {
        let budget = if field == "budget" { value } else { "3" };
        let seed = if field == "seed" { value } else { "1" };
        format!(
            r#"{{"seed": {seed}, "budget": {budget}, "space": {{"x": {{"type": "float", "low": 0, "high": 1}}}}}}"#
        )
    };
    for field in ["budget", "seed"] {
        let message =
            SolverConfig::from_json(&text(field, "18446744073709551616")).unwrap_err().to_string();
        assert!(message.contains("must be at most 2^64 - 1 = 18446744073709551615"), "{message}");
        assert!(!message.contains("invalid type"), "{message}");
        let message = SolverConfig::from_json(&text(field, "2.5")).unwrap_err().to_string();
        assert!(message.contains("must be an integer, got 2.5"), "{message}");
        let message = SolverConfig::from_json(&text(field, "-1")).unwrap_err().to_string();
        assert!(message.contains("must not be negative, got -1"), "{message}");
    }
    assert_eq!(
        SolverConfig::from_json(&text("budget", "18446744073709551615")).unwrap().budget,
        u64::MAX
    );
}

/// An int bound beyond 2^53 is reported as the rounded double it was read as (with the limit),
/// not as an integer the user never wrote (`9223372036854776000` for `2^63 - 1`).
#[test]
fn int_bounds_beyond_2_53_name_the_limit_and_the_rounding() {
    let text =
        r#"{"budget": 3, "space": {"k": {"type": "int", "low": 0, "high": 9223372036854775807}}}"#;
    let message = Solver::from_json(text).unwrap_err().to_string();
    assert!(
        message.contains(
            "space.k.high: must be an integer of magnitude at most 2^53 = 9007199254740992"
        ),
        "{message}"
    );
    assert!(message.contains("got about 9.223372036854776e18"), "{message}");
    let text = r#"{"budget": 3, "space": {"k": {"type": "int", "low": 0.5, "high": 4}}}"#;
    let message = Solver::from_json(text).unwrap_err().to_string();
    assert!(message.contains("space.k.low: must be an integer, got 0.5"), "{message}");
}
