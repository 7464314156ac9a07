"""trials="stream": told trials reach on_told / drain_told once each, equal to what a kept run
records; save/load of a streaming run resumes exactly; and .trials is a view that builds
records as they are read."""

from __future__ import annotations

import gc
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from conftest import bowl

import arqonhpo as aq


def drive(solver: aq.ArqonSolver, stop: int | None = None) -> list[aq.Trial]:
    """Two workers: ask two, tell the second then the first; stops after `stop` trials asked."""
    asked: list[aq.Trial] = []
    while True:
        batch = solver.ask_batch(2)
        if not batch:
            return asked
        asked.extend(batch)
        for t in reversed(batch):
            if t.id % 13 == 4:
                solver.tell(t, failed=True, reason="diverged")
            else:
                solver.tell(t, bowl(**t.params))
        if stop is not None and len(asked) >= stop:
            return asked


@pytest.mark.parametrize("strategy", ["auto", "tpe", "nelder_mead", "random", "cmaes"])
def test_streamed_records_equal_the_kept_runs(mixed_space: dict[str, Any], strategy: str) -> None:
    kept = aq.ArqonSolver(mixed_space, budget=120, seed=4, strategy=strategy)
    streamed: list[aq.TrialResult] = []
    solver = aq.ArqonSolver(
        mixed_space,
        budget=120,
        seed=4,
        strategy=strategy,
        trials="stream",
        on_told=streamed.append,
    )
    assert [t.params for t in drive(solver)] == [t.params for t in drive(kept)]
    expected = sorted(kept.trials, key=lambda t: t.told_index or 0)
    assert streamed == expected
    assert solver.held_trials == 1 and kept.held_trials == 120
    assert solver.best == kept.best
    assert solver.drain_told() == []  # on_told took them all


def test_a_streaming_run_saves_its_small_state_and_resumes_exactly(
    mixed_space: dict[str, Any], tmp_path: Path
) -> None:
    def new() -> aq.ArqonSolver:
        return aq.ArqonSolver(mixed_space, budget=300, seed=9, trials="stream")

    whole = new()
    whole_asked = drive(whole)
    whole_told = whole.drain_told()
    assert len(whole_told) == 300

    first = new()
    asked = drive(first, stop=150)
    told = first.drain_told()
    path = tmp_path / "state.json"
    first.save(path)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["state_version"] == 1
    assert len(text) < 20_000, "the saved state does not hold the streamed trials"
    resumed = aq.ArqonSolver.load(path)
    assert resumed.n_told == first.n_told and resumed.held_trials == first.held_trials
    asked += drive(resumed)
    told += resumed.drain_told()
    assert [t.params for t in asked] == [t.params for t in whole_asked]
    assert told == whole_told


def test_on_told_needs_streaming_and_a_callable(mixed_space: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"trials=.stream."):
        aq.ArqonSolver(mixed_space, budget=5, on_told=print)
    with pytest.raises(TypeError, match="callable"):
        aq.ArqonSolver(mixed_space, budget=5, trials="stream", on_told=3)  # type: ignore[arg-type]
    with pytest.raises(aq.ConfigError) as err:
        aq.ArqonSolver(mixed_space, budget=5, trials="forget")
    assert "trials" in str(err.value)
    with pytest.raises(aq.ConfigError) as err:
        aq.ArqonSolver(mixed_space, budget=1_000_000, trials="stream")
    assert [i[0] for i in err.value.issues] == ["trials"]
    assert "probe.fraction" in err.value.issues[0][1]


def test_trials_is_a_view_that_reads_records_as_needed(
    mixed_space: dict[str, Any],
) -> None:
    solver = aq.ArqonSolver(mixed_space, budget=2000, seed=1, strategy="random")
    drive(solver)
    gc.collect()
    tracemalloc.start()
    try:
        view = solver.trials
        last = view[-1]
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # One record read: far less than 2000 records (a list of them is ~1 MB).
    assert size < 50_000, size
    assert isinstance(view, aq.TrialsView) and len(view) == 2000
    assert last.id == 1999 and view[1999] == last and view[-2000].id == 0
    assert [t.id for t in view[3:6]] == [3, 4, 5]
    assert view == list(view) and next(reversed(view)) == last
    with pytest.raises(IndexError):
        view[2000]
    assert solver.artifact()["trials"][7]["params"] == view[7].params


def test_minimize_streams_to_on_told_and_needs_it(mixed_space: dict[str, Any]) -> None:
    told: list[aq.TrialResult] = []
    result = aq.minimize(bowl, mixed_space, budget=60, seed=2, trials="stream", on_told=told.append)
    kept = aq.minimize(bowl, mixed_space, budget=60, seed=2)
    assert sorted(told, key=lambda t: t.id) == list(kept.trials)
    assert result.best == kept.best and len(result.trials) == 1
    with pytest.raises(ValueError, match="on_told"):
        aq.minimize(bowl, mixed_space, budget=60, trials="stream")
