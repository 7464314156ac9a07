//! `run`: real runs of Python and shell objectives.

use arqonhpo_core::TrialStatus;
use predicates::prelude::*;

use crate::common::*;

#[test]
fn every_trial_runs_with_its_params_and_no_shell_sees_them() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(12, 3));
    let out = cli(d)
        .args(["run", "--config", "tune.json", "--artifact", "run.json", "--"])
        .args(objective_args(d))
        .assert()
        .success()
        .stderr(predicate::str::contains("trial 11 (12/12)"));
    let a = artifact(&d.join("run.json"));
    assert_values_match_params(&a);
    assert!(
        a.trials.iter().any(|t| t.params.get("mode") == Some(&"; touch pwned".into())),
        "the metacharacter options were tried"
    );
    assert!(!d.join("pwned").exists(), "a choice value reached a shell");
    // stdout is the best trial as one JSON line.
    let best: serde_json::Value =
        serde_json::from_slice(&out.get_output().stdout).unwrap_or_default();
    assert_eq!(best["id"].as_u64(), a.best.as_ref().map(|b| b.id));
    assert_eq!(best["value"].as_f64(), a.best.as_ref().and_then(|b| b.value));
}

#[test]
fn a_json_line_with_value_is_read_and_braces_in_other_args_stay() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(5, 1));
    let script = "printf 'some log 7\\n{\"value\": %s, \"note\": \"%s\"}\\n' \"$ARQON_X\" \"$1\"";
    cli(d)
        .args([
            "run",
            "--config",
            "tune.json",
            "--artifact",
            "run.json",
            "--",
            "sh",
            "-c",
            script,
            "sh",
            "{not a placeholder} {trial_id}",
        ])
        .assert()
        .success();
    for t in artifact(&d.join("run.json")).trials {
        assert_eq!(t.value, t.params.get("x").and_then(|v| v.as_f64()), "trial {}", t.id);
    }
}

#[test]
fn parallel_jobs_overlap_and_every_trial_is_told_once() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(9, 5));
    std::fs::create_dir(d.join("running")).unwrap();
    // Each trial marks itself running, waits until another trial runs beside it (or until a
    // trial gave up waiting: the run is serial and the assertion below fails), holds its slot
    // a little longer (so that a run over --jobs would show), and records the most trials it
    // saw running. Waiting on the other trials' marks rather than for a fixed time keeps the
    // overlap certain however slowly a loaded machine starts them.
    let script = r#"
import os, sys, time
me = os.path.join("running", os.environ["ARQON_TRIAL_ID"])
open(me, "w").close()
seen = len(os.listdir("running"))
deadline = time.monotonic() + 30
while seen < 2 and not os.path.exists("overlapped") and not os.path.exists("gave_up"):
    if time.monotonic() > deadline:
        open("gave_up", "w").close()
    time.sleep(0.01)
    seen = len(os.listdir("running"))
if seen >= 2:
    open("overlapped", "w").close()
time.sleep(0.3)
seen = max(seen, len(os.listdir("running")))
with open("concurrency.log", "a") as log:
    log.write(f"{seen}\n")
os.remove(me)
print(float(os.environ["ARQON_X"]) ** 2)
"#;
    write(d, "par.py", script);
    cli(d)
        .args([
            "run",
            "--config",
            "tune.json",
            "--jobs",
            "3",
            "--journal",
            "run.jsonl",
            "--artifact",
            "run.json",
            "--",
            "python3",
            "par.py",
        ])
        .assert()
        .success();
    let seen: Vec<usize> =
        read(&d.join("concurrency.log")).lines().filter_map(|l| l.parse().ok()).collect();
    assert_eq!(seen.len(), 9);
    assert!(seen.iter().all(|&n| (1..=3).contains(&n)), "never more than --jobs at once: {seen:?}");
    assert!(seen.iter().any(|&n| n >= 2), "trials ran in parallel: {seen:?}");
    let a = artifact(&d.join("run.json"));
    assert!(a.trials.iter().all(|t| t.status == TrialStatus::Completed));
    let tells = tells_per_id(&d.join("run.jsonl"));
    assert_eq!(tells.len(), 9);
    assert!(tells.values().all(|&n| n == 1));
}

#[test]
fn failures_keep_their_reasons_and_a_timeout_kills_the_whole_process_group() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(8, 9));
    // By trial id: a crash, garbage output, a hang in a grandchild, or a value. A shell starts
    // in milliseconds even on a loaded machine, so only the hanging trials reach the timeout.
    // The grandchild lets go of the trial's pipes, so nothing but the timeout's group kill stops it.
    let script = r#"
case $((ARQON_TRIAL_ID % 4)) in
1) echo "Traceback: boom" >&2; exit 3 ;;
2) echo "no result here"; exit 0 ;;
3) sleep 60 </dev/null >/dev/null 2>&1 &
   echo $! > "grandchild.$ARQON_TRIAL_ID"
   wait ;;
