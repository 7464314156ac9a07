//! What the dashboard shows: the runs it watches, and the JSON each endpoint answers with.
//!
//! Each run file is read with the same reader as `report` ([`crate::report::load`]: artifact,
//! journal replay or state restore, all decided in core) and re-read when its length or
//! modification time changes. The views decimate what the browser draws (a fixed number of
//! points per plot, a page of table rows) and never what they keep, so a run with 100 000
//! trials answers as fast as one with a hundred.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use arqonhpo_core::{Param, RunArtifact, Stage, TrialRecord, TrialStatus, Value};
use serde_json::{json, Value as Json};

/// Stage codes in the compact point arrays: `[x, y, code, id]`.
const PROBE: u8 = 0;
const REFINE: u8 = 1;
const FAILED: u8 = 2;

fn code(t: &TrialRecord) -> u8 {
    match (t.status, t.stage) {
        (TrialStatus::Failed, _) => FAILED,
        (_, Stage::Probe) => PROBE,
        (_, Stage::Refine) => REFINE,
    }
}

/// A table order: sort key, descending, and the trial indices in that order.
type TableOrder = (SortKey, bool, Arc<Vec<usize>>);

/// One run as last read, with what every view needs precomputed once per read.
#[derive(Debug)]
pub struct RunView {
    /// The run as an artifact.
    pub artifact: RunArtifact,
    /// Indices into `artifact.trials` of the told trials, in tell order.
    told: Vec<usize>,
    /// The value axis: log10 when every value is positive and they span over two decades.
    log_y: bool,
    /// Smallest and largest completed value.
    range: Option<(f64, f64)>,
    /// The table's last order (key, descending, trial indices), so paging through a sorted
    /// table of 100 000 trials does not sort it again for every page.
    order: Mutex<Option<TableOrder>>,
}

impl RunView {
    /// Precomputes the tell order and the value axis of `artifact`.
    pub fn new(artifact: RunArtifact) -> Self {
        let mut told: Vec<usize> = (0..artifact.trials.len())
            .filter(|&i| artifact.trials[i].told_index.is_some())
            .collect();
        told.sort_by_key(|&i| artifact.trials[i].told_index);
        let range = completed(&artifact).fold(None, |r: Option<(f64, f64)>, (_, v)| {
            Some(r.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        });
        let log_y = range.is_some_and(|(lo, hi)| lo > 0.0 && hi / lo > 100.0);
        Self { artifact, told, log_y, range, order: Mutex::new(None) }
    }

    fn y(&self, v: f64) -> f64 {
        if self.log_y {
            v.log10()
        } else {
            v
        }
    }
}

fn completed(a: &RunArtifact) -> impl Iterator<Item = (&TrialRecord, f64)> {
    a.trials
        .iter()
        .filter(|t| t.status == TrialStatus::Completed)
        .filter_map(|t| t.value.map(|v| (t, v)))
}

/// A watched run file.
#[derive(Debug)]
pub struct Run {
    /// The file as named on the command line.
    pub path: PathBuf,
    /// The last successful read, if any.
    pub view: Option<Arc<RunView>>,
    /// Bumped on every successful read, so the page knows when to fetch again.
    pub version: u64,
    /// Why the last read failed (the previous view is kept meanwhile).
    pub error: Option<String>,
    /// Length and modification time at the last read.
    stamp: Option<(u64, Option<SystemTime>)>,
}

/// Every run the dashboard serves, shared between the watcher and the server.
pub type Runs = Arc<Vec<RwLock<Run>>>;

/// Reads every file once; the server starts even when one cannot be read yet (a run that
/// has not started writing its journal), and shows why.
pub fn open(paths: &[PathBuf]) -> Runs {
    let runs: Runs = Arc::new(
        paths
            .iter()
            .map(|p| {
                RwLock::new(Run {
                    path: p.clone(),
                    view: None,
                    version: 0,
                    error: None,
                    stamp: None,
                })
            })
            .collect(),
    );
    refresh(&runs);
    runs
}

fn stamp(path: &Path) -> Option<(u64, Option<SystemTime>)> {
    std::fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()))
}

