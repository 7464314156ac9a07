//! The entry points, in the order of `include/arqonhpo.h`. Each one checks its arguments
//! ([`crate::args`]), looks its handle up ([`crate::handle`]) and calls the engine, all inside
//! [`guard`]; two helpers hold the shapes several entry points share.

use std::ffi::{c_char, c_int, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use arqonhpo_core::{Ask, Error, RunArtifact, Solver};

use crate::args::{array, check_numeric, cleared, fill, input, out, owned_string, params_json};
use crate::error::{guard, report_error, static_string, ArqonStatus, Failure, Outcome, LAST_ERROR};
use crate::handle::{register, unregister, with_solver, ArqonSolver};

/// The library version, e.g. `"0.4.0"`.
///
/// Ownership: the returned string is static; do not free it.
#[no_mangle]
pub extern "C" fn arqon_version() -> *const c_char {
    static VERSION: OnceLock<CString> = OnceLock::new();
    static_string(|| {
        VERSION.get_or_init(|| CString::new(arqonhpo_core::VERSION).unwrap_or_default()).as_ptr()
    })
}

/// The message of the last failed call on this thread, or `""` when the last call succeeded.
///
/// Ownership: the string belongs to the library and stays valid until the next `arqon_*` call
/// on the same thread; copy it to keep it. Never NULL. Do not free it.
#[no_mangle]
pub extern "C" fn arqon_last_error() -> *const c_char {
    static_string(|| LAST_ERROR.try_with(|slot| slot.borrow().as_ptr()).unwrap_or(c"".as_ptr()))
}

/// The name of a status code, e.g. `"ARQON_STATUS_UNKNOWN_TRIAL"`, or
/// `"ARQON_STATUS_<unknown>"` for a value that is not a status.
///
/// Ownership: the returned string is static; do not free it.
#[no_mangle]
pub extern "C" fn arqon_status_name(status: c_int) -> *const c_char {
    static_string(|| {
        usize::try_from(status)
            .ok()
            .and_then(|i| ArqonStatus::ALL.get(i))
            .map_or(c"ARQON_STATUS_<unknown>", |s| s.name())
            .as_ptr()
    })
}

/// Creates a solver from a JSON config (see `contracts/config.schema.json`; configs written
/// for arqonhpo 0.3 are accepted too).
///
/// Errors: `ARQON_STATUS_JSON` (not JSON, or unknown field), `ARQON_STATUS_CONFIG` (the message
/// lists every invalid field with its path, e.g. `space.lr.low`).
///
/// # Safety
/// Ownership: `config_json` is borrowed for the call (NUL-terminated UTF-8). On success
/// `*out_solver` receives a new solver owned by the caller, to be freed with
/// `arqon_solver_free`; on failure it is set to NULL. `out_error` may be NULL; otherwise
/// `*out_error` receives, on failure, a new string owned by the caller holding the message
/// (the same as `arqon_last_error()`; free with `arqon_string_free`), and NULL on success.
#[no_mangle]
pub unsafe extern "C" fn arqon_solver_new(
    config_json: *const c_char,
    out_solver: *mut *mut ArqonSolver,
    out_error: *mut *mut c_char,
) -> ArqonStatus {
    // SAFETY: the caller's contract above is `construct`'s.
    unsafe {
        construct(
            "arqon_solver_new",
            config_json,
            "config_json",
            out_solver,
            out_error,
            Solver::from_json,
        )
    }
}

/// Frees a solver. Passing NULL does nothing and returns `ARQON_STATUS_OK`; a handle that is
/// not live (e.g. already freed) returns `ARQON_STATUS_INVALID_HANDLE` and frees nothing.
///
/// # Safety
/// Ownership: takes back ownership of `solver`; the handle must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn arqon_solver_free(solver: *mut ArqonSolver) -> ArqonStatus {
    guard("arqon_solver_free", || {
        if solver.is_null() {
            return Ok(ArqonStatus::Ok);
        }
        unregister(solver)?;
        Ok(ArqonStatus::Ok)
    })
}

/// Frees a string returned by this library. NULL is ignored.
///
/// # Safety
/// Ownership: takes back ownership of `text`, which must have been returned through a
/// `char **` out-parameter of an `arqon_*` function and not freed before. Freeing twice, or
/// freeing a string from elsewhere, is undefined behaviour.
#[no_mangle]
pub unsafe extern "C" fn arqon_string_free(text: *mut c_char) {
    if text.is_null() {
        return;
    }
    // A panic cannot happen here (dropping a CString only frees it), but stay defensive.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller passes a pointer from CString::into_raw, freed once.
        drop(unsafe { CString::from_raw(text) });
    }));
}

