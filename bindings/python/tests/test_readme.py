"""The root README's quick start runs as written (extracted from the Markdown, run in a fresh
interpreter in a scratch directory)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def quick_start() -> str:
    """The quick start block followed by every later Python block of the README."""
    match = re.search(r"## Quick start \(Python\)\n\n```python\n", README)
    assert match, "README has a '## Quick start (Python)' section with a python code block"
    blocks = re.findall(r"```python\n(.*?)```", README[match.start() :], re.S)
    assert len(blocks) >= 2, "the quick start and the API tour"
    return "\n".join(blocks)


def test_readme_quick_start_runs(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", quick_start()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "rugged tpe"
    assert "[1, 3]" in lines, "the API tour ran"
    assert any(line.startswith("[('budget', 'must be at least 1, got 0')") for line in lines)
    verdicts = [line.split()[:2] for line in lines if line.startswith(("rippled", "noisy"))]
    assert verdicts == [["rippled", "nelder_mead"], ["noisy", "tpe"]], lines
    assert "rugged tpe 0.0 {'n0': 2, 'n1': 3, 'n2': 4, 'n3': 5}" in lines, lines
    assert "integers only, 6.0 levels per parameter (geometric mean, <= 12)" in lines, lines
    assert "configurations tried: 12 {'depth': 3, 'kernel': 'rbf'}" in lines, lines
    assert "cmaes CMA-ES refines" in lines, lines
    assert "trust_region True" in lines, lines
    saved = json.loads((tmp_path / "run.json").read_text())
    assert saved["phase"] == {"phase": "done"} and len(saved["trials"]) == 60


def test_readme_names_the_make_commands() -> None:
    assert "make demo" in README and "make test" in README
    assert "docs/cli.md" in README and "docs/c-api.md" in README
