//! `ask` / `tell` over a state file, including the golden replay shared by every front.

use std::path::Path;

use arqonhpo_core::contracts::GoldenRun;
use predicates::prelude::*;

use crate::common::*;

fn goldens() -> Vec<(String, GoldenRun)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contracts/golden");
    let mut out: Vec<(String, GoldenRun)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            (
                p.display().to_string(),
                serde_json::from_str(&read(&p)).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 4, "golden runs found: {}", out.len());
    out
}

#[test]
fn golden_runs_replay_exactly_through_ask_and_tell() {
    for (name, run) in goldens() {
        let dir = workdir();
        let d = dir.path();
        write(d, "config.json", &run.config.to_json());
        for (i, step) in run.steps.iter().enumerate() {
            let mut ask = cli(d);
            ask.args(["ask", "--state", "state.json"]);
            if i == 0 {
                ask.args(["--config", "config.json"]);
            }
            let out = ask.assert().success().get_output().stdout.clone();
            let trial: serde_json::Value =
                serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{name} step {i}: {e}"));
            assert_eq!(trial["id"].as_u64(), Some(step.id), "{name} step {i}");
            let expected = serde_json::to_value(&step.params).unwrap_or_default();
            assert_eq!(
                trial["params"], expected,
                "{name}: trial {} params differ from the golden run",
                step.id
            );
            let mut tell = cli(d);
            tell.args(["tell", "--state", "state.json", "--id", &step.id.to_string()]);
            match step.value {
                Some(v) => tell.args(["--value", &format!("{v:?}")]),
                None => tell.args(["--failed", "--reason", "golden failure"]),
            };
            tell.assert().success();
        }
        cli(d)
            .args(["ask", "--state", "state.json"])
            .assert()
            .code(3)
            .stdout(predicate::str::is_empty());
    }
}

#[test]
fn a_batch_ask_and_out_of_order_tells_work_and_bad_tells_change_nothing() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(4, 2));
    let out = cli(d)
        .args(["ask", "--state", "s.json", "--config", "tune.json", "-n", "3"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let ids: Vec<u64> = String::from_utf8_lossy(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .ok()
                .and_then(|v| v["id"].as_u64())
                .unwrap_or(u64::MAX)
        })
        .collect();
    assert_eq!(ids, vec![0, 1, 2]);
    let state = d.join("s.json");
    cli(d).args(["tell", "--state", "s.json", "--id", "2", "--value", "-1.5"]).assert().success();
    let before = read(&state);
    cli(d)
        .args(["tell", "--state", "s.json", "--id", "2", "--value", "3"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("trial 2 was already told"));
    cli(d)
        .args(["tell", "--state", "s.json", "--id", "9", "--value", "3"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown trial id 9"));
    assert_eq!(read(&state), before, "a rejected tell leaves the state file as it was");
    cli(d)
        .args(["tell", "--state", "s.json", "--id", "0", "--failed", "--reason", "oom"])
        .assert()
        .success();
    cli(d).args(["tell", "--state", "s.json", "--id", "1"]).assert().code(2);
    cli(d).args(["report", "s.json"]).assert().success().stdout(
        predicate::str::contains("best: trial 2 value -1.5")
            .and(predicate::str::contains("trial 0: oom")),
    );
}

#[test]
fn ask_needs_a_config_once_and_refuses_a_different_one() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(4, 2));
    write(d, "other.json", &config(4, 3));
    cli(d)
        .args(["ask", "--state", "s.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("pass --config"));
    cli(d).args(["ask", "--state", "s.json", "--config", "tune.json"]).assert().success();
    cli(d).args(["ask", "--state", "s.json", "--config", "tune.json"]).assert().success();
    cli(d)
        .args(["ask", "--state", "s.json", "--config", "other.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("differs"));
    write(d, "broken.json", "{\"state_version\": 1");
    cli(d)
        .args(["tell", "--state", "broken.json", "--id", "0", "--value", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("broken.json"));
}

#[test]
fn parallel_workers_telling_at_once_lose_no_result() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(8, 4));
    cli(d)
        .args(["ask", "--state", "s.json", "--config", "tune.json", "-n", "8"])
        .assert()
        .success();
    let workers: Vec<std::process::Child> = (0..8)
        .map(|id| {
            std::process::Command::new(bin())
                .current_dir(d)
                .args([
                    "tell",
                    "--state",
                    "s.json",
                    "--id",
                    &id.to_string(),
                    "--value",
                    &format!("{}", id * 10),
                ])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut w in workers {
        assert!(w.wait().is_ok_and(|s| s.success()));
    }
    cli(d)
        .args(["report", "s.json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("8 completed, 0 failed, 0 pending"));
}
