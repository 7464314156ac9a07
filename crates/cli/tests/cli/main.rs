//! Integration tests of the `arqonhpo-cli` binary: real runs of small Python and shell
//! objectives, parallel jobs, failures, kill-and-resume, the ask/tell loop against the golden
//! runs, labelled config errors, reports, and the generated and hand-written docs.

mod common;
mod docs;
mod hardening;
mod report;
mod resume;
mod run;
mod state;
mod validate;
