//! `report`: the same summary from an artifact and from a journal, and the SVG plot.

use predicates::prelude::*;

use crate::common::*;

#[test]
fn report_reads_artifacts_and_journals_alike_and_draws_the_plot() {
    let dir = workdir();
    let d = dir.path();
    write(d, "tune.json", &config(16, 8));
    cli(d)
        .args([
            "run",
            "--config",
            "tune.json",
            "--journal",
            "run.jsonl",
            "--artifact",
            "run.json",
            "--",
        ])
        .args(objective_args(d))
        .assert()
        .success();
    let a = artifact(&d.join("run.json"));
    let best = a.best.clone().expect("a best trial");
    let from_artifact = cli(d)
        .args(["report", "run.json", "--top", "3", "--plot", "plot.svg"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let from_journal = cli(d)
        .args(["report", "run.jsonl", "--top", "3"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&from_artifact);
    assert!(text.starts_with(&*String::from_utf8_lossy(&from_journal)), "same summary:\n{text}");
    assert!(
        text.contains(&format!("best: trial {} value {}", best.id, best.value.unwrap_or_default())),
        "{text}"
    );
    assert!(text.contains("classification: "), "{text}");
    assert!(text.contains("best 3 of 16 completed trial(s):"), "{text}");
    let svg = read(&d.join("plot.svg"));
    assert!(svg.starts_with("<svg") && svg.contains("best so far"));
    assert_eq!(svg.matches("<circle").count(), 16);
    cli(d)
        .args(["report", "tune.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("tune.json"));
    cli(d)
        .args(["report", "run.json", "--plot", "plot.png"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("does not end in .svg"));
    assert!(!d.join("plot.png").exists());
}

#[test]
fn a_streaming_run_journals_every_trial_and_report_rebuilds_the_whole_run() {
    let dir = workdir();
    let d = dir.path();
    let kept = config(16, 8);
    let streaming = kept.replacen('{', r#"{"trials": "stream", "#, 1);
    write(d, "kept.json", &kept);
    write(d, "stream.json", &streaming);
    for (cfg, journal) in [("kept.json", "kept.jsonl"), ("stream.json", "stream.jsonl")] {
        cli(d)
            .args(["run", "--config", cfg, "--journal", journal, "--"])
            .args(objective_args(d))
            .assert()
            .success();
    }
    // The same asks and tells, whatever the solver kept.
    let events = |name: &str| -> Vec<serde_json::Value> {
        journal_events(&d.join(name)).into_iter().skip(1).collect()
    };
    assert_eq!(events("stream.jsonl"), events("kept.jsonl"));
    let report = |name: &str| {
        let out = cli(d).args(["report", name, "--top", "16"]).assert().success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    let text = report("stream.jsonl");
    assert!(text.contains("best 16 of 16 completed trial(s):"), "{text}");
    assert_eq!(text, report("kept.jsonl"));
}
