//! The C ABI driven from C: the example `examples/c/tune.c`, the golden runs replayed by
//! `tests/c/golden_replay.c`, and the misuse checks of `tests/c/errors.c`, each compiled with
//! the system C compiler (`$CC`, default `cc`) against the library cargo built for this test
//! and `include/arqonhpo.h`. The example and the error checks also run under valgrind.

// Helpers outside `#[test]` functions are test code too (clippy.toml covers only the
// functions themselves).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(target_os = "linux")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use arqonhpo_core::contracts::GoldenRun;
use arqonhpo_core::{Params, Value};

/// Libraries the Rust standard library needs when the static archive is linked into C
/// (what `cargo rustc -- --print native-static-libs` reports on Linux).
const NATIVE_STATIC_LIBS: &[&str] =
    &["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn repo_root() -> PathBuf {
    crate_dir().join("../..")
}

/// The directory holding `libarqonhpo.{so,a}`: cargo writes the library it built for this
/// test into the `deps/` directory this test binary runs from (whatever the target dir is).
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("cannot locate the test binary");
    let dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    for lib in ["libarqonhpo.so", "libarqonhpo.a"] {
        assert!(
            dir.join(lib).is_file(),
            "{} not found next to the test binary; run the test with `cargo test -p arqonhpo-ffi`",
            dir.join(lib).display()
        );
    }
    dir
}

#[derive(Clone, Copy)]
enum Link {
    /// Against `libarqonhpo.so`, found at run time through an rpath.
    Dynamic,
    /// `libarqonhpo.a` linked into the program.
    Static,
}

/// Compiles one C file with warnings as errors and returns the executable's path.
fn compile(source: &Path, name: &str, link: Link) -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("c-{name}"));
    let lib = lib_dir();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let mut cmd = Command::new(&cc);
    cmd.args(["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Wconversion", "-Werror", "-g", "-O1"])
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg(source)
        .arg("-o")
        .arg(&out);
    match link {
        Link::Dynamic => {
            cmd.arg(format!("-L{}", lib.display()))
                .arg("-larqonhpo")
                .arg(format!("-Wl,-rpath,{}", lib.display()))
                .arg("-lm");
        }
        Link::Static => {
            cmd.arg(lib.join("libarqonhpo.a")).args(NATIVE_STATIC_LIBS);
        }
    }
    let result = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run the C compiler `{cc}` (set CC to choose another): {e}")
    });
    assert!(
        result.status.success(),
        "compiling {} failed:\n{}",
        source.display(),
        String::from_utf8_lossy(&result.stderr)
    );
    out
}

/// A command for a compiled C program. `cargo test` sets `LD_LIBRARY_PATH` to directories
/// that may hold an older `libarqonhpo.so` (the copy `cargo build` leaves next to `deps/`),
/// and `LD_LIBRARY_PATH` wins over the rpath; point it at the library under test.
fn c_program(program: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("LD_LIBRARY_PATH", lib_dir());
    cmd
}

fn run(program: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = c_program(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.as_bytes())
            .unwrap_or_else(|e| panic!("cannot feed {}: {e}", program.display()));
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{} did not finish: {e}", program.display()))
}

