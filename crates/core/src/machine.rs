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
use crate::config::{Params, SolverConfig, Space, StrategyChoice, TrialRetention};
use crate::encoding::{self, DimKind, Encoding, Seen};
use crate::error::{Error, JsonSource};
use crate::probe;
use crate::rng::{Rng, Stream};
use crate::strategies::{
    nelder_mead, Cmaes, Context, Gp, NelderMead, Point, RandomSearch, Strategy, Tpe, TrustRegion,
};
use crate::trial::{Method, Phase, Score, Stage, TrialStatus};

mod ordered;
mod store;

pub use ordered::Ask;
use ordered::Hold;
use store::{Meta, Store};

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

#[derive(Debug, Clone)]
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
    /// The trials held: every one, or in streaming mode those still needed.
    store: Store,
    /// Number of trials handed out.
    issued: u64,
    pending: BTreeSet<u64>,
    told: u64,
    best: Option<u64>,
    classification: Option<Classification>,
    strategy: Option<Strategy>,
    /// Deterministic parallel mode: tells received but not yet applied (see `ordered`).
    held: Hold,
    /// Streaming mode: told trials not yet taken by [`Solver::drain_told`], in told order.
    outbox: Vec<TrialRecord>,
}

impl State {
    fn streaming(&self) -> bool {
        self.config.trials == TrialRetention::Stream
    }

    fn unit(&self, id: u64) -> &[f64] {
        // Every id the machine looks up is held: pending, best, or told during the probe.
        self.store.unit(id).unwrap_or(&[])
    }
}

/// The snapshot layout (unchanged from when every trial was a stored record): the trials as
/// records and their points, built from the compact store as they are written.
#[derive(Serialize)]
struct StateOut<'a> {
    state_version: u32,
    engine_version: &'a str,
    config: &'a SolverConfig,
    phase: Phase,
    probe_planned: u64,
    probe_told: u64,
    scramble: u32,
    trials: Records<'a>,
    units: Units<'a>,
    /// Streaming mode only: the trials list no longer counts the trials handed out.
    #[serde(skip_serializing_if = "Option::is_none")]
    issued: Option<u64>,
    pending: &'a BTreeSet<u64>,
    told: u64,
    best: Option<u64>,
    classification: &'a Option<Classification>,
    strategy: &'a Option<Strategy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    held: Option<&'a Hold>,
    /// Streaming mode only: the index of configurations seen (no longer derivable).
    #[serde(skip_serializing_if = "Option::is_none")]
    seen: Option<&'a Seen>,
    #[serde(skip_serializing_if = "<[TrialRecord]>::is_empty")]
    outbox: &'a [TrialRecord],
}

#[derive(Deserialize)]
struct StateIn {
    state_version: u32,
    engine_version: String,
    config: SolverConfig,
    phase: Phase,
    probe_planned: u64,
    probe_told: u64,
    scramble: u32,
    trials: Vec<TrialRecord>,
    units: Vec<Vec<f64>>,
    #[serde(default)]
    issued: Option<u64>,
    pending: BTreeSet<u64>,
    told: u64,
    best: Option<u64>,
    classification: Option<Classification>,
    strategy: Option<Strategy>,
    #[serde(default)]
    held: Hold,
    #[serde(default)]
    seen: Option<Seen>,
    #[serde(default)]
    outbox: Vec<TrialRecord>,
}

struct Records<'a>(&'a Store, &'a Space);

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.ids().filter_map(|id| self.0.record(self.1, id)))
    }
}

struct Units<'a>(&'a Store);

