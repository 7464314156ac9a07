//! How a trial reaches the user's program and how its result comes back: placeholder
//! substitution in the arguments, `ARQON_<NAME>` environment variables, the JSON line on
//! stdin, reading the objective value from stdout, and the process tree a trial runs in.
//!
//! No shell is involved anywhere: arguments are passed to the program as a vector, so a
//! choice value such as `"; rm -rf ~"` is just text in one argument.

use std::collections::BTreeMap;
use std::process::{Child, Command, ExitStatus};

use arqonhpo_core::{Space, Trial, Value};

/// A parameter value as the program sees it in arguments and environment variables:
/// numbers in Rust's shortest round-trip form, strings raw (no quotes), booleans as
/// `true`/`false`.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(x) => x.to_string(),
        Value::Str(s) => s.clone(),
    }
}

/// The environment variable for a parameter: `ARQON_` + the name upper-cased, with every
/// character other than an ASCII letter or digit replaced by `_` (`learning-rate` →
/// `ARQON_LEARNING_RATE`).
pub fn env_name(param: &str) -> String {
    let mut out = String::from("ARQON_");
    out.extend(param.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    out
}

/// Every way the trials of `space` would reach `command` ambiguously: two parameters with the
/// same `ARQON_<NAME>` variable, a parameter whose variable or placeholder is the trial id's,
/// and `{placeholders}` in the arguments that name no parameter. Empty when all is well.
pub fn interface_problems(space: &Space, command: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut owners: BTreeMap<String, &str> = BTreeMap::new();
    owners.insert(env_name("trial_id"), "the trial id");
    for (name, _) in space.iter() {
        let var = env_name(name);
        if name == "trial_id" {
            problems.push(
                "parameter `trial_id` clashes with the trial id ({trial_id} and ARQON_TRIAL_ID); \
                 rename it"
                    .to_string(),
            );
        } else if let Some(owner) = owners.get(var.as_str()) {
            let owner = if *owner == "the trial id" {
                "the trial id".into()
            } else {
                format!("parameter `{owner}`")
            };
            problems.push(format!(
                "parameter `{name}` and {owner} both set the environment variable {var}; \
                 rename one of them"
            ));
        } else {
            owners.insert(var, name);
        }
    }
    for (i, arg) in command.iter().enumerate() {
        for key in placeholders(arg) {
            if key != "trial_id" && space.get(key).is_none() {
                problems.push(format!(
                    "argument {i} ({arg:?}) has the placeholder {{{key}}}, which names no parameter \
                     (parameters: {})",
                    space.iter().map(|(n, _)| n).collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    problems
}

/// The `{key}` placeholders of an argument: braces around text without spaces, quotes, colons
/// or braces (so JSON such as `{"a": 1}` in an argument is not taken for one).
fn placeholders(arg: &str) -> impl Iterator<Item = &str> {
    arg.split('{').skip(1).filter_map(|after| {
        let key = &after[..after.find('}')?];
        let plain = !key.is_empty()
            && !key.chars().any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | ':' | '{'));
        plain.then_some(key)
    })
}

/// Replaces `{name}` by the trial's value of `name` and `{trial_id}` by its id in one
/// argument. Other braces are left alone (`run` and `validate` reject `{word}` placeholders
/// naming no parameter first; see [`interface_problems`]).
pub fn substitute(arg: &str, trial: &Trial) -> String {
    if !arg.contains('{') {
        return arg.to_string();
    }
    let mut out = String::with_capacity(arg.len());
    let mut rest = arg;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let replaced = after.find('}').and_then(|close| {
            let key = &after[..close];
            let text = if key == "trial_id" {
                Some(trial.id.to_string())
            } else {
                trial.params.get(key).map(value_text)
            };
            text.map(|t| (t, close))
        });
        match replaced {
            Some((text, close)) => {
                out.push_str(&text);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The trial as the JSON line written to the program's stdin:
/// `{"id":3,"params":{...},"stage":"refine","method":"tpe"}`.
pub fn stdin_json(trial: &Trial) -> String {
    let line = serde_json::json!({
        "id": trial.id,
        "params": trial.params,
        "stage": trial.stage,
        "method": trial.method,
    });
    format!("{line}\n")
}

/// An objective value read from a program's output.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The value.
    pub value: f64,
    /// Set when the value was guessed from a line holding several numbers: that line.
    pub ambiguous_line: Option<String>,
}

/// The objective read from a program's stdout: `Ok(reading)`, or `Err(reason)` when the
/// output holds no result.
///
/// Lines are read from the last one backwards. A JSON object line with a `value` of `null`
/// is a failure (with `reason` or `error` as its reason). With `metric`, the value is the
/// number after the last `metric:`, `metric=` or `metric ` on a line, or the `metric` field
/// of a JSON object line. Without it, a JSON object line's `value` decides, else the last
/// number on the last line that has one.
pub fn parse_output(stdout: &str, metric: Option<&str>) -> Result<Reading, String> {
    let exact = |value| Reading { value, ambiguous_line: None };
    for line in stdout.lines().rev() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('{') {
            if let Ok(serde_json::Value::Object(map)) =
                serde_json::from_str::<serde_json::Value>(line)
            {
                let field = metric.unwrap_or("value");
                match map.get(field) {
                    Some(serde_json::Value::Number(n)) => {
                        return n
                            .as_f64()
                            .map(exact)
                            .ok_or_else(|| format!("{field} {n} is not a number"))
                    }
                    _ if map.get("value") == Some(&serde_json::Value::Null) => {
                        let why =
                            map.get("reason").or_else(|| map.get("error")).and_then(|r| r.as_str());
                        return Err(why.map_or_else(
                            || "the program reported value null".to_string(),
                            str::to_string,
                        ));
                    }
                    Some(other) => {
                        return Err(format!("the JSON line's {field} {other} is not a number"))
                    }
                    None => continue,
                }
            }
        }
        if let Some(name) = metric {
            match named_number(line, name) {
                Some(v) => return Ok(exact(v)),
                None => continue,
            }
        }
        let numbers: Vec<f64> = line
            .split(|c: char| {
                c.is_whitespace() || matches!(c, '=' | ':' | ',' | ';' | '(' | ')' | '[' | ']')
            })
            .filter_map(|token| token.parse::<f64>().ok())
            .collect();
        if let Some(&v) = numbers.last() {
            let ambiguous_line = (numbers.len() > 1).then(|| line.to_string());
            return Ok(Reading { value: v, ambiguous_line });
        }
    }
    let shown: String = stdout.trim().chars().take(120).collect();
    match (metric, shown.is_empty()) {
        (_, true) => Err(format!(
            "the program printed nothing on stdout; print the objective value{}",
            metric.map_or_else(
                || " as its last number".to_string(),
                |m| format!(" as `{m}: <number>`")
            )
        )),
        (Some(m), false) => Err(format!(
            "no `{m}: <number>`, `{m}=<number>` or JSON field \"{m}\" in the program's output \
             (--metric {m}); output began: {shown:?}"
        )),
        (None, false) => Err(format!(
            "no number in the program's output (print the objective as its last number); \
             output began: {shown:?}"
        )),
    }
}

/// The number after the last `name` on the line that stands alone (not part of a longer
/// name such as `val_loss` for `loss`), optionally quoted and followed by `:` or `=`.
fn named_number(line: &str, name: &str) -> Option<f64> {
    let part_of_name = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.');
    let mut found = None;
    for (at, _) in line.match_indices(name) {
        if line[..at].chars().next_back().is_some_and(part_of_name) {
            continue;
        }
        let rest = line[at + name.len()..].trim_start_matches(['"', '\'']);
        if rest.chars().next().is_some_and(part_of_name) {
            continue;
        }
        let rest = rest.trim_start();
        let rest = rest.strip_prefix([':', '=']).unwrap_or(rest).trim_start();
        let token = rest
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ')' | ']' | '}'))
            .next()
            .unwrap_or_default();
        if let Ok(v) = token.parse::<f64>() {
            found = Some(v);
        }
    }
    found
}

/// Everything a trial's program starts, stopped as one: a process group on Unix, a Job Object
/// on Windows. The terminal's Ctrl-C reaches neither, so only `run` decides when trials stop.
/// Clones refer to the same tree. On Windows the job also ends with its last handle, so
/// nothing a trial left behind outlives the run.
#[derive(Debug, Clone)]
pub struct ProcessTree(platform::Tree);

impl ProcessTree {
    /// Starts `cmd` as the root of a new tree. On Windows the process starts suspended and runs
    /// only once it is in its job, so nothing it starts can escape the job.
    pub fn spawn(cmd: &mut Command) -> std::io::Result<(Child, Self)> {
        platform::spawn(cmd).map(|(child, tree)| (child, Self(tree)))
    }

    /// Kills every process still in the tree. A tree that has already ended is left alone.
    pub fn kill(&self) {
        self.0.kill();
    }
}

/// Why a process ended, if it was killed rather than exiting: `killed by signal N` on Unix;
/// on Windows, the exit code a killed tree gets (that of a Ctrl-C).
pub fn killed(status: &ExitStatus) -> Option<String> {
    platform::killed(status)
}

#[cfg(unix)]
mod platform {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::process::{Child, Command, ExitStatus};

    #[derive(Debug, Clone)]
    pub struct Tree {
        group: libc::pid_t,
    }

    pub fn spawn(cmd: &mut Command) -> std::io::Result<(Child, Tree)> {
        #[cfg(target_os = "linux")]
        die_with_this_process(cmd);
        let mut child = cmd.process_group(0).spawn()?;
        match libc::pid_t::try_from(child.id()) {
            Ok(group) => Ok((child, Tree { group })),
            Err(e) => {
                let _ = child.kill().and_then(|()| child.wait().map(drop));
                Err(std::io::Error::other(e))
            }
        }
    }

    /// Has the kernel send the trial SIGKILL when the thread that started it ends, so a
    /// trial does not outlive a run killed with `kill -9`. The run starts every trial from its
    /// main thread, whose end is the end of the run. Processes the trial starts itself are
    /// not covered (see docs/cli.md).
    #[cfg(target_os = "linux")]
    fn die_with_this_process(cmd: &mut Command) {
        // SAFETY: getpid(2) takes nothing and cannot fail.
        let parent = unsafe { libc::getpid() };
        // SAFETY: the closure runs in the child between fork and exec and calls only prctl(2),
        // getppid(2) and _exit(2), which are async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The run may have died before the request was made; then nothing would fire.
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
    }

    impl Tree {
        pub fn kill(&self) {
            // SAFETY: kill(2) takes plain integers; the negative pid addresses the group made
            // for this trial. A group that is already gone is a harmless ESRCH.
            unsafe {
                libc::kill(-self.group, libc::SIGKILL);
            }
        }
    }

    pub fn killed(status: &ExitStatus) -> Option<String> {
        status.signal().map(|signal| format!("killed by signal {signal}"))
    }
}

#[cfg(windows)]
mod platform {
    use std::io;
    use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
    use std::os::windows::process::CommandExt;
    use std::process::{Child, Command, ExitStatus};
    use std::sync::Arc;

    use windows_sys::Win32::Foundation::{INVALID_HANDLE_VALUE, STATUS_CONTROL_C_EXIT};
    use windows_sys::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, Thread32First, Thread32Next, TH32CS_SNAPTHREAD, THREADENTRY32,
    };
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JobObjectExtendedLimitInformation,
        SetInformationJobObject, TerminateJobObject, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
        JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
    };
    use windows_sys::Win32::System::Threading::{
        OpenThread, ResumeThread, CREATE_NEW_PROCESS_GROUP, CREATE_SUSPENDED, THREAD_SUSPEND_RESUME,
    };

    /// The exit code every process of a killed job gets: that of a process ended by Ctrl-C.
    const KILLED: u32 = STATUS_CONTROL_C_EXIT as u32;

    #[derive(Debug, Clone)]
    pub struct Tree {
        job: Arc<OwnedHandle>,
    }

    pub fn spawn(cmd: &mut Command) -> io::Result<(Child, Tree)> {
        let job = new_job()?;
        // A new process group keeps the console's Ctrl-C away from the trial, as on Unix.
        let mut child = cmd.creation_flags(CREATE_NEW_PROCESS_GROUP | CREATE_SUSPENDED).spawn()?;
        // SAFETY: both handles are open and owned (by `job` and `child`) for this call.
        let assigned =
            unsafe { AssignProcessToJobObject(job.as_raw_handle(), child.as_raw_handle()) } != 0;
        let failed =
            if assigned { resume(child.id()).err() } else { Some(io::Error::last_os_error()) };
        if let Some(error) = failed {
            let _ = child.kill().and_then(|()| child.wait().map(drop));
            return Err(error);
        }
        Ok((child, Tree { job: Arc::new(job) }))
    }

    impl Tree {
        pub fn kill(&self) {
            // SAFETY: the job handle is open while `self` lives. Terminating a job whose
            // processes have all exited does nothing.
            unsafe {
                TerminateJobObject(self.job.as_raw_handle(), KILLED);
            }
        }
    }

    pub fn killed(status: &ExitStatus) -> Option<String> {
        (status.code() == Some(STATUS_CONTROL_C_EXIT))
            .then(|| format!("killed (exit code {KILLED:#X})"))
    }

    /// An anonymous job whose processes all die when its last handle closes, so a trial
    /// cannot outlive the run that started it.
    fn new_job() -> io::Result<OwnedHandle> {
        // SAFETY: no security attributes and no name; the handle is owned just below.
        let raw = unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) };
        if raw.is_null() {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `raw` is a new handle that nothing else owns.
        let job = unsafe { OwnedHandle::from_raw_handle(raw) };
        let mut limits = JOBOBJECT_EXTENDED_LIMIT_INFORMATION::default();
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        let size = std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32;
        // SAFETY: the pointer and size describe `limits`, which lives across the call.
        let set = unsafe {
            SetInformationJobObject(
                job.as_raw_handle(),
                JobObjectExtendedLimitInformation,
                std::ptr::from_ref(&limits).cast(),
                size,
            )
        };
        if set == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(job)
    }

    /// Resumes the threads of the suspended process `pid` (just the main thread, as created).
    fn resume(pid: u32) -> io::Result<()> {
        // SAFETY: a snapshot of every thread in the system; the handle is owned just below.
        let raw = unsafe { CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0) };
        if raw == INVALID_HANDLE_VALUE {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `raw` is a new, valid handle that nothing else owns.
        let snapshot = unsafe { OwnedHandle::from_raw_handle(raw) };
        let mut entry = THREADENTRY32 {
            dwSize: std::mem::size_of::<THREADENTRY32>() as u32,
            ..THREADENTRY32::default()
        };
        let mut resumed = false;
        // SAFETY: the snapshot is open and `entry` is a valid THREADENTRY32 with its size set.
        let mut more = unsafe { Thread32First(snapshot.as_raw_handle(), &mut entry) } != 0;
        while more {
            if entry.th32OwnerProcessID == pid {
                // SAFETY: plain arguments; a null result is checked before use.
                let raw = unsafe { OpenThread(THREAD_SUSPEND_RESUME, 0, entry.th32ThreadID) };
                if raw.is_null() {
                    return Err(io::Error::last_os_error());
                }
                // SAFETY: `raw` is a new thread handle that nothing else owns.
                let thread = unsafe { OwnedHandle::from_raw_handle(raw) };
                // SAFETY: the thread handle is open and has THREAD_SUSPEND_RESUME access.
                if unsafe { ResumeThread(thread.as_raw_handle()) } == u32::MAX {
                    return Err(io::Error::last_os_error());
                }
                resumed = true;
            }
            // SAFETY: as for Thread32First.
            more = unsafe { Thread32Next(snapshot.as_raw_handle(), &mut entry) } != 0;
        }
        if resumed {
            Ok(())
        } else {
            Err(io::Error::other("the new trial process has no thread to resume"))
        }
    }
}

