//! The run journal: an append-only log of every ask and tell, one JSON object per line.
//!
//! A front that drives a long run (the CLI's `run` command) appends an [`Event`] for every
//! step as it happens. [`replay`] rebuilds the exact [`Solver`] from that log: the same
//! trials with the same ids and parameters, the same results in the same order, and the
//! trials that were asked but never told still pending. Because the solver is a deterministic
//! state machine, the next `ask()` after a replay is the one the run that never stopped would
//! have made, so a run killed at any point (even with `kill -9`) resumes with nothing lost or
//! repeated.
//!
//! A process killed while writing leaves a torn last line (no final newline). Replay drops it
//! and reports where the intact log ends ([`Replay::valid_len`]), so the writer can cut the
//! file there before appending again. Any other unreadable line is an error: the log was
//! damaged, and guessing past it could repeat or lose trials.
//!
//! An artifact records the same asks and tells (each trial's `asked_after` and `told_index`),
//! so [`Solver::from_artifact`] turns it into events ([`events`]) and replays them through
//! the same [`apply`]: one replay path for both.
//!
//! The format is documented in `docs/cli.md`:
//!
//! ```text
//! {"event":"start","engine_version":"0.4.0","config":{...}}
//! {"event":"ask","id":0,"params":{"x":0.25}}
//! {"event":"tell","id":0,"value":1.5}
//! {"event":"tell","id":1,"value":null,"reason":"exit status 1"}
//! {"event":"interrupted","id":2,"reason":"stopped by Ctrl-C"}
//! ```

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::artifact::{check_records, RunArtifact, TrialRecord};
use crate::config::{Params, SolverConfig};
use crate::error::Error;
use crate::machine::{Outcome, Solver, Trial};
use crate::trial::TrialStatus;

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The first line: the config the run was started with.
    Start {
        /// Version of the engine that started the run.
        engine_version: String,
        /// The run's config.
        config: SolverConfig,
    },
    /// A trial was handed out.
    Ask {
        /// Trial id.
        id: u64,
        /// The parameters handed out (checked on replay).
        params: Params,
    },
    /// A trial's result was reported.
    Tell {
        /// Trial id.
        id: u64,
        /// The objective value; `null` when the trial failed.
        value: Option<f64>,
        /// Why the trial failed, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A running trial was stopped before it produced a result. Informational: the trial
    /// stays pending, and a resumed run evaluates it again.
    Interrupted {
        /// Trial id.
        id: u64,
        /// Why it was stopped.
        reason: String,
    },
}

impl Event {
    /// The first event of a journal for a solver created from `config`.
    pub fn start(config: &SolverConfig) -> Self {
        Event::Start { engine_version: crate::VERSION.to_string(), config: config.clone() }
    }

    /// The event recording that `trial` was handed out.
    pub fn ask(trial: &Trial) -> Self {
        Event::Ask { id: trial.id, params: trial.params.clone() }
    }

    /// The event recording a tell, from the trial's record *after* the solver took the tell
    /// (so a NaN value is journaled as the failure the solver recorded).
    pub fn tell(record: &TrialRecord) -> Self {
        let value = if record.status == TrialStatus::Completed { record.value } else { None };
        Event::Tell { id: record.id, value, reason: record.reason.clone() }
    }

    /// The event recording the tell of `outcome` for trial `id`, as the solver records it (a
    /// non-finite value is a failure). Unlike [`Event::tell`] it does not need the trial's
    /// record, which in deterministic parallel mode stays pending while the tell is held.
    pub fn told(id: u64, outcome: &Outcome) -> Self {
        match outcome {
            Outcome::Value(v) if v.is_finite() => Event::Tell { id, value: Some(*v), reason: None },
            Outcome::Value(v) => {
                Event::Tell { id, value: None, reason: Some(format!("objective returned {v}")) }
            }
            Outcome::Failed { reason } => Event::Tell { id, value: None, reason: reason.clone() },
        }
    }

    /// The event as one journal line, newline included.
    pub fn to_line(&self) -> String {
        // Plain data with string keys; finite floats only (a failed value is null).
        let mut line = serde_json::to_string(self).unwrap_or_default();
        line.push('\n');
        line
    }

    /// Parses one journal line (without its newline).
    pub fn from_line(line: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(line)
    }
}

