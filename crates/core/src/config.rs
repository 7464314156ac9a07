//! The input contract: [`SolverConfig`] and the search [`Space`].
//!
//! A config is plain data read by every front (Rust, Python, CLI, C). It is checked once by
//! [`SolverConfig::validate`], which lists *every* problem with its path and offending value,
//! before a [`crate::Solver`] can exist. Nothing after validation re-checks user input.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{ConfigIssue, Error};

mod legacy;

/// Largest magnitude accepted for an integer bound: every integer up to it is exact in `f64`.
pub const MAX_INT_BOUND: f64 = 9_007_199_254_740_992.0; // 2^53

/// Largest number of parameters a space may hold (the Sobol probe's dimension limit).
pub const MAX_DIMENSIONS: usize = 256;

/// A `u64` field whose out-of-range values are reported by their range: JSON integers above
/// 2^64 - 1 reach the parser as floating point, which serde would call a type error.
fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    struct Count;
    impl Visitor<'_> for Count {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a non-negative integer at most 2^64 - 1 = 18446744073709551615")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom(format!("must not be negative, got {v}")))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<u64, E> {
            Err(E::custom(if v >= 18_446_744_073_709_551_615.0 {
                format!("must be at most 2^64 - 1 = 18446744073709551615, got {v:e}")
            } else {
                format!("must be an integer, got {v}")
            }))
        }
    }
    deserializer.deserialize_u64(Count)
}

/// Everything a run needs: the space, the budget, the seed and the strategy settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SolverConfig {
    /// Seed of every random stream; the same seed and results give the same suggestions.
    #[serde(default, deserialize_with = "count")]
    pub seed: u64,
    /// Total number of trials the solver hands out (at least 1).
    #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
    #[serde(deserialize_with = "count")]
    pub budget: u64,
    /// The parameters to tune, in order. Suggestions list them in this order.
    pub space: Space,
    /// Which strategy refines after the probe; `auto` lets the classifier decide.
    #[serde(default)]
    pub strategy: StrategyChoice,
    /// Size of the initial Sobol probe.
    #[serde(default)]
    pub probe: ProbeConfig,
    /// Landscape classifier settings.
    #[serde(default)]
    pub classifier: ClassifierConfig,
    /// Prior observations that count towards the probe and the model, without using budget.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warm_start: Vec<Observation>,
    /// Deterministic parallel mode (`{"lag": workers}`): tells apply in trial-id order and
    /// trial `i` waits until trials 0 to `i − lag` are told, so parallel runs reproduce
    /// exactly. Absent: free mode, where tells apply as they arrive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel: Option<ParallelConfig>,
    /// `keep` (the default) holds every trial in the solver; `stream` hands each told trial
    /// out once (to the journal or a callback) and keeps only what the strategy needs, so
    /// memory stays flat however long the run.
    #[serde(default, skip_serializing_if = "TrialRetention::is_keep")]
    pub trials: TrialRetention,
}

/// What the solver keeps of told trials (`"trials"` in a config).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TrialRetention {
    /// Every trial stays in the solver, its artifact and its snapshot.
    #[default]
    Keep,
    /// Told trials are streamed out (`Solver::drain_told`, the journal) and dropped; the solver
    /// keeps the pending trials, the best one, the probe until it is classified, and the
    /// strategy's bounded working set.
    Stream,
}

impl TrialRetention {
    /// The name used in configs: `keep` or `stream`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TrialRetention::Keep => "keep",
            TrialRetention::Stream => "stream",
        }
    }

    fn is_keep(&self) -> bool {
        *self == TrialRetention::Keep
    }
}

/// The largest probe a streaming run may plan: the probe is held until it is classified.
pub const MAX_STREAM_PROBE: u64 = 10_000;

/// Settings of the deterministic parallel mode (`"parallel": {"lag": 4}` in a config).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ParallelConfig {
    /// How many trials may be out at once: trial `i` is handed out once trials 0 to `i − lag`
    /// are told. Set it to the number of workers (at least 1; 1 is a sequential run).
    #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
    pub lag: u64,
}