/// Number of parameters in the solver's space (the `len` the array forms expect).
///
/// # Safety
/// Ownership: `solver` is borrowed; `out_count` must point to writable memory.
#[no_mangle]
pub unsafe extern "C" fn arqon_param_count(
    solver: *const ArqonSolver,
    out_count: *mut usize,
) -> ArqonStatus {
    guard("arqon_param_count", || {
        // SAFETY: checked for NULL; the caller passes a writable pointer.
        let out_count = unsafe { out(out_count, "out_count") }?;
        *out_count = with_solver(solver, |s| Ok(s.config().space.len()))?;
        Ok(ArqonStatus::Ok)
    })
}

/// Name of parameter `index` (0-based, in space order: the order of the array forms).
///
/// Errors: `ARQON_STATUS_OUT_OF_RANGE` when `index >= arqon_param_count`.
///
/// # Safety
/// Ownership: `solver` is borrowed. On success `*out_name` receives a new string owned by the
/// caller (free with `arqon_string_free`); on failure it is set to NULL.
#[no_mangle]
pub unsafe extern "C" fn arqon_param_name(
    solver: *const ArqonSolver,
    index: usize,
    out_name: *mut *mut c_char,
) -> ArqonStatus {
    // SAFETY: the caller's contract above is `solver_string`'s.
    unsafe {
        solver_string("arqon_param_name", solver, out_name, "out_name", |s| {
            let space = &s.config().space;
            space.iter().nth(index).map(|(name, _)| name.to_owned()).ok_or_else(|| {
                Failure::new(
                    ArqonStatus::OutOfRange,
                    format!(
                        "index {index} is out of range: the space has {} parameters (indices 0 to {})",
                        space.len(),
                        space.len().saturating_sub(1)
                    ),
                )
            })
        })
    }
}

/// Asks for the next trial: its id and its parameters as a JSON object in space order, e.g.
/// `{"lr":0.01,"depth":4,"kernel":"rbf"}`. Evaluate it, then report with `arqon_tell` or
/// `arqon_tell_failed`.
///
/// Returns `ARQON_STATUS_DONE` (not an error) once the whole budget has been handed out, and
/// `ARQON_STATUS_WAIT` (not an error) when deterministic parallel mode needs a tell first.
///
/// # Safety
/// Ownership: `solver` is borrowed. On `ARQON_STATUS_OK`, `*out_trial_id` is set and
/// `*out_params_json` receives a new string owned by the caller (free with
/// `arqon_string_free`); otherwise `*out_params_json` is set to NULL and `*out_trial_id` is
/// left unchanged.
#[no_mangle]
pub unsafe extern "C" fn arqon_ask(
    solver: *mut ArqonSolver,
    out_trial_id: *mut u64,
    out_params_json: *mut *mut c_char,
) -> ArqonStatus {
    guard("arqon_ask", || {
        // SAFETY: checked for NULL; the caller passes writable pointers.
        let out_params_json = unsafe { cleared(out_params_json, "out_params_json") }?;
        // SAFETY: as above.
        let out_trial_id = unsafe { out(out_trial_id, "out_trial_id") }?;
        with_solver(solver, |s| {
            let trial = match s.ask_next() {
                Ask::Trial(trial) => trial,
                Ask::Wait => return Ok(ArqonStatus::Wait),
                Ask::Exhausted => return Ok(ArqonStatus::Done),
            };
            let text = params_json(&trial.params)?;
            *out_trial_id = trial.id;
            *out_params_json = owned_string(text);
            Ok(ArqonStatus::Ok)
        })
    })
}

