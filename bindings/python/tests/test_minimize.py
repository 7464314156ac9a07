"""minimize(): the loop run for the user, sequential and parallel, failures, interrupts, progress."""

from __future__ import annotations

import builtins
import concurrent.futures as cf
import contextlib
import multiprocessing
import threading
from typing import Any

import pytest
from conftest import bowl

import arqonhpo as aq

SPACE = {"a": aq.Float(-1.0, 2.0), "b": aq.Int(0, 4), "c": aq.Choice(["x", "yy"])}


def test_minimize_sequential_is_deterministic_and_matches_the_manual_loop() -> None:
    result = aq.minimize(bowl, SPACE, budget=30, seed=3, progress=False)
    again = aq.minimize(bowl, SPACE, budget=30, seed=3, progress=False)
    assert [t.params for t in result.trials] == [t.params for t in again.trials]

    solver = aq.ArqonSolver(SPACE, budget=30, seed=3)
    while (t := solver.ask()) is not None:
        solver.tell(t, bowl(**t.params))
    assert solver.best is not None
    assert result.best_value == solver.best.value and result.best_params == solver.best.params
    assert len(result.trials) == 30 and not result.interrupted and result.n_failed == 0
    assert result.artifact["phase"] == {"phase": "done"}
    assert result.classification is not None and result.strategy == "tpe"


@pytest.mark.parametrize("executor", ["thread", "process"])
def test_minimize_parallel_workers(executor: str) -> None:
    result = aq.minimize(
        bowl, SPACE, budget=24, seed=1, n_workers=3, executor=executor, progress=False
    )
    assert sorted(t.id for t in result.trials) == list(range(24))
    assert all(t.status == "completed" for t in result.trials)
    assert result.best_value == min(t.value for t in result.trials if t.value is not None)
    assert result.solver.is_done


def test_minimize_with_a_user_executor() -> None:
    ctx = multiprocessing.get_context("fork")
    with cf.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        result = aq.minimize(bowl, SPACE, budget=10, seed=2, executor=pool, progress=False)
    assert len(result.trials) == 10 and result.solver.is_done


def test_parallel_workers_really_overlap() -> None:
    running = 0
    peak = 0
    lock = threading.Lock()
    gate = threading.Barrier(3, timeout=10)

    def objective(**params: Any) -> float:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        with contextlib.suppress(threading.BrokenBarrierError):
            gate.wait()  # passes only when three evaluations run at the same time
        with lock:
            running -= 1
        return bowl(**params)

    aq.minimize(objective, SPACE, budget=9, seed=0, n_workers=3, progress=False)
    assert peak == 3


def failing_objective(**params: Any) -> float:
    if params["b"] == 0:
        raise RuntimeError("simulation diverged")
    return bowl(**params)


@pytest.mark.parametrize("n_workers", [1, 2])
def test_objective_exceptions_are_recorded_as_failed(n_workers: int) -> None:
    result = aq.minimize(
        failing_objective, SPACE, budget=30, seed=0, n_workers=n_workers, progress=False
    )
    failed = [t for t in result.trials if t.status == "failed"]
    assert failed and result.n_failed == len(failed)
    assert all(t.params["b"] == 0 for t in failed)
    assert all(t.reason == "RuntimeError: simulation diverged" for t in failed)
    assert result.best_params is not None and result.best_params["b"] != 0


@pytest.mark.parametrize("n_workers", [1, 2])
def test_raise_on_error_records_then_reraises(n_workers: int) -> None:
    solver = aq.ArqonSolver(SPACE, budget=30, seed=0)
    with pytest.raises(RuntimeError, match="diverged"):
        aq.minimize(
            failing_objective,
            SPACE,
            budget=30,
            n_workers=n_workers,
            progress=False,
            raise_on_error=True,
            solver=solver,
        )
    statuses = [t.status for t in solver.trials]
    assert "failed" in statuses
    assert solver.pending == [], "every started trial is told before re-raising"