/// Re-reads every file whose length or modification time changed; returns how many did.
pub fn refresh(runs: &Runs) -> usize {
    let mut changed = 0;
    for lock in runs.iter() {
        let (path, old) = match lock.read() {
            Ok(run) => (run.path.clone(), run.stamp),
            Err(_) => continue,
        };
        let now = stamp(&path);
        if now.is_some() && now == old {
            continue;
        }
        let loaded = crate::report::load(&path);
        let Ok(mut run) = lock.write() else { continue };
        run.stamp = now;
        match loaded {
            Ok(artifact) => {
                run.view = Some(Arc::new(RunView::new(artifact)));
                run.version += 1;
                run.error = None;
                changed += 1;
            }
            Err(e) => {
                run.error = Some(format!("{e:?}").lines().next().unwrap_or_default().to_string())
            }
        }
    }
    changed
}

fn name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// `/api/runs`: one line per run, cheap enough to poll every second.
pub fn runs_json(runs: &Runs) -> Json {
    let list: Vec<Json> = runs
        .iter()
        .enumerate()
        .filter_map(|(i, lock)| {
            let run = lock.read().ok()?;
            let (trials, told, best) = run.view.as_ref().map_or((0, 0, None), |v| {
                (
                    v.artifact.trials.len(),
                    v.told.len(),
                    v.artifact.best.as_ref().and_then(|b| b.value),
                )
            });
            Some(json!({
                "id": i, "name": name(&run.path), "version": run.version, "error": run.error,
                "trials": trials, "told": told, "best": best,
            }))
        })
        .collect();
    json!({ "runs": list })
}

/// `/api/run/N/summary`: config, phase, classification, counts and the best trial.
pub fn summary(v: &RunView) -> Json {
    let a = &v.artifact;
    let count = |s: TrialStatus| a.trials.iter().filter(|t| t.status == s).count();
    let probe = a.trials.iter().filter(|t| t.stage == Stage::Probe).count();
    json!({
        "engine_version": a.engine_version,
        "config_text": serde_json::to_string_pretty(&a.config).unwrap_or_default(),
        "budget": a.config.budget,
        "seed": a.config.seed,
        "params": a.config.space.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        "phase": a.phase,
        "classification": a.classification,
        "best": a.best,
        "counts": {
            "trials": a.trials.len(), "told": v.told.len(),
            "completed": count(TrialStatus::Completed), "failed": count(TrialStatus::Failed),
            "pending": count(TrialStatus::Pending), "probe": probe, "refine": a.trials.len() - probe,
        },
        "log_y": v.log_y,
        "range": v.range.map(|(lo, hi)| [lo, hi]),
    })
}

fn point(x: f64, t: &TrialRecord) -> Json {
    json!([x, t.value.filter(|_| t.status == TrialStatus::Completed), code(t), t.id])
}

/// `/api/run/N/convergence`: every told trial against its place in tell order, and the best
/// so far as the points where it improved. Beyond `limit` points, each of `limit / 5` slices
/// of the tell order keeps the lowest and highest value of each stage and its first failure,
/// so the envelope and every colour survive.
pub fn convergence(v: &RunView, limit: usize) -> Json {
    let trials = &v.artifact.trials;
    let n = v.told.len();
    let mut best: Vec<Json> = Vec::new();
    let mut so_far: Option<f64> = None;
    for (rank, &i) in v.told.iter().enumerate() {
        let t = &trials[i];
        if let (TrialStatus::Completed, Some(val)) = (t.status, t.value) {
            if so_far.is_none_or(|b| val < b) {
                so_far = Some(val);
                best.push(json!([rank + 1, val, t.id]));
            }
        }
    }
    if let (Some(b), true) = (so_far, n > 0) {
        best.push(json!([n, b, Json::Null]));
    }
    let mut keep: Vec<usize> = Vec::new();
    if n <= limit {
        keep.extend(0..n);
    } else {
        let slices = (limit / 5).max(1);
        for s in 0..slices {
            let (from, to) = (s * n / slices, (s + 1) * n / slices);
            // Per code: (lowest, highest) rank by value, or the first rank for failures.
            let mut pick: [Option<(usize, usize)>; 3] = [None; 3];
            for rank in from..to {
                let t = &trials[v.told[rank]];
                let c = code(t) as usize;
                let val = t.value.unwrap_or(f64::NAN);
                let value_of = |r: usize| trials[v.told[r]].value.unwrap_or(f64::NAN);
                pick[c] = Some(match pick[c] {
                    None => (rank, rank),
                    Some(p) if c == FAILED as usize => p,
                    Some((lo, hi)) => (
                        if val < value_of(lo) { rank } else { lo },
                        if val > value_of(hi) { rank } else { hi },
                    ),
                });
            }
            let mut bucket: Vec<usize> = pick.iter().flatten().flat_map(|&(a, b)| [a, b]).collect();
            bucket.sort_unstable();
            bucket.dedup();
            keep.extend(bucket);
        }
    }
    let points: Vec<Json> =
        keep.iter().map(|&rank| point((rank + 1) as f64, &trials[v.told[rank]])).collect();
    json!({ "told": n, "shown": points.len(), "log_y": v.log_y, "points": points, "best": best })
}

