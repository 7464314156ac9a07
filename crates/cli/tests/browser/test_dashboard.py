"""The dashboard in a real headless Chromium, driven over the DevTools protocol.

A finished run must draw one point per told trial and a page of table rows; a live run must
show newly told trials without a reload; a 100 000-trial artifact must load with decimated
plots. Screenshots at desktop and phone widths go to ``$DASHBOARD_SCREENSHOTS`` (default
``target/dashboard-screenshots``). Run with ``make test-dashboard``.
"""

from __future__ import annotations

import base64
import itertools
import json
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websocket

import arqonhpo as aq

ROOT = Path(__file__).resolve().parents[4]
CLI = Path(os.environ.get("ARQONHPO_CLI", ROOT / "target" / "debug" / "arqonhpo-cli"))
SHOTS = Path(os.environ.get("DASHBOARD_SCREENSHOTS", ROOT / "target" / "dashboard-screenshots"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LOAD_TIMES = ROOT / "target" / "dashboard-load-times.json"


class Browser:
    """One headless Chromium page, driven over the DevTools protocol."""

    def __init__(self, profile: Path) -> None:
        assert CHROMIUM, "chromium is not installed (make test-dashboard installs it)"
        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "--window-size=1280,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own process group: close() stops the renderer and helper processes too.
            start_new_session=True,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.05)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as r:
            targets = json.load(r)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], suppress_origin=True, timeout=60
        )
        self.ids = itertools.count(1)
        self.errors: list[str] = []
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Log.enable")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        call = next(self.ids)
        self.ws.send(json.dumps({"id": call, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            # Script exceptions, console errors, failed loads and CSP violations.
            if message.get("method") == "Runtime.exceptionThrown":
                self.errors.append(json.dumps(message["params"]["exceptionDetails"])[:500])
            if (
                message.get("method") == "Log.entryAdded"
                and message["params"]["entry"]["level"] == "error"
            ):
                self.errors.append(json.dumps(message["params"]["entry"])[:500])
            if (
                message.get("method") == "Runtime.consoleAPICalled"
                and message["params"]["type"] == "error"
            ):
                self.errors.append(json.dumps(message["params"]["args"])[:500])
            if message.get("id") == call:
                assert "error" not in message, f"{method}: {message['error']}"
                result: dict[str, Any] = message["result"]
                return result

    def eval(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20.0) -> float:
        """Waits until ``expression`` is truthy; returns the seconds it took."""
        start = time.monotonic()
        while not self.eval(expression):
            assert time.monotonic() - start < timeout, f"timed out waiting for {expression}"
            time.sleep(0.05)
        return time.monotonic() - start

    def open(self, url: str, width: int = 1280, height: int = 900) -> float:
        """Loads ``url`` and waits until the page has drawn a run; returns the seconds taken."""
        self.size(width, height)
        start = time.monotonic()
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete' && !!document.body.dataset.version", 60)
        return time.monotonic() - start

    def size(self, width: int, height: int) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )

    def screenshot(self, path: Path, width: int) -> None:
        """A full-page PNG at ``width`` CSS pixels (the page redraws its plots on resize)."""
        self.size(width, 900)
        time.sleep(0.5)
        height = int(self.eval("document.documentElement.scrollHeight"))
        self.size(width, height)
        time.sleep(0.5)
        shot = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def leave(self) -> None:
        """Leaves the page (before its server stops, which would fail its next poll) and
        checks that nothing went wrong on it."""
        self.send("Page.navigate", url="about:blank")
        errors, self.errors = self.errors, []
        assert not errors, errors

    def close(self) -> None:
        """Stops every Chromium process, so none still writes into the profile directory
        while it is removed (a helper outliving the browser made its removal fail)."""
        self.ws.close()
        group = self.process.pid
        os.killpg(group, signal.SIGTERM)
        self.process.wait(timeout=10)
        # Bounded: an unreaped zombie would keep the group alive for ever.
        for sig, seconds in ((0, 10.0), (signal.SIGKILL, 2.0)):
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                try:
                    os.killpg(group, sig)
                except ProcessLookupError:
                    return
                time.sleep(0.05)


class Dashboard:
    """``arqonhpo-cli dashboard`` on a free port."""

    def __init__(self, *runs: Path) -> None:
        assert CLI.exists(), f"{CLI} is missing: build it with `cargo build -p arqonhpo-cli`"
        self.process = subprocess.Popen(
            [str(CLI), "dashboard", *map(str, runs), "--port", "0", "--poll-ms", "200"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.search(r"http://\S+", line)
        assert match, f"no address in {line!r}"
        self.url = match.group(0)

    def stop(self) -> int:
        """Ctrl-C; returns the exit status."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return code


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with tempfile.TemporaryDirectory() as profile:
        b = Browser(Path(profile))
        yield b
        b.close()
        assert not b.errors, b.errors


def objective(lr: float, layers: int, act: str) -> float:
    if layers == 7:
        raise RuntimeError("diverged")
    return (math.log10(lr) + 2) ** 2 + 0.1 * layers + {"relu": 0.0, "tanh": 0.5, "gelu": 0.2}[act]


SPACE = {
    "lr": aq.Float(1e-4, 1.0, log=True),
    "layers": aq.Int(1, 8),
    "act": aq.Choice(["relu", "tanh", "gelu"]),
}


def finished_run(path: Path, budget: int = 80, seed: int = 3) -> dict[str, Any]:
    result = aq.minimize(objective, SPACE, budget=budget, seed=seed, progress=False)
    path.write_text(json.dumps(result.artifact))
    return result.artifact


def count(b: Browser, selector: str) -> int:
    return int(b.eval(f"document.querySelectorAll({json.dumps(selector)}).length"))


def test_a_finished_run_draws_every_trial_and_a_page_of_rows(
    browser: Browser, tmp_path: Path
) -> None:
    artifact = finished_run(tmp_path / "run.json")
    trials = artifact["trials"]
    failed = sum(t["status"] == "failed" for t in trials)
    completed = sum(t["status"] == "completed" for t in trials)
    assert 0 < failed < len(trials)
    dash = Dashboard(tmp_path / "run.json")
    try:
        browser.open(dash.url)
        assert count(browser, "#convergence circle.pt") == len(trials)
        assert count(browser, "#convergence circle.pt.s2") == failed
        assert count(browser, "#convergence path.bestline") == 1
        assert count(browser, "#trials tbody tr") == 50
        assert (
            browser.eval("document.getElementById('page').textContent")
            == f"rows 1–50 of {len(trials)}"
        )
        slices = browser.eval(
            "[...document.querySelectorAll('svg.slice')].map(s => [s.dataset.param, +s.dataset.shown, s.dataset.log])"
        )
        assert slices == [
            ["lr", completed, "true"],
            ["layers", completed, "false"],
            ["act", completed, "false"],
        ]
        assert count(browser, "#parallel polyline") == min(30, completed)
        verdict = browser.eval("document.querySelector('.verdict').textContent")
        assert verdict == artifact["classification"]["label"]
        assert count(browser, "#classification .features tr") == len(
            artifact["classification"]["features"]
        )
        assert '"budget": 80' in browser.eval("document.getElementById('config').textContent")
        headers = browser.eval(
            "[...document.querySelectorAll('#trials th')].map(t => t.textContent)"
        )
        assert headers[:5] == ["id", "stage", "method", "status", "value"] and headers[5:8] == [
            "lr",
            "layers",
            "act",
        ]
        reasons = browser.eval(
            "[...document.querySelectorAll('#trials td.reason-cell')].map(t => t.textContent).filter(Boolean)"
        )
        assert reasons and all("diverged" in r for r in reasons)
        browser.screenshot(SHOTS / "dashboard-desktop.png", 1280)
        browser.screenshot(SHOTS / "dashboard-phone.png", 390)
        # On a phone the plots fit the screen: nothing is wider than the viewport.
        assert browser.eval("document.documentElement.scrollWidth") <= 390
        browser.size(1280, 900)
        # Sort by value: the best trial comes first; again: descending, failures first.
        browser.eval("document.querySelector('th[data-sort=value]').click()")
        best = artifact["best"]
        browser.wait_for(
            f"document.querySelector('#trials tbody tr').dataset.id === '{best['id']}'"
        )
        browser.eval("document.querySelector('th[data-sort=value]').click()")
        browser.wait_for(
            "document.querySelector('#trials tbody tr td:nth-child(4)').textContent === 'failed'"
        )
        browser.eval("document.getElementById('next').click()")
        browser.wait_for(
            f"document.getElementById('page').textContent === 'rows 51–{len(trials)} of {len(trials)}'"
        )
        assert count(browser, "#trials tbody tr") == len(trials) - 50
    finally:
        browser.leave()
        assert dash.stop() == 0


def cli(*args: str) -> str:
    return subprocess.run(
        [str(CLI), "-q", *args], check=True, capture_output=True, text=True
    ).stdout


def ask_tell(state: Path, config: Path, n: int) -> None:
    for _ in range(n):
        trial = json.loads(cli("ask", "-s", str(state), "-c", str(config)))
        x = trial["params"]["x"]
        cli("tell", "-s", str(state), "--id", str(trial["id"]), "--value", repr((x - 0.3) ** 2))


def test_a_live_run_shows_new_trials_without_a_reload(browser: Browser, tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {"seed": 1, "budget": 40, "space": {"x": {"type": "float", "low": 0, "high": 1}}}
        )
    )
    state = tmp_path / "state.json"
    ask_tell(state, config, 4)
    dash = Dashboard(state)
    try:
        browser.open(dash.url)
        assert count(browser, "#convergence circle.pt") == 4
        browser.eval("window.__sameDocument = true")
        ask_tell(state, config, 3)
        waited = browser.wait_for("document.body.dataset.told === '7'", 10)
        print(f"\nlive run: told trials drawn {waited:.2f} s after the last tell returned")
        assert waited < 5, f"new trials took {waited:.1f} s to appear"
        assert browser.eval("window.__sameDocument === true"), "the page reloaded"
        assert count(browser, "#convergence circle.pt") == 7
        assert count(browser, "#trials tbody tr") == 7
    finally:
        browser.leave()
        assert dash.stop() == 0


def test_a_journal_being_written_by_run_is_followed(browser: Browser, tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {"seed": 4, "budget": 12, "space": {"x": {"type": "float", "low": 0, "high": 1}}}
        )
    )
    journal = tmp_path / "run.jsonl"
    gate = tmp_path / "gate"
    # Each trial waits for its turn: the test lets trials through one batch at a time.
    script = f'while [ ! -e {gate}.$ARQON_TRIAL_ID ]; do sleep 0.05; done; echo "$ARQON_X"'
    run = subprocess.Popen(
        [
            str(CLI),
            "-q",
            "run",
            "-c",
            str(config),
            "--journal",
            str(journal),
            "--",
            "sh",
            "-c",
            script,
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for i in range(3):
            (tmp_path / f"gate.{i}").touch()
        deadline = time.monotonic() + 30
        while not journal.exists() or journal.read_text().count('"event":"tell"') < 3:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        dash = Dashboard(journal)
        try:
            browser.open(dash.url)
            assert count(browser, "#convergence circle.pt") == 3
            for i in range(3, 12):
                (tmp_path / f"gate.{i}").touch()
            browser.wait_for("document.body.dataset.told === '12'", 20)
            assert count(browser, "#convergence circle.pt") == 12
            assert count(browser, "#trials tbody tr") == 12
        finally:
            browser.leave()
            assert dash.stop() == 0
    finally:
        for i in range(12):
            (tmp_path / f"gate.{i}").touch()
        run.wait(timeout=30)


def test_two_runs_are_compared(browser: Browser, tmp_path: Path) -> None:
    finished_run(tmp_path / "a.json", budget=40, seed=1)
    finished_run(tmp_path / "b.json", budget=40, seed=2)
    dash = Dashboard(tmp_path / "a.json", tmp_path / "b.json")
    try:
        browser.open(dash.url)
        assert browser.eval(
            "[...document.querySelectorAll('#runs button')].map(b => b.textContent.split(' ')[0])"
        ) == ["a.json", "b.json"]
        assert count(browser, "#convergence path.compare") == 1
        browser.eval("document.querySelector('#runs button[data-run=\"1\"]').click()")
        browser.wait_for(
            "document.querySelector('#runs button.on').dataset.run === '1' && document.querySelector('.card:last-child .v').textContent === 'b.json'"
        )
    finally:
        browser.leave()
        assert dash.stop() == 0


def big_artifact(path: Path, n: int) -> None:
    solver = aq.ArqonSolver(SPACE, budget=n, seed=0)
    while (trial := solver.ask()) is not None:
        p = trial.params
        try:
            solver.tell(trial, objective(p["lr"], p["layers"], p["act"]))
        except RuntimeError as e:
            solver.tell(trial, failed=True, reason=str(e))
    solver.save(path)


def test_a_100k_trial_artifact_stays_responsive(browser: Browser, tmp_path: Path) -> None:
    n = 100_000
    path = tmp_path / "big.json"
    big_artifact(path, n)
    dash = Dashboard(path)
    try:
        seconds = browser.open(dash.url)
        shown = count(browser, "#convergence circle.pt")
        assert 100 < shown <= 4000
        assert browser.eval("document.querySelector('#convergence svg').dataset.told") == str(n)
        assert count(browser, "#trials tbody tr") == 50
        assert browser.eval("document.getElementById('page').textContent") == f"rows 1–50 of {n}"
        for s in browser.eval(
            "[...document.querySelectorAll('svg.slice')].map(s => +s.dataset.shown)"
        ):
            assert 10 < s <= 4001
        start = time.monotonic()
        browser.eval("document.querySelector('th[data-sort=\"param:lr\"]').click()")
        browser.wait_for("document.querySelector('#trials th.sorted').dataset.sort === 'param:lr'")
        browser.eval("document.getElementById('last').click()")
        browser.wait_for(f"document.getElementById('page').textContent === 'rows 99951–{n} of {n}'")
        table_seconds = time.monotonic() - start
        browser.screenshot(SHOTS / "dashboard-100k.png", 1280)
        LOAD_TIMES.parent.mkdir(parents=True, exist_ok=True)
        LOAD_TIMES.write_text(
            json.dumps(
                {
                    "trials": n,
                    "page_load_s": seconds,
                    "sort_and_last_page_s": table_seconds,
                    "points_drawn": shown,
                }
            )
        )
        print(
            f"\n100k-trial artifact: page drawn in {seconds:.2f} s, sort by lr + last page in {table_seconds:.2f} s"
        )
        assert seconds < 30
    finally:
        browser.leave()
        assert dash.stop() == 0
