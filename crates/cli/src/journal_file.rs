//! The journal on disk: open or resume it, and append one event per line as it happens.
//!
//! What the events mean and how a journal is replayed is decided in core
//! (`arqonhpo_core::journal`); this module only does the file work. Each event is written
//! with a single `write` call at the end of the file (only the run holding the lock writes),
//! so a `kill -9` loses at most the line being written, which replay recognises as torn and
//! this module cuts off before appending again. The lock is taken before the file is read or
//! written, and a journal without a complete start line is started afresh.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
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
        let file =
            OpenOptions::new().read(true).write(true).create_new(true).open(path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    already_exists(path)
                } else {
                    miette!("cannot create the journal {}: {e}", path.display())
                }
            })?;
        lock(&file, path)?;
        // A `--resume` may have opened the new file and started it before this lock was taken.
        if file.metadata().into_diagnostic()?.len() > 0 {
            return Err(already_exists(path));
        }
        Self::start(file, path, config)
    }

    /// Opens the journal at `path` for `--resume`, creating it when missing, and locks it
    /// before looking inside, so that two runs racing on one path never both start it. A
    /// journal without a complete start line (a run killed while creating it) is started
    /// afresh. Returns the replay when there is something to resume.
    pub fn open_or_create(path: &Path, config: &SolverConfig) -> Result<(Self, Option<Replay>)> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .into_diagnostic()
            .wrap_err_with(|| {
                format!("cannot open the journal {} for reading and writing", path.display())
            })?;
        lock(&file, path)?;
        let mut text = String::new();
        file.read_to_string(&mut text)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read the journal {}", path.display()))?;
        if journal::is_unstarted(&text) {
            if !text.is_empty() {
                tracing::warn!(
                    "{} holds no complete start line (the run that created it was killed); \
                     starting it afresh",
                    path.display()
                );
            }
            file.set_len(0)
                .and_then(|()| file.seek(SeekFrom::Start(0)).map(drop))
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot empty the journal {}", path.display()))?;
            return Ok((Self::start(file, path, config)?, None));
        }
        let replay = journal::replay(&text, Some(config))
            .map_err(miette::Report::new)
            .wrap_err_with(|| format!("cannot resume from the journal {}", path.display()))?;
        let valid = replay.valid_len as u64;
        if valid < text.len() as u64 {
            tracing::warn!(
                "dropping a torn last line from {} (the previous run was killed while writing it)",
                path.display()
            );
            file.set_len(valid)
                .into_diagnostic()
                .wrap_err("cannot cut the torn last line of the journal")?;
        }
        let mut journal = Self { file, path: path.to_path_buf() };
        journal.file.seek(SeekFrom::End(0)).into_diagnostic()?;
        if valid > 0 && !text.as_bytes()[..replay.valid_len].ends_with(b"\n") {
            journal.write_raw("\n")?;
        }
        Ok((journal, Some(replay)))
    }

    /// Writes the start line to a locked, empty journal.
    fn start(file: File, path: &Path, config: &SolverConfig) -> Result<Self> {
        let mut journal = Self { file, path: path.to_path_buf() };
        journal.append(&Event::start(config))?;
        Ok(journal)
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

fn already_exists(path: &Path) -> miette::Report {
    miette!(
        help = "pass --resume to continue the run it records, or choose another --journal path",
        "the journal {} already exists",
        path.display()
    )
}

/// Takes an exclusive lock on the journal for the life of the process, so that two runs never
/// append to the same journal. The lock goes away with the process, even after `kill -9`.
fn lock(file: &File, path: &Path) -> Result<()> {
    match platform::try_lock(file) {
        Ok(()) => Ok(()),
        Err(Held::Elsewhere(holder)) => Err(miette!(
            help = "wait for the other run to finish, or stop it, before resuming",
            "the journal {} is in use by another running arqonhpo-cli{}",
            path.display(),
            holder.map_or_else(String::new, |pid| format!(" (pid {pid})"))
        )),
        Err(Held::Error(error)) => {
            Err(miette!("cannot lock the journal {}: {error}", path.display()))
        }
    }
}

/// Why the journal lock was not taken.
enum Held {
    /// Another process holds it (its pid, when the platform tells).
    Elsewhere(Option<u32>),
    /// Locking itself failed.
    Error(std::io::Error),
}

/// On Unix, a POSIX record lock (`fcntl(F_SETLK)`), which belongs to this process alone. A
/// `flock(2)` lock belongs to the open file instead, and every trial process shares that file
/// from its `fork` until its `exec` closes it: a run killed while starting a trial would leave
/// the lock held by the half-started child for that moment, and a `--resume` right after the
/// kill would be refused. The catch of record locks, that closing any descriptor of the file
/// in this process drops the lock, does not apply: a run opens its journal once.
#[cfg(unix)]
mod platform {
    use std::fs::File;
    use std::os::fd::AsRawFd;

    use super::Held;

    pub fn try_lock(file: &File) -> Result<(), Held> {
        let mut request = whole_file_write_lock();
        // SAFETY: fcntl(2) on a descriptor owned by `file`, which outlives this call, with a
        // pointer to a `struct flock` that lives on this stack frame.
        let status = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLK, &request) };
        if status == 0 {
            return Ok(());
        }
        let error = std::io::Error::last_os_error();
        if !matches!(error.raw_os_error(), Some(libc::EACCES | libc::EAGAIN)) {
            return Err(Held::Error(error));
        }
        // Name the process that holds it, if it still does (a holder in another pid namespace
        // reads as pid 0).
        // SAFETY: as above; F_GETLK writes the conflicting lock into `request`.
        let found = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETLK, &mut request) } == 0
            && request.l_type != libc::F_UNLCK as libc::c_short;
        let holder = u32::try_from(request.l_pid).ok().filter(|&pid| found && pid > 0);
        Err(Held::Elsewhere(holder))
    }

    fn whole_file_write_lock() -> libc::flock {
        // SAFETY: `struct flock` is plain integers, for which all zeroes is a valid value.
        let mut request: libc::flock = unsafe { std::mem::zeroed() };
        request.l_type = libc::F_WRLCK as libc::c_short;
        request.l_whence = libc::SEEK_SET as libc::c_short;
        // l_start 0 and l_len 0: the whole file, however long it grows.
        request
    }
}

