//! The entry points called directly from Rust (through the rlib), for what is awkward to drive
//! from a C program: many malformed inputs, and one handle shared by several threads.

// Helpers outside `#[test]` functions are test code too (clippy.toml covers only the
// functions themselves).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use arqonhpo::*;

const CONFIG: &str = r#"{"seed": 3, "budget": 40, "space": {
    "lr": {"type": "float", "low": 0.0001, "high": 1.0, "log": true},
    "depth": {"type": "int", "low": 1, "high": 8},
    "kernel": {"type": "choice", "choices": ["rbf", "linear"]}}}"#;

fn c(text: &str) -> CString {
    CString::new(text).expect("test text has no NUL byte")
}

fn last_error() -> String {
    // SAFETY: never NULL, NUL-terminated, read before the next call on this thread.
    unsafe { CStr::from_ptr(arqon_last_error()) }.to_string_lossy().into_owned()
}

fn new_solver(config: &str) -> Result<*mut ArqonSolver, (ArqonStatus, String)> {
    let text = c(config);
    let mut solver = ptr::null_mut();
    // SAFETY: valid string and out-pointer.
    match unsafe { arqon_solver_new(text.as_ptr(), &mut solver, ptr::null_mut()) } {
        ArqonStatus::Ok => Ok(solver),
        status => {
            assert!(solver.is_null(), "a failed create must leave *out_solver NULL");
            Err((status, last_error()))
        }
    }
}

fn take_string(ptr: *mut c_char) -> String {
    assert!(!ptr.is_null());
    // SAFETY: a string the library returned, read then freed once.
    let text = unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned();
    // SAFETY: as above.
    unsafe { arqon_string_free(ptr) };
    text
}

fn snapshot(solver: *const ArqonSolver) -> String {
    let mut out = ptr::null_mut();
    // SAFETY: live handle and valid out-pointer.
    assert_eq!(unsafe { arqon_snapshot(solver, &mut out) }, ArqonStatus::Ok);
    take_string(out)
}

/// Every prefix and many one-byte corruptions of valid config, snapshot and artifact text give
/// an error status with a message, never a panic (which would be `ARQON_STATUS_PANIC`).
#[test]
fn malformed_inputs_give_errors_not_panics() {
    let solver = new_solver(CONFIG).unwrap();
    for _ in 0..5 {
        let (mut id, mut params) = (0, ptr::null_mut());
        // SAFETY: live handle, valid out-pointers.
        assert_eq!(unsafe { arqon_ask(solver, &mut id, &mut params) }, ArqonStatus::Ok);
        take_string(params);
        // SAFETY: live handle.
        assert_eq!(unsafe { arqon_tell(solver, id, 1.0 / (id as f64 + 1.0)) }, ArqonStatus::Ok);
    }
    let state = snapshot(solver);
    let mut artifact = ptr::null_mut();
    // SAFETY: live handle and valid out-pointer.
    assert_eq!(unsafe { arqon_artifact(solver, &mut artifact) }, ArqonStatus::Ok);
    let artifact = take_string(artifact);

    type Create =
        unsafe extern "C" fn(*const c_char, *mut *mut ArqonSolver, *mut *mut c_char) -> ArqonStatus;
    let inputs: [(&str, &str, Create); 3] = [
        ("config", CONFIG, arqon_solver_new),
        ("snapshot", &state, arqon_solver_restore),
        ("artifact", &artifact, arqon_solver_from_artifact),
    ];
    let mut tried = 0;
    for (what, text, create) in inputs {
        let bytes = text.as_bytes();
        let mut variants: Vec<Vec<u8>> =
            (0..bytes.len()).step_by(7).map(|n| bytes[..n].to_vec()).collect();
        for (i, replacement) in
            (0..bytes.len()).step_by(13).zip([b'"', b'9', b'-', b'}', b'e', b'x'].iter().cycle())
        {
            let mut v = bytes.to_vec();
            v[i] = *replacement;
            variants.push(v);
        }
        for variant in variants {
            let Ok(text) = CString::new(variant) else {
                continue;
            };
            let mut out = ptr::null_mut();
            // SAFETY: valid string and out-pointer.
            let status = unsafe { create(text.as_ptr(), &mut out, ptr::null_mut()) };
            tried += 1;
            assert_ne!(
                status,
                ArqonStatus::Panic,
                "{what} input made the library panic: {}\n{text:?}",
                last_error()
            );
            if status == ArqonStatus::Ok {
                // A harmless corruption (e.g. in a number's last digit) may still be valid.
                // SAFETY: a live handle just created.
                assert_eq!(unsafe { arqon_solver_free(out) }, ArqonStatus::Ok);
            } else {
                assert!(out.is_null(), "{what}: failed create must leave NULL");
                assert!(!last_error().is_empty(), "{what}: status {status:?} without a message");
            }
        }
    }
    assert!(tried > 300, "only {tried} malformed inputs tried");
    // SAFETY: live handle, freed once.
    assert_eq!(unsafe { arqon_solver_free(solver) }, ArqonStatus::Ok);
}

