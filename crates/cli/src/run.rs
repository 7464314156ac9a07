//! `arqonhpo-cli run`: evaluate the user's program once per trial, in parallel if asked,
//! journaling every ask and tell.
//!
//! The main thread owns the solver and the journal; it asks, starts a process per trial, and
//! tells results as worker threads report them. Which trial comes next, what counts as
//! pending, and how a journal resumes are all decided in core; this module moves processes
//! and bytes.
//!
//! Each trial's program runs in its own process tree (a process group on Unix, a Job Object
//! on Windows: [`objective::ProcessTree`]), so a timeout (or a second Ctrl-C) stops the
//! program and everything it started, and the terminal's Ctrl-C reaches only this
//! process: the first Ctrl-C stops handing out trials and lets the running ones finish; the
//! second stops them and marks them interrupted in the journal (they stay pending, and
//! `--resume` evaluates them again).

use std::collections::{BTreeMap, VecDeque};
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use arqonhpo_core::journal::Event;
use arqonhpo_core::{Outcome, Solver, Trial, TrialRecord};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use miette::{miette, IntoDiagnostic, Result, WrapErr};
use wait_timeout::ChildExt;

use crate::cli::RunArgs;
use crate::journal_file::Journal;
use crate::objective;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// The budget is spent and every trial is told.
    Done,
    /// Stopped by Ctrl-C / SIGTERM before the end.
    Interrupted,
    /// Stopped early: `--max-failures-in-a-row` trials in a row failed the same way.
    GaveUp,
}

/// Result of a trial's process, sent from its worker thread.
struct Finished {
    id: u64,
    result: std::result::Result<objective::Reading, String>,
    /// The process ended by a signal (ours after a second Ctrl-C, or anyone's).
    by_signal: bool,
    seconds: f64,
}

/// Runs the whole loop. `signals` counts Ctrl-C / SIGTERM presses.
pub fn run(args: &RunArgs, signals: &AtomicU32, show_progress: bool) -> Result<(RunEnd, Solver)> {
    let mut scheduler = Scheduler::new(args, show_progress)?;
    loop {
        scheduler.observe_signals(signals.load(Ordering::SeqCst));
        if let Err(e) = scheduler.start_trials() {
            scheduler.kill_running();
            return Err(e);
        }
        if scheduler.running.is_empty() {
            break;
        }
        if let Some(finished) = scheduler.next_finished()? {
            scheduler.record(finished)?;
        }
    }
    scheduler.end()
}

/// The run's state between events: the solver and its journal, the trials to evaluate before
/// asking for new ones, the running processes, and how far a stop has gone. One method per
/// event: a signal, a free job slot, a finished process, the end.
struct Scheduler<'a> {
    args: &'a RunArgs,
    solver: Solver,
    journal: Option<Journal>,
    /// Pending trials of a resumed journal, evaluated again before new ones.
    queue: VecDeque<Trial>,
    progress: ProgressBar,
    timeout: Option<Duration>,
    tx: mpsc::Sender<Finished>,
    rx: mpsc::Receiver<Finished>,
    /// The running trials' process trees, by trial id.
    running: BTreeMap<u64, objective::ProcessTree>,
    /// Ctrl-C / SIGTERM presses seen: one stops handing out trials, two stop running ones.
    stop_requested: u32,
    killed: bool,
    /// The last failure reason and how many trials in a row failed with it.
    failure_streak: (u32, Option<String>),
    /// Set once the streak reached `--max-failures-in-a-row`: no new trials are handed out.
    gave_up: bool,
    /// Whether the "several numbers on the line" warning was given (once per run).
    warned_ambiguous: bool,
}

impl<'a> Scheduler<'a> {
    fn new(args: &'a RunArgs, show_progress: bool) -> Result<Self> {
        let mut config = crate::diagnostics::load_config(&args.config)?;
        if args.deterministic {
            config.parallel = Some(arqonhpo_core::ParallelConfig { lag: u64::from(args.jobs) });
        }
        crate::diagnostics::check_interface(
            &args.config.display().to_string(),
            &config,
            &args.command,
        )?;
        let (solver, journal, queue) = open(args, config)?;
        let budget = solver.config().budget;
        tracing::info!(
            "tuning {} parameter(s) over a budget of {budget} trials, {} at a time",
            solver.config().space.len(),
            args.jobs
        );
        let progress = progress_bar(budget, show_progress);
        progress.set_position(solver.told());
        update_message(&progress, &solver);
        let (tx, rx) = mpsc::channel();
        Ok(Self {
            args,
            solver,
            journal,
            queue,
            progress,
            timeout: args.timeout.map(Duration::from_secs_f64),
            tx,
            rx,
            running: BTreeMap::new(),
            stop_requested: 0,
            killed: false,
            failure_streak: (0, None),
            gave_up: false,
            warned_ambiguous: false,
        })
    }

