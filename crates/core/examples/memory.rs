//! Measures what a solver holds per trial: heap bytes per kept trial (a copy of the solver
//! sizes every buffer to its contents, so its allocation is what the solver holds), the
//! process's resident size per trial, and the resident size of a streaming run
//! (`"trials": "stream"`) as it goes from 10 000 to 1 000 000 trials.
//!
//! `cargo run --release -p arqonhpo-core --example memory [max_trials]` (Linux, for the
//! resident size; a few minutes). Each measurement runs in its own process. The numbers go
//! into the benchmarks' cost table.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use arqonhpo_core::{Param, Solver, SolverConfig, Space, StrategyChoice, TrialRetention};

/// Counts the bytes allocated (the example is single-threaded).
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; it only adds a count.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's layout is passed through.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn held_bytes(solver: &Solver) -> usize {
    let before = ALLOCATED.load(Ordering::Relaxed);
    let copy = solver.clone();
    let bytes = ALLOCATED.load(Ordering::Relaxed) - before;
    drop(copy);
    bytes
}

/// Resident set size in bytes (0 where `/proc` is missing).
fn rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn config(
    dim: usize,
    strategy: StrategyChoice,
    budget: u64,
    trials: TrialRetention,
) -> SolverConfig {
    // Names as long as real ones ("learning_rate"), kinds mixed as in real spaces.
    let space = (0..dim).fold(Space::new(), |s, i| {
        let name = format!("parameter_{i:03}");
        match i % 3 {
            0 => s.with(name, Param::float(-5.0, 5.0)),
            1 => s.with(name, Param::int(0, 1000)),
            _ => s.with(name, Param::choice(["relu", "tanh", "gelu"])),
        }
    });
    let mut c = SolverConfig::new(space, budget, 7);
    c.strategy = strategy;
    c.trials = trials;
    c.probe.fraction = 1000.0 / budget as f64;
    c
}

/// Runs `budget` trials, calling `at(told, solver)` after each tell.
fn run(config: SolverConfig, mut at: impl FnMut(u64, &Solver)) {
    let mut solver = Solver::new(config).unwrap_or_else(|e| panic!("{e}"));
    while let Some(t) = solver.ask() {
        let v = t.params.iter().filter_map(|(_, v)| v.as_f64()).map(|x| x * x).sum::<f64>();
        if solver.tell_value(t.id, v).is_err() {
            return;
        }
        solver.drain_told();
        at(t.id + 1, &solver);
    }
}

/// One measurement in this process, so that no earlier run's freed memory hides growth.
fn measure(args: &[String]) {
    let strategy = match args.get(2).map(String::as_str) {
        Some("tpe") => StrategyChoice::Tpe,
        _ => StrategyChoice::Random,
    };
    let number = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok()).unwrap_or(0);
    if args[0] == "keep" {
        let dim = number(1) as usize;
        let (mut heap, mut resident) = ((0, 0), (0, 0));
        run(config(dim, strategy, 200_000, TrialRetention::Keep), |told, s| match told {
            20_000 => (heap.0, resident.0) = (held_bytes(s), rss()),
            200_000 => (heap.1, resident.1) = (held_bytes(s), rss()),
            _ => {}
        });
        let per = |(a, b): (usize, usize)| (b as f64 - a as f64) / 180_000.0;
        println!("| {dim} | {} | {:.0} | {:.0} |", args[2], per(heap), per(resident));
    } else {
        let max = number(1);
        let mut row = Vec::new();
        let mut held = 0;
        run(config(4, strategy, max, TrialRetention::Stream), |told, s| {
            if [10_000, 100_000, 1_000_000].contains(&told) || told == max {
                row.push(format!("{:.1} MiB", rss() as f64 / (1024.0 * 1024.0)));
                held = s.held_trials();
            }
        });
        println!("| {} | {} | {held} |", args[2], row.join(" | "));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "keep" || a == "stream") {
        return measure(&args);
    }
    let max = args.first().cloned().unwrap_or_else(|| "1000000".into());
    let exe = std::env::current_exe().unwrap_or_default();
    let child = |args: &[&str]| {
        let out = std::process::Command::new(&exe).args(args).output();
        print!(
            "{}",
            out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
        );
    };
    println!("kept trials (\"trials\": \"keep\"), growth from 20 000 to 200 000 trials");
    println!("| D | strategy | heap bytes/trial | RSS bytes/trial |");
    println!("|---|---|---|---|");
    for dim in ["4", "10"] {
        for strategy in ["random", "tpe"] {
            child(&["keep", dim, strategy]);
        }
    }
    println!("\nstreaming (\"trials\": \"stream\"), D = 4, resident size");
    println!("| strategy | 10 000 | 100 000 | 1 000 000 | held trials at the end |");
    println!("|---|---|---|---|---|");
    for strategy in ["random", "tpe"] {
        child(&["stream", &max, strategy]);
    }
}