fn stdout_of(output: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} exited with {}:\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Runs `program` under valgrind's memcheck; any leak or memory error fails the test.
fn valgrind(program: &Path) -> String {
    let probe = Command::new("valgrind").arg("--version").output();
    assert!(
        probe.as_ref().is_ok_and(|o| o.status.success()),
        "valgrind is required for this test but was not found on PATH; install it (apt-get install valgrind)"
    );
    let output = c_program(Path::new("valgrind"))
        .args([
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--error-exitcode=1",
        ])
        .arg(program)
        .output()
        .expect("cannot run valgrind");
    let report = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "valgrind reported errors or leaks for {}:\n{report}",
        program.display()
    );
    assert!(report.contains("ERROR SUMMARY: 0 errors"), "unexpected valgrind report:\n{report}");
    assert!(
        !report.contains("definitely lost: ") || report.contains("definitely lost: 0 bytes"),
        "{report}"
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The example's trial lines (`trial <id> value <v>` / `trial <id> failed`) and best line.
struct TuneReport {
    values: Vec<f64>,
    failed: usize,
    best_value: f64,
    best_params: String,
}

fn parse_tune(stdout: &str) -> TuneReport {
    let mut report = TuneReport {
        values: Vec::new(),
        failed: 0,
        best_value: f64::NAN,
        best_params: String::new(),
    };
    for line in stdout.lines() {
        let words: Vec<&str> = line.splitn(6, ' ').collect();
        match words.as_slice() {
            ["trial", _, "value", v] => report.values.push(v.parse().unwrap_or(f64::NAN)),
            ["trial", _, "failed"] => report.failed += 1,
            ["best", "trial", _, "value", v, rest] => {
                report.best_value = v.parse().unwrap_or(f64::NAN);
                report.best_params = rest.trim_start_matches("params ").to_owned();
            }
            _ => {}
        }
    }
    report
}

#[test]
fn example_tunes_a_function() {
    let program = compile(&repo_root().join("examples/c/tune.c"), "tune", Link::Dynamic);
    let stdout = stdout_of(&run(&program, &[], ""), "examples/c/tune.c");
    let report = parse_tune(&stdout);
    assert_eq!(
        report.values.len() + report.failed,
        60,
        "the example spends its budget of 60 trials:\n{stdout}"
    );
    let min = report.values.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(
        report.best_value.to_bits(),
        min.to_bits(),
        "the reported best is the lowest value told:\n{stdout}"
    );
    // Random search over this space rarely gets below 0.05 in 60 trials; the engine must.
    assert!(
        report.best_value < 0.05,
        "best value {} is poor for a smooth 3-parameter bowl:\n{stdout}",
        report.best_value
    );
    let best: Params = serde_json::from_str(&report.best_params)
        .unwrap_or_else(|e| panic!("best params are not JSON ({e}): {stdout}"));
    let names: Vec<&str> = best.iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["lr", "momentum", "layers"]);
    assert!(
        matches!(best.get("layers"), Some(Value::Int(1..=8))),
        "layers is an int in range: {}",
        report.best_params
    );
}

#[test]
fn example_and_error_paths_are_clean_under_valgrind() {
    let tune = compile(&repo_root().join("examples/c/tune.c"), "tune-vg", Link::Dynamic);
    assert!(valgrind(&tune).contains("best trial"));
    let errors = compile(&crate_dir().join("tests/c/errors.c"), "errors-vg", Link::Static);
    assert!(valgrind(&errors).contains("all error paths ok"));
}

/// The header promises C++ compatibility (`extern "C"` guards); a C++ program using it must
/// compile, link and call into the library.
#[test]
fn header_works_from_cpp() {
    let source = Path::new(env!("CARGO_TARGET_TMPDIR")).join("header_check.cpp");
    std::fs::write(
        &source,
        "#include \"arqonhpo.h\"\n#include <cstring>\n\
         int main() {\n\
             ArqonSolver *s = nullptr;\n\
             ArqonStatus st = arqon_solver_new(\"{}\", &s, nullptr);\n\
             return st == ARQON_STATUS_JSON && s == nullptr && std::strstr(arqon_last_error(), \"budget\") ? 0 : 1;\n\
         }\n",
    )
    .unwrap_or_else(|e| panic!("cannot write {}: {e}", source.display()));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cpp-header-check");
    let lib = lib_dir();
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".into());
    let result = Command::new(&cxx)
        .args(["-std=c++11", "-pedantic", "-Wall", "-Wextra", "-Werror"])
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg(&source)
        .arg("-o")
        .arg(&out)
        .arg(lib.join("libarqonhpo.a"))
        .args(NATIVE_STATIC_LIBS)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run the C++ compiler `{cxx}` (install g++ or set CXX): {e}")
        });
    assert!(
        result.status.success(),
        "compiling the header as C++ failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let run = run(&out, &[], "");
    assert!(
        run.status.success(),
        "the C++ program did not get the expected error for `{{}}`: {run:?}"
    );
}

#[test]
fn error_paths_from_c() {
    let program = compile(&crate_dir().join("tests/c/errors.c"), "errors", Link::Dynamic);
    let stdout = stdout_of(&run(&program, &[], ""), "tests/c/errors.c");
    assert!(stdout.contains("all error paths ok"), "{stdout}");
}

fn golden_runs() -> Vec<(String, GoldenRun)> {
    let dir = repo_root().join("contracts/golden");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no golden runs in {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let run = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not a golden run: {e}", path.display()));
            (path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), run)
        })
        .collect()
}

/// The replay program's stdin: the config on one line, then the result of each step.
fn replay_input(run: &GoldenRun) -> String {
    let mut input = serde_json::to_string(&run.config).expect("config does not serialize");
    input.push('\n');
    for step in &run.steps {
        match step.value {
            // `{:?}` prints the shortest text that reads back to the same double.
            Some(v) => input.push_str(&format!("value {v:?}\n")),
            None => input.push_str("failed\n"),
        }
    }
    input
}

