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
    match = re.search(r"## Quick start \(Python\)\n\n```python\n(.*?)```", README, re.S)
    assert match, "README has a '## Quick start (Python)' section with a python code block"
    return match.group(1)


def test_readme_quick_start_runs(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", quick_start()], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "rugged tpe"
    saved = json.loads((tmp_path / "run.json").read_text())
    assert saved["phase"] == {"phase": "done"} and len(saved["trials"]) == 60


def test_readme_names_the_make_commands() -> None:
    assert "make demo" in README and "make test" in README
    assert "docs/cli.md" in README and "docs/c-api.md" in README
