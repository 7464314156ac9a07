//! The output contract: [`RunArtifact`], a complete, self-describing record of a run.
//!
//! It holds the config, every trial (parameters, status, value, stage, the component that
//! proposed it, and where it sits in the ask/tell order), the classification with its
//! features and reason, and the best trial. [`crate::Solver::from_artifact`] replays it to
//! resume; `contracts/artifact.schema.json` is generated from these types.

use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::classify::Classification;
use crate::config::{Params, SolverConfig};
use crate::error::{Error, JsonSource};
use crate::trial::{Method, Phase, Stage, TrialStatus};

/// Version of the artifact layout.
pub const SCHEMA_VERSION: u32 = 1;

/// One trial as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TrialRecord {
    /// Trial id (its position in ask order).
    pub id: u64,
    /// Parameter values.
    pub params: Params,
    /// Pending, completed or failed.
    pub status: TrialStatus,
    /// The objective value, for completed trials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Why the trial failed, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Probe or refine.
    pub stage: Stage,
    /// The component that proposed the trial.
    pub method: Method,
    /// Number of tells that had happened when this trial was asked (for exact replay).
    pub asked_after: u64,
    /// Position of this trial's tell among all tells, once told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub told_index: Option<u64>,
}

/// A complete record of a run, written as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RunArtifact {
    /// Layout version of the artifact; this engine writes and reads version 1.
    pub schema_version: u32,
    /// Version of the engine that wrote it.
    pub engine_version: String,
    /// The run's config.
    pub config: SolverConfig,
    /// Phase when the artifact was written.
    pub phase: Phase,
    /// Landscape classification, once the probe is complete.
    pub classification: Option<Classification>,
    /// Best completed trial.
    pub best: Option<TrialRecord>,
    /// Every trial handed out, by id.
    pub trials: Vec<TrialRecord>,
}

impl RunArtifact {
    /// Pretty JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses artifact JSON from the bytes of a file: text that is not UTF-8 is a resume
    /// error naming the first bad byte, like any other damage to a saved run.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let text = core::str::from_utf8(bytes).map_err(|e| {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Error::Resume {
                reason: alloc::format!(
                    "the run artifact is not UTF-8 text: byte {at} (line {line}) is not valid UTF-8"
                ),
            }
        })?;
        Self::from_json(text)
    }

    /// Parses artifact JSON text.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let artifact: Self =
            serde_json::from_str(text).map_err(|e| Error::json(JsonSource::Artifact, e, text))?;
        if artifact.schema_version != SCHEMA_VERSION {
            return Err(Error::Resume {
                reason: alloc::format!(
                    "artifact schema version {} is not supported (this engine reads version {SCHEMA_VERSION})",
                    artifact.schema_version
                ),
            });
        }
        Ok(artifact)
    }
}
