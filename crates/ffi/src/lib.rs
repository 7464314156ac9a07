//! # arqonhpo-ffi: the C ABI of ArqonHPO
//!
//! A thin front over [`arqonhpo_core::Solver`]: it translates C types to core types and core
//! errors to status codes, and decides nothing itself. The header `include/arqonhpo.h` is
//! generated from this crate by cbindgen (`make c-header`); a test fails when it drifts.
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

mod api;
mod args;
mod error;
mod handle;

pub use api::*;
pub use error::ArqonStatus;
pub use handle::ArqonSolver;
