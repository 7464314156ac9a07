//! Kill-and-resume: a run killed with SIGKILL (or stopped with Ctrl-C) and resumed from its
//! journal loses and repeats no finished trial, and hands out exactly the trials of a run
//! that was never stopped.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::common::*;

const BUDGET: u64 = 14;

/// `run` of the test objective. With `hold_from`, trials from that id on wait while the file
/// `hold` exists (see [`OBJECTIVE`]), so the run cannot get past them until the test lets it.
/// The run's stderr is appended to `stderr.log`, which failures print.
fn run_command(
    d: &Path,
    journal: &str,
    artifact: &str,
    resume: bool,
    hold_from: Option<u64>,
) -> Command {
    let log =
        std::fs::OpenOptions::new().create(true).append(true).open(d.join("stderr.log")).unwrap();
    let mut cmd = Command::new(bin());
    cmd.current_dir(d)
        .env_remove("RUST_LOG")
        .args(["run", "--config", "tune.json", "--journal", journal, "--artifact", artifact])
        .args(if resume { &["--resume"][..] } else { &[][..] })
        .arg("--")
        .args(objective_args(d))
        .stdout(Stdio::null())
        .stderr(log);
    if let Some(n) = hold_from {
        cmd.env("HOLD_FROM", n.to_string());
    }
    cmd
}

/// The runs' stderr and the journal, for failure messages.
fn diagnostics(d: &Path, journal: &Path) -> String {
    let log = std::fs::read_to_string(d.join("stderr.log")).unwrap_or_default();
    let events = std::fs::read_to_string(journal).unwrap_or_default();
    format!("\n--- stderr of the runs ---\n{log}--- journal {} ---\n{events}", journal.display())
}

/// The uninterrupted reference run.
fn reference(d: &Path) -> arqonhpo_core::RunArtifact {
    let status = run_command(d, "ref.jsonl", "ref.json", false, None).status().unwrap();
    assert!(
        status.success(),
        "the reference run failed ({status}){}",
        diagnostics(d, &d.join("ref.jsonl"))
    );
    artifact(&d.join("ref.json"))
}

