//! # arqonhpo-ffi: the C ABI of ArqonHPO
//!
//! A thin front over [`arqonhpo_core::Solver`]: it translates C types to core types and core
//! errors to status codes, and decides nothing itself. The header `include/arqonhpo.h` is
//! generated from this file by cbindgen (`make c-header`); a test fails when it drifts.
//!
//! ## The rules every entry point follows
//! - It returns an [`ArqonStatus`]; on failure the message is read with [`arqon_last_error`]
//!   (thread-local, says what went wrong, where, and how to fix it).
//! - It runs inside `catch_unwind`: a panic becomes [`ArqonStatus::Panic`], never an unwind
//!   into C.
//! - Every pointer is checked: null pointers are [`ArqonStatus::NullPointer`]; a solver handle
//!   that is not live (never created, or already freed) is [`ArqonStatus::InvalidHandle`],
//!   because live handles are kept in a registry and looked up before use. Strings must be
//!   UTF-8 ([`ArqonStatus::InvalidUtf8`] otherwise).
//! - A failed call leaves the solver exactly as it was.
//! - Every string it returns is owned by the caller and freed with [`arqon_string_free`]; every
//!   solver with [`arqon_solver_free`].
//!
//! A handle may be used from several threads: calls on one solver are serialized by a mutex.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ffi::{c_char, c_int, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use arqonhpo_core::{Ask, Error, Param, Params, RunArtifact, Solver, Value};

/// The result of every call. `ARQON_STATUS_OK` is 0; every other value but
/// `ARQON_STATUS_DONE`, `ARQON_STATUS_NO_RESULT` and `ARQON_STATUS_WAIT` is an error whose message
/// `arqon_last_error()` returns.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArqonStatus {
    /// Success.
    Ok = 0,
    /// `arqon_ask*`: the whole budget has been handed out; there is no new trial. Not an error.
    Done = 1,
    /// `arqon_best*`: no trial has completed yet, so there is no best. Not an error.
    NoResult = 2,
    /// A pointer argument was NULL (the message names it).
    NullPointer = 3,
    /// The solver handle is not a live solver: never created by this library, or already freed.
    InvalidHandle = 4,
    /// A string argument is not valid UTF-8 (the message gives the byte offset).
    InvalidUtf8 = 5,
    /// Text that should be JSON (config, snapshot or artifact) could not be parsed; the message
    /// gives the line and column.
    Json = 6,
    /// The config failed validation; the message lists every problem with its field path.
    Config = 7,
    /// `arqon_tell*` named a trial id that was never handed out.
    UnknownTrial = 8,
    /// `arqon_tell*` named a trial whose result was already reported.
    AlreadyTold = 9,
    /// A snapshot or artifact could not be resumed.
    Resume = 10,
    /// An array form was used on a space that has `choice` parameters; use the JSON form.
    NotNumeric = 11,
    /// The `len` given for an array does not match the number of parameters.
    BufferSize = 12,
    /// An index is out of range (e.g. `arqon_param_name`).
    OutOfRange = 13,
    /// An internal error (a bug in ArqonHPO, caught before it reached C). A solver that was in
    /// use is marked unusable; free it and restore from a snapshot.
    Panic = 14,
    /// Another error reported by the engine; see the message.
    Error = 15,
    /// `arqon_ask*` in deterministic parallel mode (`"parallel": {"lag": k}`): the next trial
    /// needs an earlier one told first. Tell a running trial, then ask again. Not an error.
    Wait = 16,
}

impl ArqonStatus {
    /// Every status, in numeric order (the index is the numeric value).
    const ALL: [ArqonStatus; 17] = [
        ArqonStatus::Ok,
        ArqonStatus::Done,
        ArqonStatus::NoResult,
        ArqonStatus::NullPointer,
        ArqonStatus::InvalidHandle,
        ArqonStatus::InvalidUtf8,
        ArqonStatus::Json,
        ArqonStatus::Config,
        ArqonStatus::UnknownTrial,
        ArqonStatus::AlreadyTold,
        ArqonStatus::Resume,
        ArqonStatus::NotNumeric,
        ArqonStatus::BufferSize,
        ArqonStatus::OutOfRange,
        ArqonStatus::Panic,
        ArqonStatus::Error,
        ArqonStatus::Wait,
    ];