/// Bit-exact equality of two values (a float must not even differ in the last bit).
fn same_bits(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

fn is_numeric(run: &GoldenRun) -> bool {
    run.steps.first().is_some_and(|s| s.params.iter().all(|(_, v)| v.as_f64().is_some()))
}

/// Replays `run` in json mode and checks every trial's params bit for bit.
fn check_json_replay(program: &Path, name: &str, run: &GoldenRun) {
    let stdout =
        stdout_of(&run_replay(program, "json", run), &format!("golden_replay json {name}"));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        run.steps.len() + 1,
        "{name}: one line per trial and `done`:\n{stdout}"
    );
    for (step, line) in run.steps.iter().zip(&lines) {
        let prefix = format!("trial {} ", step.id);
        let json = line
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{name}: expected `{prefix}...`, got `{line}`"));
        let got: Params = serde_json::from_str(json)
            .unwrap_or_else(|e| panic!("{name}: params are not JSON ({e}): {json}"));
        let same = got.len() == step.params.len()
            && got
                .iter()
                .zip(step.params.iter())
                .all(|((gn, gv), (en, ev))| gn == en && same_bits(gv, ev));
        assert!(same, "{name} trial {}: C handed out {json}, expected {:?}", step.id, step.params);
    }
    assert_eq!(lines.last().copied(), Some("done"), "{name}: the budget ends the run");
}

/// Replays `run` in array mode: exact doubles for numeric spaces, `NOT_NUMERIC` otherwise.
/// Returns whether the space was numeric.
fn check_array_replay(program: &Path, name: &str, run: &GoldenRun) -> bool {
    let output = run_replay(program, "array", run);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !is_numeric(run) {
        // A space with choices cannot be written as doubles: a clear status, no trial.
        assert_eq!(output.status.code(), Some(2), "{name}: {stdout}");
        assert!(
            stdout.starts_with("status ARQON_STATUS_NOT_NUMERIC arqon_ask_array: parameter `"),
            "{name}: {stdout}"
        );
        return false;
    }
    let stdout = stdout_of(&output, &format!("golden_replay array {name}"));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), run.steps.len() + 1, "{name}:\n{stdout}");
    for (step, line) in run.steps.iter().zip(&lines) {
        let mut words = line.split(' ');
        assert_eq!(words.next(), Some("trial"), "{name}: {line}");
        assert_eq!(words.next(), Some(step.id.to_string().as_str()), "{name}: {line}");
        let got: Vec<f64> = words.map(|w| w.parse().unwrap_or(f64::NAN)).collect();
        let want: Vec<f64> =
            step.params.iter().map(|(_, v)| v.as_f64().unwrap_or(f64::NAN)).collect();
        let same = got.len() == want.len()
            && got.iter().zip(&want).all(|(g, w)| g.to_bits() == w.to_bits());
        assert!(same, "{name} trial {}: C handed out {got:?}, expected {want:?}", step.id);
    }
    assert_eq!(lines.last().copied(), Some("done"), "{name}");
    true
}

/// The committed golden files, replayed from C: the C front gives the same trials as the
/// Rust and Python fronts. (If only this test fails and the next one passes, the golden files
/// are stale: run `make contracts`.)
#[test]
fn golden_files_replay_identically_from_c() {
    let program =
        compile(&crate_dir().join("tests/c/golden_replay.c"), "golden-replay", Link::Static);
    let mut numeric = 0;
    for (name, run) in golden_runs() {
        check_json_replay(&program, &name, &run);
        numeric += usize::from(check_array_replay(&program, &name, &run));
    }
    assert!(numeric > 0, "no golden run has a numeric-only space, so the array form went untested");
}

/// The golden configs run now by the Rust engine linked into this test and by the C library
/// give the same trials, whatever the committed files hold.
#[test]
fn c_matches_the_rust_engine_on_every_golden_config() {
    let program =
        compile(&crate_dir().join("tests/c/golden_replay.c"), "golden-replay-rust", Link::Static);
    for (name, file) in golden_runs() {
        let run = arqonhpo_core::contracts::golden_run(file.config)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        check_json_replay(&program, &name, &run);
        check_array_replay(&program, &name, &run);
    }
}

fn run_replay(program: &Path, mode: &str, golden: &GoldenRun) -> Output {
    run(program, &[mode], &replay_input(golden))
}