/// How a parameter is laid out on an axis: `(kind, log, low, high, choices)`.
fn axis(p: &Param) -> (&'static str, bool, f64, f64, Option<&[Value]>) {
    match p {
        Param::Float { low, high, log } => ("float", *log, *low, *high, None),
        Param::Int { low, high, log } => ("int", *log, *low, *high, None),
        Param::Choice { choices } => {
            ("choice", false, 0.0, choices.len().saturating_sub(1) as f64, Some(choices))
        }
    }
}

/// Where a parameter value sits on its axis, in `[0, 1]` (a choice: its index over the count).
fn position(p: &Param, value: &Value) -> Option<f64> {
    let (_, log, low, high, choices) = axis(p);
    if let Some(choices) = choices {
        let k = choices.iter().position(|c| c == value)?;
        return Some((k as f64 + 0.5) / choices.len() as f64);
    }
    let x = value.as_f64()?;
    let (x, low, high) = if log { (x.ln(), low.ln(), high.ln()) } else { (x, low, high) };
    Some(if high > low { ((x - low) / (high - low)).clamp(0.0, 1.0) } else { 0.5 })
}

/// `/api/run/N/slices`: per parameter, completed trials as `[parameter value (a choice's
/// index), value, stage code, id]`. Beyond `limit` points a parameter keeps one point per stage
/// and cell of a grid over its plot (the best trial always), which keeps the picture and drops
/// the overdraw.
pub fn slices(v: &RunView, limit: usize) -> Json {
    let a = &v.artifact;
    let total = completed(a).count();
    let best_id = a.best.as_ref().map(|b| b.id);
    let (ylo, yhi) = v.range.map_or((0.0, 1.0), |(lo, hi)| (v.y(lo), v.y(hi)));
    let params: Vec<Json> = a
        .config
        .space
        .iter()
        .map(|(name, p)| {
            let (kind, log, low, high, choices) = axis(p);
            let cells = (limit / 2).max(1);
            let (gx, gy) = match choices {
                Some(c) => (c.len().max(1), (cells / c.len().max(1)).max(1)),
                None => {
                    let side = ((cells as f64 / 2.0).sqrt() as usize).max(1);
                    (side * 2, side)
                }
            };
            // One grid per stage, so the few refine points near the optimum are not hidden
            // behind the probe points that filled the cells first.
            let mut taken = vec![false; 2 * gx * gy];
            let mut points = Vec::new();
            for (t, val) in completed(a) {
                let Some(value) = t.params.get(name) else { continue };
                let Some(px) = position(p, value) else { continue };
                if total > limit && Some(t.id) != best_id {
                    let py = if yhi > ylo { (v.y(val) - ylo) / (yhi - ylo) } else { 0.5 };
                    let cx = ((px * gx as f64) as usize).min(gx - 1);
                    let cy = ((py.clamp(0.0, 1.0) * gy as f64) as usize).min(gy - 1);
                    let grid = usize::from(t.stage == Stage::Refine) * gx * gy;
                    if std::mem::replace(&mut taken[grid + cy * gx + cx], true) {
                        continue;
                    }
                }
                let x = match choices {
                    Some(c) => c.iter().position(|c| c == value).unwrap_or(0) as f64,
                    None => value.as_f64().unwrap_or(f64::NAN),
                };
                points.push(point(x, t));
            }
            json!({
                "name": name, "kind": kind, "log": log, "low": low, "high": high,
                "choices": choices, "points": points,
            })
        })
        .collect();
    json!({ "completed": total, "log_y": v.log_y, "params": params })
}

