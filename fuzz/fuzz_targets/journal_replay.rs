//! Journal replay on damaged input. The fuzzer's bytes are both raw journal text and a list
//! of edits applied to a valid journal of a real run (lines cut, dropped, repeated, swapped or
//! overwritten, bytes flipped). Checks: replay never panics; naming the expected config
//! changes only whether a foreign start line is accepted; whatever it accepts is a solver that
//! restores from its own snapshot and keeps every suggestion inside the space.
#![no_main]

use std::collections::BTreeMap;
use std::sync::Mutex;

use arbitrary::Arbitrary;
use arqonhpo_core::journal::{self, Event};
use arqonhpo_core::{Param, Solver, SolverConfig, Space, Value};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

#[derive(Debug, Arbitrary)]
enum Edit {
    Truncate(u16),
    DropLine(u8),
    RepeatLine(u8),
    SwapLines(u8, u8),
    ReplaceLine(u8, String),
    FlipByte(u16, u8),
}

#[derive(Debug, Arbitrary)]
struct Input {
    raw: Vec<u8>,
    seed: u8,
    trials: u8,
    edits: Vec<Edit>,
}

/// Trials in the reference run: a 16-point probe (the default for this space) and four
/// refine trials, so a journal covers every phase while a replay stays short.
const BUDGET: u8 = 20;

/// A valid journal and its config per (seed, trials), built once: building and replaying it
/// costs far more than the edits and replays a single input needs.
fn valid_journal(seed: u64, trials: u8) -> (String, SolverConfig) {
    static CACHE: Mutex<BTreeMap<(u64, u8), (String, SolverConfig)>> = Mutex::new(BTreeMap::new());
    let key = (seed, trials % (BUDGET + 1));
    let mut cache = CACHE.lock().unwrap();
    cache.entry(key).or_insert_with(|| build_journal(key.0, key.1)).clone()
}

fn build_journal(seed: u64, trials: u8) -> (String, SolverConfig) {
    let space = Space::new()
        .with("x", Param::float(-2.0, 2.0))
        .with("n", Param::int(1, 5))
        .with("c", Param::choice(["a", "b"]));
    let config = SolverConfig::new(space, u64::from(BUDGET), seed);
    let mut solver = Solver::new(config.clone()).unwrap();
    let mut text = Event::start(&config).to_line();
    for t in solver.ask_batch(usize::from(trials)) {
        text.push_str(&Event::ask(&t).to_line());
        if t.id % 3 != 2 {
            let x = t.params.get("x").and_then(Value::as_f64).unwrap_or(0.0);
            solver.tell_value(t.id, x * x).unwrap();
            let record = solver.trial(t.id).unwrap();
            text.push_str(&Event::tell(&record).to_line());
        }
    }
    (text, config)
}

fn edit(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    for e in edits.iter().take(8) {
        let n = lines.len().max(1);
        match e {
            Edit::Truncate(at) => {
                let joined = lines.concat();
                let mut cut = usize::from(*at) % (joined.len() + 1);
                while !joined.is_char_boundary(cut) {
                    cut -= 1;
                }
                lines = joined[..cut].split_inclusive('\n').map(str::to_string).collect();
            }
            Edit::DropLine(i) if !lines.is_empty() => {
                lines.remove(usize::from(*i) % n);
            }
            Edit::RepeatLine(i) if !lines.is_empty() => {
                let line = lines[usize::from(*i) % n].clone();
                lines.insert(usize::from(*i) % n, line);
            }
            Edit::SwapLines(a, b) if !lines.is_empty() => {
                lines.swap(usize::from(*a) % n, usize::from(*b) % n)
            }
            Edit::ReplaceLine(i, s) if !lines.is_empty() => {
                lines[usize::from(*i) % n] = format!("{s}\n")
            }
            Edit::FlipByte(at, mask) => {
                let mut bytes = lines.concat().into_bytes();
                if !bytes.is_empty() {
                    let i = usize::from(*at) % bytes.len();
                    bytes[i] ^= mask;
                }
                let text = String::from_utf8_lossy(&bytes).into_owned();
                lines = text.split_inclusive('\n').map(str::to_string).collect();
            }
            _ => {}
        }
    }
    lines.concat()
}

fn check(replay: &journal::Replay, journal: &str) {
    // The CLI cuts the file at `valid_len` before appending.
    assert!(journal.is_char_boundary(replay.valid_len));
    let solver = &replay.solver;
    let text = solver.snapshot();
    let mut restored = Solver::restore(&text).unwrap();
    assert_eq!(restored.snapshot(), text);
    let config = restored.config().clone();
    for t in restored.ask_batch(3) {
        common::assert_inside(&config.space, &t.params);
        let _ = restored.tell_value(t.id, 1.0);
    }
}

fuzz_target!(|input: Input| {
    if let Ok(text) = std::str::from_utf8(&input.raw) {
        if let Ok(replay) = journal::replay(text, None) {
            check(&replay, text);
        }
    }
    let (valid, config) = valid_journal(u64::from(input.seed), input.trials);
    let damaged = edit(&valid, &input.edits);
    let free = journal::replay(&damaged, None);
    let bound = journal::replay(&damaged, Some(&config));
    // Naming the expected config only adds the check that the start line holds it.
    match (&free, &bound) {
        (Ok(f), Ok(b)) => {
            assert_eq!(f.solver.config(), &config);
            assert_eq!((f.valid_len, f.torn_tail, f.events), (b.valid_len, b.torn_tail, b.events));
            assert_eq!((f.solver.trials(), &f.interrupted), (b.solver.trials(), &b.interrupted));
        }
        (Ok(f), Err(_)) => assert_ne!(f.solver.config(), &config),
        (Err(_), Ok(_)) => panic!("a journal fails without an expected config but passes with one"),
        (Err(_), Err(_)) => {}
    }
    if let Ok(replay) = &free {
        check(replay, &damaged);
    }
});
