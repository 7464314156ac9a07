//! `arqonhpo._core`: the PyO3 skin over `arqonhpo-core`.
//!
//! This module only translates: Python values to core types and back, and core [`Error`]s to
//! Python exceptions ([`map_error`], the one mapping). Every decision (what to suggest, when
//! the probe ends, which strategy refines, how a resume replays) is made by the core engine.
//! The pure-Python layer in `python/arqonhpo/` builds the friendly API on top of this module.
//!
//! Threading: a [`Solver`] holds the engine in a [`Mutex`], and every engine call releases the
//! GIL, so one solver can be shared by many Python threads. Panics: every engine call runs
//! under `catch_unwind` ([`Solver::with`], [`detached_call`]), which turns a Rust
//! panic into an `ArqonError` instead of letting it unwind into the interpreter.

// The crate has no public Rust API: its docs are for readers of the source, so they link to
// private items.
#![allow(rustdoc::private_intra_doc_links)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, MutexGuard};

use arqonhpo_core as engine;
use arqonhpo_core::{Error, Method, Outcome, StrategyChoice, Value};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyString, PyTuple, PyType};

/// The exception classes, created once at module import (they need two bases, which
/// `create_exception!` cannot express).
struct Exceptions {
    base: Py<PyType>,
    config: Py<PyType>,
    trial: Py<PyType>,
    resume: Py<PyType>,
}

static EXCEPTIONS: PyOnceLock<Exceptions> = PyOnceLock::new();

fn exceptions(py: Python<'_>) -> PyResult<&Exceptions> {
    EXCEPTIONS.get_or_try_init(py, || {
        let builtins = py.import("builtins")?;
        let make = |name: &str, bases: Bound<'_, PyTuple>, doc: &str| -> PyResult<Py<PyType>> {
            let ns = PyDict::new(py);
            ns.set_item("__module__", "arqonhpo")?;
            ns.set_item("__doc__", doc)?;
            // KeyError quotes its message in str(); a readable message matters more.
            ns.set_item("__str__", builtins.getattr("Exception")?.getattr("__str__")?)?;
            let ty = builtins.getattr("type")?.call1((name, bases, ns))?;
            Ok(ty.cast_into::<PyType>()?.unbind())
        };
        let exception = builtins.getattr("Exception")?;
        let base = make(
            "ArqonError",
            PyTuple::new(py, [&exception])?,
            "Base class of every ArqonHPO error. Internal engine failures are raised as this class.",
        )?;
        let base_b = base.bind(py).clone().into_any();
        let two = |other: &str| -> PyResult<Bound<'_, PyTuple>> { PyTuple::new(py, [base_b.clone(), builtins.getattr(other)?]) };
        let config = make(
            "ConfigError",
            two("ValueError")?,
            "The configuration is invalid. `issues` lists (path, message) pairs, one per problem.",
        )?;
        let trial = make(
            "TrialError",
            two("KeyError")?,
            "tell() named a trial id that was never handed out, one already told, or a Trial handed out by another solver. `trial_id` holds the id.",
        )?;
        let resume = make(
            "ResumeError",
            two("ValueError")?,
            "A saved state, pickle or artifact could not be resumed.",
        )?;
        Ok(Exceptions { base, config, trial, resume })
    })
}

