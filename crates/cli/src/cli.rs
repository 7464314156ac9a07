//! The command line: every subcommand, flag and help text, declared with clap's derive API.
//!
//! This is also the source of the generated reference page, man pages and shell completions
//! (see [`crate::docs`]), so the help text here *is* the documentation.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Text appended to `--help`: the exit codes, documented once.
pub const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    error: invalid config, state, journal or artifact; I/O failure
  2    usage error: bad command-line arguments
  3    `ask`: no trial left to hand out (the budget is spent)
  4    `run`: the run finished but no trial completed (every trial failed)
  130  `run`: stopped by Ctrl-C or SIGTERM; the journal is consistent, continue with --resume";

/// ArqonHPO from the shell: tune any program, or drive the ask/tell loop by hand.
#[derive(Debug, Parser)]
#[command(name = "arqonhpo-cli", version, about, long_about = None, after_long_help = EXIT_CODES, propagate_version = true)]
pub struct Cli {
    /// More log output (-v: debug, -vv: trace). `RUST_LOG` overrides both flags.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Less log output (-q: warnings and errors only, -qq: errors only).
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "verbose")]
    pub quiet: u8,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a program once per trial and tune its output.
    ///
    /// Each trial's parameters reach the program without a shell: `{name}` placeholders in
    /// CMD's arguments are replaced by values (`{trial_id}` by the trial id), every parameter is set as
    /// an `ARQON_<NAME>` environment variable (plus `ARQON_TRIAL_ID`), and the trial is
    /// written as one JSON line on the program's stdin. A `{word}` naming no parameter, two
    /// parameters with the same variable, or a parameter named `trial_id` is an error before
    /// any trial runs. The objective (lower is better) is
    /// the last number the program prints on stdout, or the `value` field of a JSON line.
    /// A non-zero exit, a timeout or output without a number fails the trial, with the reason
    /// kept.
    #[command(after_long_help = EXIT_CODES)]
    Run(RunArgs),
    /// Hand out the next trial(s) from a state file, as JSON lines on stdout.
    ///
    /// The first call creates the state file from --config; later calls continue it. Report
    /// results with `tell`.
    #[command(after_long_help = EXIT_CODES)]
    Ask(AskArgs),
    /// Report a trial's result to a state file.
    #[command(after_long_help = EXIT_CODES)]
    Tell(TellArgs),
    /// Check a config file and explain every problem.
    Validate(ValidateArgs),
    /// Print the JSON Schema of the config or artifact format.
    Schema(SchemaArgs),
    /// Summarize a run from its artifact, journal or state file.
    Report(ReportArgs),
    /// Serve a live web page of one or more runs (artifacts, journals or state files).
    ///
    /// The page shows the convergence curve, the classification, a slice plot per parameter,
    /// parallel coordinates of the best trials, a sortable table of every trial and the config,
    /// and follows the files as runs append to them. It is read-only and self-contained (no
    /// network access beyond this server) and listens on 127.0.0.1 unless --host says otherwise.
    Dashboard(DashboardArgs),
}

/// Arguments of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The config file (JSON; see `arqonhpo-cli schema config`).
    #[arg(short, long, value_name = "FILE")]
    pub config: PathBuf,
    /// Trials evaluated at the same time.
    #[arg(short, long, default_value_t = 1, value_name = "N", value_parser = parse_jobs)]
    pub jobs: u32,
    /// Reproducible parallel run: the trials depend only on the config, the seed and the
    /// values, not on which job finishes first (sets the config's `parallel.lag` to --jobs;
    /// a job may wait for a slower one).
    #[arg(long)]
    pub deterministic: bool,
    /// Append every event to this JSON-lines journal as it happens.
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// Continue the run recorded in --journal (it is created when missing).
    #[arg(long, requires = "journal")]
    pub resume: bool,
    /// Fail a trial that runs longer than this many seconds (its whole process tree is killed).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<f64>,
    /// Write the run's artifact (config, every trial, classification, best) here at the end.
    #[arg(long, value_name = "FILE")]
    pub artifact: Option<PathBuf>,
    /// Read the objective from `NAME: <number>`, `NAME=<number>` or a JSON field `NAME` in the
    /// program's output (the last one printed), instead of the last number printed.
    #[arg(long, value_name = "NAME", value_parser = parse_metric)]
    pub metric: Option<String>,
    /// Stop the run when this many trials in a row fail with the same reason (a typo in the
    /// command fails every trial); 0 runs the whole budget regardless.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub max_failures_in_a_row: u32,
    /// The program to run and its arguments (after `--`).
    #[arg(required = true, last = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// Arguments of `ask`.
