"""The ArqonSolver API: ask/tell, numpy scalars, persistence, determinism, threads, from_config."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
from conftest import CONTRACTS, bowl

import arqonhpo as aq


def run(solver: aq.ArqonSolver, n: int) -> list[dict[str, Any]]:
    """Asks and tells `n` trials of `bowl`, returning the params handed out."""
    seen = []
    for _ in range(n):
        trial = solver.ask()
        if trial is None:
            break
        seen.append(trial.params)
        solver.tell(trial, bowl(**trial.params))
    return seen


def test_readme_style_loop(mixed_space: dict[str, Any]) -> None:
    solver = aq.ArqonSolver(mixed_space, budget=30, seed=0)
    while (trial := solver.ask()) is not None:
        assert set(trial.params) == {"kp", "layers", "kernel"}
        assert isinstance(trial.params["kp"], float)
        assert isinstance(trial.params["layers"], int)
        assert trial.params["kernel"] in ("rbf", "linear", "poly")
        assert trial.phase in ("probe", "refine")
        assert trial.strategy in (
            "sobol",
            "nelder_mead",
            "tpe",
            "random",
            "cmaes",
            "trust_region",
            "gp",
        )
        solver.tell(trial, bowl(**trial.params))
    assert solver.is_done and solver.phase == "done"
    best = solver.best
    assert best is not None and best.value == min(
        t.value for t in solver.trials if t.value is not None
    )
    c = solver.classification
    assert c is not None and c.label in ("smooth", "rippled", "noisy", "rugged") and c.reason
    assert "fdc" in c.features
    # A categorical parameter makes the landscape rugged, so TPE refines.
    assert c.label == "rugged" and solver.strategy == "tpe"
    assert len(solver.trials) == 30 and solver.n_told == 30 and solver.pending == []


def test_tell_by_id_and_failed(mixed_space: dict[str, Any]) -> None:
    solver = aq.ArqonSolver(mixed_space, budget=5, seed=1)
    a, b, c = solver.ask_batch(3)
    solver.tell(b.id, 2.0)
    solver.tell(a, failed=True, reason="diverged")
    solver.tell(c, float("nan"))
    trials = solver.trials
    assert [t.status for t in trials] == ["failed", "completed", "failed"]
    assert trials[0].reason == "diverged"
    assert trials[2].reason is not None and "nan" in trials[2].reason.lower()
    assert solver.best is not None and solver.best.id == b.id


def test_numpy_scalars_are_accepted_everywhere() -> None:
    space = {
        "x": aq.Float(np.float32(-1.0), np.float64(1.0)),
        "n": aq.Int(np.int64(1), np.int32(9)),
        "c": aq.Choice([np.int64(1), np.float64(2.5), np.str_("a"), np.bool_(True)]),
    }
    solver = aq.ArqonSolver(
        space, budget=np.int64(6), seed=np.uint32(3), probe_fraction=np.float64(0.5)
    )
    trials = solver.ask_batch(np.int64(3))
    solver.tell(trials[0], np.float64(1.0))
    solver.tell(np.int64(trials[1].id), np.float32(0.5))
    solver.tell(trials[2], np.int64(3))
    assert [t.value for t in solver.trials] == [1.0, 0.5, 3.0]
    assert aq.ArqonSolver.from_config(
        {"seed": np.int64(1), "budget": 3, "space": {"x": aq.Float(0, 1).to_config()}}
    ).ask()


def test_ask_batch_respects_budget() -> None:
    solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=4, seed=0)
    assert len(solver.ask_batch(3)) == 3
    assert len(solver.ask_batch(3)) == 1
    assert solver.ask_batch(3) == [] and solver.ask() is None
    assert solver.ask_batch(0) == []


def test_same_seed_same_stream_different_seed_differs(mixed_space: dict[str, Any]) -> None:
    a = run(aq.ArqonSolver(mixed_space, budget=40, seed=5), 40)
    b = run(aq.ArqonSolver(mixed_space, budget=40, seed=5), 40)
    c = run(aq.ArqonSolver(mixed_space, budget=40, seed=6), 40)
    assert a == b
    assert a != c


_CHILD = """
import json, sys
sys.path.insert(0, {tests!r})
import arqonhpo as aq
from conftest import bowl
solver = aq.ArqonSolver.from_config({config!r})
out = []
while (t := solver.ask()) is not None:
    out.append(t.params)
    solver.tell(t, bowl(**t.params))
