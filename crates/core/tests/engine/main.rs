//! Integration tests of the engine through its public API only. One binary, several modules
//! (the contract drift check, the two use cases, invariants, resume, config errors).

// Helpers outside `#[test]` functions are test code too (clippy.toml covers only the
// functions themselves).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod config_errors;
mod contracts;
mod hardening;
mod invariants;
mod ordered;
mod resume;
mod streaming;
mod use_cases;
