//! Compact trial storage for the state machine.
//!
//! A trial's parameters are a pure function of its unit-cube point (`encoding::decode`), so
//! the store keeps only the point, in one flat array in space order, and a fixed-size record
//! of the rest; parameter names live once, in the space. A [`TrialRecord`] is built on demand
//! for the fronts, the artifact and the snapshot, whose JSON stays what it was.
//!
//! Per trial that is `8·D` bytes of point plus a 32-byte [`Meta`]; a failure reason is kept
//! aside, only for the trials that have one. In streaming mode the store holds only the
//! trials the solver still needs (pending ones, the best, the probe until it is classified)
//! and records their ids, since they are no longer dense.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::artifact::TrialRecord;
use crate::config::Space;
use crate::encoding;
use crate::trial::{Method, Score, Stage, TrialStatus};

/// `told_index` of a trial not told yet.
const NOT_TOLD: u64 = u64::MAX;

/// Everything about a trial except its point and failure reason, in 32 bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Meta {
    /// The value of a completed trial; NaN otherwise.
    value: f64,
    pub(crate) asked_after: u64,
    told_index: u64,
    pub(crate) status: TrialStatus,
    pub(crate) stage: Stage,
    pub(crate) method: Method,
}

impl Meta {
    /// A trial just handed out.
    pub(crate) fn pending(stage: Stage, method: Method, asked_after: u64) -> Self {
        Meta {
            value: f64::NAN,
            asked_after,
            told_index: NOT_TOLD,
            status: TrialStatus::Pending,
            stage,
            method,
        }
    }

    pub(crate) fn value(&self) -> Option<f64> {
        (self.status == TrialStatus::Completed).then_some(self.value)
    }

    pub(crate) fn told_index(&self) -> Option<u64> {
        (self.told_index != NOT_TOLD).then_some(self.told_index)
    }

    /// What the classifier and the strategies see of this trial once told.
    pub(crate) fn score(&self) -> Score {
        match self.value() {
            Some(v) => Score::Value(v),
            None => Score::Failed,
        }
    }

    /// Records the tell: completed with `value`, or failed when it is `None`.
    pub(crate) fn tell(&mut self, value: Option<f64>, told_index: u64) {
        self.status = if value.is_some() { TrialStatus::Completed } else { TrialStatus::Failed };
        self.value = value.unwrap_or(f64::NAN);
        self.told_index = told_index;
    }
}

/// The trials the solver holds, by id.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Store {
    dim: usize,
    /// Ids of the held trials, ascending; `None` while every trial is held (id = position).
    ids: Option<Vec<u64>>,
    /// Unit-cube points, `dim` numbers per trial, in the order of `meta`.
    units: Vec<f64>,
    meta: Vec<Meta>,
    reasons: BTreeMap<u64, String>,
}

impl Store {
    /// An empty store; `sparse` when trials will be dropped (streaming mode).
    pub(crate) fn new(dim: usize, sparse: bool) -> Self {
        Store {
            dim,
            ids: sparse.then(Vec::new),
            units: Vec::new(),
            meta: Vec::new(),
            reasons: BTreeMap::new(),
        }
    }

    /// Number of trials held.
    pub(crate) fn len(&self) -> usize {
        self.meta.len()
    }

    /// Adds trial `id` (larger than every id held).
    pub(crate) fn push(&mut self, id: u64, unit: &[f64], meta: Meta) {
        if let Some(ids) = self.ids.as_mut() {
            ids.push(id);
        }
        self.units.extend_from_slice(unit);
        self.meta.push(meta);
    }

    fn position(&self, id: u64) -> Option<usize> {
        match &self.ids {
            None => usize::try_from(id).ok().filter(|&i| i < self.meta.len()),
            Some(ids) => ids.binary_search(&id).ok(),
        }
    }

    /// Whether trial `id` is held.
    pub(crate) fn contains(&self, id: u64) -> bool {
        self.position(id).is_some()
    }

    /// Trial `id`'s point.
    pub(crate) fn unit(&self, id: u64) -> Option<&[f64]> {
        let i = self.position(id)?;
        Some(&self.units[i * self.dim..(i + 1) * self.dim])
    }

