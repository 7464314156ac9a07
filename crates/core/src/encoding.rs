//! Encoding of the search space into the unit cube.
//!
//! Strategies work on points `u ∈ [0, 1]^D`, one coordinate per parameter, and never see
//! parameter values. This module maps between the two: floats linearly or on a log scale,
//! integers as equal-width cells (rounded at evaluation), choices as `k` equal cells in the
//! listed order. Decoding is total: any `u` (even out of range) gives legal values.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::config::{Param, Params, Space, Value};
use crate::trial::Score;

/// How a strategy should treat one coordinate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum DimKind {
    /// A real-valued parameter.
    Continuous,
    /// An integer parameter with this many levels.
    Integer { levels: f64 },
    /// A categorical parameter with this many options.
    Categorical { k: usize },
}

/// A space of integers only whose level counts have a geometric mean at or below this is a
/// coarse lattice, refined by TPE whatever the probe measures (see [`Piecewise`]).
pub(crate) const COARSE_LATTICE_LEVELS: f64 = 12.0;

/// Why the space alone, before any trial, settles the refining strategy: on these spaces a
/// simplex has nothing to move along, so the classifier sends them to TPE whatever the probe
/// measures, and the probe skips the twins that would only measure roughness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Piecewise {
    /// This many categorical parameters: unordered options give a simplex no direction.
    Categorical(usize),
    /// Integers only, with this many levels per parameter (geometric mean, at most
    /// [`COARSE_LATTICE_LEVELS`]): a simplex's steps round onto so few cells that it stalls,
    /// and flat steps between cells stop it for good. The threshold comes from the
    /// `integer_lattices` example's study (numbers in `docs/design.md`, Encoding).
    CoarseLattice { levels: f64 },
}

/// The rule of [`Piecewise`] for a space's coordinates (`None`: the probe decides).
fn piecewise(kinds: &[DimKind]) -> Option<Piecewise> {
    let categorical = kinds.iter().filter(|k| matches!(k, DimKind::Categorical { .. })).count();
    if categorical > 0 {
        return Some(Piecewise::Categorical(categorical));
    }
    let mut log_levels = 0.0;
    for kind in kinds {
        match *kind {
            DimKind::Integer { levels } => log_levels += libm::log(levels),
            _ => return None,
        }
    }
    let levels = libm::exp(log_levels / kinds.len().max(1) as f64);
    (!kinds.is_empty() && levels <= COARSE_LATTICE_LEVELS)
        .then_some(Piecewise::CoarseLattice { levels })
}

/// The encoded view of a validated [`Space`].
#[derive(Debug, Clone)]
pub(crate) struct Encoding {
    kinds: Vec<DimKind>,
    categorical: Vec<bool>,
    piecewise: Option<Piecewise>,
}

impl Encoding {
    pub(crate) fn new(space: &Space) -> Self {
        let kinds = space
            .iter()
            .map(|(_, p)| match p {
                Param::Float { .. } => DimKind::Continuous,
                Param::Int { low, high, .. } => DimKind::Integer { levels: high - low + 1.0 },
                Param::Choice { choices } => DimKind::Categorical { k: choices.len() },
            })
            .collect::<Vec<_>>();
        let categorical = kinds.iter().map(|k| matches!(k, DimKind::Categorical { .. })).collect();
        let piecewise = piecewise(&kinds);
        Self { kinds, categorical, piecewise }
    }

    /// Whether the space alone settles the refining strategy (see [`Piecewise`]).
    pub(crate) fn piecewise(&self) -> Option<Piecewise> {
        self.piecewise
    }

    /// Which coordinates are categorical.
    pub(crate) fn categorical_mask(&self) -> &[bool] {
        &self.categorical
    }

    pub(crate) fn dim(&self) -> usize {
        self.kinds.len()
    }

    pub(crate) fn kinds(&self) -> &[DimKind] {
        &self.kinds
    }
}

/// Clamps to the unit interval (NaN goes to the middle, so decoding stays total).
pub(crate) fn clamp_unit(u: f64) -> f64 {
    if u.is_nan() {
        0.5
    } else {
        u.clamp(0.0, 1.0)
    }
}

fn cell(u: f64, cells: f64) -> f64 {
    libm::floor(clamp_unit(u) * cells).min(cells - 1.0)
}

