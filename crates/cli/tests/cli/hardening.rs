//! Regressions found by adversarial testing of the CLI: each failed before its fix.

use predicates::prelude::*;

use crate::common::*;

const CLASHING: &str = r#"{"budget": 4, "space": {
    "lr": {"type": "float", "low": 0, "high": 1},
    "LR": {"type": "float", "low": 0, "high": 1},
    "trial_id": {"type": "int", "low": 0, "high": 3}}}"#;

/// Two parameters sharing an environment variable, and a parameter named `trial_id`, are
/// errors in `validate` and in `run` (before any trial runs).
#[test]
fn colliding_environment_names_and_trial_id_are_rejected() {
    let d = workdir();
    write(d.path(), "c.json", CLASHING);
    for args in [vec!["validate", "c.json"], vec!["run", "-c", "c.json", "--", "true"]] {
        cli(d.path())
            .args(&args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("`LR` and parameter `lr`"))
            .stderr(predicate::str::contains("ARQON_LR"))
            .stderr(predicate::str::contains("`trial_id` clashes with"));
    }
}

/// A placeholder that names no parameter is an error, not text passed through literally.
#[test]
fn unknown_placeholders_are_rejected() {
    let d = workdir();
    write(d.path(), "c.json", &config(4, 0));
    for args in [
        vec!["validate", "c.json", "--", "echo", "{x}", "{missing}"],
        vec!["run", "-c", "c.json", "--", "echo", "{x}", "{missing}"],
    ] {
        cli(d.path())
            .args(&args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("the placeholder {missing}"))
            .stderr(predicate::str::contains("names no"));
    }
    cli(d.path())
        .args(["validate", "c.json", "--", "echo", "{x}", "{trial_id}", r#"{"k": 1}"#])
        .assert()
        .success();
}

/// `tell --value` takes every negative number, including `-.5` and `-inf`.
#[test]
fn tell_accepts_every_negative_value() {
    let d = workdir();
    write(d.path(), "c.json", &config(6, 0));
    for value in ["-.5", "-1.5", "-1e3", "-inf"] {
        let out = cli(d.path()).args(["ask", "-s", "s.json", "-c", "c.json"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let id = line["id"].to_string();
        let told = cli(d.path())
            .args(["tell", "-s", "s.json", "--id", &id, "--value", value])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&told.stderr);
        assert!(!stderr.contains("unexpected argument"), "--value {value}: {stderr}");
        if value != "-inf" {
            assert!(told.status.success(), "--value {value}: {stderr}");
        }
    }
}

/// An over-long timeout says what is wrong with it.
#[test]
fn over_long_timeouts_name_the_limit() {
    let d = workdir();
    write(d.path(), "c.json", &config(4, 0));
    cli(d.path())
        .args(["run", "-c", "c.json", "--timeout", "1e20", "--", "true"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at most 1e9 seconds"));
}