/// One handle used by four threads at once: every trial id is handed out exactly once, every
/// tell lands, and the run ends done. Handles are `*mut`, so they cross threads as addresses.
#[test]
fn one_handle_shared_by_threads() {
    let solver = new_solver(CONFIG).unwrap() as usize;
    let workers: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let handle = solver as *mut ArqonSolver;
                let mut ids = Vec::new();
                loop {
                    let (mut id, mut params) = (0, ptr::null_mut());
                    // SAFETY: live handle (freed only after every worker joined), valid outs.
                    match unsafe { arqon_ask(handle, &mut id, &mut params) } {
                        ArqonStatus::Ok => {}
                        ArqonStatus::Done => break,
                        other => panic!("ask: {other:?} {}", last_error()),
                    }
                    let value = take_string(params).len() as f64;
                    // SAFETY: live handle.
                    assert_eq!(
                        unsafe { arqon_tell(handle, id, value) },
                        ArqonStatus::Ok,
                        "{}",
                        last_error()
                    );
                    ids.push(id);
                }
                ids
            })
        })
        .collect();
    let mut ids: Vec<u64> =
        workers.into_iter().flat_map(|w| w.join().expect("a worker finishes")).collect();
    ids.sort_unstable();
    assert_eq!(ids, (0..40).collect::<Vec<u64>>());
    let (mut issued, mut told, mut done) = (0, 0, false);
    // SAFETY: live handle and valid out-pointers.
    assert_eq!(
        unsafe { arqon_progress(solver as *const ArqonSolver, &mut issued, &mut told, &mut done,) },
        ArqonStatus::Ok
    );
    assert_eq!((issued, told, done), (40, 40, true));
    // SAFETY: live handle, freed once.
    assert_eq!(unsafe { arqon_solver_free(solver as *mut ArqonSolver) }, ArqonStatus::Ok);
}

/// The last error is per thread: a failure on one thread does not show on another.
#[test]
fn last_error_is_thread_local() {
    // SAFETY: NULL handle is checked, valid out-pointer.
    assert_eq!(unsafe { arqon_param_count(ptr::null(), &mut 0) }, ArqonStatus::NullPointer);
    assert!(last_error().contains("`solver` is NULL"), "{}", last_error());
    let other = std::thread::spawn(last_error).join().expect("the thread finishes");
    assert_eq!(other, "");
    assert!(last_error().contains("`solver` is NULL"), "still set on the failing thread");
}