    /// Reacts to new Ctrl-C presses: the first stops new trials, the second kills running ones.
    fn observe_signals(&mut self, presses: u32) {
        if presses > self.stop_requested {
            self.stop_requested = presses;
            if presses == 1 {
                self.progress.suspend(|| {
                    tracing::warn!(
                        "stopping: no new trials; waiting for {} running trial(s) to finish \
                         (Ctrl-C again to stop them)",
                        self.running.len()
                    )
                });
            }
        }
        if self.stop_requested >= 2 && !self.killed {
            self.progress.suspend(|| {
                tracing::warn!(
                    "stopping {} running trial(s); they stay pending for --resume",
                    self.running.len()
                )
            });
            self.kill_running();
            self.killed = true;
        }
    }

    /// Starts trials until every job slot is busy, the budget is handed out, or a stop began.
    fn start_trials(&mut self) -> Result<()> {
        while self.stop_requested == 0
            && !self.gave_up
            && self.running.len() < self.args.jobs as usize
        {
            let Some(trial) = self.next_trial()? else { break };
            tracing::debug!(id = trial.id, params = %params_text(&trial), "starting trial");
            let tree = start(self.args, &trial, self.timeout, self.tx.clone())?;
            self.running.insert(trial.id, tree);
        }
        Ok(())
    }

    /// A pending trial of the resumed journal, else a new one from the solver (journaled).
    fn next_trial(&mut self) -> Result<Option<Trial>> {
        if let Some(trial) = self.queue.pop_front() {
            return Ok(Some(trial));
        }
        let Some(trial) = self.solver.ask() else { return Ok(None) };
        // The journal records every tell; a streaming solver's copies are not needed.
        self.solver.drain_told();
        self.journal(&Event::ask(&trial))?;
        Ok(Some(trial))
    }

    /// The next finished process, or `None` after a short wait so that signals are seen.
    fn next_finished(&mut self) -> Result<Option<Finished>> {
        match self.rx.recv_timeout(Duration::from_millis(100)) {
            Ok(finished) => {
                self.running.remove(&finished.id);
                Ok(Some(finished))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Ok(None),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err(miette!("internal error: trial workers disconnected"))
            }
        }
    }

    /// Tells the solver a finished trial's result, or journals it as interrupted when our
    /// second Ctrl-C killed it (it stays pending).
    fn record(&mut self, finished: Finished) -> Result<()> {
        if self.killed && finished.by_signal {
            let reason = "stopped by Ctrl-C before it finished".to_string();
            self.journal(&Event::Interrupted { id: finished.id, reason: reason.clone() })?;
            self.progress
                .suspend(|| tracing::warn!("trial {} {reason}; it stays pending", finished.id));
            return Ok(());
        }
        self.note_ambiguity(&finished);
        self.note_failure(&finished);
        let outcome = match finished.result {
            Ok(reading) => Outcome::Value(reading.value),
            Err(reason) => Outcome::Failed { reason: Some(reason) },
        };
        // The event is built from the outcome: in deterministic mode the tell may be held
        // until earlier trials are told, so the record need not be told yet.
        let event = Event::told(finished.id, &outcome);
        self.solver.tell(finished.id, outcome).map_err(miette::Report::new)?;
        if let Some(j) = self.journal.as_mut() {
            j.append(&event)?;
        }
        // A streaming solver keeps no told trial, so what was told is read from the event.
        self.solver.drain_told();
        self.progress.set_position(self.solver.told());
        update_message(&self.progress, &self.solver);
        log_trial(&self.progress, &event, finished.seconds, &self.solver);
        Ok(())
    }

    /// Warns, once per run, that a value was taken from a line holding several numbers.
    fn note_ambiguity(&mut self, finished: &Finished) {
        let Ok(objective::Reading { value, ambiguous_line: Some(line) }) = &finished.result else {
            return;
        };
        if self.warned_ambiguous {
            return;
        }
        self.warned_ambiguous = true;
        self.progress.suspend(|| {
            tracing::warn!(
                "trial {}: the line {line:?} holds several numbers; took the last one, {value}, \
                 as the objective (name the one to use with --metric NAME)",
                finished.id
            )
        });
    }

