//! The JSON Schemas of the config and the run artifact, generated from the Rust types with
//! `schemars`. The CLI prints them (`arqonhpo-cli schema`); `contracts/` holds the same text,
//! checked for drift.

use alloc::format;
use alloc::string::String;

use crate::SolverConfig;

/// Where the published schemas live: each schema's `$id` is this followed by its file name.
/// The schemas on the default branch are the current contract; the URL never changes.
pub const SCHEMA_BASE_URL: &str =
    "https://raw.githubusercontent.com/arqonhpo/arqonhpo/main/contracts/";

/// The JSON Schema of [`SolverConfig`] (`contracts/config.schema.json`), as pretty JSON text.
pub fn config_schema() -> String {
    schema_text(schemars::schema_for!(SolverConfig), "config.schema.json")
}

/// The JSON Schema of [`RunArtifact`](crate::RunArtifact) (`contracts/artifact.schema.json`),
/// as pretty JSON text.
pub fn artifact_schema() -> String {
    schema_text(schemars::schema_for!(crate::RunArtifact), "artifact.schema.json")
}

/// Pretty text of a generated schema with its `$id` (schemars places it beside `$schema`).
fn schema_text(mut schema: schemars::Schema, file: &str) -> String {
    schema.insert("$id".into(), format!("{SCHEMA_BASE_URL}{file}").into());
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