/// Builds an exception instance of `ty` with `message` and extra attributes.
fn raise(
    py: Python<'_>,
    ty: &Py<PyType>,
    message: String,
    attrs: &[(&str, Bound<'_, PyAny>)],
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let exc = ty.bind(py).call1((message.as_str(),))?;
        for (name, value) in attrs {
            exc.setattr(*name, value)?;
        }
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// The one mapping from core errors to Python exceptions.
fn map_error(py: Python<'_>, error: Error) -> PyErr {
    let ex = match exceptions(py) {
        Ok(ex) => ex,
        Err(e) => return e,
    };
    let message = error.to_string();
    match error {
        Error::Config { issues } => {
            let list: Vec<(String, String)> =
                issues.into_iter().map(|i| (i.path, i.message)).collect();
            let attrs = match list.into_pyobject(py) {
                Ok(l) => vec![("issues", l.into_any())],
                Err(e) => return e,
            };
            raise(py, &ex.config, message, &attrs)
        }
        // Config text (either layout) is the user's input; state and artifact text is saved
        // state, whose damage is a resume problem.
        Error::Json { what, message: detail, line, column, .. } if what.is_config() => {
            let issue =
                vec![("json".to_string(), format!("line {line}, column {column}: {detail}"))];
            let attrs = match issue.into_pyobject(py) {
                Ok(l) => vec![("issues", l.into_any())],
                Err(e) => return e,
            };
            raise(py, &ex.config, message, &attrs)
        }
        Error::Json { .. } | Error::Resume { .. } => raise(py, &ex.resume, message, &[]),
        Error::UnknownTrial { id, .. } | Error::AlreadyTold { id } => raise(
            py,
            &ex.trial,
            message,
            &[(
                "trial_id",
                id.into_pyobject(py)
                    .map(|o| o.into_any())
                    .unwrap_or_else(|_| py.None().into_bound(py)),
            )],
        ),
        other => raise(py, &ex.base, other.to_string(), &[]),
    }
}

/// The message of a caught panic.
fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// A caught panic as an `ArqonError`.
fn panic_error(py: Python<'_>, what: String) -> PyErr {
    match exceptions(py) {
        Ok(ex) => raise(
            py,
            &ex.base,
            format!("internal error in the arqonhpo engine: {what}. This is a bug; please report it with the config and seed."),
            &[],
        ),
        Err(e) => e,
    }
}

/// Runs a fallible engine call with the GIL released and panics caught (for calls that can
/// take a while, such as replaying an artifact).
fn detached_call<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> Result<T, Error> + Send,
) -> PyResult<T> {
    py.detach(|| catch_unwind(AssertUnwindSafe(f)).map_err(panic_message))
        .map_err(|what| panic_error(py, what))?
        .map_err(|e| map_error(py, e))
}

fn value_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::Float(x) => PyFloat::new(py, *x).into_any(),
        Value::Str(s) => PyString::new(py, s).into_any(),
    })
}

/// Engine data (serde types) to plain Python objects, through JSON text so that key order
/// (the space order of params) is kept.
fn serde_to_py<'py, T: serde::Serialize>(py: Python<'py>, data: &T) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(data)
        .map_err(|e| PyValueError::new_err(format!("cannot convert engine data: {e}")))?;
    py.import(pyo3::intern!(py, "json"))?.call_method1(pyo3::intern!(py, "loads"), (text,))
}

/// One suggestion to evaluate: `params` holds plain Python values (float, int, str, bool).
#[pyclass(module = "arqonhpo._core", name = "Trial", frozen)]
struct Trial {
    id: u64,
    params: Py<PyDict>,
    phase: Py<PyString>,
    strategy: Py<PyString>,
    /// Fingerprint of the parameters the solver handed out under this id (None for a Trial
    /// built by hand): `tell` refuses a Trial whose fingerprint differs from the one the
    /// receiving solver recorded for the id, i.e. another solver's trial.
    key: Option<u64>,
}

#[pymethods]
impl Trial {
    #[new]
    #[pyo3(signature = (id, params, phase, strategy, key=None))]
    fn new(
        id: u64,
        params: Bound<'_, PyDict>,
        phase: Bound<'_, PyString>,
        strategy: Bound<'_, PyString>,
        key: Option<u64>,
    ) -> Self {
        Self {
            id,
            params: params.unbind(),
            phase: phase.unbind(),
            strategy: strategy.unbind(),
            key,
        }
    }

    /// The id to pass back to `tell` (trials are numbered from 0 in the order asked).
    #[getter]
    fn id(&self) -> u64 {
        self.id
    }

    /// Parameter values by name, in space order.
    #[getter]
    fn params(&self, py: Python<'_>) -> Py<PyDict> {
        self.params.clone_ref(py)
    }

    /// `"probe"` or `"refine"`.
    #[getter]
    fn phase(&self, py: Python<'_>) -> Py<PyString> {
        self.phase.clone_ref(py)
    }

    /// The component that proposed it: `"sobol"`, `"nelder_mead"`, `"tpe"`, `"random"`,
    /// `"cmaes"`, `"trust_region"` or `"gp"`.
    #[getter]
    fn strategy(&self, py: Python<'_>) -> Py<PyString> {
        self.strategy.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Trial(id={}, params={}, phase={}, strategy={})",
            self.id,
            self.params.bind(py).repr()?,
            self.phase.bind(py).repr()?,
            self.strategy.bind(py).repr()?
        ))
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let this = slf.get();
        let args = (
            this.id,
            this.params.clone_ref(py),
            this.phase.clone_ref(py),
            this.strategy.clone_ref(py),
            this.key,
        );
        (slf.get_type(), args).into_pyobject(py)
    }
}