    fn name(self) -> &'static CStr {
        match self {
            ArqonStatus::Ok => c"ARQON_STATUS_OK",
            ArqonStatus::Done => c"ARQON_STATUS_DONE",
            ArqonStatus::NoResult => c"ARQON_STATUS_NO_RESULT",
            ArqonStatus::NullPointer => c"ARQON_STATUS_NULL_POINTER",
            ArqonStatus::InvalidHandle => c"ARQON_STATUS_INVALID_HANDLE",
            ArqonStatus::InvalidUtf8 => c"ARQON_STATUS_INVALID_UTF8",
            ArqonStatus::Json => c"ARQON_STATUS_JSON",
            ArqonStatus::Config => c"ARQON_STATUS_CONFIG",
            ArqonStatus::UnknownTrial => c"ARQON_STATUS_UNKNOWN_TRIAL",
            ArqonStatus::AlreadyTold => c"ARQON_STATUS_ALREADY_TOLD",
            ArqonStatus::Resume => c"ARQON_STATUS_RESUME",
            ArqonStatus::NotNumeric => c"ARQON_STATUS_NOT_NUMERIC",
            ArqonStatus::BufferSize => c"ARQON_STATUS_BUFFER_SIZE",
            ArqonStatus::OutOfRange => c"ARQON_STATUS_OUT_OF_RANGE",
            ArqonStatus::Panic => c"ARQON_STATUS_PANIC",
            ArqonStatus::Error => c"ARQON_STATUS_ERROR",
            ArqonStatus::Wait => c"ARQON_STATUS_WAIT",
        }
    }
}

/// An optimizer run. Opaque: create it with `arqon_solver_new`, `arqon_solver_restore` or
/// `arqon_solver_from_artifact`, free it with `arqon_solver_free`.
pub struct ArqonSolver {
    solver: Mutex<Solver>,
}

/// Live handles by address. A handle is only dereferenced after it is found here, so a stale
/// or foreign pointer is reported instead of being trusted. The `Arc` keeps a solver alive
/// while a call on another thread still uses it after `arqon_solver_free` removed it.
static LIVE: Mutex<BTreeMap<usize, Arc<ArqonSolver>>> = Mutex::new(BTreeMap::new());

fn live() -> MutexGuard<'static, BTreeMap<usize, Arc<ArqonSolver>>> {
    // The registry is only touched by map operations that leave it consistent, so a poisoned
    // lock (a panic elsewhere while holding it) still guards a valid map.
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// A failed call: the status and the message for `arqon_last_error`.
#[derive(Debug)]
struct Failure {
    status: ArqonStatus,
    message: String,
}

impl Failure {
    fn new(status: ArqonStatus, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }

    fn null(arg: &str) -> Self {
        Self::new(
            ArqonStatus::NullPointer,
            format!("argument `{arg}` is NULL; pass a valid pointer"),
        )
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let status = match e {
            Error::Config { .. } => ArqonStatus::Config,
            Error::Json { .. } => ArqonStatus::Json,
            Error::UnknownTrial { .. } => ArqonStatus::UnknownTrial,
            Error::AlreadyTold { .. } => ArqonStatus::AlreadyTold,
            Error::Resume { .. } => ArqonStatus::Resume,
            _ => ArqonStatus::Error,
        };
        let mut message = e.to_string();
        // The engine's hint on how to fix it. A JSON error's hint points at a label drawn in
        // the source text, which C callers do not get; its line and column say enough.
        if !matches!(e, Error::Json { .. }) {
            if let Some(help) = miette::Diagnostic::help(&e) {
                message.push_str(&format!("\nhelp: {help}"));
            }
        }
        Self::new(status, message)
    }
}

type Outcome<T> = Result<T, Failure>;

fn set_last_error(message: &str) {
    // A C string cannot hold NUL bytes; show them escaped rather than cutting the message.
    let text = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    // `try_with` fails only while the thread is being torn down; there is no one to tell then.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = text);
}

/// Runs an entry point that returns a library-owned string, so that not even a panic
/// (impossible today) unwinds into C: the empty string stands in.
fn static_string(body: impl FnOnce() -> *const c_char) -> *const c_char {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(c"".as_ptr())
}

