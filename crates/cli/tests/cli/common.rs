//! Shared helpers: the binary, temporary work directories, objectives and file readers.

use std::path::{Path, PathBuf};

use arqonhpo_core::{RunArtifact, TrialStatus};

/// The binary under test, as an `assert_cmd` command running in `dir`.
pub fn cli(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(bin());
    cmd.current_dir(dir).env_remove("RUST_LOG");
    cmd
}

/// Path of the built binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_arqonhpo-cli"))
}

/// A fresh temporary directory.
pub fn workdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("cannot create a temporary directory")
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path
}

/// Reads a file to a string.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Reads a run artifact.
pub fn artifact(path: &Path) -> RunArtifact {
    RunArtifact::from_json(&read(path)).unwrap()
}

/// A config over `x` in [-4, 4] and a choice whose options are shell metacharacters.
pub fn config(budget: u64, seed: u64) -> String {
    format!(
        r#"{{
  "seed": {seed},
  "budget": {budget},
  "space": {{
    "x": {{"type": "float", "low": -4, "high": 4}},
    "mode": {{"type": "choice", "choices": ["plain", "; touch pwned", "$(touch pwned)"]}}
  }}
}}"#
    )
}

/// The objective used by the Python scripts, recomputed from a trial's params.
pub fn expected_value(x: f64, mode: &str) -> f64 {
    (x - 1.0) * (x - 1.0) + mode.len() as f64 / 10.0
}

/// A Python objective that checks the three channels agree (argv, environment, stdin),
/// optionally waits, and prints the value.
///
/// With `HOLD_FROM=n` in its environment, a trial whose id is `n` or more waits while the file
/// `hold` exists in the run's directory (for two minutes at most, so that no trial outlives a
/// failed test for long): a test that stops a run after `n` tells knows the run cannot go past
/// them however slowly it is scheduled, and releases the trials by removing the file.
pub const OBJECTIVE: &str = r#"
import json, os, sys, time
trial = json.loads(sys.stdin.readline())
x = float(sys.argv[1])
mode = sys.argv[2]
assert x == float(os.environ["ARQON_X"]) == trial["params"]["x"], "argv, env and stdin disagree on x"
assert mode == os.environ["ARQON_MODE"] == trial["params"]["mode"], "argv, env and stdin disagree on mode"
assert int(os.environ["ARQON_TRIAL_ID"]) == trial["id"]
if trial["id"] >= int(os.environ.get("HOLD_FROM", "-1")) >= 0:
    deadline = time.monotonic() + 120
    while os.path.exists("hold") and time.monotonic() < deadline:
        time.sleep(0.01)
print("training... epoch 1 loss 99")
print(f"loss {(x - 1.0) * (x - 1.0) + len(mode) / 10.0!r}")
"#;

/// The command line that runs [`OBJECTIVE`] from `dir`.
pub fn objective_args(dir: &Path) -> Vec<String> {
    let script = write(dir, "objective.py", OBJECTIVE);
    vec!["python3".into(), script.display().to_string(), "{x}".into(), "{mode}".into()]
}

/// Checks every trial of a finished artifact completed with the value of its params.
pub fn assert_values_match_params(a: &RunArtifact) {
    assert_eq!(a.trials.len() as u64, a.config.budget);
    for t in &a.trials {
        assert_eq!(t.status, TrialStatus::Completed, "trial {} failed: {:?}", t.id, t.reason);
        let x = t.params.get("x").and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
        let mode = match t.params.get("mode") {
            Some(arqonhpo_core::Value::Str(s)) => s.clone(),
            other => panic!("mode is {other:?}"),
        };
        assert_eq!(t.value, Some(expected_value(x, &mode)), "trial {}", t.id);
    }
}

/// Journal lines parsed as JSON values.
pub fn journal_events(path: &Path) -> Vec<serde_json::Value> {
    read(path)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad journal line {l:?}: {e}")))
        .collect()
}

/// How many `tell` events the journal holds for each trial id.
pub fn tells_per_id(path: &Path) -> std::collections::BTreeMap<u64, usize> {
    let mut out = std::collections::BTreeMap::new();
    for e in journal_events(path) {
        if e["event"] == "tell" {
            *out.entry(e["id"].as_u64().unwrap_or(u64::MAX)).or_default() += 1;
        }
    }
    out
}
