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
/// the journal is in use, never that it exists and needs --resume.
#[test]
fn racing_resumes_on_a_missing_journal_leave_one_run_and_name_the_other() {
    let d = workdir();
    write(d.path(), "c.json", &config(1, 0));
    for round in 0..4 {
        let journal = format!("race{round}.jsonl");
        let start = || {
            std::process::Command::new(bin())
                .current_dir(d.path())
                .args(["run", "-c", "c.json", "--journal", &journal, "--resume"])
                .args(["--", "sh", "-c", "sleep 1; echo 1"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (start(), start());
        let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
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