fn by_value(x: &&TrialRecord, y: &&TrialRecord) -> Ordering {
    x.value
        .unwrap_or(f64::INFINITY)
        .total_cmp(&y.value.unwrap_or(f64::INFINITY))
        .then(x.id.cmp(&y.id))
}

/// `/api/run/N/parallel`: the `top` best completed trials, best first, each with its
/// parameters placed on their axes in `[0, 1]`.
pub fn parallel(v: &RunView, top: usize) -> Json {
    let a = &v.artifact;
    let mut best: Vec<&TrialRecord> = completed(a).map(|(t, _)| t).collect();
    best.sort_by(by_value);
    best.truncate(top);
    let axes: Vec<Json> = a
        .config
        .space
        .iter()
        .map(|(name, p)| {
            let (kind, log, low, high, choices) = axis(p);
            json!({ "name": name, "kind": kind, "log": log, "low": low, "high": high, "choices": choices })
        })
        .collect();
    let lines: Vec<Json> = best
        .iter()
        .map(|t| {
            let at: Vec<Option<f64>> = a
                .config
                .space
                .iter()
                .map(|(name, p)| t.params.get(name).and_then(|x| position(p, x)))
                .collect();
            json!({ "id": t.id, "value": t.value, "stage": code(t), "at": at, "params": t.params })
        })
        .collect();
    json!({ "completed": best.len(), "axes": axes, "trials": lines })
}

fn cmp_param(x: Option<&Value>, y: Option<&Value>) -> Ordering {
    match (x, y) {
        (Some(Value::Str(a)), Some(Value::Str(b))) => a.cmp(b),
        (Some(a), Some(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a.total_cmp(&b),
            _ => a.to_string().cmp(&b.to_string()),
        },
        (a, b) => a.is_some().cmp(&b.is_some()),
    }
}

/// The table's sort keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    /// Trial id (ask order).
    Id,
    /// Probe before refine.
    Stage,
    /// Objective value; failed and pending trials last.
    Value,
    /// Completed, failed, pending.
    Status,
    /// A parameter, by name.
    Param(String),
}

impl SortKey {
    /// Parses the `sort` query parameter (`id`, `stage`, `value`, `status`, `param:NAME`).
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "id" => Self::Id,
            "stage" => Self::Stage,
            "value" => Self::Value,
            "status" => Self::Status,
            _ => Self::Param(text.strip_prefix("param:")?.to_string()),
        })
    }
}

fn status_rank(s: TrialStatus) -> u8 {
    match s {
        TrialStatus::Completed => 0,
        TrialStatus::Failed => 1,
        TrialStatus::Pending => 2,
    }
}

/// `/api/run/N/trials`: one page of the table, sorted on the server (ties by id).
pub fn trials(v: &RunView, key: &SortKey, descending: bool, offset: usize, limit: usize) -> Json {
    let rows = sorted(v, key, descending);
    let page: Vec<&TrialRecord> =
        rows.iter().skip(offset).take(limit).map(|&i| &v.artifact.trials[i]).collect();
    json!({ "total": v.artifact.trials.len(), "offset": offset, "rows": page })
}

/// The trial indices in table order, from the cache when the order did not change.
fn sorted(v: &RunView, key: &SortKey, descending: bool) -> Arc<Vec<usize>> {
    if let Ok(cache) = v.order.lock() {
        if let Some((k, d, rows)) = cache.as_ref() {
            if k == key && *d == descending {
                return Arc::clone(rows);
            }
        }
    }
    let trials = &v.artifact.trials;
    let ordering = |&i: &usize, &j: &usize| -> Ordering {
        let (x, y) = (&trials[i], &trials[j]);
        let o = match key {
            SortKey::Id => Ordering::Equal,
            SortKey::Stage => code(x).cmp(&code(y)),
            SortKey::Status => status_rank(x.status).cmp(&status_rank(y.status)),
            SortKey::Value => match (x.value, y.value) {
                (Some(a), Some(b)) => a.total_cmp(&b),
                (a, b) => b.is_some().cmp(&a.is_some()),
            },
            SortKey::Param(name) => cmp_param(x.params.get(name), y.params.get(name)),
        };
        o.then(x.id.cmp(&y.id))
    };
    let mut rows: Vec<usize> = (0..trials.len()).collect();
    if descending {
        rows.sort_by(|i, j| ordering(j, i));
    } else if *key != SortKey::Id {
        rows.sort_by(ordering);
    }
    let rows = Arc::new(rows);
    if let Ok(mut cache) = v.order.lock() {
        *cache = Some((key.clone(), descending, Arc::clone(&rows)));
    }
    rows
}

