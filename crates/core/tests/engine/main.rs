//! Integration tests of the engine through its public API only. One binary, several modules
//! (the contract drift check, the two use cases, invariants, resume, config errors).

mod common;
mod config_errors;
mod contracts;
mod invariants;
mod ordered;
mod resume;
mod use_cases;