/// Runs one entry point: clears the last error, catches panics, and turns a failure into its
/// status and message (prefixed with the function name, so the message says where).
fn guard(function: &str, body: impl FnOnce() -> Outcome<ArqonStatus>) -> ArqonStatus {
    set_last_error("");
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(status)) => status,
        Ok(Err(failure)) => {
            set_last_error(&format!("{function}: {}", failure.message));
            failure.status
        }
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            set_last_error(&format!(
                "{function}: internal error ({detail}); this is a bug in ArqonHPO, please report it. \
                 If a solver was in use, it refuses further calls: free it and restore it from a snapshot"
            ));
            ArqonStatus::Panic
        }
    }
}

/// Gives a constructor's caller the failure message through its optional `out_error`: an
/// owned copy, so it outlives later calls and can cross threads.
///
/// # Safety
/// `out_error` must be NULL or valid for writes.
unsafe fn report_error(out_error: *mut *mut c_char, status: ArqonStatus) -> ArqonStatus {
    // SAFETY: NULL (nothing to do) or writable, per the caller's contract.
    if let Some(slot) = unsafe { out_error.as_mut() } {
        let copy = || LAST_ERROR.try_with(|m| m.borrow().clone().into_raw());
        *slot = match status {
            ArqonStatus::Ok => std::ptr::null_mut(),
            _ => catch_unwind(copy).ok().and_then(Result::ok).unwrap_or(std::ptr::null_mut()),
        };
    }
    status
}

/// Checks an out-pointer and returns it as a reference.
///
/// # Safety
/// `ptr` must be NULL or valid for writes of a `T`.
unsafe fn out<'a, T>(ptr: *mut T, arg: &str) -> Outcome<&'a mut T> {
    // SAFETY: the caller guarantees `ptr` is NULL (rejected here) or valid for writes.
    unsafe { ptr.as_mut() }.ok_or_else(|| Failure::null(arg))
}

/// Reads a NUL-terminated UTF-8 argument.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that outlives the call.
unsafe fn input<'a>(ptr: *const c_char, arg: &str) -> Outcome<&'a str> {
    if ptr.is_null() {
        return Err(Failure::null(arg));
    }
    // SAFETY: non-null and NUL-terminated per the caller's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| {
        Failure::new(
            ArqonStatus::InvalidUtf8,
            format!(
                "argument `{arg}` is not valid UTF-8 (invalid byte at offset {}); pass UTF-8 text",
                e.valid_up_to()
            ),
        )
    })
}

fn invalid_handle(handle: *const ArqonSolver) -> Failure {
    Failure::new(
        ArqonStatus::InvalidHandle,
        format!(
            "solver handle {handle:p} is not a live solver (never created by arqon_solver_new/restore/from_artifact, \
             or already freed); pass a handle returned by one of those"
        ),
    )
}

/// Looks a handle up in the registry of live solvers.
fn lookup(handle: *const ArqonSolver) -> Outcome<Arc<ArqonSolver>> {
    if handle.is_null() {
        return Err(Failure::null("solver"));
    }
    live().get(&(handle as usize)).cloned().ok_or_else(|| invalid_handle(handle))
}

/// Runs `f` on the solver behind `handle`, holding its lock.
fn with_solver<R>(
    handle: *const ArqonSolver,
    f: impl FnOnce(&mut Solver) -> Outcome<R>,
) -> Outcome<R> {
    let entry = lookup(handle)?;
    let mut solver = entry.solver.lock().map_err(|_| {
        Failure::new(
            ArqonStatus::Panic,
            "this solver was in use when an internal error occurred and may be inconsistent; free it and restore from a snapshot",
        )
    })?;
    f(&mut solver)
}

/// Registers a new solver and returns its handle.
fn register(solver: Solver) -> *mut ArqonSolver {
    let entry = Arc::new(ArqonSolver { solver: Mutex::new(solver) });
    let handle = Arc::as_ptr(&entry).cast_mut();
    live().insert(handle as usize, entry);
    handle
}

fn owned_string(text: String) -> *mut c_char {
    // JSON text escapes NUL as \u0000, so this never replaces anything in practice.
    CString::new(text.replace('\0', "\\u0000")).unwrap_or_default().into_raw()
}

