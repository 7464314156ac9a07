"""``ArqonSampler``: ArqonHPO as an Optuna sampler.

``optuna.create_study(sampler=ArqonSampler(seed=0))`` keeps the rest of an Optuna program:
``study.optimize``, storages, the dashboard, pruners. What is supported:

- One process: the solver lives in the sampler object (threads with ``n_jobs`` are fine; a
  study shared by several processes through a storage is not).
- The space is fixed by the first trial: that trial is sampled at random (Optuna's
  ``RandomSampler``) and its result warm-starts the solver; from then on the parameters it
  used are suggested by ArqonHPO. Parameters that appear later, float parameters with a
  ``step`` and integers with a step other than 1 are sampled at random.
- Single objective, minimize or maximize.
- Pruned and failed trials are told as failed (the worst value seen).
- ``budget`` is the number of trials ArqonHPO plans for (its probe is a fraction of it): set
  it to ``n_trials``. Trials beyond it are sampled at random.

Install with ``pip install arqonhpo[optuna]``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import Any

from .._core import Trial
from .._solver import ArqonSolver, Choice, Float, Int

try:
    import optuna
    from optuna.distributions import (
        BaseDistribution,
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )
    from optuna.samplers import BaseSampler, RandomSampler
    from optuna.trial import FrozenTrial, TrialState
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "arqonhpo.integrations.optuna needs Optuna: pip install 'arqonhpo[optuna]'"
    ) from exc

__all__ = ["ArqonSampler"]


def _param(dist: BaseDistribution) -> Float | Int | Choice | None:
    if isinstance(dist, FloatDistribution) and dist.step is None:
        return Float(dist.low, dist.high, log=dist.log)
    if isinstance(dist, IntDistribution) and dist.step == 1:
        return Int(dist.low, dist.high, log=dist.log)
    if isinstance(dist, CategoricalDistribution):
        return Choice(list(range(len(dist.choices))))
    return None


class ArqonSampler(BaseSampler):  # type: ignore[misc]  # optuna's base is typed loosely
    """An Optuna sampler backed by ``ArqonSolver`` (see the module docstring for the scope)."""

    def __init__(self, *, seed: int = 0, budget: int = 100, strategy: str = "auto") -> None:
        self._seed = seed
        self._budget = budget
        self._strategy = strategy
        self._random = RandomSampler(seed=seed)
        self._space: dict[str, BaseDistribution] | None = None
        self._solver: ArqonSolver | None = None
        self._trials: dict[int, int] = {}  # Optuna trial number -> solver trial id
        self._lock = threading.Lock()

    @property
    def solver(self) -> ArqonSolver | None:
        """The solver, once the space is fixed."""
        return self._solver

    def reseed_rng(self) -> None:
        self._random.reseed_rng()

    def infer_relative_search_space(
        self, study: optuna.Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        if study._is_multi_objective():
            raise ValueError("ArqonSampler supports single-objective studies only")
        with self._lock:
            if self._space is None:
                first = study.get_trials(
                    deepcopy=False,
                    states=(TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL),
                )
                if not first:
                    return {}
                self._space = {
                    name: dist
                    for name, dist in first[0].distributions.items()
                    if _param(dist) is not None
                }
            return dict(self._space)

    def sample_relative(
        self, study: optuna.Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        with self._lock:
            if self._solver is None:
                self._solver = self._new_solver(study, search_space)
            asked = self._solver.ask()
            if not isinstance(asked, Trial):
                return {}  # the budget is spent: Optuna falls back to sample_independent
            self._trials[trial.number] = asked.id
        out: dict[str, Any] = {}
        for name, dist in search_space.items():
            value = asked.params[name]
            if isinstance(dist, CategoricalDistribution):
                out[name] = dist.choices[int(value)]
            elif isinstance(dist, IntDistribution):
                out[name] = int(value)
            else:
                out[name] = float(value)
        return out

    def sample_independent(
        self,
        study: optuna.Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        return self._random.sample_independent(study, trial, param_name, param_distribution)

    def after_trial(
        self,
        study: optuna.Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        with self._lock:
            solver_id = self._trials.pop(trial.number, None)
            if solver_id is None or self._solver is None:
                return
            if state == TrialState.COMPLETE and values:
                self._solver.tell(solver_id, self._sign(study) * values[0])
            else:
                self._solver.tell(
                    solver_id, failed=True, reason=f"optuna trial {state.name.lower()}"
                )

    def _sign(self, study: optuna.Study) -> float:
        return -1.0 if study.direction == optuna.study.StudyDirection.MAXIMIZE else 1.0

    def _new_solver(self, study: optuna.Study, space: dict[str, BaseDistribution]) -> ArqonSolver:
        params = {name: _param(dist) for name, dist in space.items()}
        warm = []
        for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
            if (
                not all(n in t.params for n in space)
                or t.value is None
                or not math.isfinite(t.value)
            ):
                continue
            point: dict[str, Any] = {}
            for name, dist in space.items():
                v = t.params[name]
                point[name] = (
                    dist.to_internal_repr(v) if isinstance(dist, CategoricalDistribution) else v
                )
                if isinstance(dist, CategoricalDistribution):
                    point[name] = int(point[name])
            warm.append((point, self._sign(study) * t.value))
        return ArqonSolver(
            params,  # type: ignore[arg-type]  # every value maps (filtered in infer)
            self._budget,
            self._seed,
            strategy=self._strategy,
            warm_start=warm,
        )
