//! The one error type of the engine.
//!
//! Every front (Python, CLI, C) maps [`Error`] once to its own form; the messages here are
//! written for the person who made the mistake: what was wrong, where, and how to fix it.
//! With the `diagnostics` feature, [`Error`] is a [`miette::Diagnostic`] with a code and help,
//! and a JSON syntax error carries a label into the source text.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// One problem found by [`crate::SolverConfig::validate`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConfigIssue {
    /// Dotted path of the offending field, e.g. `space.lr.low` or `warm_start[2].value`.
    pub path: String,
    /// What is wrong, with the offending value.
    pub message: String,
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Joins issues one per line for the error message.
struct IssueList<'a>(&'a [ConfigIssue]);

impl fmt::Display for IssueList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, issue) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "  - {issue}")?;
        }
        Ok(())
    }
}

/// What a JSON text was being read as, in [`Error::Json`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonSource {
    /// A solver config ([`crate::SolverConfig::from_json`]).
    Config,
    /// A config in the arqonhpo 0.3 layout (`bounds` instead of `space`).
    LegacyConfig,
    /// A solver state ([`crate::Solver::restore`]).
    State,
    /// A run artifact ([`crate::RunArtifact::from_json`]).
    Artifact,
}

impl JsonSource {
    /// What the text was, as the error message names it.
    pub const fn as_str(self) -> &'static str {
        match self {
            JsonSource::Config => "configuration",
            JsonSource::LegacyConfig => "configuration (arqonhpo 0.3 layout)",
            JsonSource::State => "solver state",
            JsonSource::Artifact => "run artifact",
        }
    }

    /// Whether the text was a config (the user's input) rather than saved state.
    pub const fn is_config(self) -> bool {
        matches!(self, JsonSource::Config | JsonSource::LegacyConfig)
    }
}

impl fmt::Display for JsonSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong in the engine. A call that returns an error leaves the
/// solver exactly as it was.
#[derive(Debug, thiserror::Error)]
#[cfg_attr(feature = "diagnostics", derive(miette::Diagnostic))]
#[non_exhaustive]
pub enum Error {
    /// The config failed validation; every problem is listed.
    #[error("invalid configuration ({} problem{}):\n{}", issues.len(), if issues.len() == 1 { "" } else { "s" }, IssueList(issues))]
    #[cfg_attr(
        feature = "diagnostics",
        diagnostic(
            code(arqonhpo::config),
            help(
                "fix the fields listed above; `arqonhpo-cli schema config` prints the full schema"
            )
        )
    )]
    Config {
        /// The problems, each with its path.
        issues: Vec<ConfigIssue>,
    },

    /// Text that should be JSON (a config, a state, an artifact) could not be read.
    #[error("{what} is not valid: {message} (line {line}, column {column})")]
    #[cfg_attr(
        feature = "diagnostics",
        diagnostic(code(arqonhpo::json), help("check the JSON near the marked position"))
    )]
    Json {
        /// What was being read.
        what: JsonSource,
        /// The parser's message.
        message: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// The text that was parsed, for error reports.
        #[cfg_attr(feature = "diagnostics", source_code)]
        source_text: String,
        /// Byte span of the problem in `source_text`.
        #[cfg_attr(feature = "diagnostics", label("here"))]
        span: (usize, usize),
    },

    /// `tell` named a trial id that was never handed out.
    #[error("unknown trial id {id}: no trial with this id was handed out by ask() ({})", handed_out(.issued))]
    #[cfg_attr(
        feature = "diagnostics",
        diagnostic(
            code(arqonhpo::unknown_trial),
            help("pass the id of a trial returned by ask()")
        )
    )]
    UnknownTrial {
        /// The id given.
        id: u64,
        /// How many trials have been handed out.
        issued: u64,
    },

    /// `tell` named a trial whose result was already reported.
    #[error("trial {id} was already told; each trial's result can be reported once")]
    #[cfg_attr(
        feature = "diagnostics",
        diagnostic(
            code(arqonhpo::already_told),
            help("report each trial once; ask() for a new trial to evaluate again")
        )
    )]
    AlreadyTold {
        /// The id given.
        id: u64,
    },

    /// A saved state or artifact could not be resumed.
    #[error("cannot resume: {reason}")]
    #[cfg_attr(feature = "diagnostics", diagnostic(code(arqonhpo::resume), help("resume with the same arqonhpo version and the unmodified file that produced the state")))]
    Resume {
        /// Why.
        reason: String,
    },
}

impl Error {
    /// Wraps a JSON error from reading config text.
    pub(crate) fn from_json(e: serde_json::Error, text: &str) -> Self {
        Self::json(JsonSource::Config, e, text)
    }

    /// Wraps a JSON error from reading config text at field `path` (`.` when at the root).
    #[cfg(feature = "std")]
    pub(crate) fn from_json_at(e: serde_json::Error, text: &str, path: &str) -> Self {
        let mut err = Self::json(JsonSource::Config, e, text);
        if let Error::Json { message, .. } = &mut err {
            if !path.is_empty() && path != "." {
                *message = alloc::format!("{path}: {message}");
            }
        }
        err
    }

    /// Wraps a JSON error, computing the byte span from serde_json's line and column.
    pub(crate) fn json(what: JsonSource, e: serde_json::Error, text: &str) -> Self {
        let (line, column) = (e.line(), e.column());
        let offset = line_col_to_offset(text, line, column);
        let mut message = alloc::format!("{e}");
        // serde_json appends " at line L column C"; we report those separately.
        if let Some(pos) = message.rfind(" at line ") {
            message.truncate(pos);
        }
        Error::Json {
            what,
            message,
            line,
            column,
            source_text: text.into(),
            span: (offset, if offset < text.len() { 1 } else { 0 }),
        }
    }

    /// The validation issues, when this is a config error.
    pub fn config_issues(&self) -> &[ConfigIssue] {
        match self {
            Error::Config { issues } => issues,
            _ => &[],
        }
    }
}

fn line_col_to_offset(text: &str, line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

/// The ids handed out so far, in words (`ids handed out so far: 0 to 23`).
fn handed_out(issued: &u64) -> String {
    match issued {
        0 => "none handed out yet".into(),
        1 => "only id 0 was handed out".into(),
        n => format!("ids handed out so far: 0 to {}", n - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_maps_to_byte_offset() {
        let text = "{\n  \"a\": x\n}";
        assert_eq!(line_col_to_offset(text, 2, 8), 9);
        assert_eq!(&text[9..10], "x");
        assert_eq!(line_col_to_offset(text, 1, 1), 0);
    }
}