fn params_json(params: &Params) -> Outcome<String> {
    serde_json::to_string(params).map_err(|e| {
        Failure::new(ArqonStatus::Error, format!("cannot write parameters as JSON: {e}"))
    })
}

/// Checks that every parameter is numeric and that `len` matches the space.
fn check_numeric(solver: &Solver, len: usize) -> Outcome<()> {
    let space = &solver.config().space;
    if let Some((name, _)) = space.iter().find(|(_, p)| matches!(p, Param::Choice { .. })) {
        return Err(Failure::new(
            ArqonStatus::NotNumeric,
            format!("parameter `{name}` is a choice, so trials cannot be written as numbers; use the JSON form (arqon_ask / arqon_best)"),
        ));
    }
    if len != space.len() {
        return Err(Failure::new(
            ArqonStatus::BufferSize,
            format!("`len` is {len} but the space has {} parameters; pass an array of exactly that many doubles (see arqon_param_count)", space.len()),
        ));
    }
    Ok(())
}

/// Writes numeric params into `values` (checked by [`check_numeric`]).
fn fill(params: &Params, values: &mut [f64]) {
    for (slot, (_, value)) in values.iter_mut().zip(params.iter()) {
        *slot = match value {
            Value::Bool(b) => f64::from(u8::from(*b)),
            other => other.as_f64().unwrap_or(f64::NAN),
        };
    }
}

