//! Kill-and-resume: a run killed with SIGKILL (or stopped with Ctrl-C) and resumed from its
//! journal loses and repeats no finished trial, and hands out exactly the trials of a run
//! that was never stopped.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::common::*;

const BUDGET: u64 = 14;

fn run_command(d: &Path, journal: &str, artifact: &str, resume: bool) -> Command {
    let mut cmd = Command::new(bin());
    cmd.current_dir(d)
        .env_remove("RUST_LOG")
        .env("SLEEP", "0.15")
        .args(["run", "--config", "tune.json", "--journal", journal, "--artifact", artifact])
        .args(if resume { &["--resume"][..] } else { &[][..] })
        .arg("--")
        .args(objective_args(d))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// The uninterrupted reference run.
fn reference(d: &Path) -> arqonhpo_core::RunArtifact {
    let status = run_command(d, "ref.jsonl", "ref.json", false).status().unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success());
    artifact(&d.join("ref.json"))
}

/// Waits until the journal holds at least `tells` tell events.
fn wait_for_tells(child: &mut Child, journal: &Path, tells: usize) {
    let start = Instant::now();
    loop {
        let n = std::fs::read_to_string(journal).map(|t| t.matches("\"event\":\"tell\"").count()).unwrap_or(0);
        if n >= tells {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the run ended ({status}) before {tells} tells");
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no progress in the journal");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn assert_same_trials(resumed: &arqonhpo_core::RunArtifact, reference: &arqonhpo_core::RunArtifact) {
    assert_eq!(resumed.trials.len(), reference.trials.len());
    for (r, e) in resumed.trials.iter().zip(&reference.trials) {
        assert_eq!(r.params, e.params, "trial {} params differ from the uninterrupted run", r.id);
        assert_eq!((r.status, r.value, r.asked_after, r.told_index), (e.status, e.value, e.asked_after, e.told_index), "trial {}", r.id);
    }
    assert_eq!(resumed.best, reference.best);
}

#[test]
fn a_run_killed_twice_with_sigkill_resumes_to_the_uninterrupted_run() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(BUDGET, 21));
    let expected = reference(d);
    let journal = d.join("run.jsonl");

    let mut child = run_command(d, "run.jsonl", "run.json", false).spawn().unwrap_or_else(|e| panic!("{e}"));
    wait_for_tells(&mut child, &journal, 3);
    child.kill().unwrap_or_else(|e| panic!("{e}")); // SIGKILL
    let _ = child.wait();
    let before = read(&journal);
    // A kill in the middle of a write leaves a torn last line; resume must cut it.
    std::fs::write(&journal, format!("{before}{{\"event\":\"tell\",\"id\":")).unwrap_or_else(|e| panic!("{e}"));

    let mut child = run_command(d, "run.jsonl", "run.json", true).spawn().unwrap_or_else(|e| panic!("{e}"));
    wait_for_tells(&mut child, &journal, 8);
    child.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait();
    let middle = read(&journal);
    assert!(middle.starts_with(&before), "events written before the kill are kept unchanged");
    assert!(!middle.contains("\"id\":{"), "the torn line was cut");

    let status = run_command(d, "run.jsonl", "run.json", true).status().unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success());
    let last = read(&journal);
    assert!(last.starts_with(middle.trim_end_matches(|c| c != '\n')));
    let tells = tells_per_id(&journal);
    assert_eq!(tells.len() as u64, BUDGET, "every trial told");
    assert!(tells.values().all(|&n| n == 1), "no finished trial repeated: {tells:?}");
    let resumed = artifact(&d.join("run.json"));
    assert_values_match_params(&resumed);
    assert_same_trials(&resumed, &expected);
}

fn signal(child: &Child, signal: i32) {
    let pid = i32::try_from(child.id()).unwrap_or_else(|e| panic!("{e}"));
    // SAFETY: kill(2) with the pid of a child this test started.
    unsafe {
        libc::kill(pid, signal);
    }
}

/// What the terminal sends on Ctrl-C (to this process only: trials run in their own groups).
fn interrupt(child: &Child) {
    signal(child, libc::SIGINT);
}

#[test]
fn ctrl_c_finishes_the_running_trial_and_exits_130_then_resume_completes() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(BUDGET, 22));
    let expected = reference(d);
    let journal = d.join("run.jsonl");
    let mut child = run_command(d, "run.jsonl", "run.json", false).spawn().unwrap_or_else(|e| panic!("{e}"));
    wait_for_tells(&mut child, &journal, 4);
    interrupt(&child);
    let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.code(), Some(130));
    let events = journal_events(&journal);
    let asks = events.iter().filter(|e| e["event"] == "ask").count();
    let tells = events.iter().filter(|e| e["event"] == "tell").count();
    assert_eq!(asks, tells, "the running trial was finished, not abandoned");
    assert!((tells as u64) < BUDGET);
    assert!(run_command(d, "run.jsonl", "run.json", true).status().is_ok_and(|s| s.success()));
    assert_same_trials(&artifact(&d.join("run.json")), &expected);
}