esac
echo "${ARQON_X#-}"
"#;
    write(d, "flaky.sh", script);
    cli(d)
        .args([
            "run",
            "--config",
            "tune.json",
            "--jobs",
            "2",
            "--timeout",
            "3",
            "--artifact",
            "run.json",
            "--",
            "sh",
            "flaky.sh",
        ])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
    let a = artifact(&d.join("run.json"));
    for t in &a.trials {
        let reason = t.reason.clone().unwrap_or_default();
        match t.id % 4 {
            1 => assert!(
                reason.starts_with("exit status 3") && reason.contains("Traceback: boom"),
                "{reason}"
            ),
            2 => assert!(
                reason.contains("no number") && reason.contains("no result here"),
                "{reason}"
            ),
            3 => assert!(reason.contains("timed out after 3 s"), "{reason}"),
            _ => assert_eq!(t.status, TrialStatus::Completed),
        }
        assert_eq!(t.status == TrialStatus::Failed, t.id % 4 != 0, "trial {}", t.id);
    }
    for id in [3, 7] {
        let pid = read(&d.join(format!("grandchild.{id}"))).trim().to_string();
        wait_until_gone(&pid);
    }
}

/// Waits until the process `pid` has exited. The kill is asynchronous, so this polls; a
/// survivor of the group kill would sleep for a minute, far past the deadline.
fn wait_until_gone(pid: &str) {
    let start = std::time::Instant::now();
    loop {
        // Gone, a zombie (exited, waiting for its new parent to reap it), or the pid reused.
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let alive = state.split_once(" (sleep) ").is_some_and(|(_, rest)| !rest.starts_with('Z'));
        if !alive {
            return;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "the timed-out trial's grandchild {pid} is still running: {state}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_run_where_nothing_completes_exits_4_and_a_missing_program_exits_1() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(3, 1));
    cli(d)
        .args(["run", "--config", "tune.json", "--", "false"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no trial completed"));
    cli(d)
        .args(["run", "--config", "tune.json", "--", "./no-such-program"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot start `./no-such-program`"));
}

#[test]
fn an_existing_journal_is_never_overwritten_without_resume() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(2, 1));
    let journal = write(d, "run.jsonl", "precious\n");
    cli(d)
        .args(["run", "--config", "tune.json", "--journal", "run.jsonl", "--", "echo", "1"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("already exists").and(predicate::str::contains("--resume")),
        );
    assert_eq!(read(&journal), "precious\n");
    cli(d).args(["run", "--config", "tune.json", "--resume", "--", "echo", "1"]).assert().code(2);
}

#[test]
fn quiet_hides_trial_logs_and_rust_log_overrides_the_flags() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(2, 1));
    cli(d)
        .args(["-q", "run", "--config", "tune.json", "--", "echo", "1"])
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
    cli(d)
        .env("RUST_LOG", "debug")
        .args(["-q", "run", "--config", "tune.json", "--", "echo", "1"])
        .assert()
        .success()
        .stderr(predicate::str::contains("DEBUG"));
}

#[test]
fn deterministic_jobs_hand_out_the_same_trials_whatever_finishes_first() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(14, 4));
    // Random durations (seeded from the OS), so the runs finish their trials in different
    // orders.
    let script = r#"
import os, random, time
random.seed(os.urandom(8))
time.sleep(random.uniform(0.0, 0.15))
print(float(os.environ["ARQON_X"]) ** 2)
"#;
    write(d, "slow.py", script);
    let run = |jobs: &str, journal: &str| {
        cli(d)
            .args(["run", "--config", "tune.json", "--jobs", jobs, "--deterministic"])
            .args(["--journal", journal, "--", "python3", "slow.py"])
            .assert()
            .success();
        let asks: Vec<serde_json::Value> =
            journal_events(&d.join(journal)).into_iter().filter(|e| e["event"] == "ask").collect();
        assert_eq!(asks.len(), 14);
        asks
    };
    let first = run("3", "a.jsonl");
    assert_eq!(first, run("3", "b.jsonl"), "same trials on a second run");
    // Fewer workers than the lag in the config is the same run, only slower.
    // (Edited as text: a JSON value would reorder the space's keys, and so its trials.)
    let lag3 = read(&d.join("tune.json")).replacen(
        "\"budget\"",
        "\"parallel\": {\"lag\": 3}, \"budget\"",
        1,
    );
    write(d, "tune.json", &lag3);
    cli(d)
        .args(["run", "--config", "tune.json", "--jobs", "2", "--journal", "c.jsonl"])
        .args(["--", "python3", "slow.py"])
        .assert()
        .success();
    let asks: Vec<serde_json::Value> =
        journal_events(&d.join("c.jsonl")).into_iter().filter(|e| e["event"] == "ask").collect();
    assert_eq!(first, asks);
}
