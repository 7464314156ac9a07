//! `validate` and `schema`: every bad config gives a labelled error and a non-zero exit.

use predicates::prelude::*;

use crate::common::*;

/// Bad configs and the text the report must label (a path or the parser's complaint).
const BAD: &[(&str, &str, &str)] = &[
    (
        "budget zero",
        r#"{"budget": 0, "space": {"x": {"type": "float", "low": 0, "high": 1}}}"#,
        "budget: must be at least 1",
    ),
    (
        "low above high",
        r#"{"budget": 5, "space": {"x": {"type": "float", "low": 2, "high": 1}}}"#,
        "space.x: needs low < high",
    ),
    (
        "log with low 0",
        r#"{"budget": 5, "space": {"x": {"type": "float", "low": 0, "high": 1, "log": true}}}"#,
        "space.x.low: log scale needs low > 0",
    ),
    (
        "fractional int bound",
        r#"{"budget": 5, "space": {"n": {"type": "int", "low": 0.5, "high": 4}}}"#,
        "space.n.low: must be an integer",
    ),
    (
        "repeated choice",
        r#"{"budget": 5, "space": {"k": {"type": "choice", "choices": ["a", "b", "a"]}}}"#,
        "space.k.choices[2]: repeats the option",
    ),
    (
        "empty choices",
        r#"{"budget": 5, "space": {"k": {"type": "choice", "choices": []}}}"#,
        "space.k.choices: is empty",
    ),
    ("empty space", r#"{"budget": 5, "space": {}}"#, "space: is empty"),
    (
        "probe fraction",
        r#"{"budget": 5, "space": {"x": {"type": "float", "low": 0, "high": 1}}, "probe": {"fraction": 1.5}}"#,
        "probe.fraction: must be in (0, 1]",
    ),
    (
        "threshold",
        r#"{"budget": 5, "space": {"x": {"type": "float", "low": 0, "high": 1}}, "classifier": {"threshold": -1}}"#,
        "classifier.threshold: must be in [0, 1]",
    ),
    (
        "warm start outside bounds",
        r#"{"budget": 5, "space": {"x": {"type": "float", "low": 0, "high": 1}}, "warm_start": [{"params": {"x": 3}, "value": 1}]}"#,
        "warm_start[0].params.x: must be within [0, 1], got 3",
    ),
    ("unknown field", r#"{"budget": 5, "spaces": {}}"#, "unknown field `spaces`"),
    (
        "unknown param type",
        r#"{"budget": 5, "space": {"x": {"type": "real", "low": 0, "high": 1}}}"#,
        "unknown variant `real`",
    ),
    ("budget as text", r#"{"budget": "ten", "space": {}}"#, "invalid type: string \"ten\""),
    ("syntax error", "{\"budget\": 5,\n  \"space\": {\"x\": }\n}", "expected value"),
];

#[test]
fn every_bad_config_gives_a_labelled_error_and_exit_1() {
    let dir = workdir();
    let d = dir.path();
    for (i, (what, text, label)) in BAD.iter().enumerate() {
        let name = format!("bad{i}.json");
        write(d, &name, text);
        let out = cli(d).args(["validate", &name]).assert().code(1).get_output().clone();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("[{name}:")),
            "{what}: the report shows the file's text:\n{stderr}"
        );
        // The label marker of miette's unicode theme, or of its ASCII theme.
        let labelled =
            stderr.lines().any(|l| (l.contains("╰──") || l.contains("`--")) && l.contains(label));
        assert!(labelled, "{what}: no label containing {label:?}:\n{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn bad_configs_are_refused_by_run_and_ask_too() {
    let dir = workdir();
    let d = dir.path();
    write(d, "bad.json", BAD[1].1);
    cli(d)
        .args(["run", "--config", "bad.json", "--", "echo", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("space.x: needs low < high"));
    cli(d)
        .args(["ask", "--state", "s.json", "--config", "bad.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("space.x"));
    assert!(!d.join("s.json").exists(), "no state is created from a bad config");
    cli(d)
        .args(["validate", "missing.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read the config file missing.json"));
}

#[test]
fn good_configs_validate_including_the_legacy_format() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(10, 1));
    cli(d)
        .args(["validate", "tune.json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("valid (2 parameter(s), budget 10, seed 1"));
    write(
        d,
        "legacy.json",
        r#"{"seed": 4, "budget": 20, "bounds": {"x": {"min": 0.001, "max": 1.0, "scale": "Log"}}, "probe_ratio": 0.25}"#,
    );
    cli(d)
        .args(["validate", "legacy.json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("valid (1 parameter(s), budget 20, seed 4"));
}

#[test]
fn schema_prints_the_contract_schemas() {
    let dir = workdir();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contracts");
    for (kind, file) in [("config", "config.schema.json"), ("artifact", "artifact.schema.json")] {
        let out =
            cli(dir.path()).args(["schema", kind]).assert().success().get_output().stdout.clone();
        assert_eq!(String::from_utf8_lossy(&out), read(&root.join(file)), "{kind}");
    }
    cli(dir.path()).args(["schema", "journal"]).assert().code(2);
}