/// Asks for the next trial and writes its parameters into `values` as doubles, in space order
/// (integer parameters as whole-number doubles). `len` must equal `arqon_param_count`.
///
/// Returns `ARQON_STATUS_DONE` (not an error) once the whole budget has been handed out, and
/// `ARQON_STATUS_WAIT` (not an error) when deterministic parallel mode needs a tell first.
/// Errors: `ARQON_STATUS_NOT_NUMERIC` when the space has a `choice` parameter (use
/// `arqon_ask`), `ARQON_STATUS_BUFFER_SIZE` when `len` is wrong; no trial is handed out then.
///
/// # Safety
/// Ownership: `solver` is borrowed; `values` is borrowed for writing `len` doubles; on
/// `ARQON_STATUS_OK` `*out_trial_id` is set, otherwise both outputs are left unchanged.
#[no_mangle]
pub unsafe extern "C" fn arqon_ask_array(
    solver: *mut ArqonSolver,
    out_trial_id: *mut u64,
    values: *mut f64,
    len: usize,
) -> ArqonStatus {
    guard("arqon_ask_array", || {
        // SAFETY: checked for NULL; the caller passes writable pointers of the stated size.
        let out_trial_id = unsafe { out(out_trial_id, "out_trial_id") }?;
        // SAFETY: as above.
        let values = unsafe { array(values, len, "values") }?;
        with_solver(solver, |s| {
            check_numeric(s, len)?;
            let trial = match s.ask_next() {
                Ask::Trial(trial) => trial,
                Ask::Wait => return Ok(ArqonStatus::Wait),
                Ask::Exhausted => return Ok(ArqonStatus::Done),
            };
            fill(&trial.params, values);
            *out_trial_id = trial.id;
            Ok(ArqonStatus::Ok)
        })
    })
}

/// Reports the objective value of trial `trial_id` (lower is better). A NaN or infinite value
/// records the trial as failed.
///
/// Errors: `ARQON_STATUS_UNKNOWN_TRIAL`, `ARQON_STATUS_ALREADY_TOLD`; the solver is unchanged.
///
/// # Safety
/// Ownership: `solver` is borrowed.
#[no_mangle]
pub unsafe extern "C" fn arqon_tell(
    solver: *mut ArqonSolver,
    trial_id: u64,
    value: f64,
) -> ArqonStatus {
    guard("arqon_tell", || {
        with_solver(solver, |s| s.tell_value(trial_id, value).map_err(Failure::from))?;
        Ok(ArqonStatus::Ok)
    })
}

/// Reports that evaluating trial `trial_id` failed; it counts as the worst result seen.
/// `reason` may be NULL; when given it is kept in the artifact.
///
/// Errors: `ARQON_STATUS_UNKNOWN_TRIAL`, `ARQON_STATUS_ALREADY_TOLD`,
/// `ARQON_STATUS_INVALID_UTF8`; the solver is unchanged.
///
/// # Safety
/// Ownership: `solver` and `reason` are borrowed for the call.
#[no_mangle]
pub unsafe extern "C" fn arqon_tell_failed(
    solver: *mut ArqonSolver,
    trial_id: u64,
    reason: *const c_char,
) -> ArqonStatus {
    guard("arqon_tell_failed", || {
        let reason = if reason.is_null() {
            None
        } else {
            // SAFETY: non-null and NUL-terminated per the caller's contract.
            Some(unsafe { input(reason, "reason") }?.to_owned())
        };
        with_solver(solver, |s| {
            s.tell(trial_id, arqonhpo_core::Outcome::Failed { reason }).map_err(Failure::from)
        })?;
        Ok(ArqonStatus::Ok)
    })
}

/// The best completed trial so far (lowest value; the earliest on ties): its id, value and
/// parameters as a JSON object.
///
/// Returns `ARQON_STATUS_NO_RESULT` (not an error) while no trial has completed.
///
/// # Safety
/// Ownership: `solver` is borrowed. On `ARQON_STATUS_OK`, `*out_trial_id` and `*out_value` are
/// set and `*out_params_json` receives a new string owned by the caller (free with
/// `arqon_string_free`); otherwise `*out_params_json` is set to NULL and the numbers are left
/// unchanged.
#[no_mangle]
pub unsafe extern "C" fn arqon_best(
    solver: *const ArqonSolver,
    out_trial_id: *mut u64,
    out_value: *mut f64,
    out_params_json: *mut *mut c_char,
) -> ArqonStatus {
    guard("arqon_best", || {
        // SAFETY: checked for NULL; the caller passes writable pointers.
        let out_params_json = unsafe { cleared(out_params_json, "out_params_json") }?;
        // SAFETY: as above.
        let out_trial_id = unsafe { out(out_trial_id, "out_trial_id") }?;
        // SAFETY: as above.
        let out_value = unsafe { out(out_value, "out_value") }?;
        with_solver(solver, |s| {
            let Some((id, value, params)) = s.best().and_then(|b| Some((b.id, b.value?, b.params)))
            else {
                return Ok(ArqonStatus::NoResult);
            };
            let text = params_json(&params)?;
            *out_trial_id = id;
            *out_value = value;
            *out_params_json = owned_string(text);
            Ok(ArqonStatus::Ok)
        })
    })
}

