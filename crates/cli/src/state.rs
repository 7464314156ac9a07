//! `ask` and `tell`: the ask/tell loop by hand, one process per step, over a state file.
//!
//! The state file is the core's snapshot ([`Solver::snapshot`]), so each call continues
//! exactly where the last one stopped. It is replaced atomically (written beside, then
//! renamed), so a call that is killed leaves the previous state intact, and every
//! read-modify-write holds an exclusive lock on `<state>.lock`, so parallel workers that
//! `tell` at the same moment never lose each other's results.

use std::path::Path;

use arqonhpo_core::{Outcome, Solver};
use miette::{miette, IntoDiagnostic, Result, WrapErr};

use crate::cli::{AskArgs, TellArgs};
use crate::diagnostics;

/// Whether `ask` handed out anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// At least one trial was printed.
    Some,
    /// The budget is spent: nothing was printed.
    Exhausted,
}

/// `ask`: loads (or creates) the state, asks up to `count` trials, prints them as JSON lines
/// and saves the state.
pub fn ask(args: &AskArgs, out: &mut impl std::io::Write) -> Result<Asked> {
    let _lock = lock(&args.state)?;
    let mut solver = if args.state.exists() {
        let solver = load(&args.state)?;
        if let Some(path) = &args.config {
            let config = diagnostics::load_config(path)?;
            if &config != solver.config() {
                return Err(miette!(
                    help = "drop --config to continue the existing state, or use a new --state file for the new config",
                    "{} differs from the config the state file {} was created with",
                    path.display(),
                    args.state.display()
                ));
            }
        }
        solver
    } else {
        let path = args.config.as_ref().ok_or_else(|| {
            miette!(
                help = "pass --config FILE on the first call to create it",
                "the state file {} does not exist",
                args.state.display()
            )
        })?;
        Solver::new(diagnostics::load_config(path)?).map_err(miette::Report::new)?
    };
    let trials = solver.ask_batch(args.count as usize);
    save(&args.state, &solver)?;
    for trial in &trials {
        let line = serde_json::json!({ "id": trial.id, "params": trial.params, "stage": trial.stage, "method": trial.method });
        writeln!(out, "{line}").into_diagnostic()?;
    }
    Ok(if trials.is_empty() { Asked::Exhausted } else { Asked::Some })
}

/// `tell`: reports one result and saves the state. A rejected tell leaves the file as it was.
pub fn tell(args: &TellArgs) -> Result<()> {
    let _lock = lock(&args.state)?;
    let mut solver = load(&args.state)?;
    let outcome = match args.value {
        Some(v) => Outcome::Value(v),
        None => Outcome::Failed { reason: args.reason.clone() },
    };
    solver.tell(args.id, outcome).map_err(miette::Report::new)?;
    save(&args.state, &solver)
}

/// Loads a state file written by `ask`/`tell`.
pub fn load(path: &Path) -> Result<Solver> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read the state file {}", path.display()))?;
    Solver::restore(&text)
        .map_err(|e| diagnostics::file_report(e, &path.display().to_string(), &text))
}

/// Waits for and takes the exclusive lock of the state file; released when dropped (or when
/// the process dies). `File::lock` is `flock(2)` on Unix and `LockFileEx` on Windows.
fn lock(state: &Path) -> Result<std::fs::File> {
    let mut name = state.as_os_str().to_owned();
    name.push(".lock");
    let path = std::path::PathBuf::from(name);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot open the lock file {}", path.display()))?;
    loop {
        match file.lock() {
            Ok(()) => return Ok(file),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(miette!("cannot lock {}: {e}", path.display())),
        }
    }
}

fn save(path: &Path, solver: &Solver) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, solver.snapshot())
        .and_then(|()| std::fs::rename(&tmp, path))
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot write the state file {}", path.display()))
}
