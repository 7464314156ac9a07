//! The ask/tell state machine: `Probe → Refine { strategy } → Done`.
//!
//! [`Solver::ask`] hands out trials and [`Solver::tell`] takes their results; nothing else
//! moves the machine. Every transition is in [`Solver::tell`] (probe complete → classify,
//! select, refine; budget spent and nothing pending → done) and [`Solver::ask`] (which
//! component proposes). Trials may be pending in any number and told in any order.
//!
//! The whole state serializes ([`Solver::snapshot`] / [`Solver::restore`]), RNG streams
//! included, so a restored solver's next `ask()` is bit-identical to the one that never
//! stopped. A [`RunArtifact`] can also be resumed by replaying its trials
//! ([`Solver::from_artifact`], in [`crate::journal`] with the journal's replay).

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::artifact::{RunArtifact, TrialRecord};
use crate::classify::{self, Classification};
use crate::config::{Params, SolverConfig, StrategyChoice};
use crate::encoding::{self, DimKind, Encoding, Seen};
use crate::error::{Error, JsonSource};
use crate::probe;
use crate::rng::{Rng, Stream};
use crate::strategies::{
    nelder_mead, Cmaes, Context, NelderMead, Point, RandomSearch, Strategy, Tpe, TrustRegion,
};
use crate::trial::{Method, Phase, Score, Stage, TrialStatus};

mod ordered;

pub use ordered::Ask;
use ordered::Hold;

/// Version of the snapshot format written by [`Solver::snapshot`].
pub const STATE_VERSION: u32 = 1;

/// A trial handed out by [`Solver::ask`]: evaluate `params`, then [`Solver::tell`] the `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    /// Identifier to pass back to `tell`; trials are numbered from 0 in the order asked.
    pub id: u64,
    /// Parameter values, in space order.
    pub params: Params,
    /// Probe or refine.
    pub stage: Stage,
    /// The component that proposed it.
    pub method: Method,
}

/// The result of evaluating a trial.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The objective value (lower is better). NaN or infinite values are recorded as failed.
    Value(f64),
    /// The evaluation failed; the trial counts as the worst seen.
    Failed {
        /// Why, if known (kept in the artifact).
        reason: Option<String>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    state_version: u32,
    engine_version: String,
    config: SolverConfig,
    phase: Phase,
    /// Sobol points planned for the probe (after warm-start points are counted).
    probe_planned: u64,
    /// How many of the planned probe trials have been told.
    probe_told: u64,
    scramble: u32,
    trials: Vec<TrialRecord>,
    /// Unit-cube point of every trial, by id.
    units: Vec<Vec<f64>>,
    pending: BTreeSet<u64>,
    told: u64,
    best: Option<u64>,
    classification: Option<Classification>,
    strategy: Option<Strategy>,
    /// Deterministic parallel mode: tells received but not yet applied (see `ordered`).
    #[serde(default, skip_serializing_if = "Hold::is_empty")]
    held: Hold,
}

/// The index of configurations handed out, from a state: the warm start, every trial's point,
/// then the told scores in the order they were told (the first told score of a configuration
/// is the one kept, as when they arrived one by one).
fn seen_index(s: &State, encoding: &Encoding) -> Option<Seen> {
    let space = &s.config.space;
    let mut seen = Seen::for_kinds(encoding.kinds())?;
    for o in &s.config.warm_start {
        seen.record(space, &encoding::encode(space, &o.params), Score::Value(o.value));
    }
    for u in &s.units {
        seen.insert(space, u);
    }
    let mut told: Vec<&TrialRecord> = s.trials.iter().filter(|t| t.told_index.is_some()).collect();
    told.sort_by_key(|t| t.told_index);
    for t in told {
        seen.record(space, &s.units[t.id as usize], score_of(t));
    }
    Some(seen)
}

/// What the classifier and the strategies see of a told trial.
fn score_of(r: &TrialRecord) -> Score {
    match (r.status, r.value) {
        (TrialStatus::Completed, Some(v)) => Score::Value(v),
        _ => Score::Failed,
    }
}

/// The ask/tell optimizer.
#[derive(Debug, Clone)]
pub struct Solver {
    state: State,
    encoding: Encoding,
    /// Configurations handed out so far, on all-discrete spaces (derived from `state.units`).
    seen: Option<Seen>,
}

