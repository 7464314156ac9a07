//! Integration tests of the `arqonhpo-cli` binary: real runs of small Python and shell
//! objectives, parallel jobs, failures, kill-and-resume, the ask/tell loop against the golden
//! runs, labelled config errors, reports, and the generated and hand-written docs.

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
