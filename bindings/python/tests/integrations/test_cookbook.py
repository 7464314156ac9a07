"""The cookbook recipes run as written: each page's Python block is extracted from the
Markdown and run in a fresh interpreter; the checks read what it prints."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO

COOKBOOK = REPO / "docs" / "cookbook"


def run_page(name: str, tmp_path: Path) -> list[str]:
    text = (COOKBOOK / name).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1, f"{name} has one runnable Python block"
    script = tmp_path / "recipe.py"
    script.write_text(blocks[0], encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stdout.splitlines()


def test_sklearn_recipe(tmp_path: Path) -> None:
    lines = run_page("sklearn-search.md", tmp_path)
    arqon = float(lines[0].split()[1])
    rand = float(lines[1].split()[1])
    assert arqon >= rand - 0.01, lines
    assert lines[2].endswith(" 20"), lines


def test_dask_recipe(tmp_path: Path) -> None:
    lines = run_page("dask.md", tmp_path)
    assert lines[0].startswith("True "), lines
    assert lines[1] == "True", lines


def test_optuna_recipe(tmp_path: Path) -> None:
    lines = run_page("optuna-sampler.md", tmp_path)
    assert float(lines[0].split()[0]) < 0.1, lines


def test_ray_recipe(tmp_path: Path) -> None:
    lines = run_page("ray-tune.md", tmp_path)
    ours = [line for line in lines if re.match(r"^\d+\.\d+ \{'lr'", line)]
    assert ours, lines[-20:]
    assert float(ours[-1].split()[0]) < 2.0, ours
