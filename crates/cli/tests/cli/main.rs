//! Integration tests of the `arqonhpo-cli` binary: real runs of small Python and shell
//! objectives, parallel jobs, failures, kill-and-resume, the ask/tell loop against the golden
//! runs, labelled config errors, reports, and the generated and hand-written docs.
//!
//! Unix only: the objectives are `sh` and `python3` scripts and the stop tests send signals.
//! On Windows the process trees and locks are tested by the crate's unit tests.
#![cfg(unix)]
// Helpers outside `#[test]` functions are test code too (clippy.toml covers only the
// functions themselves).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod docs;
mod hardening;
mod report;
mod resume;
mod run;
mod state;
mod validate;
