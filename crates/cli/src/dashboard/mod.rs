//! `dashboard`: a local web page that shows one or more runs and follows them live.
//!
//! - [`data`] reads each run (artifact, journal or state file) with the same reader as
//!   `report`, re-reads it when the file changes, and builds the decimated JSON views.
//! - [`server`] answers a fixed set of read-only routes with those views and the page itself,
//!   whose HTML, script and style are compiled into the binary (`assets/`), so it works
//!   offline.
//!
//! The page polls `/api/runs` every second and fetches a run's views again when its version
//! moved, so new trials appear within about a second of being told.

pub mod data;
pub mod server;

use std::net::IpAddr;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use miette::{miette, IntoDiagnostic, Result};

use crate::cli::DashboardArgs;

/// The address to listen on: `--host` (an IP address or `localhost`), else 127.0.0.1.
pub fn listen_address(host: Option<&str>) -> Result<IpAddr> {
    match host {
        None => Ok(IpAddr::from([127, 0, 0, 1])),
        Some(h) if h.eq_ignore_ascii_case("localhost") => Ok(IpAddr::from([127, 0, 0, 1])),
        Some(h) => h.trim_matches(|c| c == '[' || c == ']').parse().map_err(|_| {
            miette!(
                help = "give an IP address, such as 127.0.0.1 (the default), ::1 or 0.0.0.0",
                "--host {h:?} is not an IP address"
            )
        }),
    }
}

/// Serves the dashboard until `stop` is set (by Ctrl-C), after printing its address as the
/// first line on `out`.
pub fn dashboard(
    args: &DashboardArgs,
    stop: &AtomicBool,
    out: &mut impl std::io::Write,
) -> Result<()> {
    for path in &args.runs {
        if !path.is_file() {
            return Err(miette!(
                help = "name a run artifact, a journal or an ask/tell state file",
                "{} is not a file",
                path.display()
            ));
        }
    }
    let ip = listen_address(args.host.as_deref())?;
    if !ip.is_loopback() {
        tracing::warn!(
            "serving on {ip}, outside this machine's loopback: anyone who can reach it can read these runs"
        );
    }
    let server = tiny_http::Server::http((ip, args.port))
        .map_err(|e| miette!("cannot listen on {ip} port {}: {e}", args.port))?;
    let port = server.server_addr().to_ip().map_or(args.port, |a| a.port());
    let runs = data::open(&args.runs);
    for lock in runs.iter() {
        if let Ok(run) = lock.read() {
            if let Some(e) = &run.error {
                tracing::warn!("{}: {e} (shown once it can be read)", run.path.display());
            }
        }
    }
    let shown = if ip.is_ipv6() { format!("[{ip}]") } else { ip.to_string() };
    writeln!(
        out,
        "dashboard at http://{shown}:{port}/ ({} run(s); Ctrl-C to stop)",
        args.runs.len()
    )
    .and_then(|()| out.flush())
    .into_diagnostic()?;
    server::serve(
        &server,
        &runs,
        ip.is_loopback(),
        Duration::from_millis(args.poll_ms.max(50)),
        stop,
    );
    tracing::info!("dashboard stopped");
    Ok(())
}