fn log_int_range(low: f64, high: f64) -> (f64, f64) {
    (libm::log(low - 0.5), libm::log(high + 0.5))
}

/// `low + u (high − low)`; a range wider than the largest double is halved first so the span
/// does not overflow (the result is the same point up to rounding).
fn lerp(low: f64, high: f64, u: f64) -> f64 {
    let span = high - low;
    if span.is_finite() {
        low + u * span
    } else {
        2.0 * (low / 2.0 + u * (high / 2.0 - low / 2.0))
    }
}

/// The inverse of [`lerp`]: where `x` lies between `low` and `high`, as a fraction.
fn unlerp(low: f64, high: f64, x: f64) -> f64 {
    let span = high - low;
    if span.is_finite() {
        (x - low) / span
    } else {
        (x / 2.0 - low / 2.0) / (high / 2.0 - low / 2.0)
    }
}

/// The value of one parameter at unit coordinate `u`.
pub(crate) fn decode_one(param: &Param, u: f64) -> Value {
    let u = clamp_unit(u);
    match param {
        Param::Float { low, high, log } => {
            let x = if u <= 0.0 {
                *low
            } else if u >= 1.0 {
                *high
            } else if *log {
                let (a, b) = (libm::log(*low), libm::log(*high));
                libm::exp(a + u * (b - a))
            } else {
                lerp(*low, *high, u)
            };
            Value::Float(x.clamp(*low, *high))
        }
        Param::Int { low, high, log } => {
            let x = if *log {
                let (a, b) = log_int_range(*low, *high);
                libm::round(libm::exp(a + u * (b - a)))
            } else {
                low + cell(u, high - low + 1.0)
            };
            Value::Int(x.clamp(*low, *high) as i64)
        }
        Param::Choice { choices } => {
            let i = cell(u, choices.len() as f64) as usize;
            choices[i.min(choices.len() - 1)].clone()
        }
    }
}

/// The unit coordinate of a legal value (the centre of its cell for ints and choices).
pub(crate) fn encode_one(param: &Param, v: &Value) -> f64 {
    let u = match param {
        Param::Float { low, high, log } => {
            let x = v.as_f64().unwrap_or(*low);
            if *log {
                (libm::log(x) - libm::log(*low)) / (libm::log(*high) - libm::log(*low))
            } else {
                unlerp(*low, *high, x)
            }
        }
        Param::Int { low, high, log } => {
            let x = v.as_f64().unwrap_or(*low);
            if *log {
                let (a, b) = log_int_range(*low, *high);
                // Centre of the log-cell that rounds to x.
                let lo = libm::log((x - 0.5).max(low - 0.5));
                let hi = libm::log((x + 0.5).min(high + 0.5));
                (0.5 * (lo + hi) - a) / (b - a)
            } else {
                (x - low + 0.5) / (high - low + 1.0)
            }
        }
        Param::Choice { choices } => {
            let i = choices.iter().position(|c| c.same_as(v)).unwrap_or(0);
            (i as f64 + 0.5) / choices.len() as f64
        }
    };
    clamp_unit(u)
}

/// Decodes a whole point into named parameter values.
pub(crate) fn decode(space: &Space, u: &[f64]) -> Params {
    space.iter().zip(u).map(|((name, p), &x)| (name.into(), decode_one(p, x))).collect()
}

/// Encodes validated parameter values into a unit point.
pub(crate) fn encode(space: &Space, params: &Params) -> Vec<f64> {
    space.iter().map(|(name, p)| params.get(name).map_or(0.5, |v| encode_one(p, v))).collect()
}

/// Moves integer and categorical coordinates to the centre of their cell, so that two
/// points that decode to the same values are also equal in the encoding.
pub(crate) fn snap(space: &Space, u: &mut [f64]) {
    for ((_, p), x) in space.iter().zip(u.iter_mut()) {
        if !matches!(p, Param::Float { .. }) {
            *x = encode_one(p, &decode_one(p, *x));
        } else {
            *x = clamp_unit(*x);
        }
    }
}

