//! Generated contract files shared by every front.
//!
//! - `config.schema.json` and `artifact.schema.json`: JSON Schemas of [`SolverConfig`] and
//!   [`RunArtifact`](crate::RunArtifact), generated from the Rust types (never written by hand).
//!   Each carries a stable `$id` under [`crate::schema::SCHEMA_BASE_URL`], the address editors and the
//!   SchemaStore catalog entry (`contracts/schemastore-catalog.json`) fetch it from.
//! - `golden/*.json`: golden runs. Each holds a config and the exact sequence of trials the
//!   solver hands out when told the listed values in order. The Rust, Python, CLI and C tests
//!   all replay them, which proves every front gives bit-identical suggestions.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::{Outcome, Param, Params, Solver, SolverConfig, Space, StrategyChoice};

/// One step of a golden run: the trial handed out, and the value then told (`None`: failed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldenStep {
    /// Trial id.
    pub id: u64,
    /// Parameters the solver must hand out.
    pub params: Params,
    /// Value told for it; `None` means the trial is told as failed.
    pub value: Option<f64>,
}

/// A golden run: config and the ask/tell sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldenRun {
    /// The config the run starts from.
    pub config: SolverConfig,
    /// Asked and told one at a time, in order.
    pub steps: Vec<GoldenStep>,
}

/// The objective used to produce golden values: a shifted, scaled bowl over the numeric
/// parameters plus a per-option offset for choices, with every 7th trial failing. Fronts never
/// recompute it; they tell the recorded values.
fn golden_objective(id: u64, params: &Params) -> Option<f64> {
    if id % 7 == 6 {
        return None;
    }
    let mut total = 0.0;
    for (i, (_, v)) in params.iter().enumerate() {
        let x = match v {
            crate::Value::Str(s) => s.len() as f64,
            crate::Value::Bool(b) => f64::from(u8::from(*b)),
            other => other.as_f64().unwrap_or(0.0),
        };
        let c = 0.3 * (i as f64 + 1.0);
        total += (x - c) * (x - c) * (1.0 + i as f64);
    }
    Some(total)
}

fn golden_configs() -> Vec<(&'static str, SolverConfig)> {
    let smooth = Space::new()
        .with("kp", Param::log_float(0.01, 10.0))
        .with("ki", Param::float(0.0, 2.0))
        .with("kd", Param::float(0.0, 1.0));
    let mixed = Space::new()
        .with("lr", Param::log_float(1e-4, 1.0))
        .with("depth", Param::int(1, 8))
        .with("kernel", Param::choice(["rbf", "linear", "poly"]))
        .with("width", Param::Int { low: 1.0, high: 512.0, log: true });
    let mut nm = SolverConfig::new(smooth.clone(), 40, 11);
    nm.strategy = StrategyChoice::NelderMead;
    let mut tpe = SolverConfig::new(mixed.clone(), 40, 12);
    tpe.strategy = StrategyChoice::Tpe;
    let mut random = SolverConfig::new(mixed, 25, 13);
    random.strategy = StrategyChoice::Random;
    let mut cmaes = SolverConfig::new(smooth.clone(), 40, 15);
    cmaes.strategy = StrategyChoice::Cmaes;
    let mut trust_region = SolverConfig::new(smooth.clone(), 30, 16);
    trust_region.strategy = StrategyChoice::TrustRegion;
    let mut gp = SolverConfig::new(smooth.clone(), 30, 17);
    gp.strategy = StrategyChoice::Gp;
    let auto = SolverConfig::new(smooth, 30, 14);
    alloc::vec![
        ("nelder_mead", nm),
        ("tpe", tpe),
        ("random", random),
        ("cmaes", cmaes),
        ("trust_region", trust_region),
        ("gp", gp),
        ("auto", auto)
    ]
}

/// Runs a config sequentially against the golden objective.
pub fn golden_run(config: SolverConfig) -> Result<GoldenRun, crate::Error> {
    let mut solver = Solver::new(config.clone())?;
    let mut steps = Vec::new();
    while let Some(trial) = solver.ask() {
        let value = golden_objective(trial.id, &trial.params);
        let outcome =
            value.map_or(Outcome::Failed { reason: Some("golden failure".into()) }, Outcome::Value);
        solver.tell(trial.id, outcome)?;
        steps.push(GoldenStep { id: trial.id, params: trial.params, value });
    }
    Ok(GoldenRun { config, steps })
}

/// Every generated contract file: `(path relative to contracts/, contents)`.
pub fn files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    #[cfg(feature = "schema")]
    {
        out.push(("config.schema.json".into(), crate::schema::config_schema()));
        out.push(("artifact.schema.json".into(), crate::schema::artifact_schema()));
    }
    for (name, config) in golden_configs() {
        let run =
            golden_run(config).map(|r| serde_json::to_string_pretty(&r).unwrap_or_default() + "\n");
        out.push((format!("golden/{name}.json"), run.unwrap_or_else(|e| format!("{e}"))));
    }
    out
}
