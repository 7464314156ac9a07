//! # arqonhpo-cli
//!
//! The command-line front of ArqonHPO. It translates between the shell and
//! `arqonhpo-core` and decides nothing itself: the engine picks every trial, and its journal
//! module decides how a run resumes.
//!
//! - `run`: evaluate a program once per trial ([`run`]), journaled for `--resume`.
//! - `ask` / `tell`: the loop by hand over a state file ([`state`]).
//! - `validate`, `schema`, `report`: check configs, print schemas, summarize runs.
//! - `dashboard`: a live local web page of runs ([`dashboard`]).
//!
//! The binary (`src/main.rs`) parses arguments, sets up logging and maps results to exit
//! codes; everything else lives here so tests and the docs generator can use it.
#![deny(missing_docs)]

pub mod cli;
pub mod dashboard;
pub mod diagnostics;
pub mod docs;
pub mod journal_file;
pub mod objective;
pub mod report;
pub mod run;
pub mod state;

/// The config JSON Schema (generated into `contracts/` by core).
pub const CONFIG_SCHEMA: &str = include_str!("../../../contracts/config.schema.json");
/// The artifact JSON Schema (generated into `contracts/` by core).
pub const ARTIFACT_SCHEMA: &str = include_str!("../../../contracts/artifact.schema.json");