/// Applies one event to `solver`: an ask is re-asked and must hand out the recorded id and
/// parameters; a tell is told; an interruption changes nothing. `Start` is only legal as the
/// first event ([`replay`] handles it). On error the solver is unchanged.
pub fn apply(solver: &mut Solver, event: &Event) -> Result<(), Error> {
    if let Event::Ask { .. } = event {
        // An ask cannot be taken back, so a mismatch restores a copy taken before it.
        let before = solver.clone();
        return apply_unchecked(solver, event).inspect_err(|_| *solver = before);
    }
    apply_unchecked(solver, event)
}

/// [`apply`] without the copy that undoes a mismatched ask: after an error the solver may have
/// handed out one more trial. [`replay`] uses it (it drops the solver on any error), which
/// keeps a replay linear in the journal's length.
fn apply_unchecked(solver: &mut Solver, event: &Event) -> Result<(), Error> {
    match event {
        Event::Start { .. } => Err(Error::Resume {
            reason: "a start event may only be the first line of the journal".into(),
        }),
        Event::Ask { id, params } => {
            if *id != solver.issued() {
                return Err(Error::Resume {
                    reason: format!(
                        "the run asks trial {id} next, but the next trial to hand out is {}",
                        solver.issued()
                    ),
                });
            }
            match solver.ask() {
                Some(trial) if trial.params == *params => Ok(()),
                Some(_) => Err(Error::Resume {
                    reason: format!(
                        "trial {id} does not replay identically (the run was recorded by another engine version, or edited)"
                    ),
                }),
                None => Err(Error::Resume { reason: format!("trial {id} is beyond the budget of the run's config") }),
            }
        }
        Event::Tell { id, value, reason } => {
            let outcome = match value {
                Some(v) => Outcome::Value(*v),
                None => Outcome::Failed { reason: reason.clone() },
            };
            solver.tell(*id, outcome)
        }
        Event::Interrupted { id, .. } => {
            if solver.pending().any(|p| p == *id) {
                Ok(())
            } else {
                Err(Error::Resume {
                    reason: format!("trial {id} is marked interrupted but is not pending"),
                })
            }
        }
    }
}

/// The asks and tells an artifact records, in the order they happened: the journal of that
/// run (without its start line and interruptions). A trial asked after `k` tells follows the
/// `k`-th tell; a told trial whose record has no result, or tells missing before an ask, are
/// errors.
pub fn events(artifact: &RunArtifact) -> Result<Vec<Event>, Error> {
    let mismatch = |reason: String| Error::Resume { reason };
    check_records(&artifact.trials).map_err(mismatch)?;
    let mut tells: Vec<&TrialRecord> =
        artifact.trials.iter().filter(|t| t.told_index.is_some()).collect();
    tells.sort_by_key(|t| t.told_index);
    let mut tells = tells.into_iter();
    let mut told = 0;
    let mut out = Vec::with_capacity(artifact.trials.len() * 2);
    let tell = |t: &TrialRecord| match (t.status, t.value) {
        (TrialStatus::Completed, Some(_)) | (TrialStatus::Failed, _) => Ok(Event::tell(t)),
        _ => Err(mismatch(format!("trial {} has a tell index but no result", t.id))),
    };
    for record in &artifact.trials {
        while told < record.asked_after {
            let t = tells.next().ok_or_else(|| {
                mismatch(format!(
                    "trial {} was asked after {} tells, but fewer are recorded",
                    record.id, record.asked_after
                ))
            })?;
            out.push(tell(t)?);
            told += 1;
        }
        out.push(Event::Ask { id: record.id, params: record.params.clone() });
    }
    for t in tells {
        out.push(tell(t)?);
    }
    Ok(out)
}