#[cfg(not(any(unix, windows)))]
compile_error!("arqonhpo-cli runs trials on Unix and Windows only");

#[cfg(test)]
mod tests {
    use super::*;
    use arqonhpo_core::{Method, Param, Params, Stage};

    fn trial() -> Trial {
        let params = Params::new()
            .with("lr", Value::Float(0.001))
            .with("depth", Value::Int(4))
            .with("kernel", Value::Str("; rm -rf ~ {lr}".into()))
            .with("use-bias", Value::Bool(true));
        Trial { id: 7, params, stage: Stage::Refine, method: Method::Tpe }
    }

    #[test]
    fn placeholders_are_replaced_once_and_unknown_braces_stay() {
        let t = trial();
        assert_eq!(substitute("--lr={lr}", &t), "--lr=0.001");
        assert_eq!(substitute("{depth}x{depth}", &t), "4x4");
        assert_eq!(
            substitute("{kernel}", &t),
            "; rm -rf ~ {lr}",
            "values are not substituted again"
        );
        assert_eq!(substitute("run-{trial_id}.log", &t), "run-7.log");
        assert_eq!(substitute("{unknown} {", &t), "{unknown} {");
        assert_eq!(substitute("{use-bias}", &t), "true");
    }

    #[test]
    fn ambiguous_names_and_unknown_placeholders_are_problems() {
        let space = Space::new()
            .with("lr", Param::float(0.0, 1.0))
            .with("LR", Param::float(0.0, 1.0))
            .with("a-b", Param::int(0, 3))
            .with("a_b", Param::int(0, 3))
            .with("TRIAL-ID", Param::int(0, 3));
        let command =
            ["train", "--lr={lr}", "{missing}", "{\"json\": 1}", "{trial_id}"].map(String::from);
        let problems = interface_problems(&space, &command);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(
            problems[0].contains("`LR` and parameter `lr`") && problems[0].contains("ARQON_LR")
        );
        assert!(problems[1].contains("`a_b` and parameter `a-b`"));
        assert!(problems[2].contains("`TRIAL-ID` and the trial id"));
        assert!(problems[3].contains("{missing}") && problems[3].contains("argument 2"));
        let named = Space::new().with("trial_id", Param::int(0, 3));
        let problems = interface_problems(&named, &[]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("clashes with the trial id"), "{problems:?}");
        let fine = Space::new().with("lr", Param::float(0.0, 1.0));
        assert!(interface_problems(&fine, &["x".into(), "{lr}-{trial_id}".into()]).is_empty());
    }