/// How the refinement strategy is chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StrategyChoice {
    /// Probe, classify the landscape, then pick Nelder–Mead (smooth or rippled), TPE (noisy
    /// or rugged), CMA-ES (ripples a quadratic does not explain, at least 5 parameters and
    /// 100 trials per parameter) or the trust region (smooth or rippled, at least 5 float
    /// parameters, fewer than 40 trials per parameter).
    #[default]
    Auto,
    /// Always refine with bounded Nelder–Mead after the probe.
    NelderMead,
    /// Always refine with multivariate TPE after the probe.
    Tpe,
    /// Uniform random search after the probe (a baseline).
    Random,
    /// Always refine with CMA-ES (IPOP restarts) after the probe.
    Cmaes,
    /// Always refine with a trust region of quadratic models after the probe.
    TrustRegion,
    /// Always refine with Gaussian-process expected improvement after the probe.
    Gp,
}

impl StrategyChoice {
    /// Every choice, in declaration order: the one list the fronts and tests iterate.
    pub const ALL: [StrategyChoice; 7] = [
        StrategyChoice::Auto,
        StrategyChoice::NelderMead,
        StrategyChoice::Tpe,
        StrategyChoice::Random,
        StrategyChoice::Cmaes,
        StrategyChoice::TrustRegion,
        StrategyChoice::Gp,
    ];

    /// The name used in configs: `auto`, `nelder_mead`, `tpe`, `random`, `cmaes`, `trust_region` or `gp`.
    pub const fn as_str(self) -> &'static str {
        match self {
            StrategyChoice::Auto => "auto",
            StrategyChoice::NelderMead => "nelder_mead",
            StrategyChoice::Tpe => "tpe",
            StrategyChoice::Random => "random",
            StrategyChoice::Cmaes => "cmaes",
            StrategyChoice::TrustRegion => "trust_region",
            StrategyChoice::Gp => "gp",
        }
    }
}

/// Probe sizing: `max(ceil(fraction * budget), min_points)`, never more than the budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProbeConfig {
    /// Fraction of the budget spent on the Sobol probe (0 < fraction ≤ 1). Default 0.2.
    #[serde(default = "default_probe_fraction")]
    #[cfg_attr(feature = "schema", schemars(extend("exclusiveMinimum" = 0, "maximum" = 1)))]
    pub fraction: f64,
    /// Floor on the probe size. Default (when absent): `4 * dimensions + 4`, enough points for
    /// the classifier's quadratic fit; `max(10, dimensions + 1)` when the space has a categorical
    /// parameter or holds only integers with at most 12 levels each (geometric mean): such a
    /// space is rugged by rule, so nothing is fitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
    pub min_points: Option<u64>,
}

fn default_probe_fraction() -> f64 {
    0.2
}

impl Default for ProbeConfig {
    fn default() -> Self {
        Self { fraction: default_probe_fraction(), min_points: None }
    }
}

/// Landscape classifier settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ClassifierConfig {
    /// Smoothness score at or above which the landscape is called smooth (from 0 to 1).
    /// Default 0.5.
    #[serde(default = "default_threshold")]
    #[cfg_attr(feature = "schema", schemars(range(min = 0, max = 1)))]
    pub threshold: f64,
}

/// Default smoothness threshold of the classifier.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

fn default_threshold() -> f64 {
    DEFAULT_THRESHOLD
}

impl Default for ClassifierConfig {
    fn default() -> Self {
        Self { threshold: default_threshold() }
    }
}

/// One prior observation: parameter values and the objective value seen for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// Values for every parameter of the space.
    pub params: Params,
    /// The objective value (finite; lower is better).
    pub value: f64,
}

/// One parameter's domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Param {
    /// A real number in `[low, high]`, optionally searched on a log scale.
    Float {
        /// Lower bound (inclusive).
        low: f64,
        /// Upper bound (inclusive).
        high: f64,
        /// Search `ln(x)` uniformly instead of `x` (needs `low > 0`).
        #[serde(default)]
        log: bool,
    },
    /// An integer in `[low, high]`, optionally searched on a log scale.
    Int {
        /// Lower bound (inclusive, integral).
        low: f64,
        /// Upper bound (inclusive, integral).
        high: f64,
        /// Search on a log scale (needs `low > 0`).
        #[serde(default)]
        log: bool,
    },
    /// One of a list of unordered options.
    Choice {
        /// The options: strings, numbers or booleans, distinct.
        choices: Vec<Value>,
    },
}