/// Telling a value that is not finite records a failed trial (the engine's rule), and the
/// array forms write ints as whole doubles in space order.
#[test]
fn array_forms_on_a_numeric_space() {
    let solver = new_solver(r#"{"seed": 1, "budget": 6, "space": {"x": {"type": "float", "low": -1, "high": 1}, "n": {"type": "int", "low": 2, "high": 5}}}"#)
        .unwrap();
    let mut name = ptr::null_mut();
    // SAFETY: live handle, valid out-pointer.
    assert_eq!(unsafe { arqon_param_name(solver, 1, &mut name) }, ArqonStatus::Ok);
    assert_eq!(take_string(name), "n");
    let mut best = [0.0; 2];
    let (mut best_id, mut best_value) = (0, 0.0);
    // SAFETY: live handle; `best` holds 2 doubles.
    assert_eq!(
        unsafe { arqon_best_array(solver, &mut best_id, &mut best_value, best.as_mut_ptr(), 2) },
        ArqonStatus::NoResult
    );
    let mut values = [0.0; 2];
    let mut id = 0;
    // SAFETY: as above.
    assert_eq!(
        unsafe { arqon_ask_array(solver, &mut id, values.as_mut_ptr(), 2) },
        ArqonStatus::Ok
    );
    assert!((-1.0..=1.0).contains(&values[0]));
    assert!(values[1].fract() == 0.0 && (2.0..=5.0).contains(&values[1]), "{values:?}");
    // SAFETY: live handle.
    assert_eq!(unsafe { arqon_tell(solver, id, f64::NAN) }, ArqonStatus::Ok);
    // SAFETY: as above.
    assert_eq!(
        unsafe { arqon_best_array(solver, &mut best_id, &mut best_value, best.as_mut_ptr(), 2) },
        ArqonStatus::NoResult
    );
    let artifact = {
        let mut out = ptr::null_mut();
        // SAFETY: live handle, valid out-pointer.
        assert_eq!(unsafe { arqon_artifact(solver, &mut out) }, ArqonStatus::Ok);
        take_string(out)
    };
    assert!(artifact.contains("\"failed\""), "a NaN is recorded as a failed trial:\n{artifact}");
    // SAFETY: as above.
    assert_eq!(
        unsafe { arqon_ask_array(solver, &mut id, values.as_mut_ptr(), 2) },
        ArqonStatus::Ok
    );
    // SAFETY: live handle.
    assert_eq!(unsafe { arqon_tell(solver, id, 0.25) }, ArqonStatus::Ok);
    // SAFETY: as above.
    assert_eq!(
        unsafe { arqon_best_array(solver, &mut best_id, &mut best_value, best.as_mut_ptr(), 2) },
        ArqonStatus::Ok
    );
    assert_eq!((best_id, best_value, best), (id, 0.25, values));
    // SAFETY: live handle, freed once.
    assert_eq!(unsafe { arqon_solver_free(solver) }, ArqonStatus::Ok);
}

#[test]
fn version_is_the_engine_version() {
    // SAFETY: static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(arqon_version()) };
    assert_eq!(version.to_str().ok(), Some(arqonhpo_core::VERSION));
}

/// Configs written for arqonhpo 0.3 (`bounds` with `min`/`max`/`scale`) are accepted, as the
/// header promises.
#[test]
fn legacy_configs_are_accepted() {
    let legacy = r#"{"seed": 1, "budget": 10, "probe_ratio": 0.2,
        "bounds": {"lr": {"min": 0.001, "max": 0.1, "scale": "Log"}, "m": {"min": 0, "max": 1, "scale": "Linear"}}}"#;
    let solver = new_solver(legacy).unwrap();
    let mut count = 0;
    // SAFETY: live handle, valid out-pointer.
    assert_eq!(unsafe { arqon_param_count(solver, &mut count) }, ArqonStatus::Ok);
    assert_eq!(count, 2);
    let mut values = [0.0; 2];
    let mut id = 0;
    // SAFETY: live handle; `values` holds 2 doubles.
    assert_eq!(
        unsafe { arqon_ask_array(solver, &mut id, values.as_mut_ptr(), 2) },
        ArqonStatus::Ok
    );
    assert!((0.001..=0.1).contains(&values[0]) && (0.0..=1.0).contains(&values[1]), "{values:?}");
    // SAFETY: live handle, freed once.
    assert_eq!(unsafe { arqon_solver_free(solver) }, ArqonStatus::Ok);
}