impl Solver {
    /// Rebuilds a solver from an artifact by replaying its asks and tells in their recorded
    /// order ([`events`], applied as a journal is). The result is the same state as the run
    /// that wrote the artifact, pending trials included; a trial that does not replay
    /// identically is an error.
    pub fn from_artifact(artifact: &RunArtifact) -> Result<Self, Error> {
        let dense = artifact.trials.iter().enumerate().all(|(i, t)| t.id == i as u64);
        if artifact.config.trials == crate::config::TrialRetention::Stream && !dense {
            return Err(Error::Resume {
                reason: "the artifact of a streaming run (\"trials\": \"stream\") holds only the trials the solver still held; resume from the run's journal or snapshot".into(),
            });
        }
        let mut solver = Solver::new(artifact.config.clone())?;
        for event in events(artifact)? {
            apply_unchecked(&mut solver, &event).map_err(|e| match e {
                Error::Resume { .. } => e,
                other => Error::Resume { reason: format!("the artifact does not replay: {other}") },
            })?;
        }
        // The replay decides every record's stage, method and result; a record that differs
        // from it was edited, and resuming would silently drop the edit.
        let replayed = solver.trials();
        if let Some(t) = artifact.trials.iter().zip(&replayed).find(|(a, b)| a != b).map(|(a, _)| a)
        {
            return Err(Error::Resume {
                reason: format!(
                    "trial {} does not match its replay (stage, method or result edited, or written by another engine version)",
                    t.id
                ),
            });
        }
        Ok(solver)
    }
}

/// The outcome of [`replay`].
#[derive(Debug, Clone)]
pub struct Replay {
    /// The solver in the state the journal describes (pending trials included).
    pub solver: Solver,
    /// Byte length of the intact part of the journal; append after cutting the file here.
    pub valid_len: usize,
    /// Whether a torn (partly written) last line was dropped.
    pub torn_tail: bool,
    /// Number of events applied.
    pub events: usize,
    /// Trials marked interrupted and still pending, in the order marked.
    pub interrupted: Vec<u64>,
}

/// Whether the journal text holds no complete event: it is empty, blank, or its only line is
/// a torn (partly written) start. Such a journal was killed before its start line was written
/// whole, records nothing, and may be started afresh.
pub fn is_unstarted(text: &str) -> bool {
    text.split_inclusive('\n').all(|raw| {
        let line = raw.trim_end_matches(['\n', '\r']);
        line.trim().is_empty() || (!raw.ends_with('\n') && Event::from_line(line).is_err())
    })
}

/// Rebuilds the solver from journal text. A last line without a final newline that does not
/// parse is a torn write and is dropped; any other bad line is an error naming its number.
/// When `expected` is given, the journal must have been started with that config.
pub fn replay(text: &str, expected: Option<&SolverConfig>) -> Result<Replay, Error> {
    replay_with(text, expected, false)
}

/// [`replay`] holding every trial even when the run streamed them (`"trials": "stream"`), so
/// that the solver's [`Solver::artifact`] lists the whole run (for reports). The suggestions
/// do not depend on what is kept, so the replay is the same.
pub fn replay_keeping_all(text: &str) -> Result<Replay, Error> {
    replay_with(text, None, true)
}