    #[test]
    fn env_names_are_upper_case_identifiers() {
        assert_eq!(env_name("lr"), "ARQON_LR");
        assert_eq!(env_name("use-bias"), "ARQON_USE_BIAS");
        assert_eq!(env_name("layer.0"), "ARQON_LAYER_0");
    }

    #[test]
    fn stdin_carries_the_whole_trial() {
        let line = stdin_json(&trial());
        let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        assert_eq!(v["id"], 7);
        assert_eq!(v["params"]["kernel"], "; rm -rf ~ {lr}");
        assert_eq!(v["stage"], "refine");
        assert_eq!(v["method"], "tpe");
        assert!(line.ends_with('\n'));
    }

    fn value(stdout: &str) -> Result<f64, String> {
        parse_output(stdout, None).map(|r| r.value)
    }

    #[test]
    fn the_objective_is_the_last_number_or_a_json_value() {
        assert_eq!(value("epoch 1 loss 3.5\nloss 0.25\n"), Ok(0.25));
        assert_eq!(value("val_loss=1e-3, acc=0.9\n"), Ok(0.9));
        assert_eq!(value("-4\n\n\n"), Ok(-4.0));
        assert_eq!(value("42\nall done\n"), Ok(42.0));
        assert_eq!(value("{\"value\": 2.5, \"extra\": 1}\nnoise without numbers"), Ok(2.5));
        assert_eq!(
            value("1.0\n{\"value\": null, \"reason\": \"diverged\"}"),
            Err("diverged".into())
        );
        assert!(value("").is_err_and(|e| e.contains("printed nothing")));
        assert!(value("no numbers here\n").is_err_and(|e| e.contains("no number")));
        assert!(value("{\"value\": \"low\"}").is_err());
    }

