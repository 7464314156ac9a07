//! The HTTP side: a fixed table of read-only routes over [`tiny_http`].
//!
//! Only `GET` and `HEAD` are answered; every path is matched against the routes below, so no
//! request can name a file (the page's assets are compiled in, the runs are the files given on
//! the command line, addressed by their position). While the server listens on a loopback
//! address, a request whose `Host` header is not a loopback name is refused, so a web page
//! elsewhere cannot read the run through the user's browser by rebinding its DNS name.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::Value as Json;
use tiny_http::{Header, Method, Request, Response, Server};

use super::data::{self, Runs, SortKey};

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");

/// Points per plot before decimation, unless the page asks for fewer.
pub const MAX_POINTS: usize = 4000;
/// Largest table page.
pub const MAX_ROWS: usize = 500;

/// A response before it is written: status, content type and body.
#[derive(Debug, PartialEq)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

impl Reply {
    fn json(body: &Json) -> Self {
        Self { status: 200, content_type: "application/json", body: body.to_string() }
    }
    fn text(status: u16, body: &str) -> Self {
        Self { status, content_type: "text/plain; charset=utf-8", body: body.to_string() }
    }
}

/// Whether a `Host` header names this machine (`localhost`, `127.x.y.z`, `[::1]`), with or
/// without a port.
pub fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn query(q: &str, key: &str) -> Option<String> {
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == key).then(|| percent_decode(v))
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn number(q: &str, key: &str, default: usize, max: usize) -> usize {
    query(q, key).and_then(|v| v.parse::<usize>().ok()).unwrap_or(default).clamp(1, max)
}

/// Answers one `GET` for `url` (path and query). Pure, so the tests call it directly.
pub fn route(runs: &Runs, url: &str) -> Reply {
    let (path, q) = url.split_once('?').unwrap_or((url, ""));
    match path {
        "/" | "/index.html" => {
            return Reply {
                status: 200,
                content_type: "text/html; charset=utf-8",
                body: INDEX.into(),
            }
        }
        "/app.js" => {
            return Reply {
                status: 200,
                content_type: "text/javascript; charset=utf-8",
                body: SCRIPT.into(),
            }
        }
        "/app.css" => {
            return Reply {
                status: 200,
                content_type: "text/css; charset=utf-8",
                body: STYLE.into(),
            }
        }
        "/api/runs" => return Reply::json(&data::runs_json(runs)),
        _ => {}
    }
    let Some(rest) = path.strip_prefix("/api/run/") else {
        return Reply::text(404, "not found");
    };
    let Some((index, view_name)) = rest.split_once('/') else {
        return Reply::text(404, "not found");
    };
    let Some(lock) = index.parse::<usize>().ok().and_then(|i| runs.get(i)) else {
        return Reply::text(404, "no such run");
    };
    let view = match lock.read() {
        Ok(run) => match &run.view {
            Some(v) => std::sync::Arc::clone(v),
            None => {
                return Reply::text(
                    503,
                    &format!("not readable yet: {}", run.error.as_deref().unwrap_or("no data")),
                )
            }
        },
        Err(_) => return Reply::text(500, "the run's lock is poisoned"),
    };
    let body = match view_name {
        "summary" => data::summary(&view),
        "convergence" => data::convergence(&view, number(q, "max", MAX_POINTS, 50_000)),
        "slices" => data::slices(&view, number(q, "max", MAX_POINTS, 50_000)),
        "parallel" => data::parallel(&view, number(q, "top", 30, MAX_ROWS)),
        "trials" => {
            let key = match query(q, "sort") {
                None => SortKey::Id,
                Some(s) => match SortKey::parse(&s) {
                    Some(k) => k,
                    None => return Reply::text(400, &format!("unknown sort key {s:?}")),
                },
            };
            let offset = query(q, "offset").and_then(|v| v.parse().ok()).unwrap_or(0);
            let desc = query(q, "order").as_deref() == Some("desc");
            data::trials(&view, &key, desc, offset, number(q, "limit", 50, MAX_ROWS))
        }
        _ => return Reply::text(404, "not found"),
    };
    Reply::json(&body)
}