impl Param {
    /// Convenience constructor for a linear float parameter.
    pub fn float(low: f64, high: f64) -> Self {
        Param::Float { low, high, log: false }
    }
    /// Convenience constructor for a log-scaled float parameter.
    pub fn log_float(low: f64, high: f64) -> Self {
        Param::Float { low, high, log: true }
    }
    /// Convenience constructor for a linear integer parameter.
    pub fn int(low: i64, high: i64) -> Self {
        Param::Int { low: low as f64, high: high as f64, log: false }
    }
    /// Convenience constructor for a categorical parameter.
    pub fn choice<I: IntoIterator<Item = V>, V: Into<Value>>(choices: I) -> Self {
        Param::Choice { choices: choices.into_iter().map(Into::into).collect() }
    }
}

/// A parameter value or choice option: bool, integer, float or string.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A real number.
    Float(f64),
    /// A string.
    Str(String),
}

impl Value {
    /// The value as a real number, when it is numeric.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Equality that treats `1` and `1.0` as the same option.
    pub fn same_as(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (a, b) => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            },
        }
    }
}

// Read by its own visitor, not serde's untagged form: that buffers every value and builds an
// error for each variant it rejects, which cost 40 % of a snapshot restore's instructions.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;
        impl Visitor<'_> for ValueVisitor {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, number or string")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
                Ok(Value::Int(i))
            }
            // Integers beyond i64 become floats, as the untagged form did.
            fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
                Ok(i64::try_from(u).map_or(Value::Float(u as f64), Value::Int))
            }
            fn visit_f64<E>(self, x: f64) -> Result<Value, E> {
                Ok(Value::Float(x))
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::Str(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Value, E> {
                Ok(Value::Str(s))
            }
        }
        deserializer.deserialize_any(ValueVisitor)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Str(s) => write!(f, "{s:?}"),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Float(x)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// An ordered list of named entries, written in JSON as an object whose key order is kept.
///
/// Both the [`Space`] and trial [`Params`] use it: JSON objects are the natural way to
/// write them, and the order matters for determinism (it fixes the encoded dimensions).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Named<T> {
    entries: Vec<(String, T)>,
    /// First repeated key seen while parsing; reported by validation rather than dropped.
    duplicate: Option<String>,
}

impl<T> Named<T> {
    /// An empty list.
    pub fn new() -> Self {
        Self { entries: Vec::new(), duplicate: None }
    }
    /// Appends an entry (a repeated name is kept and reported by validation).
    pub fn push(&mut self, name: impl Into<String>, value: T) {
        let name = name.into();
        if self.duplicate.is_none() && self.entries.iter().any(|(n, _)| *n == name) {
            self.duplicate = Some(name.clone());
        }
        self.entries.push((name, value));
    }
    /// Builder form of [`Named::push`].
    pub fn with(mut self, name: impl Into<String>, value: T) -> Self {
        self.push(name, value);
        self
    }
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// Entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v))
    }
    /// The value stored under `name`, if any.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
    /// The first name that occurs more than once, if any.
    pub fn duplicate_name(&self) -> Option<&str> {
        self.duplicate.as_deref()
    }
}

impl<T> FromIterator<(String, T)> for Named<T> {
    fn from_iter<I: IntoIterator<Item = (String, T)>>(iter: I) -> Self {
        let mut out = Named::new();
        for (k, v) in iter {
            out.push(k, v);
        }
        out
    }
}

impl<T: Serialize> Serialize for Named<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Named<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NamedVisitor<T>(core::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for NamedVisitor<T> {
            type Value = Named<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object mapping names to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut out = Named::new();
                while let Some((k, v)) = access.next_entry::<String, T>()? {
                    out.push(k, v);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(NamedVisitor(core::marker::PhantomData))
    }
}

#[cfg(feature = "schema")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Named<T> {
    fn schema_name() -> alloc::borrow::Cow<'static, str> {
        format!("Named_{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let inner = generator.subschema_for::<T>();
        schemars::json_schema!({
            "type": "object",
            "description": "An object whose key order is significant.",
            "additionalProperties": inner,
        })
    }
}

/// The search space: parameter names to domains, in order.
pub type Space = Named<Param>;

/// A trial's or observation's parameter values, by name, in space order.
pub type Params = Named<Value>;

impl SolverConfig {
    /// A config with default strategy, probe and classifier settings.
    pub fn new(space: Space, budget: u64, seed: u64) -> Self {
        Self {
            seed,
            budget,
            space,
            strategy: StrategyChoice::Auto,
            probe: ProbeConfig::default(),
            classifier: ClassifierConfig::default(),
            warm_start: Vec::new(),
            parallel: None,
            trials: TrialRetention::Keep,
        }
    }