/// The configurations handed out so far and the first score told for each, on a space where
/// every parameter is an integer or a choice, so that strategies need not evaluate one again:
/// on such a space the same values come up again and again, and evaluating a configuration
/// twice tells a deterministic objective nothing new. Each configuration is one mixed-radix
/// number (its values' positions as digits), so the index costs about 24 bytes per configuration
/// and `O(log n)` per lookup. Spaces with a float parameter (where two proposals practically
/// never coincide) or more configurations than a `u64` counts get no index. It is derived
/// from the trial list and the warm start, and serialized only by a streaming run's snapshot
/// (which no longer holds every trial).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Seen {
    /// Number of values of each parameter, and of configurations.
    radix: Vec<u64>,
    total: u64,
    /// Score of each configuration handed out, `None` until one of its trials is told.
    scores: BTreeMap<u64, Option<f64>>,
}

impl Seen {
    /// An empty index for a space with these coordinates, or `None` when the space gets none
    /// (see the type's docs).
    pub(crate) fn for_kinds(kinds: &[DimKind]) -> Option<Self> {
        let mut radix = Vec::with_capacity(kinds.len());
        let mut total: u64 = 1;
        for kind in kinds {
            let values = match *kind {
                DimKind::Continuous => return None,
                DimKind::Integer { levels } => levels,
                DimKind::Categorical { k } => k as f64,
            };
            if values >= u64::MAX as f64 {
                return None;
            }
            radix.push(values as u64);
            total = total.checked_mul(values as u64)?;
        }
        Some(Self { radix, total, scores: BTreeMap::new() })
    }

    fn key(&self, space: &Space, u: &[f64]) -> u64 {
        space.iter().zip(u).zip(&self.radix).fold(0, |key, (((_, p), &x), &radix)| {
            let digit = match p {
                Param::Int { low, .. } => decode_one(p, x).as_f64().map_or(0, |v| (v - low) as u64),
                Param::Choice { choices } => cell(x, choices.len() as f64) as u64,
                Param::Float { .. } => 0,
            };
            key * radix + digit
        })
    }

    /// A configuration was handed out.
    pub(crate) fn insert(&mut self, space: &Space, u: &[f64]) {
        let key = self.key(space, u);
        self.scores.entry(key).or_insert(None);
    }

    /// A configuration's score was told; the first score told for it is the one kept.
    pub(crate) fn record(&mut self, space: &Space, u: &[f64], score: Score) {
        let key = self.key(space, u);
        self.scores.entry(key).or_insert(None).get_or_insert(score.rank());
    }

    pub(crate) fn contains(&self, space: &Space, u: &[f64]) -> bool {
        self.scores.contains_key(&self.key(space, u))
    }

    /// The score told for this configuration, if it has been told.
    pub(crate) fn score(&self, space: &Space, u: &[f64]) -> Option<f64> {
        self.scores.get(&self.key(space, u)).copied().flatten()
    }