fn replay_with(
    text: &str,
    expected: Option<&SolverConfig>,
    keep_all: bool,
) -> Result<Replay, Error> {
    let mut solver: Option<Solver> = None;
    let mut valid_len = 0;
    let mut torn_tail = false;
    let mut events = 0;
    let mut interrupted = Vec::new();
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let complete = raw.ends_with('\n');
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            if complete {
                valid_len += raw.len();
            } else {
                torn_tail = true;
            }
            continue;
        }
        let event = match Event::from_line(line) {
            Ok(event) => event,
            Err(_) if !complete => {
                torn_tail = true;
                break;
            }
            Err(e) => {
                return Err(Error::Resume {
                    reason: format!("journal line {number} is not a journal event: {e}"),
                })
            }
        };
        let at_line = |e: Error| match e {
            Error::Resume { reason } => {
                Error::Resume { reason: format!("journal line {number}: {reason}") }
            }
            other => Error::Resume { reason: format!("journal line {number}: {other}") },
        };
        match (&mut solver, &event) {
            (None, Event::Start { config, .. }) => {
                if let Some(expected) = expected {
                    if expected != config {
                        return Err(Error::Resume {
                            reason: "the journal was started with a different config; resume with the config it was started with, or start a new journal".into(),
                        });
                    }
                }
                let mut config = config.clone();
                if keep_all {
                    config.trials = crate::config::TrialRetention::Keep;
                }
                solver = Some(Solver::new(config).map_err(at_line)?);
            }
            (None, _) => {
                return Err(Error::Resume {
                    reason: format!(
                        "journal line {number}: the journal must begin with a start event"
                    ),
                })
            }
            (Some(s), event) => {
                apply_unchecked(s, event).map_err(at_line)?;
                // The journal already holds what a streaming solver hands out again.
                s.drain_told();
                match event {
                    Event::Interrupted { id, .. } => interrupted.push(*id),
                    Event::Tell { id, .. } => interrupted.retain(|i| i != id),
                    _ => {}
                }
            }
        }
        events += 1;
        valid_len += raw.len();
        if !complete {
            // An intact last event that lost only its newline: keep it, and let the writer
            // add the newline back.
            valid_len -= raw.len() - line.len();
        }
    }
    let solver = solver
        .ok_or_else(|| Error::Resume { reason: "the journal holds no start event".into() })?;
    Ok(Replay { solver, valid_len, torn_tail, events, interrupted })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Param, Space};

    fn config() -> SolverConfig {
        let space =
            Space::new().with("x", Param::float(-2.0, 2.0)).with("k", Param::choice(["a", "b"]));
        SolverConfig::new(space, 16, 5)
    }

    fn value(t: &Trial) -> f64 {
        t.params.get("x").and_then(|v| v.as_f64()).unwrap_or_default().powi(2)
    }

    /// Runs the solver to the end with two trials in flight, journaling every step.
    fn journaled_run() -> (Solver, String) {
        let mut solver = Solver::new(config()).unwrap();
        let mut log = Event::start(solver.config()).to_line();
        let mut in_flight: Vec<Trial> = Vec::new();
        loop {
            while in_flight.len() < 2 {
                match solver.ask() {
                    Some(t) => {
                        log += &Event::ask(&t).to_line();
                        in_flight.push(t);
                    }
                    None => break,
                }
            }
            if in_flight.is_empty() {
                break;
            }
            let t = in_flight.remove(0);
            if t.id % 5 == 4 {
                solver.tell_failed(t.id, "exit status 1").unwrap();
            } else {
                solver.tell_value(t.id, value(&t)).unwrap();
            }
            log += &Event::tell(&solver.trials()[t.id as usize]).to_line();
        }
        (solver, log)
    }

    #[test]
    fn replay_of_a_whole_journal_rebuilds_the_exact_state() {
        let (solver, log) = journaled_run();
        let r = replay(&log, Some(solver.config())).unwrap();
        assert_eq!(r.solver.snapshot(), solver.snapshot());
        assert_eq!(r.valid_len, log.len());
        assert!(!r.torn_tail);
        assert!(r.solver.is_done());
        assert!(r.solver.trials().iter().any(|t| t.status == TrialStatus::Failed));
    }

    #[test]
    fn an_artifact_holds_the_journal_of_its_run() {
        let (solver, log) = journaled_run();
        let journal: Vec<Event> =
            log.lines().skip(1).map(|l| Event::from_line(l).unwrap()).collect();
        let from_artifact = events(&solver.artifact()).unwrap();
        assert_eq!(from_artifact, journal);
        let replayed = Solver::from_artifact(&solver.artifact()).unwrap();
        assert_eq!(replayed.snapshot(), solver.snapshot());
    }

    #[test]
    fn an_artifact_with_a_result_missing_does_not_replay() {
        let (solver, _) = journaled_run();
        let mut artifact = solver.artifact();
        artifact.trials[3].status = TrialStatus::Completed;
        artifact.trials[3].value = None;
        assert!(
            matches!(events(&artifact), Err(Error::Resume { reason }) if reason.contains("trial 3"))
        );
        let mut artifact = solver.artifact();
        artifact.trials[5].asked_after = 99;
        assert!(matches!(Solver::from_artifact(&artifact), Err(Error::Resume { .. })));
    }

    #[test]
    fn every_prefix_resumes_to_the_uninterrupted_run() {
        let (full, log) = journaled_run();
        let lines: Vec<&str> = log.split_inclusive('\n').collect();
        for cut in 1..lines.len() {
            let prefix: String = lines[..cut].concat();
            let r = replay(&prefix, None).unwrap_or_else(|e| panic!("cut {cut}: {e}"));
            let mut s = r.solver;
            // Finish the pending trials first, then continue in the journal's order.
            for line in &lines[cut..] {
                let event = Event::from_line(line.trim_end()).unwrap();
                apply(&mut s, &event).unwrap_or_else(|e| panic!("cut {cut}: {e}"));
            }
            assert_eq!(s.snapshot(), full.snapshot(), "cut after line {cut}");
        }
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_reported() {
        let (_, log) = journaled_run();
        let lines: Vec<&str> = log.split_inclusive('\n').collect();
        let intact: String = lines[..6].concat();
        let torn = format!("{intact}{}", &lines[6][..lines[6].len() / 2]);
        let r = replay(&torn, None).unwrap();
        assert!(r.torn_tail);
        assert_eq!(r.valid_len, intact.len());
        assert_eq!(r.solver.snapshot(), replay(&intact, None).unwrap().solver.snapshot());
        // A complete last event that only lost its newline is kept.
        let no_newline = intact.trim_end_matches('\n');
        let r = replay(no_newline, None).unwrap();
        assert!(!r.torn_tail);
        assert_eq!(r.events, 6);
        assert_eq!(r.valid_len, no_newline.len());
    }

    #[test]
    fn damage_before_the_last_line_is_an_error_with_its_line_number() {
        let (_, log) = journaled_run();
        let lines: Vec<&str> = log.split_inclusive('\n').collect();
        let damaged = format!("{}{{\"event\":\"tel\n{}", lines[..3].concat(), lines[3..].concat());
        match replay(&damaged, None) {
            Err(Error::Resume { reason }) => assert!(reason.contains("line 4"), "{reason}"),
            other => panic!("expected a resume error, got {other:?}"),
        }
    }

    #[test]
    fn edited_params_a_foreign_config_or_a_missing_start_are_errors() {
        let (_, log) = journaled_run();
        let edited = log.replacen(
            "\"event\":\"ask\",\"id\":0,\"params\":{\"x\":",
            "\"event\":\"ask\",\"id\":0,\"params\":{\"x\":1.0e-300,\"y\":",
            1,
        );
        assert!(matches!(replay(&edited, None), Err(Error::Resume { .. })));
        let mut other = config();
        other.seed += 1;
        assert!(matches!(replay(&log, Some(&other)), Err(Error::Resume { .. })));
        let headless: String = log.split_inclusive('\n').skip(1).collect();
        assert!(matches!(replay(&headless, None), Err(Error::Resume { .. })));
        assert!(matches!(replay("", None), Err(Error::Resume { .. })));
    }

    #[test]
    fn interrupted_trials_stay_pending_and_a_bad_apply_changes_nothing() {
        let mut solver = Solver::new(config()).unwrap();
        let t = solver.ask().unwrap_or_else(|| panic!("a trial"));
        let mut log = Event::start(solver.config()).to_line() + &Event::ask(&t).to_line();
        log += &Event::Interrupted { id: t.id, reason: "stopped".into() }.to_line();
        let r = replay(&log, None).unwrap();
        assert_eq!(r.interrupted, alloc::vec![t.id]);
        assert_eq!(r.solver.pending().collect::<Vec<_>>(), alloc::vec![t.id]);

        let mut s = r.solver;
        let before = s.snapshot();
        let wrong = Event::Ask { id: 1, params: Params::new().with("x", crate::Value::Float(9.0)) };
        assert!(apply(&mut s, &wrong).is_err());
        assert!(apply(&mut s, &Event::Ask { id: 7, params: Params::new() }).is_err());
        assert!(apply(&mut s, &Event::Interrupted { id: 3, reason: String::new() }).is_err());
        assert!(apply(&mut s, &Event::Tell { id: 9, value: Some(1.0), reason: None }).is_err());
        assert_eq!(s.snapshot(), before);
    }

    #[test]
    fn a_failed_nan_tell_is_journaled_as_the_failure_the_solver_recorded() {
        let mut solver = Solver::new(config()).unwrap();
        let t = solver.ask().unwrap_or_else(|| panic!("a trial"));
        solver.tell_value(t.id, f64::NAN).unwrap();
        let event = Event::tell(&solver.trials()[0]);
        assert!(
            matches!(&event, Event::Tell { value: None, reason: Some(r), .. } if r.contains("NaN"))
        );
        let line = event.to_line();
        assert_eq!(Event::from_line(line.trim_end()).ok(), Some(event));
    }

    /// Empty, blank and torn-start journals record nothing; a complete start line does.
    #[test]
    fn a_journal_without_a_complete_start_line_is_unstarted() {
        let start = Event::start(&config()).to_line();
        let half = &start[..start.len() / 2];
        for text in ["", "\n", " \n\n", half] {
            assert!(is_unstarted(text), "{text:?}");
        }
        let whole = start.trim_end();
        for text in [start.as_str(), whole, &format!("{half}\n")] {
            assert!(!is_unstarted(text), "{text:?}");
        }
    }
}
