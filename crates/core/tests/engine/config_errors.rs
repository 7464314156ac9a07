//! Every config mistake is reported with its path and the offending value, all at once, before
//! a solver exists; and a failed tell leaves the solver exactly as it was.

use arqonhpo_core::{Error, JsonSource, RunArtifact, Solver, SolverConfig};

/// Validates JSON text and returns the `path: message` lines.
fn problems(json: &str) -> Vec<String> {
    let err = match SolverConfig::from_json(json).and_then(|c| c.validate().map(|()| c)) {
        Ok(_) => panic!("config should be rejected: {json}"),
        Err(e) => e,
    };
    assert!(matches!(err, Error::Config { .. }), "{err}");
    // The same error comes from Solver::from_json: validation runs before a solver exists.
    assert_eq!(Solver::from_json(json).err().map(|e| e.to_string()), Some(err.to_string()));
    err.config_issues().iter().map(|i| i.to_string()).collect()
}

fn expect(json: &str, wanted: &[&str]) {
    let got = problems(json);
    for w in wanted {
        assert!(
            got.iter().any(|g| g.contains(w)),
            "expected a problem containing {w:?}, got {got:#?}"
        );
    }
}

#[test]
fn each_kind_of_mistake_names_its_path_and_value() {
    let cases: &[(&str, &[&str])] = &[
        (
            r#"{"budget": 0, "space": {"x": {"type": "float", "low": 0, "high": 1}}}"#,
            &["budget: must be at least 1, got 0"],
        ),
        (r#"{"budget": 5, "space": {}}"#, &["space: is empty"]),
        (
            r#"{"budget": 5, "space": {"x": {"type": "float", "low": 2, "high": 1}}}"#,
            &["space.x: needs low < high, got low = 2, high = 1"],
        ),
        (
            r#"{"budget": 5, "space": {"x": {"type": "float", "low": 1, "high": 1}}}"#,
            &["space.x: needs low < high"],
        ),
        (
            r#"{"budget": 5, "space": {"lr": {"type": "float", "low": 0, "high": 1, "log": true}}}"#,
            &["space.lr.low: log scale needs low > 0, got low = 0"],
        ),
        (
            r#"{"budget": 5, "space": {"n": {"type": "int", "low": 0.5, "high": 4}}}"#,
            &["space.n.low: must be an integer", "got 0.5"],
        ),
        (
            r#"{"budget": 5, "space": {"n": {"type": "int", "low": -3, "high": 4, "log": true}}}"#,
            &["space.n.low: log scale needs low > 0, got low = -3"],
        ),
        (
            r#"{"budget": 5, "space": {"k": {"type": "choice", "choices": []}}}"#,
            &["space.k.choices: is empty"],
        ),
        (
            r#"{"budget": 5, "space": {"k": {"type": "choice", "choices": ["a", "b", "a"]}}}"#,
            &["space.k.choices[2]: repeats the option \"a\""],
        ),
        (
            r#"{"budget": 5, "space": {"k": {"type": "choice", "choices": [1, 1.0]}}}"#,
            &["space.k.choices[1]: repeats the option 1"],
        ),
        (
            r#"{"budget": 5, "space": {"x": {"type": "float", "low": 0, "high": 1}, "x": {"type": "int", "low": 0, "high": 1}}}"#,
            &["space.x: is defined more than once"],
        ),
        (
            r#"{"budget": 5, "space": {"": {"type": "float", "low": 0, "high": 1}}}"#,
            &["space: has a parameter with an empty name"],
        ),
        (
            r#"{"budget": 5, "probe": {"fraction": 1.5}, "space": {"x": {"type": "float", "low": 0, "high": 1}}}"#,
            &["probe.fraction: must be in (0, 1], got 1.5"],
        ),
        (
            r#"{"budget": 5, "probe": {"min_points": 0}, "space": {"x": {"type": "float", "low": 0, "high": 1}}}"#,
            &["probe.min_points: must be at least 1, got 0"],
        ),
        (
            r#"{"budget": 5, "classifier": {"threshold": -0.1}, "space": {"x": {"type": "float", "low": 0, "high": 1}}}"#,
            &["classifier.threshold: must be in [0, 1], got -0.1"],
        ),
        (
            r#"{"budget": 5, "space": {"x": {"type": "float", "low": 0, "high": 1}, "k": {"type": "choice", "choices": ["a"]}},
                "warm_start": [{"params": {"x": 3, "k": "z", "extra": 1}, "value": 1.0}, {"params": {"x": 0.5}, "value": 2.0},
                               {"params": {"x": "big", "k": "a"}, "value": 2.0}]}"#,
            &[
                "warm_start[0].params.x: must be within [0, 1], got 3",
                "warm_start[0].params.k: must be one of the choices, got \"z\"",
                "warm_start[0].params.extra: is not a parameter of the space",
                "warm_start[1].params.k: is missing",
                "warm_start[2].params.x: must be a number, got \"big\"",
            ],
        ),
    ];
    for (json, wanted) in cases {
        expect(json, wanted);
    }
}

