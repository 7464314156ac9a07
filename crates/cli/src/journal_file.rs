//! The journal on disk: open or resume it, and append one event per line as it happens.
//!
//! What the events mean and how a journal is replayed is decided in core
//! (`arqonhpo_core::journal`); this module only does the file work. Each event is written
//! with a single `write` call on a file opened for appending, so a `kill -9` loses at most
//! the line being written, which replay recognises as torn and this module cuts off before
//! appending again.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use arqonhpo_core::journal::{self, Event, Replay};
use arqonhpo_core::{Solver, SolverConfig};
use miette::{miette, IntoDiagnostic, Result, WrapErr};

/// An open journal, appended to as the run goes.
#[derive(Debug)]
pub struct Journal {
    file: File,
    path: PathBuf,
}

impl Journal {
    /// Starts a new journal at `path` for a solver created from `config`. An existing file is
    /// never overwritten.
    pub fn create(path: &Path, config: &SolverConfig) -> Result<Self> {
        let file = OpenOptions::new().append(true).create_new(true).open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                miette!(
                    help = "pass --resume to continue the run it records, or choose another --journal path",
                    "the journal {} already exists",
                    path.display()
                )
            } else {
                miette!("cannot create the journal {}: {e}", path.display())
            }
        })?;
        lock(&file, path)?;
        let mut journal = Self { file, path: path.to_path_buf() };
        journal.append(&Event::start(config))?;
        Ok(journal)
    }

    /// Replays the journal at `path` (which must have been started with `config`), cuts a torn
    /// last line, and opens it for appending.
    pub fn resume(path: &Path, config: &SolverConfig) -> Result<(Self, Replay)> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot open the journal {} for reading and writing", path.display()))?;
        lock(&file, path)?;
        let mut text = String::new();
        file.read_to_string(&mut text).into_diagnostic().wrap_err_with(|| format!("cannot read the journal {}", path.display()))?;
        let replay = journal::replay(&text, Some(config))
            .map_err(miette::Report::new)
            .wrap_err_with(|| format!("cannot resume from the journal {}", path.display()))?;
        let valid = replay.valid_len as u64;
        if valid < text.len() as u64 {
            tracing::warn!("dropping a torn last line from {} (the previous run was killed while writing it)", path.display());
            file.set_len(valid).into_diagnostic().wrap_err("cannot cut the torn last line of the journal")?;
        }
        let mut journal = Self { file, path: path.to_path_buf() };
        use std::io::Seek;
        journal.file.seek(std::io::SeekFrom::End(0)).into_diagnostic()?;
        if valid > 0 && !text.as_bytes()[..replay.valid_len].ends_with(b"\n") {
            journal.write_raw("\n")?;
        }
        Ok((journal, replay))
    }

    /// Appends one event and hands it to the operating system before returning.
    pub fn append(&mut self, event: &Event) -> Result<()> {
        self.write_raw(&event.to_line())
    }

    fn write_raw(&mut self, text: &str) -> Result<()> {
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.flush())
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot append to the journal {}", self.path.display()))
    }
}

/// Takes an exclusive advisory lock on the journal for the life of the process, so that two
/// runs never append to the same journal (the lock goes away with the process, even after
/// `kill -9`).
fn lock(file: &File, path: &Path) -> Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock(2) on a descriptor owned by `file`, which outlives this call.
    let status = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if status == 0 {
        return Ok(());
    }
    let error = std::io::Error::last_os_error();
    if error.kind() == std::io::ErrorKind::WouldBlock {
        Err(miette!(
            help = "wait for the other run to finish, or stop it, before resuming",
            "the journal {} is in use by another running arqonhpo-cli",
            path.display()
        ))
    } else {
        Err(miette!("cannot lock the journal {}: {error}", path.display()))
    }
}

/// Reads a journal for `report`: the solver it describes.
pub fn read(path: &Path, text: &str) -> Result<Solver> {
    journal::replay(text, None)
        .map(|r| r.solver)
        .map_err(miette::Report::new)
        .wrap_err_with(|| format!("cannot read the journal {}", path.display()))
}