#[cfg(test)]
mod tests {
    use arqonhpo_core::{Solver, SolverConfig, Space};

    use super::*;

    fn view(budget: u64) -> RunView {
        let space = Space::new()
            .with("lr", Param::log_float(1e-4, 1.0))
            .with("x", Param::float(-3.0, 3.0))
            .with("kind", Param::Choice { choices: vec!["a".into(), "b".into()] });
        let mut s = Solver::new(SolverConfig::new(space, budget, 5)).unwrap();
        while let Some(t) = s.ask() {
            let x = t.params.get("x").and_then(Value::as_f64).unwrap_or_default();
            if t.id % 17 == 3 {
                s.tell_failed(t.id, "boom").unwrap();
            } else {
                s.tell_value(t.id, 1.0 + x * x).unwrap();
            }
        }
        RunView::new(s.artifact())
    }

    fn len(j: &Json, key: &str) -> usize {
        j[key].as_array().map_or(0, Vec::len)
    }

    #[test]
    fn small_runs_show_every_trial_and_the_best_line_only_improves() {
        let v = view(60);
        let c = convergence(&v, 1000);
        assert_eq!(len(&c, "points"), 60);
        let failed = c["points"].as_array().map_or(0, |p| p.iter().filter(|p| p[2] == 2).count());
        assert_eq!(
            failed,
            v.artifact.trials.iter().filter(|t| t.status == TrialStatus::Failed).count()
        );
        let best: Vec<f64> = c["best"]
            .as_array()
            .map_or(vec![], |b| b.iter().filter_map(|p| p[1].as_f64()).collect());
        assert!(best.windows(2).all(|w| w[1] <= w[0]), "{best:?}");
        assert_eq!(best.last().copied(), v.artifact.best.as_ref().and_then(|b| b.value));
    }

    #[test]
    fn large_runs_are_decimated_but_keep_the_extremes() {
        let v = view(400);
        let c = convergence(&v, 100);
        let shown = len(&c, "points");
        assert!(shown > 20 && shown <= 100, "{shown}");
        let values: Vec<f64> = c["points"]
            .as_array()
            .map_or(vec![], |p| p.iter().filter_map(|p| p[1].as_f64()).collect());
        let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(Some(lowest), v.artifact.best.as_ref().and_then(|b| b.value));
        let s = slices(&v, 50);
        for p in s["params"].as_array().into_iter().flatten() {
            let n = len(p, "points");
            assert!((2..=51).contains(&n), "{} has {n} points", p["name"]);
        }
    }

    #[test]
    fn choices_are_placed_by_index_and_the_table_sorts_and_pages() {
        let v = view(60);
        let s = slices(&v, 10_000);
        let kind = &s["params"][2];
        assert_eq!(kind["kind"], "choice");
        assert!(kind["points"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|p| p[0] == 0.0 || p[0] == 1.0));
        assert_eq!(s["params"][0]["log"], true);
        let page = trials(&v, &SortKey::Value, false, 0, 10);
        assert_eq!(page["total"], 60);
        let values: Vec<f64> = page["rows"]
            .as_array()
            .map_or(vec![], |r| r.iter().filter_map(|r| r["value"].as_f64()).collect());
        assert_eq!(values.len(), 10);
        assert!(values.windows(2).all(|w| w[0] <= w[1]));
        let last = trials(&v, &SortKey::Id, true, 55, 10);
        assert_eq!(len(&last, "rows"), 5);
        assert_eq!(last["rows"][4]["id"], 0);
        let by_x = trials(&v, &SortKey::parse("param:x").unwrap_or(SortKey::Id), false, 0, 60);
        let xs: Vec<f64> = by_x["rows"]
            .as_array()
            .map_or(vec![], |r| r.iter().filter_map(|r| r["params"]["x"].as_f64()).collect());
        assert!(xs.windows(2).all(|w| w[0] <= w[1]));
        let p = parallel(&v, 5);
        assert_eq!(len(&p, "trials"), 5);
        assert_eq!(p["trials"][0]["id"], v.artifact.best.as_ref().map_or(0, |b| b.id));
    }
}
