//! The converter for arqonhpo 0.3 configs (`{"seed", "budget", "probe_ratio", "bounds":
//! {name: {"min", "max", "scale"}}}`), fed configs of that layout with arbitrary values,
//! names and scales, and extra or missing fields. Checks: parsing never panics; a config that
//! parses and validates runs a few trials inside its bounds.
#![no_main]

use arbitrary::Arbitrary;
use arqonhpo_core::{Param, Solver, SolverConfig, Value};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value as Json};

#[derive(Debug, Arbitrary)]
struct Bound {
    name: String,
    min: f64,
    max: f64,
    scale: u8,
    extra: bool,
}

#[derive(Debug, Arbitrary)]
struct Input {
    seed: Option<u64>,
    budget: i64,
    probe_ratio: Option<f64>,
    strategy_params: bool,
    unknown_field: bool,
    bounds: Vec<Bound>,
}

fn number(x: f64) -> Json {
    serde_json::Number::from_f64(x).map_or_else(|| Json::String(x.to_string()), Json::Number)
}

fuzz_target!(|input: Input| {
    let mut bounds = Map::new();
    for b in input.bounds.iter().take(6) {
        let mut bound = Map::new();
        bound.insert("min".into(), number(b.min));
        bound.insert("max".into(), number(b.max));
        match b.scale % 5 {
            0 => {}
            1 => drop(bound.insert("scale".into(), json!("Linear"))),
            2 => drop(bound.insert("scale".into(), json!("Log"))),
            3 => drop(bound.insert("scale".into(), json!("log"))),
            _ => drop(bound.insert("scale".into(), json!(b.name.clone()))),
        }
        if b.extra {
            bound.insert("step".into(), json!(1));
        }
        bounds.insert(b.name.clone(), Json::Object(bound));
    }
    let mut config = Map::new();
    if let Some(seed) = input.seed {
        config.insert("seed".into(), json!(seed));
    }
    config.insert("budget".into(), json!(input.budget));
    if let Some(r) = input.probe_ratio {
        config.insert("probe_ratio".into(), number(r));
    }
    if input.strategy_params {
        config.insert("strategy_params".into(), json!({"nm": {"alpha": 1.0}}));
    }
    if input.unknown_field {
        config.insert("parallelism".into(), json!(4));
    }
    config.insert("bounds".into(), Json::Object(bounds));
    let text = Json::Object(config).to_string();
    let Ok(parsed) = SolverConfig::from_json(&text) else { return };
    if parsed.validate().is_err() || parsed.budget > 200 {
        return;
    }
    let mut solver = Solver::new(parsed.clone()).unwrap();
    for t in solver.ask_batch(5) {
        for ((_, p), (_, v)) in parsed.space.iter().zip(t.params.iter()) {
            let ok = match (p, v) {
                (Param::Float { low, high, .. }, Value::Float(x)) => low <= x && x <= high,
                _ => false,
            };
            assert!(ok, "{v:?} is outside {p:?}");
        }
        solver.tell_value(t.id, 1.0).unwrap();
    }
});
