//! The `dashboard` subcommand as a process: what it listens on, what it refuses over a real
//! socket, and that Ctrl-C stops it cleanly.
// clippy's allowance for tests covers #[test] functions, not the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn artifact(dir: &std::path::Path) -> std::path::PathBuf {
    let config = dir.join("config.json");
    std::fs::write(
        &config,
        r#"{"seed": 2, "budget": 6, "space": {"x": {"type": "float", "low": 0, "high": 1}}}"#,
    )
    .unwrap();
    let state = dir.join("state.json");
    for id in 0..6 {
        let ask = Command::new(env!("CARGO_BIN_EXE_arqonhpo-cli"))
            .args(["-q", "ask", "-s"])
            .arg(&state)
            .arg("-c")
            .arg(&config)
            .output()
            .unwrap();
        assert!(ask.status.success());
        let tell = Command::new(env!("CARGO_BIN_EXE_arqonhpo-cli"))
            .args(["-q", "tell", "-s"])
            .arg(&state)
            .args(["--id", &id.to_string(), "--value", &(id as f64 * 0.5).to_string()])
            .status()
            .unwrap();
        assert!(tell.success());
    }
    state
}

/// Starts the dashboard and returns it with its address (from the first line it prints).
fn start(args: &[&str], run: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_arqonhpo-cli"))
        .arg("dashboard")
        .arg(run)
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_default();
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
    assert!(!addr.is_empty(), "no address in {line:?}");
    (child, addr)
}

fn request(addr: &str, text: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("{addr}: {e}"));
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(text.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = stream.read_to_string(&mut out);
    out
}

fn status(response: &str) -> &str {
    response.split_whitespace().nth(1).unwrap_or_default()
}

fn stop(mut child: Child) -> std::process::ExitStatus {
    // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    for _ in 0..100 {
        if let Ok(Some(s)) = child.try_wait() {
            return s;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("the dashboard did not stop within 5 s of Ctrl-C");
}

#[test]
fn serves_loopback_refuses_foreign_hosts_writes_and_paths_and_stops_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let run = artifact(dir.path());
    let (child, addr) = start(&[], &run);
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let ok = request(
        &addr,
        &format!("GET /api/runs HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status(&ok), "200", "{ok}");
    assert!(ok.contains("\"told\":6"), "{ok}");
    let foreign =
        request(&addr, "GET /api/runs HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    assert_eq!(status(&foreign), "403", "{foreign}");
    let post = request(
        &addr,
        &format!("POST /api/run/0/summary HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"),
    );
    assert_eq!(status(&post), "405", "{post}");
    for path in
        ["/../state.json", "/state.json", "/%2e%2e/config.json", "/api/run/0/../../config.json"]
    {
        let r = request(
            &addr,
            &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(status(&r), "404", "{path}: {r}");
        assert!(!r.contains("state_version") && !r.contains("\"seed\": 2"), "{path}: {r}");
    }
    let before = std::fs::read(&run).unwrap_or_default();
    assert_eq!(std::fs::read(&run).unwrap_or_default(), before, "the run file changed");
    assert!(stop(child).success(), "Ctrl-C is a clean stop");
}

#[test]
fn other_addresses_need_an_explicit_host_and_an_ip() {
    let dir = tempfile::tempdir().unwrap();
    let run = artifact(dir.path());
    let bad = Command::new(env!("CARGO_BIN_EXE_arqonhpo-cli"))
        .arg("dashboard")
        .arg(&run)
        .args(["--host", "example.com", "--port", "0"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an IP address"));
    let missing = Command::new(env!("CARGO_BIN_EXE_arqonhpo-cli"))
        .args(["dashboard", "/nonexistent/run.json", "--port", "0"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    let (child, addr) = start(&["--host", "0.0.0.0"], &run);
    let port = addr.rsplit(':').next().unwrap_or_default();
    let r = request(
        &format!("127.0.0.1:{port}"),
        "GET /api/runs HTTP/1.1\r\nHost: dashboard.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status(&r), "200", "an explicit --host serves any name: {r}");
    assert!(stop(child).success());
}