/// Checks an array argument and returns it as a slice.
///
/// # Safety
/// `ptr` must be NULL or valid for writes of `len` doubles.
unsafe fn array<'a>(ptr: *mut f64, len: usize, arg: &str) -> Outcome<&'a mut [f64]> {
    if ptr.is_null() {
        return Err(Failure::null(arg));
    }
    // SAFETY: non-null and valid for `len` doubles per the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

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
    let status = guard("arqon_solver_new", || {
        // SAFETY: checked for NULL; the caller passes a writable pointer.
        let out_solver = unsafe { out(out_solver, "out_solver") }?;
        *out_solver = std::ptr::null_mut();
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let text = unsafe { input(config_json, "config_json") }?;
        *out_solver = register(Solver::from_json(text)?);
        Ok(ArqonStatus::Ok)
    });
    // SAFETY: the caller passes NULL or a writable pointer.
    unsafe { report_error(out_error, status) }
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
        // One registry operation, so two threads freeing the same handle cannot both succeed.
        // A call still running on another thread keeps its own reference until it returns.
        // The solver is dropped after the registry lock is released.
        let removed = live().remove(&(solver as usize));
        removed.map(|_| ArqonStatus::Ok).ok_or_else(|| invalid_handle(solver))
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
    guard("arqon_param_name", || {
        // SAFETY: checked for NULL; the caller passes a writable pointer.
        let out_name = unsafe { out(out_name, "out_name") }?;
        *out_name = std::ptr::null_mut();
        let name = with_solver(solver, |s| {
            let space = &s.config().space;
            space.iter().nth(index).map(|(name, _)| name.to_owned()).ok_or_else(|| {
                Failure::new(
                    ArqonStatus::OutOfRange,
                    format!(
                        "index {index} is out of range: the space has {} parameters (0..{})",
                        space.len(),
                        space.len()
                    ),
                )
            })
        })?;
        *out_name = owned_string(name);
        Ok(ArqonStatus::Ok)
    })
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
        let out_params_json = unsafe { out(out_params_json, "out_params_json") }?;
        *out_params_json = std::ptr::null_mut();
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
        let out_params_json = unsafe { out(out_params_json, "out_params_json") }?;
        *out_params_json = std::ptr::null_mut();
        // SAFETY: as above.
        let out_trial_id = unsafe { out(out_trial_id, "out_trial_id") }?;
        // SAFETY: as above.
        let out_value = unsafe { out(out_value, "out_value") }?;
        with_solver(solver, |s| {
            let Some((id, value, params)) =
                s.best().and_then(|b| Some((b.id, b.value?, &b.params)))
            else {
                return Ok(ArqonStatus::NoResult);
            };
            let text = params_json(params)?;
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
            let Some((id, value, params)) =
                s.best().and_then(|b| Some((b.id, b.value?, &b.params)))
            else {
                return Ok(ArqonStatus::NoResult);
            };
            fill(params, values);
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
    guard("arqon_artifact", || {
        // SAFETY: checked for NULL; the caller passes a writable pointer.
        let out_json = unsafe { out(out_json, "out_json") }?;
        *out_json = std::ptr::null_mut();
        *out_json = owned_string(with_solver(solver, |s| Ok(s.artifact().to_json()))?);
        Ok(ArqonStatus::Ok)
    })
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
    let status = guard("arqon_solver_from_artifact", || {
        // SAFETY: checked for NULL; the caller passes a writable pointer.
        let out_solver = unsafe { out(out_solver, "out_solver") }?;
        *out_solver = std::ptr::null_mut();
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let text = unsafe { input(artifact_json, "artifact_json") }?;
        let solver = Solver::from_artifact(&RunArtifact::from_json(text)?)?;
        *out_solver = register(solver);
        Ok(ArqonStatus::Ok)
    });
    // SAFETY: the caller passes NULL or a writable pointer.
    unsafe { report_error(out_error, status) }
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
    guard("arqon_snapshot", || {
        // SAFETY: checked for NULL; the caller passes a writable pointer.
        let out_json = unsafe { out(out_json, "out_json") }?;
        *out_json = std::ptr::null_mut();
        *out_json = owned_string(with_solver(solver, |s| Ok(s.snapshot()))?);
        Ok(ArqonStatus::Ok)
    })
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
    let status = guard("arqon_solver_restore", || {
        // SAFETY: checked for NULL; the caller passes a writable pointer.
        let out_solver = unsafe { out(out_solver, "out_solver") }?;
        *out_solver = std::ptr::null_mut();
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let text = unsafe { input(snapshot_json, "snapshot_json") }?;
        *out_solver = register(Solver::restore(text)?);
        Ok(ArqonStatus::Ok)
    });
    // SAFETY: the caller passes NULL or a writable pointer.
    unsafe { report_error(out_error, status) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_error() -> String {
        // SAFETY: arqon_last_error never returns NULL and the string is NUL-terminated.
        unsafe { CStr::from_ptr(arqon_last_error()) }.to_string_lossy().into_owned()
    }

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        let status = guard("arqon_test", || panic!("boom {}", 42));
        assert_eq!(status, ArqonStatus::Panic);
        let message = last_error();
        assert!(message.starts_with("arqon_test: internal error (boom 42)"), "{message}");
        assert_eq!(guard("arqon_test", || Ok(ArqonStatus::Ok)), ArqonStatus::Ok);
        assert_eq!(last_error(), "", "a successful call clears the last error");
    }

    #[test]
    fn a_poisoned_solver_reports_instead_of_continuing() {
        let config = r#"{"budget": 5, "space": {"x": {"type": "float", "low": 0, "high": 1}}}"#;
        let mut handle = std::ptr::null_mut();
        let text = CString::new(config).unwrap_or_default();
        // SAFETY: valid string and out-pointer.
        assert_eq!(
            unsafe { arqon_solver_new(text.as_ptr(), &mut handle, std::ptr::null_mut()) },
            ArqonStatus::Ok
        );
        let status = guard("arqon_test", || {
            with_solver(handle, |_| -> Outcome<ArqonStatus> { panic!("inside the lock") })
        });
        assert_eq!(status, ArqonStatus::Panic);
        let mut id = 0;
        let mut params = std::ptr::null_mut();
        // SAFETY: valid out-pointers.
        assert_eq!(unsafe { arqon_ask(handle, &mut id, &mut params) }, ArqonStatus::Panic);
        assert!(params.is_null());
        assert!(last_error().contains("free it and restore from a snapshot"), "{}", last_error());
        // SAFETY: live handle, freed once.
        assert_eq!(unsafe { arqon_solver_free(handle) }, ArqonStatus::Ok);
    }

    #[test]
    fn status_names_match_their_numbers() {
        for (i, status) in ArqonStatus::ALL.iter().enumerate() {
            assert_eq!(*status as usize, i);
            // SAFETY: static NUL-terminated strings.
            let name = unsafe { CStr::from_ptr(arqon_status_name(i as c_int)) };
            assert_eq!(name, status.name());
        }
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(arqon_status_name(-1)) };
        assert_eq!(unknown, c"ARQON_STATUS_<unknown>");
    }
}