    /// Parses a config from JSON text (no validation; see [`SolverConfig::validate`]).
    ///
    /// Configs written for arqonhpo 0.3 (`{"seed", "budget", "bounds": {name: {"min", "max",
    /// "scale"}}}`) are recognised and converted (see the `legacy` module).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::from_json(e, text))?;
        if legacy::is_legacy(&value) {
            return legacy::convert(text);
        }
        // Parsed again from the text (not the value) so that errors carry line and column,
        // and (with std) the path of the field, e.g. `space.lr: unknown variant `flot``.
        #[cfg(feature = "std")]
        {
            let mut de = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let path = e.path().to_string();
                Error::from_json_at(e.into_inner(), text, &path)
            })
        }
        #[cfg(not(feature = "std"))]
        serde_json::from_str(text).map_err(|e| Error::from_json(e, text))
    }

    /// The config as pretty JSON text.
    pub fn to_json(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks everything about the config and returns every problem found, each with its
    /// path (`space.lr.low`), the offending value and how to fix it.
    pub fn validate(&self) -> Result<(), Error> {
        let mut issues = Vec::new();
        let mut add = |path: String, message: String| issues.push(ConfigIssue { path, message });

        if self.budget == 0 {
            add("budget".into(), "must be at least 1, got 0".into());
        }
        if self.space.is_empty() {
            add("space".into(), "is empty; add at least one parameter".into());
        }
        if self.space.len() > MAX_DIMENSIONS {
            add(
                "space".into(),
                format!(
                    "has {} parameters; at most {MAX_DIMENSIONS} are supported",
                    self.space.len()
                ),
            );
        }
        if let Some(name) = self.space.duplicate_name() {
            add(
                format!("space.{name}"),
                "is defined more than once; parameter names must be unique".into(),
            );
        }
        for (name, param) in self.space.iter() {
            if name.is_empty() {
                add(
                    "space".into(),
                    "has a parameter with an empty name; give every parameter a name".into(),
                );
            }
            if name.contains('\0') {
                add(
                    format!("space.{}", name.escape_debug()),
                    "contains a NUL character, which C strings cannot carry; rename it".into(),
                );
            }
            validate_param(name, param, &mut add);
        }

        let p = &self.probe;
        if !(p.fraction.is_finite() && p.fraction > 0.0 && p.fraction <= 1.0) {
            add("probe.fraction".into(), format!("must be in (0, 1], got {}", p.fraction));
        }
        if p.min_points == Some(0) {
            add("probe.min_points".into(), "must be at least 1, got 0".into());
        }
        let t = self.classifier.threshold;
        if !(t.is_finite() && (0.0..=1.0).contains(&t)) {
            add("classifier.threshold".into(), format!("must be in [0, 1], got {t}"));
        }

        if self.trials == TrialRetention::Stream && self.probe.fraction.is_finite() {
            // The by-fraction and explicit sizes (the default floor, 4·D + 4, is far below).
            let by_fraction = libm::ceil(self.probe.fraction * self.budget as f64) as u64;
            let planned = by_fraction.max(self.probe.min_points.unwrap_or(0)).min(self.budget);
            if planned > MAX_STREAM_PROBE {
                add(
                    "trials".into(),
                    format!(
                        "is \"stream\", but the probe plans {planned} points and a streaming run holds the probe in memory until it is classified (at most {MAX_STREAM_PROBE}); lower probe.fraction (it is {}) or set probe.min_points",
                        self.probe.fraction
                    ),
                );
            }
        }
        if self.parallel.as_ref().is_some_and(|p| p.lag == 0) {
            add("parallel.lag".into(), "must be at least 1 (the number of workers), got 0".into());
        }

        for (i, obs) in self.warm_start.iter().enumerate() {
            let base = format!("warm_start[{i}]");
            if !obs.value.is_finite() {
                add(format!("{base}.value"), format!("must be a finite number, got {}", obs.value));
            }
            for (name, _) in obs.params.iter() {
                if self.space.get(name).is_none() {
                    add(format!("{base}.params.{name}"), "is not a parameter of the space".into());
                }
            }
            for (name, param) in self.space.iter() {
                let path = format!("{base}.params.{name}");
                match obs.params.get(name) {
                    None => {
                        add(path, "is missing; a warm-start point needs every parameter".into())
                    }
                    Some(v) => {
                        if let Err(msg) = check_value(param, v) {
                            add(path, msg);
                        }
                    }
                }
            }
        }

        if issues.is_empty() {
            Ok(())
        } else {
            Err(Error::Config { issues })
        }
    }
}