#[derive(Debug, Args)]
pub struct AskArgs {
    /// The state file (created on the first call).
    #[arg(short, long, value_name = "FILE")]
    pub state: PathBuf,
    /// The config, needed when the state file does not exist yet (checked against it when it does).
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// How many trials to hand out (fewer when the budget runs out).
    #[arg(short = 'n', long, default_value_t = 1, value_name = "N", value_parser = parse_count)]
    pub count: u32,
}

/// Arguments of `tell`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("outcome").required(true).args(["value", "failed"]))]
pub struct TellArgs {
    /// The state file written by `ask`.
    #[arg(short, long, value_name = "FILE")]
    pub state: PathBuf,
    /// The trial id printed by `ask`.
    #[arg(long, value_name = "ID")]
    pub id: u64,
    /// The objective value (lower is better).
    #[arg(long, allow_hyphen_values = true, value_name = "VALUE")]
    pub value: Option<f64>,
    /// The trial failed.
    #[arg(long)]
    pub failed: bool,
    /// Why the trial failed (with --failed).
    #[arg(long, requires = "failed", value_name = "TEXT")]
    pub reason: Option<String>,
}

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The config file to check.
    #[arg(value_name = "FILE")]
    pub config: PathBuf,
    /// The program `run` would tune (after `--`): its `{placeholders}` are checked too.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// Which schema `schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The config file read by `run`, `ask` and `validate`.
    Config,
    /// The run artifact written by `run --artifact`.
    Artifact,
}

/// Arguments of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema to print.
    #[arg(value_enum, default_value_t = SchemaKind::Config)]
    pub kind: SchemaKind,
}

/// Arguments of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A run artifact (`run --artifact`), journal (`run --journal`) or state file (`ask`).
    #[arg(value_name = "FILE")]
    pub input: PathBuf,
    /// How many of the best trials to list.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
    /// Also draw the convergence plot (best value so far per trial) as SVG to this file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
}

/// Arguments of `dashboard`.
#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// Runs to show: artifacts (`run --artifact`), journals (`run --journal`) or state files
    /// (`ask`); several to compare them.
    #[arg(required = true, value_name = "RUN")]
    pub runs: Vec<PathBuf>,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 8750, value_name = "PORT")]
    pub port: u16,
    /// The address to listen on. Without it the page is served on 127.0.0.1 only and requests
    /// addressed to other host names are refused; an address outside loopback (such as
    /// 0.0.0.0) lets anyone who can reach it read the runs.
    #[arg(long, value_name = "ADDR")]
    pub host: Option<String>,
    /// How often the files are checked for new trials, in milliseconds.
    #[arg(long, default_value_t = 250, value_name = "MS")]
    pub poll_ms: u64,
}

/// The longest `--timeout` accepted, in seconds.
const MAX_TIMEOUT: f64 = 1e9;

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= MAX_TIMEOUT => Ok(s),
        Ok(s) if s > MAX_TIMEOUT => {
            Err(format!("must be at most {MAX_TIMEOUT:e} seconds (about 31 years), got {text}"))
        }
        Ok(_) => Err(format!("must be a positive number of seconds, got {text}")),
        Err(_) => Err(format!("must be a number of seconds, got {text:?}")),
    }
}

/// Most trials a run evaluates at the same time.
const MAX_JOBS: u32 = 1024;

fn parse_jobs(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if (1..=MAX_JOBS).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number from 1 to {MAX_JOBS}, got {text:?}")),
    }
}

fn parse_count(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "must be a whole number of at least 1 (and at most {}), got {text:?}",
            u32::MAX
        )),
    }
}

fn parse_metric(text: &str) -> Result<String, String> {
    if text.is_empty() || text.chars().any(|c| c.is_whitespace() || matches!(c, ':' | '=')) {
        Err(format!("must be a metric name without spaces, `:` or `=`, got {text:?}"))
    } else {
        Ok(text.to_string())
    }
}

/// The clap command, for help, docs and completions.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_definition_is_consistent() {
        super::command().debug_assert();
    }

    #[test]
    fn timeouts_must_be_positive_seconds() {
        assert_eq!(super::parse_seconds("1.5"), Ok(1.5));
        assert!(super::parse_seconds("0").is_err());
        assert!(super::parse_seconds("-2").is_err());
        assert!(super::parse_seconds("soon").is_err());
        let long = super::parse_seconds("1e20").unwrap_err();
        assert!(long.contains("at most 1e9 seconds") && long.contains("1e20"), "{long}");
    }
}