print(json.dumps({{"params": out, "snapshot": solver.snapshot()}}))
"""


def test_determinism_across_processes() -> None:
    config = {
        "seed": 21,
        "budget": 35,
        "space": {
            "lr": {"type": "float", "low": 1e-4, "high": 1.0, "log": True},
            "depth": {"type": "int", "low": 1, "high": 6},
            "act": {"type": "choice", "choices": ["relu", "tanh"]},
        },
    }
    code = _CHILD.format(tests=str(Path(__file__).parent), config=json.dumps(config))
    outs = [
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": str(i), "PATH": ""},
        ).stdout
        for i in (1, 2)
    ]
    first, second = (json.loads(o) for o in outs)
    assert first["params"] == second["params"]
    assert first["snapshot"] == second["snapshot"]
    assert len(first["params"]) == 35


@pytest.mark.parametrize(
    "strategy", ["auto", "nelder_mead", "tpe", "random", "cmaes", "trust_region", "gp"]
)
def test_pickle_resumes_exactly_with_pending_trials(strategy: str) -> None:
    space = {"x": aq.Float(-2, 2), "y": aq.Float(-2, 2), "k": aq.Int(0, 5)}
    solver = aq.ArqonSolver(space, budget=40, seed=9, strategy=strategy)
    run(solver, 22)
    pending = solver.ask_batch(3)
    copy = pickle.loads(pickle.dumps(solver))
    assert copy.pending == [t.id for t in pending]
    assert copy.snapshot() == solver.snapshot()
    for s in (solver, copy):
        for t in pending:
            s.tell(t, bowl(**t.params))
    assert run(copy, 40) == run(solver, 40)
    assert copy.artifact() == solver.artifact()


@pytest.mark.parametrize(
    "strategy", ["auto", "nelder_mead", "tpe", "random", "cmaes", "trust_region", "gp"]
)
def test_save_load_resumes_exactly_with_pending_trials(strategy: str, tmp_path: Path) -> None:
    space = {"x": aq.Float(-2, 2), "y": aq.Float(0.1, 10, log=True), "c": aq.Choice(["a", "bb"])}
    solver = aq.ArqonSolver(space, budget=40, seed=4, strategy=strategy)
    run(solver, 20)
    pending = solver.ask_batch(2)
    solver.tell(pending[1], failed=True, reason="oom")
    path = tmp_path / "run.json"
    solver.save(path)
    loaded = aq.ArqonSolver.load(path)
    assert loaded.pending == [pending[0].id]
    assert loaded.artifact() == solver.artifact()
    solver.tell(pending[0], 1.25)
    loaded.tell(pending[0].id, 1.25)
    assert run(loaded, 40) == run(solver, 40)


def test_save_writes_the_same_bytes_on_every_platform_and_replaces_whole(tmp_path: Path) -> None:
    solver = aq.ArqonSolver({"x": aq.Float(0, 1), "s": aq.Choice(["é", "ß"])}, budget=8, seed=3)
    run(solver, 5)
    path = tmp_path / "run.json"
    path.write_bytes(b"an older, longer file that the save must replace entirely\r\n" * 100)
    solver.save(path)
    data = path.read_bytes()
    # UTF-8 JSON text with \n line ends (never \r\n, whatever the platform) and one final \n.
    assert b"\r" not in data
    assert data == (solver._solver.artifact_json() + "\n").encode("utf-8")
    assert json.loads(data.decode("utf-8")) == solver.artifact()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json"], "temporary file left over"


def test_trial_pickles() -> None:
    solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=2)
    t = solver.ask()
    assert t is not None
    u = pickle.loads(pickle.dumps(t))
    assert (u.id, u.params, u.phase, u.strategy) == (t.id, t.params, t.phase, t.strategy)
    solver.tell(u, 0.5)  # a copy names the same trial


def test_artifact_matches_the_schema(mixed_space: dict[str, Any]) -> None:
    schema = json.loads((CONTRACTS / "artifact.schema.json").read_text())
    solver = aq.ArqonSolver(mixed_space, budget=25, seed=2)
    run(solver, 23)
    solver.ask()
    artifact = solver.artifact()
    jsonschema.validate(artifact, schema)
    assert artifact["trials"][-1]["status"] == "pending"
    assert list(artifact["trials"][0]["params"]) == ["kp", "layers", "kernel"]
    assert aq.ArqonSolver.from_artifact(artifact).snapshot() == solver.snapshot()


def test_threads_share_one_solver() -> None:
    budget = 400
    solver = aq.ArqonSolver(
        {"x": aq.Float(-1, 1), "y": aq.Float(-1, 1)}, budget=budget, seed=0, strategy="tpe"
    )
    ids: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        while (t := solver.ask()) is not None:
            solver.tell(t, t.params["x"] ** 2 + t.params["y"] ** 2)
            with lock:
                ids.append(t.id)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(ids) == list(range(budget)), "every trial handed out exactly once"
    assert solver.is_done and solver.n_told == budget


def test_from_config_dict_text_path_agree(tmp_path: Path) -> None:
    config = {
        "seed": 3,
        "budget": 12,
        "space": {"a": {"type": "float", "low": 0, "high": 1}},
        "strategy": "random",
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(config))
    solvers = [
        aq.ArqonSolver.from_config(config),
        aq.ArqonSolver.from_config(json.dumps(config)),
        aq.ArqonSolver.from_config(path),
        aq.ArqonSolver.from_config(str(path)),
        aq.ArqonSolver({"a": aq.Float(0, 1)}, budget=12, seed=3, strategy="random"),
    ]
    streams = [run(s, 12) for s in solvers]
    assert all(s == streams[0] for s in streams)
    assert solvers[0].config["strategy"] == "random"


def test_from_config_accepts_the_arqonhpo_03_format() -> None:
    legacy = {
        "seed": 7,
        "budget": 20,
        "bounds": {
            "lr": {"min": 0.001, "max": 0.1, "scale": "Log"},
            "momentum": {"min": 0.0, "max": 0.99, "scale": "Linear"},
        },
        "probe_ratio": 0.25,
    }
    solver = aq.ArqonSolver.from_config(legacy)
    config = solver.config
    assert config["seed"] == 7 and config["budget"] == 20
    assert config["space"]["lr"] == {"type": "float", "low": 0.001, "high": 0.1, "log": True}
    assert config["space"]["momentum"]["log"] is False
    trials = run(solver, 20)
    assert all(0.001 <= t["lr"] <= 0.1 and 0.0 <= t["momentum"] <= 0.99 for t in trials)
    assert run(aq.ArqonSolver.from_config(json.dumps(legacy)), 20) == trials


def test_warm_start_is_passed_to_the_engine() -> None:
    solver = aq.ArqonSolver(
        {"x": aq.Float(0, 1)},
        budget=10,
        seed=0,
        warm_start=[({"x": 0.5}, 1.0), {"params": {"x": 0.25}, "value": 2.0}],
    )
    assert [o["value"] for o in solver.config["warm_start"]] == [1.0, 2.0]


def test_native_solver_pickles_too() -> None:
    from arqonhpo import _core

    solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=10, seed=2)
    run(solver, 4)
    native = solver._solver
    copy = pickle.loads(pickle.dumps(native))
    assert isinstance(copy, _core.Solver) and copy.snapshot() == native.snapshot()
