//! The arguments of an entry point, checked (NULL, UTF-8, array length, numeric space), and
//! the results it hands to C (caller-owned strings, doubles in space order).

use std::ffi::{c_char, CStr, CString};

use arqonhpo_core::{Param, Params, Solver, Value};

use crate::error::{ArqonStatus, Failure, Outcome};

/// Checks an out-pointer and returns it as a reference.
///
/// # Safety
/// `ptr` must be NULL or valid for writes of a `T`.
pub(crate) unsafe fn out<'a, T>(ptr: *mut T, arg: &str) -> Outcome<&'a mut T> {
    // SAFETY: the caller guarantees `ptr` is NULL (rejected here) or valid for writes.
    unsafe { ptr.as_mut() }.ok_or_else(|| Failure::null(arg))
}

/// Reads a NUL-terminated UTF-8 argument.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that outlives the call.
pub(crate) unsafe fn input<'a>(ptr: *const c_char, arg: &str) -> Outcome<&'a str> {
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

/// Checks an out-pointer that receives a caller-owned pointer (a string or a solver) and sets
/// it to NULL, so that it is NULL after any failure.
///
/// # Safety
/// `ptr` must be NULL or valid for writes of a pointer.
pub(crate) unsafe fn cleared<'a, T>(ptr: *mut *mut T, arg: &str) -> Outcome<&'a mut *mut T> {
    // SAFETY: the caller guarantees `ptr` is NULL (rejected) or valid for writes.
    let slot = unsafe { out(ptr, arg) }?;
    *slot = std::ptr::null_mut();
    Ok(slot)
}

pub(crate) fn owned_string(text: String) -> *mut c_char {
    // JSON text escapes NUL as \u0000, so this never replaces anything in practice.
    CString::new(text.replace('\0', "\\u0000")).unwrap_or_default().into_raw()
}

pub(crate) fn params_json(params: &Params) -> Outcome<String> {
    serde_json::to_string(params).map_err(|e| {
        Failure::new(ArqonStatus::Error, format!("cannot write parameters as JSON: {e}"))
    })
}

/// Checks that every parameter is numeric and that `len` matches the space.
pub(crate) fn check_numeric(solver: &Solver, len: usize) -> Outcome<()> {
    let space = &solver.config().space;
    if let Some((name, _)) = space.iter().find(|(_, p)| matches!(p, Param::Choice { .. })) {
        return Err(Failure::new(
            ArqonStatus::NotNumeric,
            format!(
                "parameter `{name}` is a choice, so trials cannot be written as numbers; \
                 use the JSON form (arqon_ask / arqon_best)"
            ),
        ));
    }
    if len != space.len() {
        return Err(Failure::new(
            ArqonStatus::BufferSize,
            format!(
                "`len` is {len} but the space has {} parameters; pass an array of exactly \
                 that many doubles (see arqon_param_count)",
                space.len()
            ),
        ));
    }
    Ok(())
}

/// Writes numeric params into `values` (checked by [`check_numeric`]).
pub(crate) fn fill(params: &Params, values: &mut [f64]) {
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
pub(crate) unsafe fn array<'a>(ptr: *mut f64, len: usize, arg: &str) -> Outcome<&'a mut [f64]> {
    if ptr.is_null() {
        return Err(Failure::null(arg));
    }
    // SAFETY: non-null and valid for `len` doubles per the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}
