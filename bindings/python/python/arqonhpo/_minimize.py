"""``minimize``: the ask/tell loop run for the user, sequentially or with parallel workers.

The loop only schedules: it asks the solver for trials, hands them to the objective (in this
thread, a thread pool or a process pool), and tells the results back as they arrive. Every
optimization decision stays in the engine.
"""

from __future__ import annotations

import concurrent.futures as cf
import pickle
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from . import _core
from ._dashboard import Dashboard, dashboard
from ._solver import ArqonSolver, Classification, ParamValue, SpaceSpec, TrialResult

__all__ = ["MinimizeResult", "minimize"]


@dataclass(frozen=True)
class MinimizeResult:
    """What ``minimize`` found, and the full record of how.

    Examples:
        >>> import arqonhpo as aq
        >>> result = aq.minimize(lambda x: (x - 2) ** 2, {"x": aq.Float(0, 5)}, budget=30)
        >>> round(result.best_params["x"], 2), len(result.trials), result.n_failed
        (2.0, 30, 0)
        >>> result.classification.label, result.strategy, result.interrupted
        ('smooth', 'nelder_mead', False)
    """

    best_params: dict[str, ParamValue] | None
    """Parameters of the best completed trial (None if every trial failed)."""
    best_value: float | None
    """Its objective value."""
    best: TrialResult | None
    """The best trial's full record."""
    trials: Sequence[TrialResult]
    """Every trial handed out, by id (pending ones only after an interruption), read from the
    solver as needed (a ``TrialsView``)."""
    artifact: dict[str, Any]
    """The run artifact (``contracts/artifact.schema.json``); ``ArqonSolver.from_artifact`` resumes it."""
    classification: Classification | None
    """The landscape verdict (None if the run stopped before the probe was told)."""
    strategy: str | None
    """The refining strategy the engine selected."""
    interrupted: bool
    """True when a KeyboardInterrupt stopped the run early (finished trials are all kept)."""
    solver: ArqonSolver
    """The solver, to continue the run or inspect it."""

    @property
    def n_failed(self) -> int:
        """Number of trials recorded as failed.

        Examples:
            >>> import arqonhpo as aq
            >>> def flaky(x):
            ...     if x > 0.5:
            ...         raise RuntimeError("diverged")
            ...     return x
            >>> aq.minimize(flaky, {"x": aq.Float(0, 1)}, budget=10).n_failed > 0
            True
        """
        return sum(1 for t in self.trials if t.status == "failed")

    def dashboard(self, **options: Any) -> Dashboard:
        """Opens the run in the CLI's dashboard (see :func:`arqonhpo.dashboard`)."""
        return dashboard(self.artifact, **options)


class _Progress(Protocol):
    def update(self, n: int) -> None: ...
    def set_postfix_str(self, s: str) -> None: ...
    def close(self) -> None: ...