#[test]
fn non_finite_numbers_are_reported_too() {
    // JSON has no NaN or infinity, so these come from code that builds configs.
    use arqonhpo_core::{Observation, Param, Params, Space, Value};
    let space = Space::new()
        .with("x", Param::float(f64::NEG_INFINITY, 1.0))
        .with("y", Param::float(0.0, f64::NAN));
    let mut config = SolverConfig::new(space, 5, 0);
    config.warm_start.push(Observation {
        params: Params::new().with("x", Value::Float(0.0)).with("y", Value::Float(0.0)),
        value: f64::NAN,
    });
    let err = config.validate().expect_err("must fail");
    let text = err.to_string();
    for wanted in [
        "space.x.low: must be a finite number, got -inf",
        "space.y.high: must be a finite number, got NaN",
        "warm_start[0].value: must be a finite number, got NaN",
    ] {
        assert!(text.contains(wanted), "{wanted:?} missing from {text}");
    }
}

#[test]
fn all_problems_are_listed_at_once() {
    let got = problems(
        r#"{"budget": 0, "space": {"a": {"type": "float", "low": 1, "high": 0}, "b": {"type": "choice", "choices": []}}}"#,
    );
    assert_eq!(got.len(), 3, "{got:#?}");
}

#[test]
fn malformed_json_points_at_the_spot() {
    let text = "{\n  \"budget\": 5,\n  \"space\": {\"x\": {\"type\": \"float\", \"low\": 0, \"hihg\": 1}}\n}";
    match SolverConfig::from_json(text) {
        Err(Error::Json { line, message, span, .. }) => {
            assert_eq!(line, 3);
            assert!(message.contains("hihg"), "{message}");
            assert!(span.0 > 0 && span.0 < text.len());
        }
        other => panic!("expected a JSON error, got {other:?}"),
    }
    let unknown = r#"{"budget": 5, "space": {}, "sead": 3}"#;
    let err = SolverConfig::from_json(unknown).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("unknown field `sead`"), "{err}");
}

#[test]
fn a_json_error_says_what_was_being_read() {
    let what = |r: Result<(), Error>| match r {
        Err(Error::Json { what, .. }) => what,
        other => panic!("expected a JSON error, got {other:?}"),
    };
    let config = what(SolverConfig::from_json(r#"{"budget": "x"}"#).map(drop));
    let legacy = what(SolverConfig::from_json(r#"{"bounds": {"x": 1}}"#).map(drop));
    let state = what(Solver::restore("{").map(drop));
    let artifact = what(RunArtifact::from_json("[]").map(drop));
    assert_eq!(
        [config, legacy, state, artifact],
        [JsonSource::Config, JsonSource::LegacyConfig, JsonSource::State, JsonSource::Artifact]
    );
    assert!(config.is_config() && legacy.is_config());
    assert!(!state.is_config() && !artifact.is_config());
    // The message names the source as before the source was typed.
    let message = Solver::restore("{").err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.starts_with("solver state is not valid"), "{message}");
}

#[test]
fn a_failed_tell_changes_nothing() {
    let mut solver = Solver::from_json(
        r#"{"budget": 6, "seed": 3, "space": {"x": {"type": "float", "low": 0, "high": 1}}}"#,
    )
    .unwrap();
    let t = solver.ask().expect("a trial");
    let before = solver.snapshot();
    let err = solver.tell_value(99, 1.0).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("unknown trial id 99"), "{err}");
    assert_eq!(solver.snapshot(), before);
    solver.tell_value(t.id, 0.5).unwrap();
    let before = solver.snapshot();
    let err = solver.tell_value(t.id, 0.1).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("already told"), "{err}");
    assert_eq!(solver.snapshot(), before);
}

#[test]
fn type_errors_name_the_field() {
    let text = r#"{"budget": 5, "space": {"lr": {"type": "flot", "low": 0, "high": 1}}}"#;
    let err = SolverConfig::from_json(text).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("space.lr.type: unknown variant `flot`"), "{err}");
    let text = r#"{"budget": "ten", "space": {}}"#;
    let err = SolverConfig::from_json(text).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("budget: invalid type: string \"ten\""), "{err}");
}
