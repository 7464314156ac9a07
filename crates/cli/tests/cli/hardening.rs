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

/// A journal with no complete start line (a run killed while creating it) resumes as a fresh
/// run instead of blocking every `--resume`.
#[test]
fn a_journal_without_a_complete_start_line_resumes_as_a_fresh_run() {
    let d = workdir();
    write(d.path(), "c.json", &config(3, 0));
    for (name, text) in [("empty.jsonl", ""), ("torn.jsonl", r#"{"event":"start","for"#)] {
        write(d.path(), name, text);
        cli(d.path())
            .args(["run", "-c", "c.json", "--journal", name, "--resume", "--artifact", "out.json"])
            .args(["--", "echo", "{x}"])
            .assert()
            .success();
        assert_eq!(artifact(&d.path().join("out.json")).trials.len(), 3, "{name}");
        let events = read(&d.path().join(name));
        assert!(events.starts_with(r#"{"event":"start""#), "{name}: {events}");
    }
}

/// Two `run --resume` started together on a missing journal: one runs it, the other is told
/// the journal is in use, never that it exists and needs --resume. The trial waits while the
/// file `hold` exists, so the winner holds the journal until the loser has given up.
#[test]
fn racing_resumes_on_a_missing_journal_leave_one_run_and_name_the_other() {
    let d = workdir();
    write(d.path(), "c.json", &config(1, 0));
    let hold = d.path().join("hold");
    for round in 0..4 {
        write(d.path(), "hold", "");
        let journal = format!("race{round}.jsonl");
        let start = || {
            std::process::Command::new(bin())
                .current_dir(d.path())
                .args(["run", "-c", "c.json", "--journal", &journal, "--resume", "--", "sh", "-c"])
                .arg("n=0; while [ -e hold ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done; echo 1")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let mut runs = [start(), start()];
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while runs.iter_mut().all(|r| r.try_wait().unwrap().is_none())
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::fs::remove_file(&hold).unwrap();
        let outs = runs.map(|r| r.wait_with_output().unwrap());
        let ok = outs.iter().filter(|o| o.status.success()).count();
        let texts: Vec<_> = outs.iter().map(|o| String::from_utf8_lossy(&o.stderr)).collect();
        assert_eq!(ok, 1, "{texts:?}");
        let loser = outs.iter().position(|o| !o.status.success()).unwrap();
        assert!(texts[loser].contains("is in use by another running arqonhpo-cli"), "{texts:?}");
        assert!(!texts.iter().any(|t| t.contains("already exists")), "{texts:?}");
    }
}

/// On Linux a trial dies with the run: after `kill -9` of the CLI its trial process is gone
/// within two seconds instead of running on.
#[cfg(target_os = "linux")]
#[test]
fn a_trial_dies_when_the_run_is_killed() {
    let d = workdir();
    write(d.path(), "c.json", &config(1, 0));
    let mut run = std::process::Command::new(bin())
        .current_dir(d.path())
        .args(["run", "-c", "c.json", "--", "sh", "-c", "echo $$ > trial.pid; exec sleep 60"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid_file = d.path().join("trial.pid");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let pid = loop {
        let text = std::fs::read_to_string(&pid_file).unwrap_or_default();
        if text.ends_with('\n') {
            break text.trim().to_string();
        }
        assert!(std::time::Instant::now() < deadline, "the trial never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    run.kill().unwrap();
    run.wait().unwrap();
    // Gone, or a zombie waiting for a reaper (a container's init may never reap it).
    let alive = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|stat| stat.rsplit(')').next().is_some_and(|rest| !rest.starts_with(" Z")))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while alive() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let survived = alive();
    if survived {
        let _ = std::process::Command::new("kill").args(["-9", &pid]).status();
    }
    assert!(!survived, "the trial (pid {pid}) outlived the killed run");
}

/// Failed trials are warnings (shown with -q), and a run whose trials all fail the same way
/// stops after --max-failures-in-a-row of them with exit code 4, saying why; 0 disables it.
#[test]
fn a_run_of_identical_failures_stops_early_and_shows_with_quiet() {
    let d = workdir();
    write(d.path(), "c.json", &config(12, 0));
    let failing = ["--", "sh", "-c", "echo 'No such file: trian.py' >&2; exit 2"];
    let out = cli(d.path())
        .args(["-q", "run", "-c", "c.json", "--artifact", "a.json"])
        .args(failing)
        .assert()
        .code(4)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("trial 0 (1/12) failed: exit status 2"), "{stderr}");
    assert!(stderr.contains("the last 5 trials all failed the same way"), "{stderr}");
    assert!(stderr.contains("No such file: trian.py"), "{stderr}");
    assert_eq!(artifact(&d.path().join("a.json")).trials.len(), 5);
    cli(d.path())
        .args(["-q", "run", "-c", "c.json", "--artifact", "b.json", "--max-failures-in-a-row", "0"])
        .args(failing)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("`arqonhpo-cli report b.json` lists the failure reasons"));
    assert_eq!(artifact(&d.path().join("b.json")).trials.len(), 12);
    // Without a file to report on, the message says where the reasons are instead.
    cli(d.path())
        .args(["run", "-c", "c.json", "--max-failures-in-a-row", "0", "--", "false"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("the failure reasons are logged above"))
        .stderr(predicate::str::contains("see report").not());
}

/// `--metric loss` reads `loss: 1.5e-3` from a line that also holds the accuracy; without
/// it the last number is taken and a warning names the line.
#[test]
fn a_named_metric_is_read_and_an_ambiguous_line_is_warned_about() {
    let d = workdir();
    write(d.path(), "c.json", &config(3, 0));
    let program = ["--", "echo", "loss: 1.5e-3, acc 0.98"];
    cli(d.path())
        .args(["run", "-c", "c.json", "--metric", "loss", "--artifact", "m.json"])
        .args(program)
        .assert()
        .success()
        .stderr(predicate::str::contains("several numbers").not());
    assert_eq!(artifact(&d.path().join("m.json")).best.and_then(|b| b.value), Some(1.5e-3));
    cli(d.path())
        .args(["run", "-c", "c.json"])
        .args(program)
        .assert()
        .success()
        .stderr(predicate::str::contains("holds several numbers; took the last one, 0.98"))
        .stderr(predicate::str::contains("--metric NAME"));
    cli(d.path())
        .args(["run", "-c", "c.json", "--metric", "loss", "--", "echo", "val_loss=1"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no `loss: <number>`"));
}

/// `report`: no classification for a run without a completed trial, the rule (not a score
/// and threshold) for a label decided by rule, and a config is named as such.
#[test]
fn report_explains_its_classification_and_recognises_a_config() {
    let d = workdir();
    write(d.path(), "c.json", &config(40, 0));
    cli(d.path())
        .args(["-q", "run", "-c", "c.json", "--artifact", "failed.json"])
        .args(["--max-failures-in-a-row", "0", "--", "false"])
        .assert()
        .code(4);
    cli(d.path())
        .args(["report", "failed.json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("classification: none (no trial completed)"))
        .stdout(predicate::str::contains("rugged").not());
    cli(d.path())
        .args(["-q", "run", "-c", "c.json", "--artifact", "ok.json", "--", "echo", "{x}"])
        .assert()
        .success();
    let out = cli(d.path()).args(["report", "ok.json"]).assert().success().get_output().clone();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("classification:")).unwrap_or_default();
    assert!(line.starts_with("classification: rugged by rule: 1 categorical"), "{text}");
    cli(d.path())
        .args(["report", "c.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "c.json is a config; report reads artifacts, journals and state files",
        ))
        .stderr(predicate::str::contains("schema config").not());
}

/// Messages give ranges in words, not Rust's `0..24` notation.
#[test]
fn messages_do_not_use_range_notation() {
    let d = workdir();
    write(d.path(), "c.json", &config(6, 0));
    for args in [
        vec!["run", "-c", "c.json", "--jobs", "0", "--", "true"],
        vec!["ask", "-s", "s.json", "-n", "0"],
    ] {
        cli(d.path())
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("must be a whole number"))
            .stderr(predicate::str::contains("..").not());
    }
    for _ in 0..3 {
        cli(d.path()).args(["ask", "-s", "s.json", "-c", "c.json"]).assert().success();
    }
    cli(d.path())
        .args(["tell", "-s", "s.json", "--id", "7", "--value", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("0 to 2)"))
        .stderr(predicate::str::contains("0..").not());
}

/// The schemas' bounds agree with validation (`budget` at least 1), and their descriptions
/// are prose: no rustdoc link text, no Rust range notation.
#[test]
fn schemas_state_real_bounds_in_plain_prose() {
    let d = workdir();
    for kind in ["config", "artifact"] {
        let out = cli(d.path()).args(["schema", kind]).output().unwrap();
        let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut descriptions = Vec::new();
        collect_descriptions(&schema, &mut descriptions);
        assert!(descriptions.len() > 10, "{kind}: {descriptions:?}");
        for text in descriptions {
            for raw in ["[`", "`]", "[crate::", "..=", "0..", " .. "] {
                assert!(!text.contains(raw), "{kind}: {raw:?} in {text:?}");
            }
        }
        if kind == "config" {
            assert_eq!(schema["properties"]["budget"]["minimum"], 1);
            assert_eq!(schema["$defs"]["ParallelConfig"]["properties"]["lag"]["minimum"], 1);
        }
    }
}

fn collect_descriptions(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("description", serde_json::Value::String(s)) => out.push(s.clone()),
                    _ => collect_descriptions(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_descriptions(v, out)),
        _ => {}
    }
}