class _PlainProgress:
    """A dependency-free progress line on stderr, used when neither tqdm nor rich is installed."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.postfix, self.last = total, 0, "", 0.0

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last > 0.1 or self.done >= self.total:
            self.last = now
            sys.stderr.write(f"\rarqonhpo {self.done}/{self.total} {self.postfix}")
            sys.stderr.flush()

    def set_postfix_str(self, s: str) -> None:
        self.postfix = s

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


class _RichProgress:
    def __init__(self, total: int) -> None:
        from rich.console import Console  # type: ignore[import-not-found,unused-ignore]  # optional extra
        from rich.progress import Progress  # type: ignore[import-not-found,unused-ignore]

        self.progress = Progress(console=Console(stderr=True), transient=False)
        self.progress.start()
        self.task = self.progress.add_task("arqonhpo", total=total)

    def update(self, n: int) -> None:
        self.progress.advance(self.task, n)

    def set_postfix_str(self, s: str) -> None:
        self.progress.update(self.task, description=f"arqonhpo {s}")

    def close(self) -> None:
        self.progress.stop()


def _progress_bar(total: int) -> _Progress:
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped,unused-ignore]  # optional extra

        bar: _Progress = tqdm(total=total, desc="arqonhpo", unit="trial")
        return bar
    except ImportError:
        pass
    try:
        return _RichProgress(total)
    except ImportError:
        return _PlainProgress(total)


def _evaluate(objective: Callable[..., Any], params: dict[str, ParamValue]) -> float:
    # The value is checked by tell()'s rules, so a string such as "1.5" fails the trial with
    # tell()'s error instead of being converted.
    return _core._real("value", objective(**params))


def minimize(
    objective: Callable[..., float],
    space: SpaceSpec,
    budget: int,
    seed: int = 0,
    *,
    strategy: str = "auto",
    n_workers: int = 1,
    deterministic: bool = True,
    executor: str | cf.Executor | Any = "thread",
    progress: bool | None = None,
    raise_on_error: bool = False,
    solver: ArqonSolver | None = None,
    **solver_options: Any,
) -> MinimizeResult:
    """Minimizes ``objective(**params)`` over ``space`` in ``budget`` trials.

    Args:
        objective: Called with the parameters as keyword arguments; returns a number (lower
            is better).
        space: As for ``ArqonSolver``.
        budget: Total number of trials.
        seed: Seed of every random stream.
        strategy: ``"auto"``, ``"nelder_mead"``, ``"tpe"``, ``"random"``, ``"cmaes"``,
            ``"trust_region"`` or ``"gp"``.
        n_workers: Trials evaluated at the same time.
        executor: ``"thread"`` (default), ``"process"`` (the objective must be picklable: a
            module-level function), any ``concurrent.futures.Executor``, or a Dask
            ``distributed.Client`` (its ``get_executor()`` is used).
        deterministic: True (default): the run is the same for a given seed whatever the
            workers' timings. Results are applied in trial-id order and a worker may wait for
            a slower one (``parallel_lag=n_workers``; the parallel page of the docs says what
            it costs). False applies results as they arrive: no waiting, but the trials depend
            on timing. With one worker both modes are the same sequential run.
        progress: A progress bar (tqdm or rich when installed, else a plain line). The
            default (None) shows it only when stderr is a terminal, so logs and CI output are
            not filled with redraws; pass True to force it.
        raise_on_error: An exception raised by the objective records the trial as failed
            (with the exception as the reason) and the run goes on; True records it and
            re-raises.
        solver: Continue an existing solver instead of creating one (``space``, ``budget``,
            ``seed`` and ``deterministic`` are then ignored: the solver's own
            ``parallel_lag`` decides).
        **solver_options: Passed to ``ArqonSolver`` (``probe_fraction``, ``threshold``,
            ``warm_start``, ``trials="stream"`` with ``on_told``, ...).

    Returns:
        A ``MinimizeResult``. KeyboardInterrupt stops the run cleanly: finished trials are
        told and kept, and the result has ``interrupted=True`` (unfinished trials stay
        pending in the artifact).

    Examples:
        >>> import arqonhpo as aq
        >>> def loss(lr, layers):
        ...     return (lr - 0.01) ** 2 * 1e3 + 0.1 * (layers - 3) ** 2
        >>> space = {"lr": aq.Float(1e-4, 1.0, log=True), "layers": aq.Int(1, 6)}
        >>> result = aq.minimize(loss, space, budget=40, seed=0, n_workers=2)
        >>> result.best_value < 0.2, result.best_params["layers"]
        (True, 3)
    """
    if not callable(objective):
        raise TypeError(f"objective must be callable, got {type(objective).__name__}")
    if isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1:
        raise ValueError(f"n_workers must be a positive integer, got {n_workers!r}")
    if not isinstance(deterministic, bool):
        raise TypeError(f"deterministic must be True or False, got {deterministic!r}")
    if hasattr(executor, "get_executor") and not isinstance(executor, cf.Executor):
        executor = executor.get_executor()  # a Dask client
    # Checked whatever n_workers is: a typo or an unpicklable objective is found on the
    # one-worker trial run, not when the user scales up.
    if not isinstance(executor, cf.Executor):
        if not isinstance(executor, str) or executor not in ("thread", "process"):
            raise ValueError(
                f"executor must be 'thread', 'process' or a concurrent.futures.Executor, got {executor!r}"
            )
        if executor == "process":
            _check_picklable(objective)
    if solver_options.get("trials") == "stream" and solver_options.get("on_told") is None:
        # Nothing would take the streamed trials: they would pile up in the solver.
        raise ValueError(
            'minimize(trials="stream") needs on_told=, a callable that receives each told trial'
        )
    if solver is None:
        if deterministic and n_workers > 1:
            solver_options.setdefault("parallel_lag", n_workers)
        solver = ArqonSolver(space, budget, seed, strategy=strategy, **solver_options)
    if progress is None:
        progress = sys.stderr.isatty()
    bar = _progress_bar(int(solver.config["budget"])) if progress else None
    if bar is not None:
        bar.update(solver.n_told)

    interrupted = False
    try:
        if n_workers == 1 and not isinstance(executor, cf.Executor):
            interrupted = _run_sequential(objective, solver, bar, raise_on_error)
        else:
            interrupted = _run_parallel(objective, solver, bar, raise_on_error, n_workers, executor)
    finally:
        if bar is not None:
            bar.close()

    best = solver.best
    return MinimizeResult(
        best_params=None if best is None else best.params,
        best_value=None if best is None else best.value,
        best=best,
        trials=solver.trials,
        artifact=solver.artifact(),
        classification=solver.classification,
        strategy=solver.strategy,
        interrupted=interrupted,
        solver=solver,
    )


def _report(solver: ArqonSolver, bar: _Progress | None) -> None:
    if bar is None:
        return
    bar.update(1)
    best = solver.best
    if best is not None:
        bar.set_postfix_str(f"best={best.value:.6g} {solver.phase}:{solver.strategy or 'sobol'}")


def _run_sequential(
    objective: Callable[..., Any],
    solver: ArqonSolver,
    bar: _Progress | None,
    raise_on_error: bool,
) -> bool:
    while (trial := solver.ask()) is not None:
        try:
            value = _evaluate(objective, trial.params)
        except KeyboardInterrupt:
            return True
        except Exception as exc:
            solver.tell(trial, failed=True, reason=f"{type(exc).__name__}: {exc}")
            _report(solver, bar)
            if raise_on_error:
                raise
            continue
        solver.tell(trial, value)
        _report(solver, bar)
    return False


def _check_picklable(objective: Callable[..., Any]) -> None:
    """A process pool must pickle the objective; say so up front rather than failing every trial."""
    try:
        pickle.dumps(objective)
    except Exception as exc:
        raise TypeError(
            f"executor='process' needs a picklable objective (a module-level function), got {objective!r}: {exc}. "
            "Use executor='thread' for closures and lambdas."
        ) from exc


def _run_parallel(
    objective: Callable[..., Any],
    solver: ArqonSolver,
    bar: _Progress | None,
    raise_on_error: bool,
    n_workers: int,
    executor: str | cf.Executor,
) -> bool:
    own = not isinstance(executor, cf.Executor)
    if isinstance(executor, cf.Executor):
        pool = executor
    elif executor == "thread":
        pool = cf.ThreadPoolExecutor(max_workers=n_workers, thread_name_prefix="arqonhpo")
    else:
        pool = cf.ProcessPoolExecutor(max_workers=n_workers)

    in_flight: dict[cf.Future[float], int] = {}
    error: BaseException | None = None
    try:
        while True:
            while (
                error is None and len(in_flight) < n_workers and (trial := solver.ask()) is not None
            ):
                in_flight[pool.submit(_evaluate, objective, trial.params)] = trial.id
            if not in_flight:
                return False
            done, _ = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
            for future in done:
                trial_id = in_flight.pop(future)
                exc = future.exception()
                if exc is None:
                    solver.tell(trial_id, future.result())
                else:
                    solver.tell(trial_id, failed=True, reason=f"{type(exc).__name__}: {exc}")
                    if raise_on_error and error is None:
                        error = exc
                _report(solver, bar)
            if error is not None and not in_flight:
                raise error
    except KeyboardInterrupt:
        for future in in_flight:
            future.cancel()
        # Keep whatever finished while we were stopping; the rest stay pending.
        for future, trial_id in list(in_flight.items()):
            if future.done() and not future.cancelled() and future.exception() is None:
                solver.tell(trial_id, future.result())
        return True
    finally:
        if own:
            pool.shutdown(wait=False, cancel_futures=True)