    /// A line with several numbers gives the last one, flagged; one number is not flagged.
    #[test]
    fn a_line_with_several_numbers_is_flagged() {
        let r = parse_output("loss: 1.5e-3, acc 0.98\n", None).unwrap();
        assert_eq!(r.value, 0.98);
        assert_eq!(r.ambiguous_line.as_deref(), Some("loss: 1.5e-3, acc 0.98"));
        assert_eq!(parse_output("loss 0.5\n", None).unwrap().ambiguous_line, None);
    }

    /// `--metric loss` reads `loss: x`, `loss=x`, `loss x` and a JSON field, never `val_loss`.
    #[test]
    fn a_named_metric_is_read_by_name() {
        let loss = |s: &str| parse_output(s, Some("loss")).map(|r| r.value);
        assert_eq!(loss("loss: 1.5e-3, acc 0.98\n"), Ok(1.5e-3));
        assert_eq!(loss("acc=0.9 loss=2 val_loss=7\n"), Ok(2.0));
        assert_eq!(loss("epoch 10 loss 0.25\ndone in 3 s\n"), Ok(0.25));
        assert_eq!(loss("{\"loss\": 0.5, \"acc\": 0.9}\n"), Ok(0.5));
        assert_eq!(loss("\"loss\": 3\n"), Ok(3.0));
        assert!(loss("val_loss=1 lossy 2\n").is_err_and(|e| e.contains("--metric loss")));
        assert!(loss("{\"value\": null, \"reason\": \"nan\"}").is_err_and(|e| e == "nan"));
    }