@pytest.mark.parametrize("n_workers", [1, 2])
def test_keyboard_interrupt_stops_cleanly_and_keeps_finished_trials(n_workers: int) -> None:
    calls = 0
    lock = threading.Lock()

    def objective(**params: Any) -> float:
        nonlocal calls
        with lock:
            calls += 1
            n = calls
        if n == 8:
            raise KeyboardInterrupt
        return bowl(**params)

    if n_workers == 1:
        result = aq.minimize(objective, SPACE, budget=30, seed=0, progress=False)
    else:
        # In a thread pool the interrupt reaches the main thread, not the worker: simulate it
        # by interrupting the wait once a few trials are done.
        original = cf.wait
        waits = 0

        def interrupted_wait(*args: Any, **kwargs: Any) -> Any:
            nonlocal waits
            waits += 1
            if waits == 6:
                raise KeyboardInterrupt
            return original(*args, **kwargs)

        cf.wait = interrupted_wait  # type: ignore[assignment]
        try:
            result = aq.minimize(
                bowl, SPACE, budget=30, seed=0, n_workers=n_workers, progress=False
            )
        finally:
            cf.wait = original
    assert result.interrupted
    completed = [t for t in result.trials if t.status == "completed"]
    assert 5 <= len(completed) < 30
    assert all(t.status in ("completed", "pending") for t in result.trials)
    # The run can be resumed from its artifact: finished trials kept, unfinished ones pending.
    resumed = aq.ArqonSolver.from_artifact(result.artifact)
    assert resumed.n_told == len(completed)


def test_progress_bar_with_tqdm(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    aq.minimize(bowl, SPACE, budget=12, seed=0, progress=True)
    err = capsys.readouterr().err
    assert "12/12" in err and "arqonhpo" in err


def test_progress_without_optional_packages(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_import = builtins.__import__

    def no_extras(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] in ("tqdm", "rich"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_extras)
    result = aq.minimize(bowl, SPACE, budget=12, seed=0, progress=True)
    assert len(result.trials) == 12
    assert "arqonhpo 12/12" in capsys.readouterr().err


def test_progress_is_off_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    aq.minimize(bowl, SPACE, budget=6, seed=0)
    assert capsys.readouterr().err == ""


def test_minimize_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError):
        aq.minimize("not callable", SPACE, budget=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n_workers"):
        aq.minimize(bowl, SPACE, budget=3, n_workers=0)
    with pytest.raises(ValueError, match="executor"):
        aq.minimize(bowl, SPACE, budget=3, n_workers=2, executor="gpu")
    with pytest.raises(aq.ConfigError, match="budget"):
        aq.minimize(bowl, SPACE, budget=0)


def test_minimize_continues_an_existing_solver() -> None:
    solver = aq.ArqonSolver(SPACE, budget=20, seed=4)
    for _ in range(5):
        t = solver.ask()
        assert t is not None
        solver.tell(t, bowl(**t.params))
    result = aq.minimize(bowl, SPACE, budget=20, solver=solver, progress=False)
    assert result.solver is solver and solver.is_done and len(result.trials) == 20


def test_result_params_are_plain_python(**_: dict[str, Any]) -> None:
    result = aq.minimize(bowl, SPACE, budget=10, seed=0, progress=False)
    assert result.best_params is not None
    assert {type(v) for v in result.best_params.values()} <= {float, int, str}


def test_process_executor_needs_a_picklable_objective() -> None:
    with pytest.raises(TypeError, match="picklable objective"):
        aq.minimize(
            lambda **p: 0.0, SPACE, budget=4, n_workers=2, executor="process", progress=False
        )


def test_progress_with_rich_when_tqdm_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("rich")
    real_import = builtins.__import__

    def no_tqdm(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] == "tqdm":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    result = aq.minimize(bowl, SPACE, budget=12, seed=0, progress=True)
    assert len(result.trials) == 12
    captured = capsys.readouterr()
    assert "arqonhpo" in captured.err and captured.out == ""