    pub(crate) fn meta(&self, id: u64) -> Option<&Meta> {
        self.position(id).map(|i| &self.meta[i])
    }

    pub(crate) fn meta_mut(&mut self, id: u64) -> Option<&mut Meta> {
        self.position(id).map(|i| &mut self.meta[i])
    }

    pub(crate) fn reason(&self, id: u64) -> Option<&str> {
        self.reasons.get(&id).map(String::as_str)
    }

    pub(crate) fn set_reason(&mut self, id: u64, reason: Option<String>) {
        match reason {
            Some(r) => self.reasons.insert(id, r),
            None => self.reasons.remove(&id),
        };
    }

    /// Ids of the held trials, ascending.
    pub(crate) fn ids(&self) -> impl Iterator<Item = u64> + '_ {
        let dense = match &self.ids {
            None => Some(0..self.meta.len() as u64),
            Some(_) => None,
        };
        dense.into_iter().flatten().chain(self.ids.iter().flatten().copied())
    }

    /// Trial `id` as the fronts and the artifact see it.
    pub(crate) fn record(&self, space: &Space, id: u64) -> Option<TrialRecord> {
        let m = self.meta(id)?;
        Some(TrialRecord {
            id,
            params: encoding::decode(space, self.unit(id)?),
            status: m.status,
            value: m.value(),
            reason: self.reason(id).map(String::from),
            stage: m.stage,
            method: m.method,
            asked_after: m.asked_after,
            told_index: m.told_index(),
        })
    }

    /// Drops the trials for which `keep` is false (streaming mode only: a dense store keeps
    /// every trial).
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(u64, &Meta) -> bool) {
        let Some(ids) = self.ids.as_mut() else { return };
        let dim = self.dim;
        let mut w = 0;
        for r in 0..ids.len() {
            let id = ids[r];
            if keep(id, &self.meta[r]) {
                ids[w] = id;
                self.meta[w] = self.meta[r];
                self.units.copy_within(r * dim..(r + 1) * dim, w * dim);
                w += 1;
            } else {
                self.reasons.remove(&id);
            }
        }
        ids.truncate(w);
        self.meta.truncate(w);
        self.units.truncate(w * dim);
    }

    /// Builds a store from records and their points (a restored snapshot); `None` when the
    /// points do not have the space's dimension.
    pub(crate) fn from_records(
        dim: usize,
        sparse: bool,
        records: &[TrialRecord],
        units: &[Vec<f64>],
    ) -> Option<Self> {
        if records.len() != units.len() || units.iter().any(|u| u.len() != dim) {
            return None;
        }
        let mut store = Store::new(dim, sparse);
        for (r, u) in records.iter().zip(units) {
            let mut meta = Meta::pending(r.stage, r.method, r.asked_after);
            meta.status = r.status;
            meta.value = r.value.unwrap_or(f64::NAN);
            meta.told_index = r.told_index.unwrap_or(NOT_TOLD);
            store.push(r.id, u, meta);
            store.set_reason(r.id, r.reason.clone());
        }
        Some(store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparse_store_drops_and_finds_trials_by_id() {
        let mut store = Store::new(2, true);
        for id in 0..5u64 {
            let x = id as f64;
            store.push(id, &[x, x + 0.5], Meta::pending(Stage::Refine, Method::Random, 0));
        }
        store.set_reason(1, Some("gone".into()));
        store.retain(|id, _| id % 2 == 0);
        assert_eq!(store.ids().collect::<Vec<_>>(), [0, 2, 4]);
        assert_eq!(store.unit(4), Some(&[4.0, 4.5][..]));
        assert_eq!(store.unit(1), None);
        assert_eq!(store.reason(1), None);
        assert_eq!(store.len(), 3);
    }

    #[test]
    fn a_dense_store_keeps_every_trial() {
        let mut store = Store::new(1, false);
        store.push(0, &[0.25], Meta::pending(Stage::Probe, Method::Sobol, 0));
        store.retain(|_, _| false);
        assert_eq!(store.ids().collect::<Vec<_>>(), [0]);
        assert!(core::mem::size_of::<Meta>() <= 32);
    }
}