/// The engine behind `ArqonSolver`: an ask/tell state machine, safe to share between threads.
#[pyclass(module = "arqonhpo._core", name = "Solver", frozen)]
struct Solver {
    inner: Mutex<engine::Solver>,
    /// Parameter names as Python strings, in space order, made once: every trial's params
    /// dict reuses them.
    names: Vec<(String, Py<PyString>)>,
}

impl Solver {
    fn wrap(py: Python<'_>, solver: engine::Solver) -> Self {
        let names = solver
            .config()
            .space
            .iter()
            .map(|(name, _)| (name.to_string(), PyString::new(py, name).unbind()))
            .collect();
        Self { inner: Mutex::new(solver), names }
    }

    /// A trial as the Python `Trial` type.
    fn trial_to_py(&self, py: Python<'_>, trial: engine::Trial) -> PyResult<Trial> {
        let params = PyDict::new(py);
        for (i, (name, v)) in trial.params.iter().enumerate() {
            let value = value_to_py(py, v)?;
            match self.names.get(i) {
                Some((cached, key)) if cached == name => params.set_item(key.bind(py), value)?,
                _ => params.set_item(name, value)?,
            }
        }
        let phase = PyString::intern(py, trial.stage.as_str());
        let strategy = PyString::intern(py, trial.method.as_str());
        Ok(Trial {
            id: trial.id,
            params: params.unbind(),
            phase: phase.unbind(),
            strategy: strategy.unbind(),
            key: Some(fingerprint(&trial.params)),
        })
    }

    fn lock(&self) -> MutexGuard<'_, engine::Solver> {
        // Engine code runs under `guarded` while the lock is held, so a panic never unwinds
        // through the guard; the lock cannot be poisoned in practice.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the engine with the GIL released and panics caught.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut engine::Solver) -> T + Send,
    ) -> PyResult<T> {
        py.detach(|| {
            let mut solver = self.lock();
            catch_unwind(AssertUnwindSafe(|| f(&mut solver))).map_err(panic_message)
        })
        .map_err(|what| panic_error(py, what))
    }
}

/// A fingerprint of a trial's parameters (FNV-1a over names, kinds and value bits): the same
/// in every process, so a pickled Trial keeps naming its trial. It only tells trials apart
/// and never affects a suggestion.
fn fingerprint(params: &engine::Params) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (name, value) in params.iter() {
        eat(name.as_bytes());
        match value {
            Value::Bool(b) => eat(&[1, u8::from(*b)]),
            Value::Int(i) => {
                eat(&[2]);
                eat(&i.to_le_bytes());
            }
            Value::Float(x) => {
                eat(&[3]);
                eat(&x.to_bits().to_le_bytes());
            }
            Value::Str(s) => {
                eat(&[4]);
                eat(s.as_bytes());
                eat(&[0]);
            }
        }
    }
    h
}

/// What `tell`'s first argument names: a trial id, and for a `Trial` the fingerprint of its
/// parameters (integers, numpy integers too, name the id alone).
fn trial_id(py: Python<'_>, trial: &Bound<'_, PyAny>) -> PyResult<(u64, Option<u64>)> {
    if let Ok(t) = trial.cast::<Trial>() {
        return Ok((t.get().id, t.get().key));
    }
    let index = integer("trial", "a Trial or an integer trial id", trial)?;
    match index.extract::<u64>() {
        Ok(id) => Ok((id, None)),
        // Negative or huge: no such trial was ever handed out.
        Err(_) => {
            let ex = exceptions(py)?;
            Err(raise(
                py,
                &ex.trial,
                format!("unknown trial id {index}: trial ids are the non-negative integers handed out by ask()"),
                &[("trial_id", index)],
            ))
        }
    }
}

/// The error for a Trial that another solver handed out.
fn foreign_trial(py: Python<'_>, id: u64) -> PyErr {
    let ex = match exceptions(py) {
        Ok(ex) => ex,
        Err(e) => return e,
    };
    let attr =
        id.into_pyobject(py).map(|o| o.into_any()).unwrap_or_else(|_| py.None().into_bound(py));
    raise(
        py,
        &ex.trial,
        format!(
            "trial {id} was handed out by another solver: this solver's trial {id} has different parameters; tell a Trial to the solver whose ask() returned it (or a copy or resume of that solver)"
        ),
        &[("trial_id", attr)],
    )
}