/// Deterministic parallel mode through the C ABI: four threads on one handle, each sleeping
/// a different, varying time per trial, get `ARQON_STATUS_WAIT` when they must and hand out
/// the same trials as a run with other timings.
#[test]
fn deterministic_mode_gives_the_same_trials_whatever_the_thread_timing() {
    let config = CONFIG.replacen("\"budget\": 40", "\"budget\": 30, \"parallel\": {\"lag\": 4}", 1);
    let run = |salt: u64| {
        let solver = new_solver(&config).unwrap_or_else(|e| panic!("{e:?}")) as usize;
        let waits = std::sync::atomic::AtomicUsize::new(0);
        let trials = std::sync::Mutex::new(std::collections::BTreeMap::new());
        std::thread::scope(|scope| {
            for worker in 0..4u64 {
                let (waits, trials) = (&waits, &trials);
                scope.spawn(move || {
                    let handle = solver as *mut ArqonSolver;
                    loop {
                        let (mut id, mut params) = (0, ptr::null_mut());
                        // SAFETY: live handle (freed after the scope), valid outs.
                        match unsafe { arqon_ask(handle, &mut id, &mut params) } {
                            ArqonStatus::Ok => {}
                            ArqonStatus::Done => break,
                            ArqonStatus::Wait => {
                                waits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                std::thread::sleep(std::time::Duration::from_micros(200));
                                continue;
                            }
                            other => panic!("ask: {other:?} {}", last_error()),
                        }
                        let text = take_string(params);
                        let pause = (id * 7 + worker * 13 + salt) % 5;
                        std::thread::sleep(std::time::Duration::from_millis(pause));
                        let value = text.len() as f64 + (id % 3) as f64;
                        trials.lock().unwrap_or_else(|e| e.into_inner()).insert(id, text);
                        // SAFETY: live handle.
                        assert_eq!(unsafe { arqon_tell(handle, id, value) }, ArqonStatus::Ok);
                    }
                });
            }
        });
        // SAFETY: live handle, freed once.
        assert_eq!(unsafe { arqon_solver_free(solver as *mut ArqonSolver) }, ArqonStatus::Ok);
        (trials.into_inner().unwrap_or_default(), waits.into_inner())
    };
    let (first, waits) = run(0);
    assert_eq!(first.len(), 30);
    assert!(waits > 0, "four threads with uneven times must sometimes wait");
    // SAFETY: a static string.
    let name = unsafe { CStr::from_ptr(arqon_status_name(ArqonStatus::Wait as i32)) };
    assert_eq!(name.to_str().ok(), Some("ARQON_STATUS_WAIT"));
    for salt in [1, 3] {
        assert_eq!(run(salt).0, first, "timing salt {salt}");
    }
}

#[test]
fn a_streaming_solver_hands_each_told_trial_out_once_through_drain_told() {
    let config = r#"{"seed": 2, "budget": 40, "trials": "stream", "strategy": "tpe",
        "space": {"x": {"type": "float", "low": -1, "high": 1}}}"#;
    let solver = new_solver(config).unwrap();
    let drain = || {
        let mut out = ptr::null_mut();
        // SAFETY: live handle, valid out-pointer.
        assert_eq!(unsafe { arqon_drain_told(solver, &mut out) }, ArqonStatus::Ok);
        let text = take_string(out);
        serde_json::from_str::<Vec<serde_json::Value>>(&text).unwrap()
    };
    let mut streamed = Vec::new();
    let (mut id, mut x) = (0, [0.0]);
    // SAFETY: live handle; `x` holds one double.
    while unsafe { arqon_ask_array(solver, &mut id, x.as_mut_ptr(), 1) } == ArqonStatus::Ok {
        // SAFETY: live handle.
        assert_eq!(unsafe { arqon_tell(solver, id, x[0] * x[0]) }, ArqonStatus::Ok);
        let told = drain();
        assert_eq!(told.len(), 1);
        assert_eq!(told[0]["id"], id);
        assert_eq!(told[0]["value"], x[0] * x[0]);
        streamed.extend(told);
    }
    assert_eq!(streamed.len(), 40);
    assert!(drain().is_empty(), "each record is handed out once");
    // The snapshot holds the best trial only, not the run.
    assert!(snapshot(solver).matches("\"asked_after\"").count() <= 1);
    let (mut best_id, mut best_value) = (0, 0.0);
    // SAFETY: live handle; one double.
    assert_eq!(
        unsafe { arqon_best_array(solver, &mut best_id, &mut best_value, x.as_mut_ptr(), 1) },
        ArqonStatus::Ok
    );
    let min = streamed.iter().filter_map(|r| r["value"].as_f64()).fold(f64::INFINITY, f64::min);
    assert_eq!(best_value, min);
    // SAFETY: live handle, freed once.
    assert_eq!(unsafe { arqon_solver_free(solver) }, ArqonStatus::Ok);
}
