"""Deterministic parallel runs: the same study, run with threads whose objective sleeps a
random time, hands out the same trials every time (the rule itself lives in core)."""

from __future__ import annotations

import pickle
import random
import threading
import time
from typing import Any

import pytest
from conftest import bowl

import arqonhpo as aq

SPACE = {"a": aq.Float(-1.0, 2.0), "b": aq.Int(0, 4), "c": aq.Choice(["x", "yy"])}


def sleepy(**params: Any) -> float:
    """``bowl`` after a random pause, so workers finish in a different order on every run."""
    time.sleep(random.uniform(0.0, 0.004))
    return bowl(**params)


def trial_params(result: aq.MinimizeResult) -> list[dict[str, Any]]:
    return [t.params for t in result.trials]


@pytest.mark.parametrize("n_workers", [2, 4])
def test_same_trials_whatever_the_timing(n_workers: int) -> None:
    runs = [
        aq.minimize(sleepy, SPACE, budget=40, seed=5, n_workers=n_workers, progress=False)
        for _ in range(4)
    ]
    first = trial_params(runs[0])
    assert all(trial_params(r) == first for r in runs[1:])
    assert all(r.best_value == runs[0].best_value for r in runs)
    assert runs[0].solver.config["parallel"] == {"lag": n_workers}


def test_a_fixed_lag_gives_one_run_for_any_worker_count() -> None:
    runs = [
        aq.minimize(sleepy, SPACE, budget=36, seed=2, n_workers=w, parallel_lag=4, progress=False)
        for w in (1, 2, 3, 4, 6)
    ]
    first = trial_params(runs[0])
    assert all(trial_params(r) == first for r in runs[1:])


def test_free_mode_depends_on_timing() -> None:
    # The control that shows the tests above can fail: without the mode, a worker that
    # finishes early changes what the model has seen. The second worker's trials take longer
    # in one run than in the other, deterministically.
    def skewed(slow_id: int) -> Any:
        lock = threading.Lock()
        calls = [0]

        def f(**params: Any) -> float:
            with lock:
                calls[0] += 1
                n = calls[0]
            time.sleep(0.02 if n % 3 == slow_id else 0.0)
            return bowl(**params)

        return f

    a = aq.minimize(
        skewed(0), SPACE, budget=40, seed=5, n_workers=3, deterministic=False, progress=False
    )
    b = aq.minimize(
        skewed(1), SPACE, budget=40, seed=5, n_workers=3, deterministic=False, progress=False
    )
    assert trial_params(a) != trial_params(b)
    c = aq.minimize(skewed(0), SPACE, budget=40, seed=5, n_workers=3, progress=False)
    d = aq.minimize(skewed(1), SPACE, budget=40, seed=5, n_workers=3, progress=False)
    assert trial_params(c) == trial_params(d)


def test_ask_next_waits_and_a_pickle_keeps_the_held_results() -> None:
    solver = aq.ArqonSolver(SPACE, budget=12, seed=0, parallel_lag=2)
    t0, t1 = solver.ask_next(), solver.ask_next()
    assert isinstance(t0, aq.Trial) and isinstance(t1, aq.Trial)
    assert solver.ask_next() == "wait" and solver.ask() is None
    solver.tell(t1, 1.5)  # held until trial 0 is told
    assert solver.pending == [t0.id] and solver.n_told == 0
    with pytest.raises(aq.TrialError):
        solver.tell(t1, 2.0)
    copy = pickle.loads(pickle.dumps(solver))
    for s in (solver, copy):
        s.tell(t0, 0.5)
        rest = []
        while (t := s.ask()) is not None:
            rest.append(t.params)
            s.tell(t, bowl(**t.params))
        assert s.is_done
    assert [t.params for t in solver.trials] == [t.params for t in copy.trials]


def test_a_lag_of_zero_is_a_config_error() -> None:
    with pytest.raises(aq.ConfigError, match=r"parallel\.lag"):
        aq.ArqonSolver(SPACE, budget=10, parallel_lag=0)
