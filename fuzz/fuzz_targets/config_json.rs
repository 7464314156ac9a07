//! Any text given as a config, a saved state or an artifact is either rejected with an error
//! or accepted; nothing panics. An accepted config must then run a few trials.
#![no_main]

use arqonhpo_core::{RunArtifact, Solver};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(mut solver) = Solver::from_json(text) {
        for t in solver.ask_batch(4) {
            let _ = solver.tell_value(t.id, t.id as f64);
        }
        let _ = Solver::restore(&solver.snapshot()).map(|s| s.snapshot());
    }
    let _ = Solver::restore(text);
    if let Ok(artifact) = RunArtifact::from_json(text) {
        let _ = Solver::from_artifact(&artifact);
    }
});