/// An integer from Python: an int or anything with `__index__` (numpy integers), but not a
/// `bool`, a float or a numpy bool.
fn integer<'py>(
    what: &str,
    expected: &str,
    value: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    if value.is_instance_of::<PyBool>() || value.is_instance_of::<PyFloat>() || is_numpy_bool(value)
    {
        return Err(type_error(what, expected, value));
    }
    value.call_method0("__index__").map_err(|_| type_error(what, expected, value))
}

/// numpy's boolean scalar, which has `__index__` and `__float__` but is not a number here.
fn is_numpy_bool(value: &Bound<'_, PyAny>) -> bool {
    let ty = value.get_type();
    let module = ty.module().map(|m| m.to_string()).unwrap_or_default();
    let name = ty.name().map(|n| n.to_string()).unwrap_or_default();
    module == "numpy" && (name == "bool_" || name == "bool")
}

fn type_error(what: &str, expected: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let type_name = got.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    PyTypeError::new_err(format!(
        "{what} must be {expected}, got {type_name} ({})",
        got.repr().map(|r| r.to_string()).unwrap_or_default()
    ))
}

/// A real number from Python: float, int or anything with `__float__`/`__index__` (numpy
/// scalars), but not `bool` or `str`.
fn real(what: &str, value: &Bound<'_, PyAny>) -> PyResult<f64> {
    if value.is_instance_of::<PyBool>() || value.is_instance_of::<PyString>() {
        return Err(type_error(what, "a real number", value));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Ok(f.value());
    }
    if is_numpy_bool(value) {
        return Err(type_error(what, "a real number", value));
    }
    if value.is_instance_of::<PyInt>()
        || value.hasattr("__index__")?
        || value.hasattr("__float__")?
    {
        return value.extract::<f64>().map_err(|e| {
            // An integer too large for a double is a real number, just out of range.
            if e.is_instance_of::<PyOverflowError>(value.py()) {
                PyValueError::new_err(format!(
                    "{what} is too large for a double (the largest is about 1.8e308), got an integer of {} bits",
                    value
                        .call_method0("bit_length")
                        .and_then(|b| b.extract::<u64>())
                        .unwrap_or_default()
                ))
            } else {
                type_error(what, "a real number", value)
            }
        });
    }
    Err(type_error(what, "a real number", value))
}

#[pymethods]
impl Solver {
    /// Creates a solver from JSON config text (validated by the engine).
    #[new]
    fn new(py: Python<'_>, config_json: &str) -> PyResult<Self> {
        detached_call(py, || engine::Solver::from_json(config_json)).map(|s| Self::wrap(py, s))
    }

    /// Restores a solver from `snapshot()` text; the next `ask()` is bit-identical.
    #[staticmethod]
    fn restore(py: Python<'_>, snapshot: &str) -> PyResult<Self> {
        detached_call(py, || engine::Solver::restore(snapshot)).map(|s| Self::wrap(py, s))
    }

    /// Rebuilds a solver by replaying an artifact's asks and tells (pending trials included),
    /// from JSON text or the bytes of a file.
    #[staticmethod]
    fn from_artifact(py: Python<'_>, artifact_json: &Bound<'_, PyAny>) -> PyResult<Self> {
        let bytes: Vec<u8> = if let Ok(text) = artifact_json.cast::<PyString>() {
            text.to_str()?.as_bytes().to_vec()
        } else if let Ok(bytes) = artifact_json.cast::<PyBytes>() {
            bytes.as_bytes().to_vec()
        } else {
            return Err(type_error("artifact", "JSON text (str) or bytes", artifact_json));
        };
        detached_call(py, || {
            let artifact = engine::RunArtifact::from_json_bytes(&bytes)?;
            engine::Solver::from_artifact(&artifact)
        })
        .map(|s| Self::wrap(py, s))
    }

    /// The next trial to evaluate, or None once the budget is handed out.
    fn ask(&self, py: Python<'_>) -> PyResult<Option<Trial>> {
        match self.with(py, |s| s.ask())? {
            Some(t) => Ok(Some(self.trial_to_py(py, t)?)),
            None => Ok(None),
        }
    }