/// Waits until the journal holds at least `count` events of kind `event` ("ask", "tell").
fn wait_for_events(child: &mut Child, d: &Path, journal: &Path, event: &str, count: usize) {
    let pattern = format!("\"event\":\"{event}\"");
    let start = Instant::now();
    loop {
        let n = std::fs::read_to_string(journal).map(|t| t.matches(&pattern).count()).unwrap_or(0);
        if n >= count {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the run ended ({status}) before {count} {event} events{}",
                diagnostics(d, journal)
            );
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("no progress in the journal{}", diagnostics(d, journal));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until trials `0..n` are told and trial `n` is running: with `hold_from` `n`, the
/// run stays exactly there until the test removes `hold`.
fn wait_for_held_trial(child: &mut Child, d: &Path, journal: &Path, n: usize) {
    wait_for_events(child, d, journal, "tell", n);
    // The ask is journaled just before the trial starts, and the run starts it before it
    // looks at signals again.
    wait_for_events(child, d, journal, "ask", n + 1);
}

/// Waits until the runs' stderr says `text`.
fn wait_for_log(child: &mut Child, d: &Path, journal: &Path, text: &str) {
    let start = Instant::now();
    while !std::fs::read_to_string(d.join("stderr.log")).unwrap_or_default().contains(text) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the run ended ({status}) before it logged {text:?}{}", diagnostics(d, journal));
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the run never logged {text:?}{}", diagnostics(d, journal));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn release_held_trials(d: &Path) {
    std::fs::remove_file(d.join("hold")).unwrap();
}

/// The journal up to its last newline: what a resume keeps of it.
fn complete_lines(text: &str) -> &str {
    text.trim_end_matches(|c| c != '\n')
}

fn assert_same_trials(
    resumed: &arqonhpo_core::RunArtifact,
    reference: &arqonhpo_core::RunArtifact,
) {
    assert_eq!(resumed.trials.len(), reference.trials.len());
    for (r, e) in resumed.trials.iter().zip(&reference.trials) {
        assert_eq!(r.params, e.params, "trial {} params differ from the uninterrupted run", r.id);
        assert_eq!(
            (r.status, r.value, r.asked_after, r.told_index),
            (e.status, e.value, e.asked_after, e.told_index),
            "trial {}",
            r.id
        );
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
    // Trials wait on `hold`, so each kill finds the run exactly where the test stopped it.
    write(d, "hold", "");

    let mut child = run_command(d, "run.jsonl", "run.json", false, Some(3)).spawn().unwrap();
    wait_for_held_trial(&mut child, d, &journal, 3);
    child.kill().unwrap(); // SIGKILL
    let _ = child.wait();
    let before = read(&journal);
    // A kill in the middle of a write leaves a torn last line; resume must cut it.
    std::fs::write(&journal, format!("{before}{{\"event\":\"tell\",\"id\":")).unwrap();

    let mut child = run_command(d, "run.jsonl", "run.json", true, Some(8)).spawn().unwrap();
    wait_for_held_trial(&mut child, d, &journal, 8);
    child.kill().unwrap();
    let _ = child.wait();
    let middle = read(&journal);
    assert!(
        middle.starts_with(complete_lines(&before)),
        "events written before the kill are kept unchanged{}",
        diagnostics(d, &journal)
    );
    assert!(!middle.contains("\"id\":{"), "the torn line was cut{}", diagnostics(d, &journal));
    release_held_trials(d);

    let status = run_command(d, "run.jsonl", "run.json", true, None).status().unwrap();
    assert!(status.success(), "the last resume failed ({status}){}", diagnostics(d, &journal));
    let last = read(&journal);
    assert!(last.starts_with(complete_lines(&middle)));
    let tells = tells_per_id(&journal);
    assert_eq!(tells.len() as u64, BUDGET, "every trial told");
    assert!(tells.values().all(|&n| n == 1), "no finished trial repeated: {tells:?}");
    let resumed = artifact(&d.join("run.json"));
    assert_values_match_params(&resumed);
    assert_same_trials(&resumed, &expected);
}

fn signal(child: &Child, signal: i32) {
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: kill(2) with the pid of a child this test started.
    unsafe {
        libc::kill(pid, signal);
    }
}

/// What the terminal sends on Ctrl-C (to this process only: trials run in their own groups).
fn interrupt(child: &Child) {
    signal(child, libc::SIGINT);
}

/// What `run` logs when the first Ctrl-C arrives.
const STOPPING: &str = "stopping: no new trials";

#[test]
fn ctrl_c_finishes_the_running_trial_and_exits_130_then_resume_completes() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(BUDGET, 22));
    let expected = reference(d);
    let journal = d.join("run.jsonl");
    write(d, "hold", "");
    let mut child = run_command(d, "run.jsonl", "run.json", false, Some(4)).spawn().unwrap();
    wait_for_held_trial(&mut child, d, &journal, 4);
    // Trial 4 is running (held); Ctrl-C, and once the run has taken it, let trial 4 finish.
    interrupt(&child);
    wait_for_log(&mut child, d, &journal, STOPPING);
    release_held_trials(d);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{}", diagnostics(d, &journal));
    let events = journal_events(&journal);
    let asks = events.iter().filter(|e| e["event"] == "ask").count();
    let tells = events.iter().filter(|e| e["event"] == "tell").count();
    assert_eq!(
        (asks, tells),
        (5, 5),
        "the running trial was finished, and no new one started{}",
        diagnostics(d, &journal)
    );
    assert!(
        run_command(d, "run.jsonl", "run.json", true, None).status().is_ok_and(|s| s.success()),
        "{}",
        diagnostics(d, &journal)
    );
    assert_same_trials(&artifact(&d.join("run.json")), &expected);
}

#[test]
fn a_second_ctrl_c_or_sigterm_stops_running_trials_and_marks_them_for_the_resume() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(6, 23));
    write(d, "slow.sh", "sleep \"$1\"\necho \"$ARQON_X\"\n");
    let log = std::fs::File::create(d.join("stderr.log")).unwrap();
    let mut child = Command::new(bin())
        .current_dir(d)
        .env_remove("RUST_LOG")
        .args([
            "run",
            "--config",
            "tune.json",
            "--jobs",
            "2",
            "--journal",
            "run.jsonl",
            "--",
            "sh",
            "slow.sh",
            "30",
        ])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let journal = d.join("run.jsonl");
    wait_for_events(&mut child, d, &journal, "ask", 2);
    interrupt(&child);
    wait_for_log(&mut child, d, &journal, STOPPING);
    // SIGTERM (e.g. from a job scheduler) counts like a Ctrl-C press.
    signal(&child, libc::SIGTERM);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{}", diagnostics(d, &journal));
    let events = journal_events(&journal);
    let mut marked: Vec<u64> = events
        .iter()
        .filter(|e| e["event"] == "interrupted")
        .filter_map(|e| e["id"].as_u64())
        .collect();
    marked.sort_unstable();
    assert_eq!(marked, vec![0, 1], "both running trials are marked: {events:?}");
    assert!(!events.iter().any(|e| e["event"] == "tell"), "a stopped trial is not told");
    // The resume evaluates them again, with the same ids and params, and finishes the budget.
    cli(d)
        .args([
            "run",
            "--config",
            "tune.json",
            "--jobs",
            "2",
            "--journal",
            "run.jsonl",
            "--resume",
            "--artifact",
            "run.json",
            "--",
            "sh",
            "slow.sh",
            "0",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("2 pending to evaluate again"));
    let a = artifact(&d.join("run.json"));
    assert_eq!(a.trials.len(), 6);
    for t in &a.trials {
        assert_eq!(t.value, t.params.get("x").and_then(|v| v.as_f64()), "trial {}", t.id);
    }
}