    /// Counts trials in a row failing with the same reason, and stops handing out trials when
    /// `--max-failures-in-a-row` is reached.
    fn note_failure(&mut self, finished: &Finished) {
        let reason = match &finished.result {
            Ok(_) => {
                self.failure_streak = (0, None);
                return;
            }
            Err(reason) => reason,
        };
        let (count, last) = &mut self.failure_streak;
        if last.as_ref() == Some(reason) {
            *count += 1;
        } else {
            *count = 1;
            *last = Some(reason.clone());
        }
        let limit = self.args.max_failures_in_a_row;
        if limit > 0 && *count >= limit && !self.gave_up {
            self.gave_up = true;
            self.progress.suspend(|| {
                tracing::error!(
                    "stopping: the last {limit} trials all failed the same way ({reason}); \
                     fix the command and start again (--max-failures-in-a-row 0 would run the \
                     whole budget regardless)"
                )
            });
        }
    }

    fn journal(&mut self, event: &Event) -> Result<()> {
        match self.journal.as_mut() {
            Some(j) => j.append(event),
            None => Ok(()),
        }
    }

    fn kill_running(&self) {
        self.running.values().for_each(objective::ProcessTree::kill);
    }

    /// How the run ended, once nothing is running.
    fn end(self) -> Result<(RunEnd, Solver)> {
        self.progress.finish_and_clear();
        if self.solver.is_done() {
            Ok((RunEnd::Done, self.solver))
        } else if self.gave_up {
            Ok((RunEnd::GaveUp, self.solver))
        } else if self.stop_requested > 0 {
            Ok((RunEnd::Interrupted, self.solver))
        } else {
            Err(miette!(
                "the run ended before the budget was spent ({} of {} trials told)",
                self.solver.told(),
                self.solver.config().budget
            ))
        }
    }
}

/// Creates the solver (fresh or replayed from the journal) and the queue of pending trials to
/// evaluate first.
fn open(
    args: &RunArgs,
    config: arqonhpo_core::SolverConfig,
) -> Result<(Solver, Option<Journal>, VecDeque<Trial>)> {
    let Some(path) = &args.journal else {
        return Ok((Solver::new(config).map_err(miette::Report::new)?, None, VecDeque::new()));
    };
    if args.resume {
        // Checked before the journal records the config.
        let fresh = Solver::new(config.clone()).map_err(miette::Report::new)?;
        let (journal, replay) = Journal::open_or_create(path, &config)?;
        let Some(replay) = replay else {
            tracing::info!("journaling to {} (new: nothing to resume yet)", path.display());
            return Ok((fresh, Some(journal), VecDeque::new()));
        };
        let solver = replay.solver;
        let queue: VecDeque<Trial> =
            solver.pending().filter_map(|id| solver.trial(id)).map(|r| pending_trial(&r)).collect();
        tracing::info!(
            "resuming {}: {} trial(s) told, {} pending to evaluate again{}",
            path.display(),
            solver.told(),
            queue.len(),
            if replay.torn_tail { " (a torn last line was dropped)" } else { "" }
        );
        return Ok((solver, Some(journal), queue));
    }
    let solver = Solver::new(config).map_err(miette::Report::new)?;
    let journal = Journal::create(path, solver.config())?;
    tracing::info!("journaling to {}", path.display());
    Ok((solver, Some(journal), VecDeque::new()))
}

fn pending_trial(record: &TrialRecord) -> Trial {
    Trial {
        id: record.id,
        params: record.params.clone(),
        stage: record.stage,
        method: record.method,
    }
}