/// On Windows, `LockFileEx` through the standard library: it belongs to this handle, which
/// trial processes never inherit (files are opened non-inheritable), and while it is held
/// other processes cannot read the journal either.
#[cfg(windows)]
mod platform {
    use std::fs::{File, TryLockError};

    use super::Held;

    pub fn try_lock(file: &File) -> Result<(), Held> {
        file.try_lock().map_err(|e| match e {
            TryLockError::WouldBlock => Held::Elsewhere(None),
            TryLockError::Error(error) => Held::Error(error),
        })
    }
}

/// Reads a journal for `report`: the solver it describes.
pub fn read(path: &Path, text: &str) -> Result<Solver> {
    journal::replay_keeping_all(text)
        .map(|r| r.solver)
        .map_err(miette::Report::new)
        .wrap_err_with(|| format!("cannot read the journal {}", path.display()))
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;

    use super::*;

    fn config() -> SolverConfig {
        SolverConfig::from_json(
            r#"{"seed": 1, "budget": 2, "space": {"x": {"type": "float", "low": 0, "high": 1}}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A run killed while it starts a trial: the child has its copy of the journal file from
    /// `fork` until `exec`. Here the child stops in between until told to go on, the run's own
    /// descriptor is closed (as by `kill -9`), and the resume must get the journal at once.
    #[test]
    fn a_trial_process_between_fork_and_exec_does_not_hold_the_journal_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        let journal = Journal::create(&path, &config()).unwrap();
        let (mut forked, forked_tx) = std::io::pipe().unwrap();
        let (go_rx, mut go) = std::io::pipe().unwrap();
        let (forked_fd, go_fd) = (forked_tx.as_raw_fd(), go_rx.as_raw_fd());
        let mut cmd = std::process::Command::new("true");
        // SAFETY: the closure runs in the child between fork and exec and calls only write(2)
        // and read(2), which are async-signal-safe, on descriptors it inherited.
        unsafe {
            cmd.pre_exec(move || {
                let byte = [1u8];
                libc::write(forked_fd, byte.as_ptr().cast(), 1);
                let mut answer = [0u8];
                libc::read(go_fd, answer.as_mut_ptr().cast(), 1);
                Ok(())
            });
        }
        // `spawn` returns after the exec, so it waits on another thread.
        let child = std::thread::spawn(move || cmd.spawn());
        let mut byte = [0u8];
        forked.read_exact(&mut byte).unwrap();
        drop(journal);
        let resumed = Journal::open_or_create(&path, &config());
        go.write_all(&[1]).unwrap();
        let status = child.join().expect("spawn thread").and_then(|mut c| c.wait());
        assert!(status.is_ok_and(|s| s.success()));
        let (_, replay) = resumed.expect("the resume is accepted");
        assert_eq!(replay.expect("the journal was started").events, 1);
    }
}