/// The best completed trial so far with its parameters written into `values` as doubles, in
/// space order. `len` must equal `arqon_param_count`.
///
/// Returns `ARQON_STATUS_NO_RESULT` (not an error) while no trial has completed.
/// Errors: `ARQON_STATUS_NOT_NUMERIC`, `ARQON_STATUS_BUFFER_SIZE` as for `arqon_ask_array`.
///
/// # Safety
/// Ownership: everything is borrowed; `values` must hold `len` doubles. Outputs are written
/// only on `ARQON_STATUS_OK`.
#[no_mangle]
pub unsafe extern "C" fn arqon_best_array(
    solver: *const ArqonSolver,
    out_trial_id: *mut u64,
    out_value: *mut f64,
    values: *mut f64,
    len: usize,
) -> ArqonStatus {
    guard("arqon_best_array", || {
        // SAFETY: checked for NULL; the caller passes writable pointers of the stated size.
        let out_trial_id = unsafe { out(out_trial_id, "out_trial_id") }?;
        // SAFETY: as above.
        let out_value = unsafe { out(out_value, "out_value") }?;
        // SAFETY: as above.
        let values = unsafe { array(values, len, "values") }?;
        with_solver(solver, |s| {
            check_numeric(s, len)?;
            let Some((id, value, params)) = s.best().and_then(|b| Some((b.id, b.value?, b.params)))
            else {
                return Ok(ArqonStatus::NoResult);
            };
            fill(&params, values);
            *out_trial_id = id;
            *out_value = value;
            Ok(ArqonStatus::Ok)
        })
    })
}

/// How far the run is: trials handed out, trials told, and whether the run is done (budget
/// handed out and every trial told).
///
/// # Safety
/// Ownership: everything is borrowed; the three outputs must point to writable memory.
#[no_mangle]
pub unsafe extern "C" fn arqon_progress(
    solver: *const ArqonSolver,
    out_issued: *mut u64,
    out_told: *mut u64,
    out_done: *mut bool,
) -> ArqonStatus {
    guard("arqon_progress", || {
        // SAFETY: checked for NULL; the caller passes writable pointers.
        let out_issued = unsafe { out(out_issued, "out_issued") }?;
        // SAFETY: as above.
        let out_told = unsafe { out(out_told, "out_told") }?;
        // SAFETY: as above.
        let out_done = unsafe { out(out_done, "out_done") }?;
        (*out_issued, *out_told, *out_done) =
            with_solver(solver, |s| Ok((s.issued(), s.told(), s.is_done())))?;
        Ok(ArqonStatus::Ok)
    })
}

/// The run so far as a JSON artifact (config, every trial, classification, best; see
/// `contracts/artifact.schema.json`). `arqon_solver_from_artifact` resumes from it.
///
/// # Safety
/// Ownership: `solver` is borrowed. On success `*out_json` receives a new string owned by the
/// caller (free with `arqon_string_free`); on failure it is set to NULL.
#[no_mangle]
pub unsafe extern "C" fn arqon_artifact(
    solver: *const ArqonSolver,
    out_json: *mut *mut c_char,
) -> ArqonStatus {
    // SAFETY: the caller's contract above is `solver_string`'s.
    unsafe {
        solver_string("arqon_artifact", solver, out_json, "out_json", |s| {
            Ok(s.artifact().to_json())
        })
    }
}

/// Creates a solver by replaying an artifact written by `arqon_artifact` (pending trials
/// included): the exact state of the run that wrote it.
///
/// Errors: `ARQON_STATUS_JSON`, `ARQON_STATUS_RESUME`, `ARQON_STATUS_CONFIG`.
///
/// # Safety
/// Ownership: `artifact_json` is borrowed for the call. On success `*out_solver` receives a
/// new solver owned by the caller (free with `arqon_solver_free`); on failure it is set to NULL.
/// `out_error` as for `arqon_solver_new`: NULL, or a slot for an owned copy of the message.
#[no_mangle]
pub unsafe extern "C" fn arqon_solver_from_artifact(
    artifact_json: *const c_char,
    out_solver: *mut *mut ArqonSolver,
    out_error: *mut *mut c_char,
) -> ArqonStatus {
    let from = |text: &str| Solver::from_artifact(&RunArtifact::from_json(text)?);
    // SAFETY: the caller's contract above is `construct`'s.
    unsafe {
        construct(
            "arqon_solver_from_artifact",
            artifact_json,
            "artifact_json",
            out_solver,
            out_error,
            from,
        )
    }
}