#[test]
fn a_second_ctrl_c_or_sigterm_stops_running_trials_and_marks_them_for_the_resume() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(6, 23));
    write(d, "slow.sh", "sleep \"$1\"\necho \"$ARQON_X\"\n");
    let child = Command::new(bin())
        .current_dir(d)
        .args(["run", "--config", "tune.json", "--jobs", "2", "--journal", "run.jsonl", "--", "sh", "slow.sh", "30"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let journal = d.join("run.jsonl");
    let start = Instant::now();
    while read_or_empty(&journal).matches("\"event\":\"ask\"").count() < 2 {
        assert!(start.elapsed() < Duration::from_secs(30), "trials never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    interrupt(&child);
    std::thread::sleep(Duration::from_millis(300));
    // SIGTERM (e.g. from a job scheduler) counts like a Ctrl-C press.
    signal(&child, libc::SIGTERM);
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    let events = journal_events(&journal);
    let mut marked: Vec<u64> = events.iter().filter(|e| e["event"] == "interrupted").filter_map(|e| e["id"].as_u64()).collect();
    marked.sort_unstable();
    assert_eq!(marked, vec![0, 1], "both running trials are marked: {events:?}");
    assert!(!events.iter().any(|e| e["event"] == "tell"), "a stopped trial is not told");
    // The resume evaluates them again, with the same ids and params, and finishes the budget.
    cli(d)
        .args(["run", "--config", "tune.json", "--jobs", "2", "--journal", "run.jsonl", "--resume", "--artifact", "run.json", "--", "sh", "slow.sh", "0"])
        .assert()
        .success()
        .stderr(predicate::str::contains("2 pending to evaluate again"));
    let a = artifact(&d.join("run.json"));
    assert_eq!(a.trials.len(), 6);
    for t in &a.trials {
        assert_eq!(t.value, t.params.get("x").and_then(|v| v.as_f64()), "trial {}", t.id);
    }
}

fn read_or_empty(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn resuming_with_another_config_is_refused() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(3, 1));
    cli(d).args(["run", "--config", "tune.json", "--journal", "run.jsonl", "--", "echo", "1"]).assert().success();
    write(d, "tune.json", &config(3, 2));
    cli(d)
        .args(["run", "--config", "tune.json", "--journal", "run.jsonl", "--resume", "--", "echo", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("different config"));
}

#[test]
fn a_journal_damaged_before_its_last_line_is_refused_with_the_line_number() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(4, 1));
    cli(d).args(["run", "--config", "tune.json", "--journal", "run.jsonl", "--", "echo", "1"]).assert().success();
    let text = read(&d.join("run.jsonl"));
    let mut lines: Vec<&str> = text.lines().collect();
    lines[2] = "{\"event\": \"tell\", \"id\": 0, \"value\": ";
    let damaged = lines.join("\n") + "\n";
    write(d, "run.jsonl", &damaged);
    cli(d)
        .args(["run", "--config", "tune.json", "--journal", "run.jsonl", "--resume", "--", "echo", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("journal line 3"));
    assert_eq!(read(&d.join("run.jsonl")), damaged, "a refused journal is left as it was");
}

#[test]
fn a_journal_in_use_by_a_running_run_cannot_be_resumed_at_the_same_time() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(3, 1));
    let mut first = Command::new(bin())
        .current_dir(d)
        .args(["run", "--config", "tune.json", "--journal", "run.jsonl", "--", "sleep", "5"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    wait_for_asks(&d.join("run.jsonl"), 1);
    cli(d)
        .args(["run", "--config", "tune.json", "--journal", "run.jsonl", "--resume", "--", "echo", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("in use by another running arqonhpo-cli"));
    first.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = first.wait();
    // Once that process is gone (even killed), the journal resumes.
    cli(d).args(["run", "--config", "tune.json", "--journal", "run.jsonl", "--resume", "--", "echo", "1"]).assert().success();
}

fn wait_for_asks(journal: &Path, asks: usize) {
    let start = Instant::now();
    while read_or_empty(journal).matches("\"event\":\"ask\"").count() < asks {
        assert!(start.elapsed() < Duration::from_secs(30), "no trial started");
        std::thread::sleep(Duration::from_millis(20));
    }
}
