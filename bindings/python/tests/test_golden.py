"""Golden replay: every contracts/golden/*.json run through the Python API, params compared
exactly. The same files are replayed by the Rust, CLI and C tests, so all fronts agree bit for
bit. The files are read at test time; they are regenerated when the engine changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import golden_files, load_json

import arqonhpo as aq


def test_there_are_golden_runs() -> None:
    assert len(golden_files()) >= 4


@pytest.mark.parametrize("path", golden_files(), ids=lambda p: p.stem)
def test_golden_run_replays_bit_identically(path: Path) -> None:
    golden = load_json(path)
    solver = aq.ArqonSolver.from_config(json.dumps(golden["config"]))
    for step in golden["steps"]:
        trial = solver.ask()
        assert trial is not None, f"{path.name}: solver stopped before step {step['id']}"
        assert trial.id == step["id"]
        assert list(trial.params) == list(step["params"]), "params come in space order"
        for name, expected in step["params"].items():
            got = trial.params[name]
            assert type(got) is type(expected), (
                f"{path.name} step {step['id']} {name}: {got!r} vs {expected!r}"
            )
            assert got == expected, f"{path.name} step {step['id']} {name}: {got!r} != {expected!r}"
        if step["value"] is None:
            solver.tell(trial, failed=True, reason="golden failure")
        else:
            solver.tell(trial, step["value"])
    assert solver.ask() is None
    assert solver.is_done


@pytest.mark.parametrize("path", golden_files(), ids=lambda p: p.stem)
def test_golden_config_dict_and_text_agree(path: Path) -> None:
    golden = load_json(path)
    a = aq.ArqonSolver.from_config(golden["config"])
    b = aq.ArqonSolver.from_config(json.dumps(golden["config"]))
    for _ in range(5):
        ta, tb = a.ask(), b.ask()
        assert ta is not None and tb is not None
        assert ta.params == tb.params
        a.tell(ta, 1.0)
        b.tell(tb, 1.0)
