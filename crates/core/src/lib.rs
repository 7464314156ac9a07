//! # arqonhpo-core
//!
//! The engine of ArqonHPO, a hyperparameter optimizer for problems where every trial is
//! expensive and every microsecond of overhead shows. It is a probe-gated pipeline driven by
//! an explicit ask/tell state machine:
//!
//! 1. **Probe** — a scrambled Sobol design over the space.
//! 2. **Classify** — landscape features of the probe results decide *smooth*, *rippled*
//!    (deterministic ripples over a global trend), *noisy* or *rugged* ([`classify`]).
//! 3. **Select** — restarting Nelder–Mead for smooth and rippled landscapes, TPE for noisy
//!    or rugged ones, CMA-ES for ripples a quadratic does not explain at five parameters or
//!    more with at least 100 trials per parameter (or a strategy forced by the config).
//! 4. **Refine** — the selected strategy proposes the rest of the budget.
//!
//! ```
//! use arqonhpo_core::{Param, Solver, SolverConfig, Space};
//!
//! let space = Space::new()
//!     .with("x", Param::float(-5.0, 5.0))
//!     .with("y", Param::float(-5.0, 5.0));
//! let mut solver = Solver::new(SolverConfig::new(space, 60, 7))?;
//! while let Some(trial) = solver.ask() {
//!     let x = trial.params.get("x").and_then(|v| v.as_f64()).unwrap_or_default();
//!     let y = trial.params.get("y").and_then(|v| v.as_f64()).unwrap_or_default();
//!     solver.tell_value(trial.id, (x - 1.0).powi(2) + (y + 2.0).powi(2))?;
//! }
//! let best = solver.best().and_then(|t| t.value).unwrap_or(f64::INFINITY);
//! assert!(best < 1e-3);
//! # Ok::<(), arqonhpo_core::Error>(())
//! ```
//!
//! Same config, seed and results give bit-identical suggestions on every platform: one
//! ChaCha8 stream per purpose, `libm` for every transcendental function, and a state that
//! serializes whole ([`Solver::snapshot`]).
//!
//! ## Features
//! - `std` (default): `std::error::Error` and friends. Without it the crate is `no_std` + `alloc`.
//! - `diagnostics` (default): [`Error`] implements `miette::Diagnostic`.
//! - `schema`: JSON Schema generation for the contracts.
//! - `tracing`: debug spans on `ask` and `tell`.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod artifact;
pub mod classify;
pub mod config;
#[cfg(feature = "contracts")]
#[doc(hidden)]
pub mod contracts;
mod encoding;
pub mod error;
pub mod journal;
mod machine;
mod probe;
mod rng;
#[cfg(feature = "schema")]
pub mod schema;
mod select;
mod strategies;
mod trial;

pub use artifact::{RunArtifact, TrialRecord};
pub use classify::{Classification, Decision, Features, Landscape};
pub use config::{
    ClassifierConfig, Observation, ParallelConfig, Param, Params, ProbeConfig, SolverConfig, Space,
    StrategyChoice, TrialRetention, Value, MAX_STREAM_PROBE,
};
pub use error::{ConfigIssue, Error, JsonSource};
pub use journal::{Event as JournalEvent, Replay};
pub use machine::Ask;
pub use machine::{Outcome, Solver, Trial, STATE_VERSION};
pub use trial::{Method, Phase, Stage, TrialStatus};

/// Version of this engine.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