    /// The next trial, the string "wait" when deterministic parallel mode needs an earlier
    /// trial told first, or None once the budget is handed out.
    fn ask_next<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.with(py, |s| s.ask_next())? {
            engine::Ask::Trial(t) => Ok(Some(Bound::new(py, self.trial_to_py(py, t)?)?.into_any())),
            engine::Ask::Wait => Ok(Some(PyString::new(py, "wait").into_any())),
            engine::Ask::Exhausted => Ok(None),
        }
    }

    /// Up to `n` trials at once (fewer when the budget runs out).
    fn ask_batch(&self, py: Python<'_>, n: &Bound<'_, PyAny>) -> PyResult<Vec<Trial>> {
        if n.is_instance_of::<PyBool>() || !n.hasattr("__index__")? {
            return Err(type_error("n", "a non-negative integer", n));
        }
        let index = n.call_method0("__index__")?;
        let n: usize = match index.extract::<usize>() {
            Ok(n) => n,
            Err(_) if index.lt(0)? => {
                return Err(PyValueError::new_err(format!(
                    "n must be a non-negative integer, got {index}"
                )))
            }
            Err(_) => {
                return Err(PyValueError::new_err(format!(
                    "n is too large: at most {} trials can be asked at once, got {index}",
                    usize::MAX
                )))
            }
        };
        self.with(py, |s| s.ask_batch(n))?.into_iter().map(|t| self.trial_to_py(py, t)).collect()
    }

    /// Reports a trial's result: a value (lower is better), or `failed=True` with an optional
    /// reason. NaN and infinite values are recorded as failed.
    #[pyo3(signature = (trial, value=None, *, failed=false, reason=None))]
    fn tell(
        &self,
        py: Python<'_>,
        trial: &Bound<'_, PyAny>,
        value: Option<&Bound<'_, PyAny>>,
        failed: bool,
        reason: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let (id, key) = trial_id(py, trial)?;
        let reason = match reason {
            None => None,
            Some(r) if r.is_none() => None,
            Some(r) => Some(
                r.cast::<PyString>()
                    .map_err(|_| type_error("reason", "a string", r))?
                    .to_str()?
                    .to_string(),
            ),
        };
        let value = match value {
            Some(v) if !v.is_none() => Some(real("value", v)?),
            _ => None,
        };
        let outcome = match (value, failed) {
            (Some(_), true) => return Err(PyValueError::new_err("tell(): pass either a value or failed=True, not both")),
            (Some(_), false) if reason.is_some() => {
                return Err(PyValueError::new_err("tell(): reason= is only for failed trials; pass failed=True with it"));
            }
            (Some(v), false) => Outcome::Value(v),
            (None, true) => Outcome::Failed { reason },
            (None, false) => {
                return Err(PyTypeError::new_err("tell() needs the objective value, e.g. tell(trial, 0.25), or failed=True for a failed evaluation"))
            }
        };
        // A Trial must be this solver's: the parameters it recorded under the id are the
        // Trial's (checked under the same lock as the tell).
        let told = self.with(py, |s| {
            if key.is_some_and(|k| s.trial(id).is_some_and(|r| fingerprint(&r.params) != k)) {
                return Err(None);
            }
            s.tell(id, outcome).map_err(Some)
        })?;
        told.map_err(|e| match e {
            Some(e) => map_error(py, e),
            None => foreign_trial(py, id),
        })
    }

    /// The whole state as JSON text; `Solver.restore` continues bit-identically.
    fn snapshot(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |s| s.snapshot())
    }

    /// The run artifact as a dict (see contracts/artifact.schema.json).
    fn artifact<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let artifact = self.with(py, |s| s.artifact())?;
        serde_to_py(py, &artifact)
    }

    /// The run artifact as pretty JSON text.
    fn artifact_json(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |s| s.artifact().to_json())
    }

    /// The config the solver runs, as JSON text.
    fn config_json(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |s| s.config().to_json())
    }

    /// The best completed trial as a dict, or None.
    #[getter]
    fn best<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.with(py, |s| s.best())?.map(|b| serde_to_py(py, &b)).transpose()
    }

    /// Every trial held, as dicts, by id (all of them unless the config streams trials).
    #[getter]
    fn trials<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let trials = self.with(py, |s| s.trials())?;
        serde_to_py(py, &trials)
    }

    /// Trial `id` as a dict, or None when it was not handed out (or was streamed out).
    fn trial<'py>(&self, py: Python<'py>, id: u64) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.with(py, |s| s.trial(id))?.map(|t| serde_to_py(py, &t)).transpose()
    }

    /// Ids of the trials held, ascending.
    fn held_ids(&self, py: Python<'_>) -> PyResult<Vec<u64>> {
        self.with(py, |s| s.trials().iter().map(|t| t.id).collect())
    }

    /// Number of trials held (all of them unless the config streams trials).
    #[getter]
    fn held_trials(&self, py: Python<'_>) -> PyResult<usize> {
        self.with(py, |s| s.held_trials())
    }

    /// Streaming mode: the trials told since the last call, as dicts, in told order.
    fn drain_told<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let told = self.with(py, |s| s.drain_told())?;
        serde_to_py(py, &told)
    }

    /// Ids of trials handed out and not yet told.
    #[getter]
    fn pending(&self, py: Python<'_>) -> PyResult<Vec<u64>> {
        self.with(py, |s| s.pending().collect())
    }

    /// Number of trials handed out.
    #[getter]
    fn issued(&self, py: Python<'_>) -> PyResult<u64> {
        self.with(py, |s| s.issued())
    }

    /// Number of trials told.
    #[getter]
    fn told(&self, py: Python<'_>) -> PyResult<u64> {
        self.with(py, |s| s.told())
    }

    /// Whether the budget is spent and every trial told.
    #[getter]
    fn is_done(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |s| s.is_done())
    }

    /// `"probe"`, `"refine"` or `"done"`.
    #[getter]
    fn phase(&self, py: Python<'_>) -> PyResult<&'static str> {
        self.with(py, |s| s.phase().as_str())
    }

    /// The refining strategy once selected (`"nelder_mead"`, `"tpe"`, `"random"`, `"cmaes"`,
    /// `"trust_region"`, `"gp"`), else None.
    #[getter]
    fn strategy(&self, py: Python<'_>) -> PyResult<Option<&'static str>> {
        self.with(py, |s| s.strategy().map(Method::as_str))
    }

    /// The landscape classification as a dict, once the probe is complete.
    #[getter]
    fn classification<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.with(py, |s| s.classification().cloned())?.map(|c| serde_to_py(py, &c)).transpose()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let snapshot = slf.get().snapshot(py)?;
        let restore = slf.get_type().getattr("restore")?;
        (restore, (snapshot,)).into_pyobject(py)
    }
}

