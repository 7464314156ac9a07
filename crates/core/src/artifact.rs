//! The output contract: [`RunArtifact`], a complete, self-describing record of a run.
//!
//! It holds the config, every trial (parameters, status, value, stage, the component that
//! proposed it, and where it sits in the ask/tell order), the classification with its
//! features and reason, and the best trial. [`crate::Solver::from_artifact`] replays it to
//! resume; `contracts/artifact.schema.json` is generated from these types.

use alloc::format;
use alloc::string::String;
use alloc::vec;
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

/// Structural checks on trial records (an artifact's or a state's), so that a damaged or
/// edited file is a resume error naming the record rather than a replay that fails later with
/// a misleading message (or silently drops the edit).
pub(crate) fn check_records(trials: &[TrialRecord]) -> Result<(), String> {
    let mut told_at = vec![None; trials.len()];
    let mut previous_asked_after = 0;
    for (i, t) in trials.iter().enumerate() {
        if t.id != i as u64 {
            return Err(format!(
                "trial record {i} has id {} (ids must run 0, 1, 2, ... in ask order; is the list duplicated or reordered?)",
                t.id
            ));
        }
        let status = t.status.as_str();
        match (t.status, t.told_index, t.value) {
            (TrialStatus::Pending, Some(_), _) => {
                return Err(format!("trial {i} is pending but has a tell index"))
            }
            (TrialStatus::Pending, None, Some(_)) => {
                return Err(format!("trial {i} is pending but has a value"))
            }
            (TrialStatus::Completed | TrialStatus::Failed, None, _) => {
                return Err(format!(
                    "trial {i} is {status} but has no tell index (was a pending trial edited?)"
                ))
            }
            (TrialStatus::Completed, Some(_), None) => {
                return Err(format!("trial {i} is completed but has no value"))
            }
            (TrialStatus::Failed, Some(_), Some(_)) => {
                return Err(format!("trial {i} is failed but has a value"))
            }
            _ => {}
        }
        if t.asked_after < previous_asked_after {
            return Err(format!(
                "trial {i} was asked after {} tells, fewer than trial {} before it ({previous_asked_after})",
                t.asked_after,
                i - 1
            ));
        }
        previous_asked_after = t.asked_after;
        if let Some(k) = t.told_index {
            if k < t.asked_after {
                return Err(format!(
                    "trial {i} has tell index {k} but was asked after {} tells: it would be told before it was asked",
                    t.asked_after
                ));
            }
            match told_at.get_mut(k as usize) {
                Some(Some(other)) => {
                    return Err(format!("trials {other} and {i} have the same tell index {k}"))
                }
                Some(slot) => *slot = Some(i),
                None => {
                    return Err(format!(
                        "trial {i} has tell index {k}, but only {} trials exist",
                        trials.len()
                    ))
                }
            }
        }
    }
    let told = told_at.iter().filter(|s| s.is_some()).count();
    if let Some(gap) = told_at[..told].iter().position(Option::is_none) {
        return Err(format!("no trial has tell index {gap}, but {told} trials are told"));
    }
    Ok(())
}