fn params_text(trial: &Trial) -> String {
    trial
        .params
        .iter()
        .map(|(k, v)| format!("{k}={}", objective::value_text(v)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Starts the trial's process in its own process tree and a worker thread that waits for
/// it; returns the tree.
fn start(
    run_args: &RunArgs,
    trial: &Trial,
    timeout: Option<Duration>,
    tx: mpsc::Sender<Finished>,
) -> Result<objective::ProcessTree> {
    let (program, args) =
        run_args.command.split_first().ok_or_else(|| miette!("no command given after `--`"))?;
    let mut cmd = Command::new(objective::substitute(program, trial));
    cmd.args(args.iter().map(|a| objective::substitute(a, trial)))
        .env("ARQON_TRIAL_ID", trial.id.to_string())
        .envs(trial.params.iter().map(|(k, v)| (objective::env_name(k), objective::value_text(v))))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let (mut child, tree) =
        objective::ProcessTree::spawn(&mut cmd).into_diagnostic().wrap_err_with(|| {
            format!(
                "cannot start `{program}` for trial {}; check the command after `--` \
             (it is run directly, without a shell)",
                trial.id
            )
        })?;
    let input = objective::stdin_json(trial);
    let id = trial.id;
    let worker_tree = tree.clone();
    let metric = run_args.metric.clone();
    std::thread::spawn(move || {
        let started = Instant::now();
        let (result, by_signal) =
            supervise(&mut child, &worker_tree, &input, timeout, metric.as_deref());
        // The receiver only goes away when the run is over.
        let _ =
            tx.send(Finished { id, result, by_signal, seconds: started.elapsed().as_secs_f64() });
    });
    Ok(tree)
}

/// Feeds stdin, collects stdout and stderr, enforces the timeout, and turns the exit into a
/// value or a failure reason. The bool is whether the process ended by a signal other than
/// the one a timeout sends.
fn supervise(
    child: &mut Child,
    tree: &objective::ProcessTree,
    input: &str,
    timeout: Option<Duration>,
    metric: Option<&str>,
) -> (std::result::Result<objective::Reading, String>, bool) {
    if let Some(mut stdin) = child.stdin.take() {
        let input = input.to_string();
        // A program that does not read stdin may close it early; that is fine.
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        });
    }
    let stdout = child.stdout.take().map(read_in_thread);
    let stderr = child.stderr.take().map(read_in_thread);
    let status = match timeout {
        Some(limit) => match child.wait_timeout(limit) {
            Ok(Some(status)) => Ok(status),
            Ok(None) => {
                tree.kill();
                let _ = child.wait();
                return (
                    Err(format!("timed out after {} s (--timeout)", limit.as_secs_f64())),
                    false,
                );
            }
            Err(e) => Err(e),
        },
        None => child.wait(),
    };
    // Whatever the program left running in its group would keep the pipes open.
    let out = collect(stdout, tree);
    let err = collect(stderr, tree);
    let status = match status {
        Ok(status) => status,
        Err(e) => return (Err(format!("cannot wait for the program: {e}")), false),
    };
    if let Some(how) = objective::killed(&status) {
        return (Err(format!("{how}{}", stderr_tail(&err))), true);
    }
    if !status.success() {
        let code = status.code().unwrap_or(-1);
        return (Err(format!("exit status {code}{}", stderr_tail(&err))), false);
    }
    (objective::parse_output(&out, metric), false)
}

fn read_in_thread<R: Read + Send + 'static>(mut pipe: R) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    rx
}

/// The pipe's text; if leftover processes still hold it open a second after the program
/// exited, they are stopped.
fn collect(pipe: Option<mpsc::Receiver<String>>, tree: &objective::ProcessTree) -> String {
    let Some(rx) = pipe else { return String::new() };
    match rx.recv_timeout(Duration::from_secs(1)) {
        Ok(text) => text,
        Err(_) => {
            tree.kill();
            rx.recv().unwrap_or_default()
        }
    }
}

fn stderr_tail(stderr: &str) -> String {
    match stderr.lines().rev().find(|l| !l.trim().is_empty()) {
        Some(line) => format!("; stderr: {}", line.trim().chars().take(200).collect::<String>()),
        None => String::new(),
    }
}

fn progress_bar(budget: u64, show: bool) -> ProgressBar {
    let target = if show { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
    let bar = ProgressBar::with_draw_target(Some(budget), target);
    if let Ok(style) =
        ProgressStyle::with_template("{elapsed_precise} [{bar:24}] {pos}/{len} trials  {wide_msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn update_message(bar: &ProgressBar, solver: &Solver) {
    let best =
        solver.best().and_then(|b| b.value).map_or_else(|| "-".to_string(), |v| format!("{v:.6e}"));
    bar.set_message(format!("best {best} | {}", solver.phase()));
}

fn log_trial(bar: &ProgressBar, event: &Event, seconds: f64, solver: &Solver) {
    let Event::Tell { id, value, reason } = event else { return };
    let result = match (value, reason) {
        (Some(v), _) => format!("value {v}"),
        (None, Some(reason)) => format!("failed: {reason}"),
        (None, None) => "failed".into(),
    };
    let best = solver
        .best()
        .and_then(|b| b.value)
        .map_or_else(|| "none yet".to_string(), |v| v.to_string());
    let told = solver.told();
    let budget = solver.config().budget;
    let phase = solver.phase();
    if value.is_none() {
        // Failures show with -q too: a run failing every trial is otherwise silent.
        bar.suspend(|| {
            tracing::warn!("trial {id} ({told}/{budget}) {result} in {seconds:.2}s; best {best}")
        });
    } else if bar.is_hidden() {
        tracing::info!(
            "trial {id} ({told}/{budget}) {result} in {seconds:.2}s; best {best}; phase {phase}"
        );
    } else {
        bar.suspend(|| {
            tracing::debug!(
                "trial {id} ({told}/{budget}) {result} in {seconds:.2}s; best {best}; phase {phase}"
            )
        });
    }
}