impl Serialize for Units<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.ids().filter_map(|id| self.0.unit(id)))
    }
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
    for id in s.store.ids() {
        seen.insert(space, s.unit(id));
    }
    let mut told: Vec<(u64, u64)> =
        s.store.ids().filter_map(|id| Some((s.store.meta(id)?.told_index()?, id))).collect();
    told.sort_unstable();
    for (_, id) in told {
        if let Some(m) = s.store.meta(id) {
            seen.record(space, s.unit(id), m.score());
        }
    }
    Some(seen)
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
        let store = Store::new(encoding.dim(), config.trials == TrialRetention::Stream);
        let mut solver = Self {
            state: State {
                state_version: STATE_VERSION,
                engine_version: crate::VERSION.to_string(),
                config,
                phase: Phase::Probe,
                probe_planned: planned,
                probe_told: 0,
                scramble,
                store,
                issued: 0,
                pending: BTreeSet::new(),
                told: 0,
                best: None,
                classification: None,
                strategy: None,
                held: Hold::default(),
                outbox: Vec::new(),
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
    #[cfg_attr(feature = "tracing", tracing::instrument(level = "debug", skip(self), fields(id = self.state.issued)))]
    pub fn ask_next(&mut self) -> Ask {
        let id = self.state.issued;
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
                let store = &s.store;
                let pending: Vec<&[f64]> =
                    s.pending.iter().map(|&p| store.unit(p).unwrap_or(&[])).collect();
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
        s.store.push(id, &u, Meta::pending(stage, method, s.told));
        s.issued += 1;
        if let Some(seen) = self.seen.as_mut() {
            seen.insert(&s.config.space, &u);
        }
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
        if id >= s.issued {
            return Err(Error::UnknownTrial { id, issued: s.issued });
        }
        if !s.pending.contains(&id) || s.held.contains(id) {
            return Err(Error::AlreadyTold { id });
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
            let issued = s.issued;
            match s.held.take_ready(lag, issued, s.told, s.config.budget) {
                Some((id, outcome)) => self.apply(id, outcome),
                None => return,
            }
        }
    }

    /// Records the result of pending trial `id` and moves the machine.
    fn apply(&mut self, id: u64, outcome: Outcome) {
        let s = &mut self.state;
        let (value, reason) = match outcome {
            Outcome::Value(v) if v.is_finite() => (Some(v), None),
            Outcome::Value(v) => (None, Some(format!("objective returned {v}"))),
            Outcome::Failed { reason } => (None, reason),
        };
        let told_index = s.told;
        let Some(meta) = s.store.meta_mut(id) else { return };
        meta.tell(value, told_index);
        let (stage, score) = (meta.stage, meta.score());
        s.store.set_reason(id, reason);
        if let Some(seen) = self.seen.as_mut() {
            seen.record(&s.config.space, s.unit(id), score);
        }
        s.told += 1;
        s.pending.remove(&id);
        let best_value = s.best.and_then(|b| s.store.meta(b)).and_then(Meta::value);
        if score.value().is_some_and(|v| best_value.is_none_or(|bv| v < bv)) {
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
                    strategy.observe(id, s.store.unit(id).unwrap_or(&[]), score);
                }
            }
        }
        self.finish_if_done();
        if self.state.streaming() {
            self.stream_out(id);
        }
    }

    /// Streaming mode: hands trial `id`'s record to the outbox, then drops every told trial
    /// the machine no longer needs (all but the best, once the probe is classified).
    fn stream_out(&mut self, id: u64) {
        let s = &mut self.state;
        if let Some(record) = s.store.record(&s.config.space, id) {
            s.outbox.push(record);
        }
        if s.phase != Phase::Probe {
            let best = s.best;
            s.store.retain(|t, m| m.status == TrialStatus::Pending || Some(t) == best);
        }
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
            .chain((0..s.probe_planned).map(|id| {
                let score = s.store.meta(id).map_or(Score::Failed, Meta::score);
                (s.unit(id).to_vec(), score)
            }))
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
            StrategyChoice::Gp => Method::Gp,
        };
        // Everything told so far, in trial order (a deterministic order whatever the tells).
        let history: Vec<Point> = warm
            .into_iter()
            .map(|(u, score)| Point::told(u, score))
            .chain(s.store.ids().filter_map(|id| {
                let m = s.store.meta(id).filter(|m| m.status != TrialStatus::Pending)?;
                Some(Point::told(s.unit(id).to_vec(), m.score()))
            }))
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
            Method::Gp => Strategy::Gp(Gp::new(self.encoding.dim(), &history, seed)),
            // Selection never returns the probe's method; TPE is the safe default.
            Method::Tpe | Method::Sobol => Strategy::Tpe(Tpe::new(&history, seed)),
        };
        s.phase = Phase::Refine { strategy: strategy.method() };
        s.strategy = Some(strategy);
        s.classification = Some(classification);
    }

    fn finish_if_done(&mut self) {
        let s = &mut self.state;
        if s.issued >= s.config.budget && s.pending.is_empty() && !matches!(s.phase, Phase::Probe) {
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
    pub fn best(&self) -> Option<TrialRecord> {
        self.trial(self.state.best?)
    }

    /// Trial `id`'s record, built from the compact store; `None` for an id not handed out,
    /// or in streaming mode one already streamed out (see [`Solver::drain_told`]).
    pub fn trial(&self, id: u64) -> Option<TrialRecord> {
        self.state.store.record(&self.state.config.space, id)
    }

    /// Every trial held, by id, built on demand: every trial handed out, or in streaming mode
    /// the pending ones, the best and the probe until it is classified.
    pub fn trials(&self) -> Vec<TrialRecord> {
        let s = &self.state;
        s.store.ids().filter_map(|id| s.store.record(&s.config.space, id)).collect()
    }

    /// Number of trials held in memory (all of them unless the config streams trials).
    pub fn held_trials(&self) -> usize {
        self.state.store.len()
    }

    /// Streaming mode (`"trials": "stream"`): the trials told since the last call, in the
    /// order their tells were applied, each once; the solver keeps no copy of them. Empty
    /// when every trial is kept (read [`Solver::trials`] instead). A front calls it after
    /// every `tell` (and, in deterministic parallel mode, every `ask`, which may apply held
    /// tells) and writes the records out.
    pub fn drain_told(&mut self) -> Vec<TrialRecord> {
        core::mem::take(&mut self.state.outbox)
    }

    /// Ids of trials handed out and not yet told, in increasing order (a tell held by the
    /// deterministic parallel mode counts as told).
    pub fn pending(&self) -> impl Iterator<Item = u64> + '_ {
        self.state.pending.iter().copied().filter(|&id| !self.state.held.contains(id))
    }

    /// Number of trials handed out.
    pub fn issued(&self) -> u64 {
        self.state.issued
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
            best: self.best(),
            trials: self.trials(),
        }
    }

    /// The whole state as JSON: [`Solver::restore`] continues bit-identically.
    pub fn snapshot(&self) -> String {
        let s = &self.state;
        let streaming = s.streaming();
        let out = StateOut {
            state_version: s.state_version,
            engine_version: &s.engine_version,
            config: &s.config,
            phase: s.phase,
            probe_planned: s.probe_planned,
            probe_told: s.probe_told,
            scramble: s.scramble,
            trials: Records(&s.store, &s.config.space),
            units: Units(&s.store),
            issued: streaming.then_some(s.issued),
            pending: &s.pending,
            told: s.told,
            best: s.best,
            classification: &s.classification,
            strategy: &s.strategy,
            held: (!s.held.is_empty()).then_some(&s.held),
            seen: self.seen.as_ref().filter(|_| streaming),
            outbox: &s.outbox,
        };
        // Plain data with string keys and finite floats: serialization cannot fail.
        serde_json::to_string(&out).unwrap_or_default()
    }

    /// Restores a solver from [`Solver::snapshot`] text.
    pub fn restore(text: &str) -> Result<Self, Error> {
        let state: StateIn =
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
        let damaged =
            |what: &str| Error::Resume { reason: format!("the state is damaged: {what}") };
        let streaming = state.config.trials == TrialRetention::Stream;
        let store = Store::from_records(encoding.dim(), streaming, &state.trials, &state.units)
            .ok_or_else(|| damaged("trial points do not match the space"))?;
        let issued = match (streaming, state.issued) {
            (false, None) => state.trials.len() as u64,
            (true, Some(issued)) => issued,
            (false, Some(_)) => return Err(damaged("a trial count that only streaming runs keep")),
            (true, None) => return Err(damaged("a streaming run without its trial count")),
        };
        let seen_saved = state.seen;
        let mut solver = Self {
            state: State {
                state_version: state.state_version,
                engine_version: state.engine_version,
                config: state.config,
                phase: state.phase,
                probe_planned: state.probe_planned,
                probe_told: state.probe_told,
                scramble: state.scramble,
                store,
                issued,
                pending: state.pending,
                told: state.told,
                best: state.best,
                classification: state.classification,
                strategy: state.strategy,
                held: state.held,
                outbox: state.outbox,
            },
            encoding,
            seen: None,
        };
        solver.check_consistent(&state.trials)?;
        let s = &solver.state;
        if let Some(t) = state.trials.iter().find(|t| {
            s.store.unit(t.id).is_none_or(|u| encoding::decode(&s.config.space, u) != t.params)
        }) {
            return Err(damaged(&format!("trial {}'s parameters do not match its point", t.id)));
        }
        solver.seen = if streaming {
            seen_saved.filter(|_| Seen::for_kinds(solver.encoding.kinds()).is_some())
        } else {
            seen_index(&solver.state, &solver.encoding)
        };
        if streaming && solver.seen.is_none() != Seen::for_kinds(solver.encoding.kinds()).is_none()
        {
            return Err(damaged("the index of configurations seen is missing"));
        }
        Ok(solver)
    }

    /// Structural checks on a restored state, so that a damaged file is an error, not a panic.
    fn check_consistent(&self, trials: &[TrialRecord]) -> Result<(), Error> {
        let s = &self.state;
        let d = self.encoding.dim();
        let n = s.issued;
        let bad =
            |what: &str| Err(Error::Resume { reason: format!("the state is damaged: {what}") });
        if n > s.config.budget || s.probe_planned > s.config.budget {
            return bad("more trials than the budget");
        }
        if s.streaming() {
            if trials.windows(2).any(|w| w[0].id >= w[1].id) || trials.iter().any(|t| t.id >= n) {
                return bad("trial ids are not increasing, or beyond the trials handed out");
            }
        } else {
            if trials.iter().enumerate().any(|(i, t)| t.id != i as u64) {
                return bad("trial ids are not consecutive");
            }
            crate::artifact::check_records(trials).map_err(|what| Error::Resume {
                reason: format!("the state is damaged: {what}"),
            })?;
        }
        let pending = trials.iter().filter(|t| t.status == TrialStatus::Pending).count();
        if s.told + pending as u64 != n || s.probe_told > s.told {
            return bad("the count of told trials does not match the trial list");
        }
        if pending != s.pending.len() || s.pending.iter().any(|&p| !s.store.contains(p)) {
            return bad("pending trials do not match the trial list");
        }
        if s.pending
            .iter()
            .any(|&p| s.store.meta(p).is_none_or(|m| m.status != TrialStatus::Pending))
        {
            return bad("pending trials do not match the trial list");
        }
        if s.held.ids().any(|h| !s.pending.contains(&h)) {
            return bad("a held tell is not a pending trial");
        }
        if s.best.is_some_and(|b| s.store.meta(b).and_then(Meta::value).is_none())
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
