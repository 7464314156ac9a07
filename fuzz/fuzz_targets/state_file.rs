//! The ask/tell state file (a solver snapshot, as `arqonhpo-cli ask` writes it) after a hand
//! edit: a real run's snapshot is parsed as JSON and fuzzer-chosen fields are replaced,
//! removed or duplicated. Checks: restoring never panics; an accepted state restores to
//! itself and keeps every suggestion inside the space and within the budget.
#![no_main]

use std::collections::BTreeMap;
use std::sync::Mutex;

use arbitrary::Arbitrary;
use arqonhpo_core::{Param, Solver, SolverConfig, Space, StrategyChoice, Value};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use serde_json::Value as Json;

#[derive(Debug, Arbitrary)]
enum Leaf {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

#[derive(Debug, Arbitrary)]
enum Edit {
    Replace { path: Vec<u8>, leaf: Leaf },
    Remove { path: Vec<u8> },
    DuplicateArrayItem { path: Vec<u8> },
}

#[derive(Debug, Arbitrary)]
struct Input {
    seed: u8,
    strategy: u8,
    told: u8,
    edits: Vec<Edit>,
}

/// Walks `path` (each byte picks a child modulo the count) as deep as it goes.
fn walk<'a>(mut node: &'a mut Json, path: &[u8]) -> &'a mut Json {
    for &step in path.iter().take(12) {
        let n = match &*node {
            Json::Object(m) => m.len(),
            Json::Array(a) => a.len(),
            _ => 0,
        };
        if n == 0 {
            break;
        }
        let i = usize::from(step) % n;
        node = match node {
            Json::Object(m) => m.values_mut().nth(i).unwrap(),
            Json::Array(a) => &mut a[i],
            _ => unreachable!(),
        };
    }
    node
}

fn leaf(l: &Leaf) -> Json {
    match l {
        Leaf::Null => Json::Null,
        Leaf::Bool(b) => Json::Bool(*b),
        Leaf::Int(i) => Json::from(*i),
        Leaf::Float(x) => serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number),
        Leaf::Text(s) => Json::String(s.clone()),
    }
}

/// Trials in the reference run: an 8-point probe, then 16 refine trials, enough for each
/// strategy to be deep in its own state (Nelder–Mead past its first simplex, TPE fitted).
const BUDGET: u8 = 24;

/// A real run's snapshot per (seed, strategy, told), built and parsed once.
fn snapshot(seed: u8, strategy: u8, told: u8) -> Json {
    static CACHE: Mutex<BTreeMap<(u8, u8, u8), Json>> = Mutex::new(BTreeMap::new());
    let strategies = StrategyChoice::ALL.len() as u8;
    let key = (seed % 16, strategy % strategies, told % (BUDGET + 1));
    let mut cache = CACHE.lock().unwrap();
    cache.entry(key).or_insert_with(|| build_snapshot(key.0, key.1, key.2)).clone()
}

fn build_snapshot(seed: u8, strategy: u8, told: u8) -> Json {
    let space = Space::new()
        .with("x", Param::float(-2.0, 2.0))
        .with("lr", Param::log_float(1e-4, 1.0))
        .with("n", Param::int(1, 9))
        .with("c", Param::choice(["a", "b", "c"]));
    let mut config = SolverConfig::new(space, u64::from(BUDGET), u64::from(seed));
    config.probe.min_points = Some(8);
    config.strategy = StrategyChoice::ALL[usize::from(strategy)];
    let mut solver = Solver::new(config).unwrap();
    for t in solver.ask_batch(usize::from(told)) {
        if t.id % 4 != 3 {
            let x = t.params.get("x").and_then(Value::as_f64).unwrap_or(0.0);
            solver.tell_value(t.id, x * x).unwrap();
        }
    }
    serde_json::from_str(&solver.snapshot()).unwrap()
}

fuzz_target!(|input: Input| {
    let mut state = snapshot(input.seed, input.strategy, input.told);
    for e in input.edits.iter().take(6) {
        match e {
            Edit::Replace { path, leaf: l } => *walk(&mut state, path) = leaf(l),
            Edit::Remove { path } => {
                let (last, parent) = path.split_last().map_or((0, &path[..]), |(l, p)| (*l, p));
                match walk(&mut state, parent) {
                    Json::Object(m) if !m.is_empty() => {
                        let key = m.keys().nth(usize::from(last) % m.len()).unwrap().clone();
                        m.remove(&key);
                    }
                    Json::Array(a) if !a.is_empty() => {
                        let n = a.len();
                        a.remove(usize::from(last) % n);
                    }
                    _ => {}
                }
            }
            Edit::DuplicateArrayItem { path } => {
                if let Json::Array(a) = walk(&mut state, path) {
                    if let Some(first) = a.first().cloned() {
                        a.push(first);
                    }
                }
            }
        }
    }
    let Ok(mut restored) = Solver::restore(&state.to_string()) else { return };
    let text = restored.snapshot();
    assert_eq!(Solver::restore(&text).unwrap().snapshot(), text);
    let budget = restored.config().budget;
    let space = restored.config().space.clone();
    for t in restored.ask_batch(4) {
        common::assert_inside(&space, &t.params);
        let _ = restored.tell_value(t.id, 0.5);
    }
    assert!(restored.issued() <= budget);
});