    /// Every configuration of the space has been handed out.
    pub(crate) fn is_full(&self) -> bool {
        self.scores.len() as u64 >= self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_cells_are_equal_width_and_round_trip() {
        let p = Param::int(1, 4);
        let vals: Vec<_> =
            [0.0, 0.24, 0.26, 0.5, 0.74, 0.99, 1.0].iter().map(|&u| decode_one(&p, u)).collect();
        assert_eq!(vals, [1, 1, 2, 3, 3, 4, 4].map(Value::Int).to_vec());
        for i in 1..=4 {
            assert_eq!(decode_one(&p, encode_one(&p, &Value::Int(i))), Value::Int(i));
        }
    }

    #[test]
    fn only_categorical_spaces_and_coarse_integer_lattices_are_piecewise_by_rule() {
        let ints = |levels: &[i64]| {
            levels
                .iter()
                .enumerate()
                .fold(Space::new(), |s, (i, &l)| s.with(alloc::format!("n{i}"), Param::int(1, l)))
        };
        let piecewise = |space: &Space| Encoding::new(space).piecewise();
        let lattice = |space: &Space| match piecewise(space) {
            Some(Piecewise::CoarseLattice { levels }) => Some(libm::round(levels * 1e6) / 1e6),
            _ => None,
        };
        assert_eq!(lattice(&ints(&[6, 6, 6, 6])), Some(6.0));
        // The geometric mean decides: 4 · 36 = 12², but 4 · 40 > 12².
        assert_eq!(lattice(&ints(&[4, 36])), Some(12.0));
        assert_eq!(piecewise(&ints(&[4, 40])), None);
        assert_eq!(piecewise(&ints(&[13, 13, 13])), None);
        assert_eq!(
            piecewise(&ints(&[6, 6]).with("x", Param::float(0.0, 1.0))),
            None,
            "a float: the probe decides"
        );
        assert_eq!(
            piecewise(
                &ints(&[40]).with("c", Param::choice(["a", "b"])).with("d", Param::choice([1, 2]))
            ),
            Some(Piecewise::Categorical(2))
        );
        let log = Space::new()
            .with("n", Param::Int { low: 1.0, high: 10.0, log: true })
            .with("m", Param::int(1, 10));
        assert_eq!(lattice(&log), Some(10.0), "levels count on a log scale too");
    }

    #[test]
    fn log_scales_round_trip() {
        let f = Param::log_float(1e-4, 10.0);
        let Value::Float(x) = decode_one(&f, 0.5) else { panic!("float expected") };
        assert!((x - libm::sqrt(1e-3)).abs() < 1e-12);
        let li = Param::Int { low: 1.0, high: 1000.0, log: true };
        for i in [1, 2, 3, 10, 999, 1000] {
            assert_eq!(decode_one(&li, encode_one(&li, &Value::Int(i))), Value::Int(i), "{i}");
        }
    }

    #[test]
    fn seen_tells_configurations_apart_and_only_indexes_discrete_spaces() {
        let space = Space::new()
            .with("n", Param::int(-2, 2))
            .with("m", Param::Int { low: 1.0, high: 300.0, log: true })
            .with("c", Param::choice(["a", "b", "c"]));
        let mut seen =
            Seen::for_kinds(Encoding::new(&space).kinds()).unwrap_or_else(|| panic!("an index"));
        let configs: Vec<Vec<f64>> = (-2..=2)
            .flat_map(|n| [1, 2, 150, 299, 300].map(move |m| (n, m)))
            .flat_map(|(n, m)| ["a", "b", "c"].map(move |c| (n, m, c)))
            .map(|(n, m, c)| {
                encode(
                    &space,
                    &Params::new()
                        .with("n", Value::Int(n))
                        .with("m", Value::Int(m))
                        .with("c", Value::from(c)),
                )
            })
            .collect();
        for (i, u) in configs.iter().enumerate() {
            assert!(!seen.contains(&space, u), "{i}: {u:?} before it was inserted");
            seen.insert(&space, u);
            assert!(seen.contains(&space, u));
        }
        // Any point of a configuration's cells is that configuration.
        let mut inside = configs[7].clone();
        inside[2] += 0.1;
        assert!(seen.contains(&space, &inside));
        // Handed out but not told: no score; then the first score told is kept.
        assert_eq!(seen.score(&space, &inside), None);
        seen.record(&space, &configs[7], Score::Value(2.0));
        seen.record(&space, &inside, Score::Value(3.0));
        assert_eq!(seen.score(&space, &configs[7]), Some(2.0));
        assert_eq!(seen.score(&space, &configs[8]), None);
        assert!(!seen.is_full());
        let tiny = Space::new().with("c", Param::choice(["a", "b"]));
        let mut full =
            Seen::for_kinds(Encoding::new(&tiny).kinds()).unwrap_or_else(|| panic!("an index"));
        full.insert(&tiny, &[0.1]);
        full.insert(&tiny, &[0.9]);
        assert!(full.is_full());
        assert!(Seen::for_kinds(
            Encoding::new(&space.clone().with("x", Param::float(0.0, 1.0))).kinds()
        )
        .is_none());
        let huge =
            (0..5).fold(Space::new(), |s, i| s.with(format!("p{i}"), Param::int(0, 1 << 20)));
        assert!(
            Seen::for_kinds(Encoding::new(&huge).kinds()).is_none(),
            "2^100 configurations do not fit a u64"
        );
    }

    #[test]
    fn decoding_is_total_and_in_bounds() {
        let p = Param::log_float(0.5, 2.0);
        for u in [f64::NAN, -3.0, 0.0, 1.0, 7.0] {
            let x = decode_one(&p, u).as_f64().unwrap_or(f64::NAN);
            assert!((0.5..=2.0).contains(&x), "{u} -> {x}");
        }
        let c = Param::choice(["a", "b", "c"]);
        assert_eq!(decode_one(&c, 1.0), Value::from("c"));
        assert_eq!(decode_one(&c, 0.34), Value::from("b"));
    }
}