    /// A program that starts a second one and waits; both write to the same stdout pipe for a
    /// minute unless killed.
    #[cfg(unix)]
    fn parent_of_a_sleeper() -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 60 & sleep 60"]);
        cmd
    }

    #[cfg(windows)]
    fn parent_of_a_sleeper() -> Command {
        let mut cmd = Command::new("cmd");
        cmd.args(["/C", "start /B ping -n 60 127.0.0.1 & ping -n 60 127.0.0.1"]);
        cmd
    }

    #[test]
    fn killing_a_tree_stops_the_program_and_what_it_started() {
        use std::io::Read;
        let mut cmd = parent_of_a_sleeper();
        cmd.stdout(std::process::Stdio::piped());
        let started = std::time::Instant::now();
        let (mut child, tree) = ProcessTree::spawn(&mut cmd).unwrap();
        let mut stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout pipe"));
        std::thread::sleep(std::time::Duration::from_millis(300));
        tree.clone().kill();
        let status = child.wait().unwrap();
        assert!(killed(&status).is_some(), "{status:?} reads as a normal exit");
        // End of file only once every process holding the pipe, the grandchild too, is gone.
        let _ = stdout.read_to_end(&mut Vec::new());
        let waited = started.elapsed().as_secs_f64();
        assert!(waited < 30.0, "the pipe stayed open {waited:.0} s: part of the tree survived");
        tree.kill();
    }
}
