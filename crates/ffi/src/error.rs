//! Status codes and failures: the [`ArqonStatus`] every entry point returns, the thread-local
//! message `arqon_last_error` reads, and [`guard`], which runs an entry point so that a
//! failure becomes a status and a message and a panic never unwinds into C.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use arqonhpo_core::Error;

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
    pub(crate) const ALL: [ArqonStatus; 17] = [
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

    pub(crate) fn name(self) -> &'static CStr {
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

thread_local! {
    pub(crate) static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// A failed call: the status and the message for `arqon_last_error`.
#[derive(Debug)]
pub(crate) struct Failure {
    status: ArqonStatus,
    message: String,
}

impl Failure {
    pub(crate) fn new(status: ArqonStatus, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }

    pub(crate) fn null(arg: &str) -> Self {
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

pub(crate) type Outcome<T> = Result<T, Failure>;

pub(crate) fn set_last_error(message: &str) {
    // A C string cannot hold NUL bytes; show them escaped rather than cutting the message.
    let text = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    // `try_with` fails only while the thread is being torn down; there is no one to tell then.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = text);
}

/// Runs an entry point that returns a library-owned string, so that not even a panic
/// (impossible today) unwinds into C: the empty string stands in.
pub(crate) fn static_string(body: impl FnOnce() -> *const c_char) -> *const c_char {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(c"".as_ptr())
}

/// Runs one entry point: clears the last error, catches panics, and turns a failure into its
/// status and message (prefixed with the function name, so the message says where).
pub(crate) fn guard(function: &str, body: impl FnOnce() -> Outcome<ArqonStatus>) -> ArqonStatus {
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
                "{function}: internal error ({detail}); this is a bug in ArqonHPO, please \
                 report it. If a solver was in use, it refuses further calls: free it and \
                 restore it from a snapshot"
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
pub(crate) unsafe fn report_error(out_error: *mut *mut c_char, status: ArqonStatus) -> ArqonStatus {
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

#[cfg(test)]
mod tests {
    use std::ffi::{c_int, CStr};

    use super::*;
    use crate::{arqon_last_error, arqon_status_name};

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