fn validate_param(name: &str, param: &Param, add: &mut impl FnMut(String, String)) {
    let path = |field: &str| {
        if field.is_empty() {
            format!("space.{name}")
        } else {
            format!("space.{name}.{field}")
        }
    };
    match param {
        Param::Float { low, high, log } | Param::Int { low, high, log } => {
            let is_int = matches!(param, Param::Int { .. });
            let mut finite = true;
            for (field, v) in [("low", *low), ("high", *high)] {
                if !v.is_finite() {
                    add(path(field), format!("must be a finite number, got {v}"));
                    finite = false;
                } else if is_int && v.abs() > MAX_INT_BOUND {
                    // Bounds are read as doubles, so a bound this large is already rounded:
                    // show it as such rather than as an integer the user never wrote.
                    add(
                        path(field),
                        format!("must be an integer of magnitude at most 2^53 = 9007199254740992 (bounds are held as doubles), got about {v:e}"),
                    );
                    finite = false;
                } else if is_int && libm::trunc(v) != v {
                    add(path(field), format!("must be an integer, got {v}"));
                    finite = false;
                }
            }
            if !finite {
                return;
            }
            if low >= high {
                add(path(""), format!("needs low < high, got low = {low}, high = {high}"));
            }
            if *log && *low <= 0.0 {
                add(path("low"), format!("log scale needs low > 0, got low = {low}"));
            }
        }
        Param::Choice { choices } => {
            if choices.is_empty() {
                add(path("choices"), "is empty; list at least one option".into());
            }
            for (i, c) in choices.iter().enumerate() {
                if let Value::Float(x) = c {
                    if !x.is_finite() {
                        add(
                            format!("{}[{i}]", path("choices")),
                            format!("must be finite, got {x}"),
                        );
                    }
                }
                if choices[..i].iter().any(|prev| prev.same_as(c)) {
                    add(
                        format!("{}[{i}]", path("choices")),
                        format!("repeats the option {c}; options must be distinct"),
                    );
                }
            }
        }
    }
}

/// Checks that `v` is a legal value of `param`; the message says what was expected.
pub(crate) fn check_value(param: &Param, v: &Value) -> Result<(), String> {
    match param {
        Param::Float { low, high, .. } => match v.as_f64() {
            Some(x) if x.is_finite() && *low <= x && x <= *high => Ok(()),
            Some(x) => Err(format!("must be within [{low}, {high}], got {x}")),
            None => Err(format!("must be a number, got {v}")),
        },
        Param::Int { low, high, .. } => match v.as_f64() {
            Some(x) if libm::trunc(x) == x && *low <= x && x <= *high => Ok(()),
            Some(x) => Err(format!("must be an integer within [{low}, {high}], got {x}")),
            None => Err(format!("must be an integer, got {v}")),
        },
        Param::Choice { choices } => {
            if choices.iter().any(|c| c.same_as(v)) {
                Ok(())
            } else {
                Err(format!("must be one of the choices, got {v}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategy_names_are_the_config_spellings() {
        for s in StrategyChoice::ALL {
            assert_eq!(serde_json::to_value(s).ok(), Some(serde_json::json!(s.as_str())));
        }
    }

    #[test]
    fn values_read_back_as_written() {
        let text = r#"[true, -3, 18446744073709551615, 0.5, "a"]"#;
        let values: Vec<Value> = serde_json::from_str(text).unwrap();
        let expected = [
            Value::Bool(true),
            Value::Int(-3),
            Value::Float(18_446_744_073_709_551_615.0),
            Value::Float(0.5),
            Value::Str("a".into()),
        ];
        assert_eq!(values, expected);
        for v in &expected {
            assert_eq!(
                &serde_json::from_value::<Value>(serde_json::to_value(v).unwrap()).unwrap(),
                v
            );
        }
        let err = serde_json::from_str::<Value>("null").unwrap_err().to_string();
        assert!(err.contains("expected a boolean, number or string"), "{err}");
    }
}
