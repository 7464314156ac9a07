//! The `arqonhpo-cli` binary: argument parsing, logging, error reports and exit codes.
//! The work is in the library crate.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

use arqonhpo_cli::cli::{Cli, Command, SchemaKind};
use arqonhpo_cli::{dashboard, report, run, state};
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Exit code of `ask` when the budget is spent.
const EXIT_EXHAUSTED: u8 = 3;
/// Exit code of `run` when no trial completed.
const EXIT_ALL_FAILED: u8 = 4;
/// Exit code of `run` when stopped by a signal.
const EXIT_INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    let _ = miette::set_hook(Box::new(|_| {
        Box::new(miette::MietteHandlerOpts::new().terminal_links(false).build())
    }));
    match dispatch(&cli) {
        Ok(code) => code,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(verbose: u8, quiet: u8) {
    let level = match (verbose, quiet) {
        (0, 0) => "info",
        (1, _) => "debug",
        (v, _) if v >= 2 => "trace",
        (_, 1) => "warn",
        _ => "error",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

fn dispatch(cli: &Cli) -> miette::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match &cli.command {
        Command::Run(args) => {
            let signals = Arc::new(AtomicU32::new(0));
            let counter = Arc::clone(&signals);
            ctrlc::set_handler(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            })
            .map_err(|e| miette::miette!("cannot install the Ctrl-C handler: {e}"))?;
            let show_progress = std::io::stderr().is_terminal() && cli.quiet == 0;
            let (end, solver) = run::run(args, &signals, show_progress)?;
            if let Some(path) = &args.artifact {
                std::fs::write(path, solver.artifact().to_json()).map_err(|e| {
                    miette::miette!("cannot write the artifact {}: {e}", path.display())
                })?;
            }
            let best = solver.best();
            if let Some(b) = &best {
                let line = serde_json::json!({ "id": b.id, "value": b.value, "params": b.params });
                use std::io::Write;
                let _ = writeln!(stdout, "{line}");
            }
            tracing::info!(
                "{} trials told of {}; best {}",
                solver.told(),
                solver.config().budget,
                best.as_ref()
                    .and_then(|b| b.value)
                    .map_or_else(|| "none".to_string(), |v| v.to_string())
            );
            Ok(match end {
                run::RunEnd::Interrupted => {
                    tracing::warn!(
                        "stopped before the end; continue with the same command and --resume"
                    );
                    ExitCode::from(EXIT_INTERRUPTED)
                }
                run::RunEnd::GaveUp => ExitCode::from(EXIT_ALL_FAILED),
                run::RunEnd::Done if best.is_none() => {
                    let record = args.artifact.as_ref().or(args.journal.as_ref());
                    let see = record.map_or_else(
                        || "the failure reasons are logged above; pass --artifact FILE to keep them for `report`".to_string(),
                        |path| format!("`arqonhpo-cli report {}` lists the failure reasons", path.display()),
                    );
                    tracing::error!(
                        "no trial completed; check that the command prints the objective ({see})"
                    );
                    ExitCode::from(EXIT_ALL_FAILED)
                }
                run::RunEnd::Done => ExitCode::SUCCESS,
            })
        }
        Command::Ask(args) => Ok(match state::ask(args, &mut stdout)? {
            state::Asked::Some => ExitCode::SUCCESS,
            state::Asked::Exhausted => ExitCode::from(EXIT_EXHAUSTED),
        }),
        Command::Tell(args) => state::tell(args).map(|()| ExitCode::SUCCESS),
        Command::Validate(args) => {
            let config = arqonhpo_cli::diagnostics::load_config(&args.config)?;
            arqonhpo_cli::diagnostics::check_interface(
                &args.config.display().to_string(),
                &config,
                &args.command,
            )?;
            use std::io::Write;
            let _ = writeln!(
                stdout,
                "{}: valid ({} parameter(s), budget {}, seed {}, strategy {})",
                args.config.display(),
                config.space.len(),
                config.budget,
                config.seed,
                config.strategy.as_str()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema(args) => {
            use std::io::Write;
            let text = match args.kind {
                SchemaKind::Config => arqonhpo_cli::config_schema(),
                SchemaKind::Artifact => arqonhpo_cli::artifact_schema(),
            };
            let _ = stdout.write_all(text.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(args) => report::report(args, &mut stdout).map(|()| ExitCode::SUCCESS),
        Command::Dashboard(args) => {
            let stop = Arc::new(AtomicBool::new(false));
            let flag = Arc::clone(&stop);
            ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
                .map_err(|e| miette::miette!("cannot install the Ctrl-C handler: {e}"))?;
            dashboard::dashboard(args, &stop, &mut stdout).map(|()| ExitCode::SUCCESS)
        }
    }
}