/// The whole solver state as JSON, RNG streams included: `arqon_solver_restore` continues
/// bit-identically from it.
///
/// # Safety
/// Ownership: `solver` is borrowed. On success `*out_json` receives a new string owned by the
/// caller (free with `arqon_string_free`); on failure it is set to NULL.
#[no_mangle]
pub unsafe extern "C" fn arqon_snapshot(
    solver: *const ArqonSolver,
    out_json: *mut *mut c_char,
) -> ArqonStatus {
    // SAFETY: the caller's contract above is `solver_string`'s.
    unsafe { solver_string("arqon_snapshot", solver, out_json, "out_json", |s| Ok(s.snapshot())) }
}

/// Streaming mode (`"trials": "stream"` in the config): the trials told since the last call,
/// as a JSON array of trial records (`contracts/artifact.schema.json`, `TrialRecord`) in the
/// order told, each handed out once; the solver keeps no copy. Call it after `arqon_tell`
/// (and after `arqon_ask` in deterministic parallel mode); until then the records wait in the
/// solver. Always `[]` when every trial is kept.
///
/// # Safety
/// Ownership: `solver` is borrowed. On success `*out_json` receives a new string owned by the
/// caller (free with `arqon_string_free`); on failure it is set to NULL.
#[no_mangle]
pub unsafe extern "C" fn arqon_drain_told(
    solver: *mut ArqonSolver,
    out_json: *mut *mut c_char,
) -> ArqonStatus {
    // SAFETY: the caller's contract above is `solver_string`'s.
    unsafe {
        solver_string("arqon_drain_told", solver, out_json, "out_json", |s| {
            // Plain records with string keys and finite floats: serialization cannot fail.
            Ok(serde_json::to_string(&s.drain_told()).unwrap_or_default())
        })
    }
}

/// Creates a solver from `arqon_snapshot` text; its next ask is the one the snapshotted solver
/// would have made.
///
/// Errors: `ARQON_STATUS_JSON`, `ARQON_STATUS_RESUME`.
///
/// # Safety
/// Ownership: `snapshot_json` is borrowed for the call. On success `*out_solver` receives a
/// new solver owned by the caller (free with `arqon_solver_free`); on failure it is set to NULL.
/// `out_error` as for `arqon_solver_new`: NULL, or a slot for an owned copy of the message.
#[no_mangle]
pub unsafe extern "C" fn arqon_solver_restore(
    snapshot_json: *const c_char,
    out_solver: *mut *mut ArqonSolver,
    out_error: *mut *mut c_char,
) -> ArqonStatus {
    // SAFETY: the caller's contract above is `construct`'s.
    unsafe {
        construct(
            "arqon_solver_restore",
            snapshot_json,
            "snapshot_json",
            out_solver,
            out_error,
            Solver::restore,
        )
    }
}

/// The shape of an entry point that hands the caller one string computed from a solver:
/// `*out_text` is NULL unless the call succeeds.
///
/// # Safety
/// `out_text` must be NULL or valid for writes.
unsafe fn solver_string(
    function: &str,
    solver: *const ArqonSolver,
    out_text: *mut *mut c_char,
    arg: &str,
    text: impl FnOnce(&mut Solver) -> Outcome<String>,
) -> ArqonStatus {
    guard(function, || {
        // SAFETY: checked for NULL; the caller passes a writable pointer.
        let out_text = unsafe { cleared(out_text, arg) }?;
        *out_text = owned_string(with_solver(solver, text)?);
        Ok(ArqonStatus::Ok)
    })
}

/// The shape of the constructors: build a solver from the text argument and hand its handle
/// out through `*out_solver` (NULL on failure), and the message through `out_error` when the
/// caller gave one.
///
/// # Safety
/// `text` must be NULL or NUL-terminated; `out_solver` and `out_error` NULL or writable.
unsafe fn construct(
    function: &str,
    text: *const c_char,
    arg: &str,
    out_solver: *mut *mut ArqonSolver,
    out_error: *mut *mut c_char,
    build: impl FnOnce(&str) -> Result<Solver, Error>,
) -> ArqonStatus {
    let status = guard(function, || {
        // SAFETY: checked for NULL; the caller passes a writable pointer.
        let out_solver = unsafe { cleared(out_solver, "out_solver") }?;
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let text = unsafe { input(text, arg) }?;
        *out_solver = register(build(text)?);
        Ok(ArqonStatus::Ok)
    });
    // SAFETY: the caller passes NULL or a writable pointer.
    unsafe { report_error(out_error, status) }
}
