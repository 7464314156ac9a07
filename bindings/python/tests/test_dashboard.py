"""arqonhpo.dashboard starts the CLI's server for a run and stops it; without the CLI it says
how to get it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import arqonhpo as aq

REPO = Path(__file__).resolve().parents[3]
CLI = Path(os.environ.get("ARQONHPO_CLI", REPO / "target" / "debug" / "arqonhpo-cli"))
needs_cli = pytest.mark.skipif(
    not CLI.exists(), reason=f"{CLI} not built (cargo build -p arqonhpo-cli)"
)


def fetch(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


@pytest.fixture(scope="module")
def result() -> aq.MinimizeResult:
    return aq.minimize(lambda x: (x - 0.25) ** 2, {"x": aq.Float(0, 1)}, budget=25, seed=1)


@needs_cli
def test_result_dashboard_serves_the_run_until_closed(result: aq.MinimizeResult) -> None:
    with result.dashboard(cli=CLI, open_browser=False) as board:
        assert board.url.startswith("http://127.0.0.1:")
        (run,) = fetch(board.url + "api/runs")["runs"]
        assert run["told"] == 25 and run["best"] == pytest.approx(result.best_value)
        summary = fetch(board.url + "api/run/0/summary")
        assert summary["best"]["id"] == result.best.id if result.best else False
        scratch = Path(board._scratch.name) if board._scratch else None
        assert scratch is not None and scratch.exists()
    assert not board.running
    assert not scratch.exists(), "the temporary artifact is removed"
    with pytest.raises(urllib.error.URLError):
        fetch(board.url + "api/runs")


@needs_cli
def test_paths_and_solvers_are_served_side_by_side(
    result: aq.MinimizeResult, tmp_path: Path
) -> None:
    path = tmp_path / "saved.json"
    result.solver.save(path)
    board = aq.dashboard(path, result.solver, cli=CLI, open_browser=False)
    try:
        names = [r["name"] for r in fetch(board.url + "api/runs")["runs"]]
        assert names == ["saved.json", "run-1.json"]
    finally:
        board.close()


@needs_cli
def test_a_server_that_cannot_start_reports_why(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="not a file"):
        aq.dashboard(tmp_path / "missing.json", cli=CLI, open_browser=False)


def test_a_missing_cli_is_a_clear_error(
    result: aq.MinimizeResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARQONHPO_CLI", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="arqonhpo-cli is not on PATH"):
        result.dashboard(open_browser=False)
    with pytest.raises(FileNotFoundError, match="not an executable file"):
        aq.dashboard(result.solver, cli=tmp_path / "nope", open_browser=False)
    with pytest.raises(TypeError, match="not int"):
        aq.dashboard(5, open_browser=False)


DOC = REPO / "docs" / "dashboard.md"
RECIPE = REPO / "examples" / "python" / "plot_run.py"


@needs_cli
def test_the_docs_recipe_is_the_example_script_and_runs(tmp_path: Path) -> None:
    (block,) = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block == RECIPE.read_text(encoding="utf-8"), (
        "docs/dashboard.md shows plot_run.py verbatim"
    )
    proc = subprocess.run(
        [sys.executable, str(RECIPE), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ARQONHPO_CLI": str(CLI)},
    )
    assert proc.returncode == 0, proc.stderr
    figures = sorted(p.name for p in tmp_path.glob("plot-*.png"))
    assert figures == [
        f"plot-{n}.png" for n in ("classification", "convergence", "parallel_coordinates", "slices")
    ]
    assert re.search(r"dashboard at http://127\.0\.0\.1:\d+/ serving 80 trials", proc.stdout), (
        proc.stdout
    )


@needs_cli
def test_the_documented_commands_serve_and_stop(result: aq.MinimizeResult, tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    commands = [
        c.strip()
        for block in re.findall(r"```sh\n(.*?)```", text, re.S)
        for c in block.splitlines()
        if c.strip()
    ]
    assert commands and all(c.startswith("arqonhpo-cli dashboard ") for c in commands), commands
    (shown,) = re.findall(r"```text\n(.*?)\n```", text, re.S)
    for command in commands:
        args = command.split()[1:]
        for name in args[1:]:
            result.solver.save(tmp_path / name)
        proc = subprocess.Popen(
            [str(CLI), *args, "--port", "0"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None and proc.stderr is not None
        line = proc.stdout.readline().strip()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        proc.stdout.close()
        proc.stderr.close()
        expected = (
            re.escape(shown)
            .replace("8750", r"\d+")
            .replace(r"1\ run\(s\)", rf"{len(args) - 1}\ run\(s\)")
        )
        assert re.fullmatch(expected, line), (line, shown)