/// `value` as a real number, by the rules `tell` applies to values (the Python layer checks
/// config numbers with it, so numpy scalars are handled in one place).
#[pyfunction]
fn _real(what: &str, value: &Bound<'_, PyAny>) -> PyResult<f64> {
    real(what, value)
}

/// `value` as a Python int, by the rules `tell` applies to trial ids.
#[pyfunction]
fn _integer<'py>(what: &str, value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    integer(what, "an integer", value)
}

/// Whether `value` is numpy's bool scalar.
#[pyfunction]
fn _is_numpy_bool(value: &Bound<'_, PyAny>) -> bool {
    is_numpy_bool(value)
}

/// The engine's config error for problems found in Python (values JSON cannot carry), with
/// the engine's message.
#[pyfunction]
fn _config_error<'py>(py: Python<'py>, issues: Vec<(String, String)>) -> Bound<'py, PyAny> {
    let issues =
        issues.into_iter().map(|(path, message)| engine::ConfigIssue { path, message }).collect();
    map_error(py, Error::Config { issues }).into_value(py).into_bound(py).into_any()
}

/// Panics inside [`detached_call`], the guard `Solver(...)`, `restore` and `from_artifact` run
/// under (tests use it to prove that a panic becomes an `ArqonError`, not an abort or a
/// `PanicException`). Only in builds with the `test-hooks` feature, never in a wheel.
#[cfg(feature = "test-hooks")]
#[pyfunction]
fn _panic_for_tests(py: Python<'_>) -> PyResult<()> {
    detached_call(py, || -> Result<(), Error> { panic!("deliberate panic for the test suite") })
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let ex = exceptions(py)?;
    m.add("ArqonError", ex.base.bind(py))?;
    m.add("ConfigError", ex.config.bind(py))?;
    m.add("TrialError", ex.trial.bind(py))?;
    m.add("ResumeError", ex.resume.bind(py))?;
    m.add_class::<Solver>()?;
    m.add_class::<Trial>()?;
    m.add_function(wrap_pyfunction!(_real, m)?)?;
    m.add_function(wrap_pyfunction!(_integer, m)?)?;
    m.add_function(wrap_pyfunction!(_is_numpy_bool, m)?)?;
    m.add_function(wrap_pyfunction!(_config_error, m)?)?;
    // Set, not added: it stays out of `__all__` and the stub, which describe the wheel.
    #[cfg(feature = "test-hooks")]
    m.setattr("_panic_for_tests", wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add("ENGINE_VERSION", engine::VERSION)?;
    m.add("STRATEGIES", StrategyChoice::ALL.map(StrategyChoice::as_str))?;
    Ok(())
}
