//! Solver handles: the opaque [`ArqonSolver`] C holds, the registry of live handles every
//! call looks its pointer up in (so a stale or foreign pointer is an error, not undefined
//! behaviour), and running a call on a handle's solver under its lock.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use arqonhpo_core::Solver;

use crate::error::{ArqonStatus, Failure, Outcome};

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

fn invalid_handle(handle: *const ArqonSolver) -> Failure {
    Failure::new(
        ArqonStatus::InvalidHandle,
        format!(
            "solver handle {handle:p} is not a live solver (never created by \
             arqon_solver_new/restore/from_artifact, \
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
pub(crate) fn with_solver<R>(
    handle: *const ArqonSolver,
    f: impl FnOnce(&mut Solver) -> Outcome<R>,
) -> Outcome<R> {
    let entry = lookup(handle)?;
    let mut solver = entry.solver.lock().map_err(|_| {
        Failure::new(
            ArqonStatus::Panic,
            "this solver was in use when an internal error occurred and may be inconsistent; \
             free it and restore from a snapshot",
        )
    })?;
    f(&mut solver)
}

/// Registers a new solver and returns its handle.
pub(crate) fn register(solver: Solver) -> *mut ArqonSolver {
    let entry = Arc::new(ArqonSolver { solver: Mutex::new(solver) });
    let handle = Arc::as_ptr(&entry).cast_mut();
    live().insert(handle as usize, entry);
    handle
}

/// Removes a handle from the registry. One registry operation, so two threads freeing the
/// same handle cannot both succeed; a call still running on another thread keeps its own
/// reference until it returns. The solver is dropped after the registry lock is released.
pub(crate) fn unregister(handle: *mut ArqonSolver) -> Outcome<()> {
    let removed = live().remove(&(handle as usize));
    removed.map(drop).ok_or_else(|| invalid_handle(handle))
}

#[cfg(test)]
mod tests {
    use std::ffi::{CStr, CString};

    use super::*;
    use crate::error::guard;
    use crate::{arqon_ask, arqon_last_error, arqon_solver_free, arqon_solver_new};

    fn last_error() -> String {
        // SAFETY: arqon_last_error never returns NULL and the string is NUL-terminated.
        unsafe { CStr::from_ptr(arqon_last_error()) }.to_string_lossy().into_owned()
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
}
