"""Regressions found by adversarial testing (issue 19): each test failed before its fix."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import arqonhpo as aq


def _saved_run(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    solver = aq.ArqonSolver({"x": aq.Float(-2, 2), "y": aq.Float(-2, 2)}, budget=30, seed=7)
    for _ in range(10):
        t = solver.ask()
        assert t is not None
        solver.tell(t, t.params["x"] ** 2)
    solver.ask_batch(2)
    path = tmp_path / "run.json"
    solver.save(path)
    return path, json.loads(path.read_text(encoding="utf-8"))


def _edited(path: Path, artifact: dict[str, Any]) -> Path:
    path.write_text(json.dumps(artifact), encoding="utf-8")
    return path


def test_load_reports_every_damaged_artifact_as_resume_error(tmp_path: Path) -> None:
    path, good = _saved_run(tmp_path)
    assert aq.ArqonSolver.load(path).pending == [10, 11]

    data = path.read_bytes()
    path.write_bytes(data[:50] + b"\xff\xfe" + data[52:])
    with pytest.raises(aq.ResumeError, match="not UTF-8 text: byte 50"):
        aq.ArqonSolver.load(path)

    doubled = dict(good, trials=good["trials"] + good["trials"])
    with pytest.raises(aq.ResumeError, match="record 12 has id 0"):
        aq.ArqonSolver.load(_edited(path, doubled))

    swapped = json.loads(json.dumps(good))
    swapped["trials"][2]["told_index"], swapped["trials"][8]["told_index"] = 8, 2
    with pytest.raises(aq.ResumeError, match="trial 8 has tell index 2"):
        aq.ArqonSolver.load(_edited(path, swapped))

    completed = json.loads(json.dumps(good))
    completed["trials"][10].update(status="completed", value=0.5)
    with pytest.raises(aq.ResumeError, match="trial 10 is completed but has no tell index"):
        aq.ArqonSolver.load(_edited(path, completed))

    for broken in (doubled, swapped, completed):
        with pytest.raises(aq.ResumeError):
            aq.ArqonSolver.from_artifact(broken)


def test_a_trial_from_another_solver_is_refused() -> None:
    space = {"x": aq.Float(0, 1)}
    s3 = aq.ArqonSolver(space, budget=5, seed=3)
    s4 = aq.ArqonSolver(space, budget=5, seed=4)
    t3, t4 = s3.ask(), s4.ask()
    assert t3 is not None and t4 is not None and t3.id == t4.id == 0
    before = s3.snapshot()
    with pytest.raises(aq.TrialError, match="handed out by another solver") as info:
        s3.tell(t4, 0.5)
    assert info.value.trial_id == 0
    assert s3.snapshot() == before
    # Its own trial, a pickled copy of it, and a bare id are all fine; so is a copy or a
    # resume of the solver that handed the trial out (it holds the same trial).
    s3.tell(pickle.loads(pickle.dumps(t3)), 0.5)
    t3 = s3.ask()
    assert t3 is not None
    pickle.loads(pickle.dumps(s3)).tell(t3, 0.25)
    aq.ArqonSolver.restore(s3.snapshot()).tell(t3, 0.25)
    s4.tell(t4.id, 0.25)
    assert s4.ask() is not None
    with pytest.raises(aq.TrialError, match="another solver"):
        s4.tell(t3, 0.25)


def test_minimize_checks_values_and_executor_like_tell() -> None:
    space = {"x": aq.Float(0, 1)}
    solver = aq.ArqonSolver(space, budget=2)
    t = solver.ask()
    assert t is not None
    with pytest.raises(TypeError) as told:
        solver.tell(t, "1.5")  # type: ignore[arg-type]
    result = aq.minimize(lambda x: "1.5", space, budget=3)
    assert [r.status for r in result.trials] == ["failed"] * 3
    assert result.trials[0].reason == f"TypeError: {told.value}"
    with pytest.raises(TypeError, match="must be a real number, got str"):
        aq.minimize(lambda x: "1.5", space, budget=3, raise_on_error=True)

    with pytest.raises(ValueError, match="executor must be 'thread', 'process'"):
        aq.minimize(lambda x: x, space, budget=3, executor="bogus")
    with pytest.raises(TypeError, match="needs a picklable objective"):
        aq.minimize(lambda x: x, space, budget=3, executor="process")


def test_out_of_range_numbers_say_what_the_limit_is() -> None:
    solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=3)
    t = solver.ask()
    assert t is not None
    with pytest.raises(ValueError, match=r"value is too large for a double.*1101 bits"):
        solver.tell(t, 2**1100)
    with pytest.raises(ValueError, match=r"Float\.high is too large for a double"):
        aq.Float(0, 2**1100)
    with pytest.raises(
        ValueError, match=r"at most 18446744073709551615 trials.*got 18446744073709551616"
    ):
        solver.ask_batch(2**64)
    with pytest.raises(ValueError, match="non-negative integer, got -1"):
        solver.ask_batch(-1)
    with pytest.raises(aq.ConfigError, match=r"budget: is too large.*2\^64 - 1") as info:
        aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=2**64)
    assert info.value.issues[0][0] == "budget"
    with pytest.raises(aq.ConfigError, match=r"seed: is too large"):
        aq.ArqonSolver.from_config(
            {"seed": 2**70, "budget": 3, "space": {"x": aq.Float(0, 1).to_config()}}
        )
    # Other numbers may be large ints: only the 64-bit counts have this limit.
    wide = {"budget": 3, "space": {"x": {"type": "float", "low": 0, "high": 2**70}}}
    assert aq.ArqonSolver.from_config(wide).config["space"]["x"]["high"] == float(2**70)
    with pytest.raises(
        aq.ConfigError, match=r"space.k.high: .*2\^53 = 9007199254740992.*got 9223372036854775807"
    ):
        aq.ArqonSolver({"k": aq.Int(0, 2**63 - 1)}, budget=3)
    with pytest.raises(aq.ConfigError, match=r"space.k.low: .*got -9007199254740993"):
        aq.ArqonSolver({"k": {"type": "int", "low": -(2**53) - 1, "high": 0}}, budget=3)


def test_a_config_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(b'{"budget": 3, "space": {"\xff": {"type": "float", "low": 0, "high": 1}}}')
    with pytest.raises(aq.ConfigError, match="not UTF-8 text: byte 25"):
        aq.ArqonSolver.from_config(path)