/// Answers one request: refuses foreign hosts and methods other than `GET`/`HEAD`, else
/// routes.
pub fn answer(
    runs: &Runs,
    method: &Method,
    url: &str,
    host: Option<&str>,
    check_host: bool,
) -> Reply {
    if check_host && !host.is_some_and(is_loopback_host) {
        return Reply::text(
            403,
            "this dashboard only answers requests addressed to localhost (start it with --host to serve elsewhere)",
        );
    }
    match method {
        Method::Get | Method::Head => route(runs, url),
        _ => Reply::text(405, "the dashboard is read-only: only GET and HEAD are answered"),
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn respond(request: Request, reply: Reply) {
    let mut response = Response::from_string(reply.body).with_status_code(reply.status);
    for (name, value) in [
        ("Content-Type", reply.content_type),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        (
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        ),
    ] {
        if let Some(h) = header(name, value) {
            response.add_header(h);
        }
    }
    if reply.status == 405 {
        if let Some(h) = header("Allow", "GET, HEAD") {
            response.add_header(h);
        }
    }
    if let Err(e) = request.respond(response) {
        tracing::debug!("a response was not delivered: {e}");
    }
}

/// Serves until `stop` is set: answers requests one at a time and re-reads changed run files
/// every `poll` (the page polls `/api/runs` and fetches again when a version moved).
pub fn serve(server: &Server, runs: &Runs, check_host: bool, poll: Duration, stop: &AtomicBool) {
    let mut last_poll = std::time::Instant::now();
    while !stop.load(Ordering::SeqCst) {
        if last_poll.elapsed() >= poll {
            data::refresh(runs);
            last_poll = std::time::Instant::now();
        }
        let wait = poll.saturating_sub(last_poll.elapsed()).min(Duration::from_millis(200));
        match server.recv_timeout(wait) {
            Ok(Some(request)) => {
                let host = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Host"))
                    .map(|h| h.value.as_str().to_string());
                let reply =
                    answer(runs, request.method(), request.url(), host.as_deref(), check_host);
                tracing::debug!("{} {} -> {}", request.method(), request.url(), reply.status);
                respond(request, reply);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!("the dashboard server stopped receiving: {e}");
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use arqonhpo_core::{Param, Solver, SolverConfig, Space};

    use super::*;

    fn runs() -> (tempfile::TempDir, Runs) {
        let dir = tempfile::tempdir().unwrap();
        let space = Space::new().with("x", Param::float(-1.0, 1.0));
        let mut s = Solver::new(SolverConfig::new(space, 12, 1)).unwrap();
        while let Some(t) = s.ask() {
            let x = t.params.get("x").and_then(|v| v.as_f64()).unwrap_or_default();
            s.tell_value(t.id, x * x).unwrap();
        }
        let path: PathBuf = dir.path().join("run.json");
        std::fs::write(&path, s.artifact().to_json()).unwrap();
        let runs = data::open(&[path]);
        (dir, runs)
    }

    fn get(runs: &Runs, url: &str) -> Reply {
        answer(runs, &Method::Get, url, Some("127.0.0.1:8750"), true)
    }

    #[test]
    fn the_page_and_every_view_answer() {
        let (_dir, runs) = runs();
        assert!(get(&runs, "/").body.contains("<script src=\"/app.js\">"));
        assert_eq!(get(&runs, "/app.js").content_type, "text/javascript; charset=utf-8");
        for view in ["summary", "convergence", "slices", "parallel", "trials?sort=value&order=desc"]
        {
            let reply = get(&runs, &format!("/api/run/0/{view}"));
            assert_eq!(reply.status, 200, "{view}: {}", reply.body);
            assert!(serde_json::from_str::<Json>(&reply.body).is_ok(), "{view}");
        }
        let runs_list: Json =
            serde_json::from_str(&get(&runs, "/api/runs").body).unwrap_or_default();
        assert_eq!(runs_list["runs"][0]["told"], 12);
        assert_eq!(runs_list["runs"][0]["name"], "run.json");
    }

    #[test]
    fn no_path_reaches_a_file_and_unknown_runs_are_not_found() {
        let (_dir, runs) = runs();
        for url in [
            "/../Cargo.toml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/etc/passwd",
            "/assets/app.js",
            "/api/run/1/summary",
            "/api/run/-1/summary",
            "/api/run/0/../../run.json",
            "/api/run/0",
            "/api/run/0/file",
            "//api/runs",
        ] {
            let reply = get(&runs, url);
            assert_eq!(reply.status, 404, "{url}: {}", reply.body);
            assert!(!reply.body.contains("schema_version"), "{url}");
        }
        assert_eq!(get(&runs, "/api/run/0/trials?sort=../../x").status, 400);
    }

    #[test]
    fn only_get_and_head_are_answered() {
        let (_dir, runs) = runs();
        for method in [Method::Post, Method::Put, Method::Delete, Method::Patch, Method::Options] {
            let reply = answer(&runs, &method, "/api/run/0/summary", Some("localhost"), true);
            assert_eq!(reply.status, 405, "{method}");
        }
        assert_eq!(answer(&runs, &Method::Head, "/", Some("localhost"), true).status, 200);
    }

    #[test]
    fn requests_for_other_hosts_are_refused_on_loopback() {
        let (_dir, runs) = runs();
        for host in [None, Some("evil.example"), Some("evil.example:8750"), Some("10.0.0.1:80")] {
            assert_eq!(answer(&runs, &Method::Get, "/", host, true).status, 403, "{host:?}");
        }
        for host in ["localhost:1", "127.0.0.1", "127.1.2.3:9", "[::1]:8750", "LOCALHOST"] {
            assert!(is_loopback_host(host), "{host}");
            assert_eq!(answer(&runs, &Method::Get, "/", Some(host), true).status, 200, "{host}");
        }
        assert!(!is_loopback_host("localhost.evil.example"));
        // Served on an explicit --host, any name reaches it.
        assert_eq!(answer(&runs, &Method::Get, "/", Some("evil.example"), false).status, 200);
    }

    #[test]
    fn query_values_are_percent_decoded() {
        assert_eq!(query("a=1&sort=param%3Alr%20x&b", "sort").as_deref(), Some("param:lr x"));
        assert_eq!(query("b", "b").as_deref(), Some(""));
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