impl Solver {
    /// Validates `config` and creates a solver ready to `ask`.
    pub fn new(config: SolverConfig) -> Result<Self, Error> {
        config.validate()?;
        let encoding = Encoding::new(&config.space);
        let planned = probe::planned_size(&config).saturating_sub(config.warm_start.len() as u64);
        let scramble = Rng::new(config.seed, Stream::Probe).next_u64() as u32;
        let mut solver = Self {
            state: State {
                state_version: STATE_VERSION,
                engine_version: crate::VERSION.to_string(),
                config,
                phase: Phase::Probe,
                probe_planned: planned,
                probe_told: 0,
                scramble,
                trials: Vec::new(),
                units: Vec::new(),
                pending: BTreeSet::new(),
                told: 0,
                best: None,
                classification: None,
                strategy: None,
                held: Hold::default(),
            },
            encoding,
            seen: None,
        };
        solver.seen = seen_index(&solver.state, &solver.encoding);
        if planned == 0 {
            solver.enter_refine();
        }
        Ok(solver)
    }

    /// Parses JSON config text, validates it and creates a solver.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        Self::new(SolverConfig::from_json(text)?)
    }

    /// The next trial to evaluate, or `None` once the whole budget has been handed out (or,
    /// in deterministic parallel mode, while the next trial must wait: see [`Solver::ask_next`]).
    pub fn ask(&mut self) -> Option<Trial> {
        match self.ask_next() {
            Ask::Trial(t) => Some(t),
            Ask::Wait | Ask::Exhausted => None,
        }
    }

    /// The next trial to evaluate, [`Ask::Wait`] when deterministic parallel mode needs an
    /// earlier trial told first, or [`Ask::Exhausted`] once the whole budget is handed out.
    #[cfg_attr(feature = "tracing", tracing::instrument(level = "debug", skip(self), fields(id = self.state.trials.len())))]
    pub fn ask_next(&mut self) -> Ask {
        let id = self.state.trials.len() as u64;
        if id >= self.state.config.budget || self.state.phase == Phase::Done {
            return Ask::Exhausted;
        }
        if let Some(p) = &self.state.config.parallel {
            if ordered::must_wait(p.lag, id, self.state.told) {
                return Ask::Wait;
            }
        }
        match self.propose(id) {
            Some(t) => {
                self.apply_held();
                Ask::Trial(t)
            }
            None => Ask::Exhausted,
        }
    }

    fn propose(&mut self, id: u64) -> Option<Trial> {
        let s = &mut self.state;
        let (u, stage, method) = match s.phase {
            Phase::Probe => {
                let layout =
                    probe::Layout::new(s.probe_planned, self.encoding.piecewise().is_some());
                (
                    layout.point(id, self.encoding.categorical_mask(), s.scramble),
                    Stage::Probe,
                    Method::Sobol,
                )
            }
            Phase::Refine { strategy } => {
                let pending: Vec<&[f64]> =
                    s.pending.iter().map(|&p| s.units[p as usize].as_slice()).collect();
                let ctx = Context {
                    kinds: self.encoding.kinds(),
                    space: &s.config.space,
                    pending: &pending,
                    seen: self.seen.as_ref(),
                };
                let u = s.strategy.as_mut()?.propose(id, &ctx);
                (u, Stage::Refine, strategy)
            }
            Phase::Done => return None,
        };
        let params = encoding::decode(&s.config.space, &u);
        s.trials.push(TrialRecord {
            id,
            params: params.clone(),
            status: TrialStatus::Pending,
            value: None,
            reason: None,
            stage,
            method,
            asked_after: s.told,
            told_index: None,
        });
        if let Some(seen) = self.seen.as_mut() {
            seen.insert(&s.config.space, &u);
        }
        s.units.push(u);
        s.pending.insert(id);
        Some(Trial { id, params, stage, method })
    }

    /// Up to `n` trials at once, for parallel workers (fewer when the budget runs out).
    pub fn ask_batch(&mut self, n: usize) -> Vec<Trial> {
        core::iter::from_fn(|| self.ask()).take(n).collect()
    }

    /// Reports the result of trial `id`. Unknown or already-told ids are an error and leave
    /// the solver unchanged. In deterministic parallel mode the result is held and applied
    /// in trial-id order (see the `ordered` module).
    #[cfg_attr(feature = "tracing", tracing::instrument(level = "debug", skip(self)))]
    pub fn tell(&mut self, id: u64, outcome: Outcome) -> Result<(), Error> {
        let s = &mut self.state;
        match s.trials.get(id as usize) {
            None => return Err(Error::UnknownTrial { id, issued: s.trials.len() as u64 }),
            Some(r) if r.status != TrialStatus::Pending || s.held.contains(id) => {
                return Err(Error::AlreadyTold { id })
            }
            Some(_) => {}
        }
        if s.config.parallel.is_some() {
            s.held.insert(id, outcome);
            self.apply_held();
        } else {
            self.apply(id, outcome);
        }
        Ok(())
    }

    /// Applies the held tells whose turn has come (deterministic parallel mode).
    fn apply_held(&mut self) {
        let Some(lag) = self.state.config.parallel.as_ref().map(|p| p.lag) else { return };
        loop {
            let s = &mut self.state;
            let issued = s.trials.len() as u64;
            match s.held.take_ready(lag, issued, s.told, s.config.budget) {
                Some((id, outcome)) => self.apply(id, outcome),
                None => return,
            }
        }
    }

    /// Records the result of pending trial `id` and moves the machine.
    fn apply(&mut self, id: u64, outcome: Outcome) {
        let s = &mut self.state;
        let record = &mut s.trials[id as usize];
        let score = match outcome {
            Outcome::Value(v) if v.is_finite() => {
                record.status = TrialStatus::Completed;
                record.value = Some(v);
                Score::Value(v)
            }
            Outcome::Value(v) => {
                record.status = TrialStatus::Failed;
                record.reason = Some(format!("objective returned {v}"));
                Score::Failed
            }
            Outcome::Failed { reason } => {
                record.status = TrialStatus::Failed;
                record.reason = reason;
                Score::Failed
            }
        };
        record.told_index = Some(s.told);
        let stage = record.stage;
        if let Some(seen) = self.seen.as_mut() {
            seen.record(&s.config.space, &s.units[id as usize], score);
        }
        s.told += 1;
        s.pending.remove(&id);
        if score.value().is_some_and(|v| {
            s.best.is_none_or(|b| s.trials[b as usize].value.is_none_or(|bv| v < bv))
        }) {
            s.best = Some(id);
        }
        if stage == Stage::Probe && id < s.probe_planned {
            s.probe_told += 1;
        }
        match s.phase {
            Phase::Probe if s.probe_told == s.probe_planned => self.enter_refine(),
            Phase::Probe => {}
            Phase::Refine { .. } | Phase::Done => {
                if let Some(strategy) = s.strategy.as_mut() {
                    strategy.observe(id, &s.units[id as usize], score);
                }
            }
        }
        self.finish_if_done();
    }

    /// Shorthand for `tell(id, Outcome::Value(value))`.
    pub fn tell_value(&mut self, id: u64, value: f64) -> Result<(), Error> {
        self.tell(id, Outcome::Value(value))
    }

    /// Shorthand for `tell(id, Outcome::Failed { reason })`.
    pub fn tell_failed(&mut self, id: u64, reason: impl Into<String>) -> Result<(), Error> {
        self.tell(id, Outcome::Failed { reason: Some(reason.into()) })
    }

    /// Probe complete: classify, select the strategy, and hand it everything seen so far.
    fn enter_refine(&mut self) {
        let s = &mut self.state;
        let warm: Vec<(Vec<f64>, Score)> = s
            .config
            .warm_start
            .iter()
            .map(|o| (encoding::encode(&s.config.space, &o.params), Score::Value(o.value)))
            .collect();
        let (pts, scores): (Vec<Vec<f64>>, Vec<Score>) = warm
            .iter()
            .cloned()
            .chain(
                s.trials[..s.probe_planned as usize]
                    .iter()
                    .map(|r| (s.units[r.id as usize].clone(), score_of(r))),
            )
            .unzip();
        let offset = warm.len();
        let sites: Vec<[usize; 4]> =
            probe::Layout::new(s.probe_planned, self.encoding.piecewise().is_some())
                .sites()
                .map(|site| site.map(|i| offset + i as usize))
                .collect();
        let classification = classify::classify(
            &pts,
            &scores,
            &sites,
            self.encoding.piecewise(),
            s.config.classifier.threshold,
        );
        let mut classification = classification;
        let method = match s.config.strategy {
            StrategyChoice::Auto => {
                let piecewise = self.encoding.piecewise().is_some();
                let dim = self.encoding.dim();
                let integers =
                    self.encoding.kinds().iter().any(|k| matches!(k, DimKind::Integer { .. }));
                let (method, why) = crate::select::select(
                    &classification,
                    dim,
                    s.config.budget,
                    piecewise,
                    integers,
                );
                if let Some(why) = why {
                    classification.reason = format!("{}; {why}", classification.reason);
                }
                method
            }
            StrategyChoice::NelderMead => Method::NelderMead,
            StrategyChoice::Tpe => Method::Tpe,
            StrategyChoice::Random => Method::Random,
            StrategyChoice::Cmaes => Method::Cmaes,
            StrategyChoice::TrustRegion => Method::TrustRegion,
        };
        // Everything told so far, in trial order (a deterministic order whatever the tells).
        let history: Vec<Point> = warm
            .into_iter()
            .map(|(u, score)| Point::told(u, score))
            .chain(
                s.trials
                    .iter()
                    .filter(|r| r.status != TrialStatus::Pending)
                    .map(|r| Point::told(s.units[r.id as usize].clone(), score_of(r))),
            )
            .collect();
        let seed = s.config.seed;
        let strategy = match method {
            Method::NelderMead => {
                let f = &classification.features;
                let step = nelder_mead::initial_step(f.quad_q2.unwrap_or(f.fdc));
                Strategy::NelderMead(NelderMead::new(self.encoding.dim(), &history, seed, step))
            }
            Method::Random => Strategy::Random(RandomSearch::new(seed)),
            Method::Cmaes => Strategy::Cmaes(Cmaes::new(self.encoding.kinds(), &history, seed)),
            Method::TrustRegion => {
                Strategy::TrustRegion(TrustRegion::new(self.encoding.dim(), &history, seed))
            }
            // Selection never returns the probe's method; TPE is the safe default.
            Method::Tpe | Method::Sobol => Strategy::Tpe(Tpe::new(&history, seed)),
        };
        s.phase = Phase::Refine { strategy: strategy.method() };
        s.strategy = Some(strategy);
        s.classification = Some(classification);
    }

    fn finish_if_done(&mut self) {
        let s = &mut self.state;
        if s.trials.len() as u64 >= s.config.budget
            && s.pending.is_empty()
            && !matches!(s.phase, Phase::Probe)
        {
            s.phase = Phase::Done;
        }
    }

    /// The current phase.
    pub fn phase(&self) -> Phase {
        self.state.phase
    }

    /// The refining strategy, once the probe is complete (it stays known after `Done`).
    pub fn strategy(&self) -> Option<Method> {
        self.state.strategy.as_ref().map(Strategy::method)
    }

    /// The config the solver runs (validated).
    pub fn config(&self) -> &SolverConfig {
        &self.state.config
    }

    /// The classification, once the probe is complete.
    pub fn classification(&self) -> Option<&Classification> {
        self.state.classification.as_ref()
    }

    /// The best completed trial so far (lowest value; the earliest on ties).
    pub fn best(&self) -> Option<&TrialRecord> {
        self.state.best.map(|id| &self.state.trials[id as usize])
    }

    /// Every trial handed out, by id.
    pub fn trials(&self) -> &[TrialRecord] {
        &self.state.trials
    }

    /// Ids of trials handed out and not yet told, in increasing order (a tell held by the
    /// deterministic parallel mode counts as told).
    pub fn pending(&self) -> impl Iterator<Item = u64> + '_ {
        self.state.pending.iter().copied().filter(|&id| !self.state.held.contains(id))
    }

    /// Number of trials handed out.
    pub fn issued(&self) -> u64 {
        self.state.trials.len() as u64
    }

    /// Number of trials told and applied (in deterministic parallel mode a held tell is
    /// applied when its turn comes).
    pub fn told(&self) -> u64 {
        self.state.told
    }

    /// Whether the budget is spent and every trial is told.
    pub fn is_done(&self) -> bool {
        self.state.phase == Phase::Done
    }

    /// The run so far as an artifact (see `contracts/artifact.schema.json`).
    pub fn artifact(&self) -> RunArtifact {
        let s = &self.state;
        RunArtifact {
            schema_version: crate::artifact::SCHEMA_VERSION,
            engine_version: crate::VERSION.to_string(),
            config: s.config.clone(),
            phase: s.phase,
            classification: s.classification.clone(),
            best: self.best().cloned(),
            trials: s.trials.clone(),
        }
    }

    /// The whole state as JSON: [`Solver::restore`] continues bit-identically.
    pub fn snapshot(&self) -> String {
        // Plain data with string keys and finite floats: serialization cannot fail.
        serde_json::to_string(&self.state).unwrap_or_default()
    }

    /// Restores a solver from [`Solver::snapshot`] text.
    pub fn restore(text: &str) -> Result<Self, Error> {
        let state: State =
            serde_json::from_str(text).map_err(|e| Error::json(JsonSource::State, e, text))?;
        if state.state_version != STATE_VERSION {
            return Err(Error::Resume {
                reason: format!(
                    "state version {} is not supported (this engine reads version {STATE_VERSION})",
                    state.state_version
                ),
            });
        }
        state.config.validate()?;
        let encoding = Encoding::new(&state.config.space);
        let mut solver = Self { state, encoding, seen: None };
        solver.check_consistent()?;
        solver.seen = seen_index(&solver.state, &solver.encoding);
        Ok(solver)
    }

    /// Structural checks on a restored state, so that a damaged file is an error, not a panic.
    fn check_consistent(&self) -> Result<(), Error> {
        let s = &self.state;
        let d = self.encoding.dim();
        let n = s.trials.len();
        let bad =
            |what: &str| Err(Error::Resume { reason: format!("the state is damaged: {what}") });
        if s.units.len() != n || s.units.iter().any(|u| u.len() != d) {
            return bad("trial points do not match the space");
        }
        if n as u64 > s.config.budget || s.probe_planned > s.config.budget {
            return bad("more trials than the budget");
        }
        if s.trials.iter().enumerate().any(|(i, t)| t.id != i as u64) {
            return bad("trial ids are not consecutive");
        }
        crate::artifact::check_records(&s.trials)
            .map_err(|what| Error::Resume { reason: format!("the state is damaged: {what}") })?;
        let pending = s.trials.iter().filter(|t| t.status == TrialStatus::Pending).count();
        if s.told != (n - pending) as u64 || s.probe_told > s.told {
            return bad("the count of told trials does not match the trial list");
        }
        if pending != s.pending.len() || s.pending.iter().any(|&p| p as usize >= n) {
            return bad("pending trials do not match the trial list");
        }
        if s.held.ids().any(|h| !s.pending.contains(&h)) {
            return bad("a held tell is not a pending trial");
        }
        if s.best.is_some_and(|b| b as usize >= n)
            || s.strategy.as_ref().is_some_and(|st| !st.is_consistent(d))
        {
            return bad("the strategy state does not match the space");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Param, Space};

    fn config(budget: u64) -> SolverConfig {
        let space =
            Space::new().with("x", Param::float(-2.0, 2.0)).with("y", Param::float(-2.0, 2.0));
        SolverConfig::new(space, budget, 42)
    }

    #[test]
    fn unknown_and_repeated_tells_are_errors_that_change_nothing() {
        let mut s = Solver::new(config(10)).unwrap();
        let t = s.ask().unwrap_or_else(|| panic!("a trial"));
        let before = s.snapshot();
        assert!(matches!(
            s.tell(5, Outcome::Value(1.0)),
            Err(Error::UnknownTrial { id: 5, issued: 1 })
        ));
        assert_eq!(s.snapshot(), before);
        assert!(s.tell_value(t.id, 1.0).is_ok());
        let before = s.snapshot();
        assert!(matches!(s.tell_value(t.id, 2.0), Err(Error::AlreadyTold { id: 0 })));
        assert_eq!(s.snapshot(), before);
    }

    #[test]
    fn budget_bounds_asks_and_done_needs_every_tell() {
        let mut s = Solver::new(config(5)).unwrap();
        let trials = s.ask_batch(10);
        assert_eq!(trials.len(), 5);
        assert!(s.ask().is_none());
        for t in trials.iter().rev() {
            assert!(!s.is_done());
            s.tell_value(t.id, 1.0).unwrap();
        }
        assert!(s.is_done());
    }

    #[test]
    fn non_finite_values_are_recorded_as_failed() {
        let mut s = Solver::new(config(3)).unwrap();
        let t = s.ask().unwrap_or_else(|| panic!("a trial"));
        s.tell_value(t.id, f64::NAN).unwrap();
        assert_eq!(s.trials()[0].status, TrialStatus::Failed);
        assert!(s.best().is_none());
        assert!(s.snapshot().len() > 10, "a failed trial still serializes");
    }
}