#[test]
fn resuming_with_another_config_is_refused() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(3, 1));
    cli(d)
        .args(["run", "--config", "tune.json", "--journal", "run.jsonl", "--", "echo", "1"])
        .assert()
        .success();
    write(d, "tune.json", &config(3, 2));
    cli(d)
        .args([
            "run",
            "--config",
            "tune.json",
            "--journal",
            "run.jsonl",
            "--resume",
            "--",
            "echo",
            "1",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("different config"));
}

#[test]
fn a_journal_damaged_before_its_last_line_is_refused_with_the_line_number() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(4, 1));
    cli(d)
        .args(["run", "--config", "tune.json", "--journal", "run.jsonl", "--", "echo", "1"])
        .assert()
        .success();
    let text = read(&d.join("run.jsonl"));
    let mut lines: Vec<&str> = text.lines().collect();
    lines[2] = "{\"event\": \"tell\", \"id\": 0, \"value\": ";
    let damaged = lines.join("\n") + "\n";
    write(d, "run.jsonl", &damaged);
    cli(d)
        .args([
            "run",
            "--config",
            "tune.json",
            "--journal",
            "run.jsonl",
            "--resume",
            "--",
            "echo",
            "1",
        ])
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
    // The first run's trial lasts until the test removes `hold`.
    write(d, "hold", "");
    let mut first = Command::new(bin())
        .current_dir(d)
        .args([
            "run",
            "--config",
            "tune.json",
            "--journal",
            "run.jsonl",
            "--",
            "sh",
            "-c",
            "while [ -e hold ]; do sleep 0.05; done",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_events(&mut first, d, &d.join("run.jsonl"), "ask", 1);
    cli(d)
        .args([
            "run",
            "--config",
            "tune.json",
            "--journal",
            "run.jsonl",
            "--resume",
            "--",
            "echo",
            "1",
        ])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("in use by another running arqonhpo-cli")
                .and(predicate::str::contains(format!("{})", first.id()))),
        );
    first.kill().unwrap();
    let _ = first.wait();
    release_held_trials(d);
    // Once that process is gone (even killed), the journal resumes.
    cli(d)
        .args([
            "run",
            "--config",
            "tune.json",
            "--journal",
            "run.jsonl",
            "--resume",
            "--",
            "echo",
            "1",
        ])
        .assert()
        .success();
}
