"""``ArqonSearch``: ArqonHPO as a Ray Tune searcher.

Tune runs the trials (on one machine or a cluster); the searcher only translates between
Tune's trial ids and results and the solver's ask/tell. ``suggest`` returns ``None`` while the
solver makes a trial wait (deterministic mode) and ``Searcher.FINISHED`` once the budget is
spent. The whole state (the solver snapshot and the id map) is saved with the experiment, so
``Tuner.restore`` resumes the search exactly. Install with ``pip install arqonhpo[ray]``.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Mapping, Sequence
from typing import Any

from .._core import Trial, _real
from .._solver import ArqonSolver, Float, Int
from .._spaces import Translated, translate_space

try:
    from ray.tune.search import Searcher
    from ray.tune.search.sample import Categorical, Domain
    from ray.tune.search.sample import Float as TuneFloat
    from ray.tune.search.sample import Integer as TuneInteger
    from ray.tune.search.variant_generator import parse_spec_vars
    from ray.tune.utils.util import flatten_dict, unflatten_dict
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "arqonhpo.integrations.ray needs Ray Tune: pip install 'arqonhpo[ray]'"
    ) from exc

__all__ = ["ArqonSearch", "convert_tune_space"]


def convert_tune_space(config: Mapping[str, Any]) -> dict[str, Any]:
    """Tune's ``tune.uniform``/``loguniform``/``randint``/``lograndint``/``choice`` in a
    (possibly nested) ``param_space``, as ArqonHPO parameters named by their path
    (``"model/lr"``). Constants are left to Tune; other samplers are a ValueError."""
    _, domain_vars, grid_vars = parse_spec_vars(dict(config))
    if grid_vars:
        raise ValueError("tune.grid_search does not map to ArqonHPO; use tune.choice")
    out: dict[str, Any] = {}
    for path, domain in domain_vars:
        name = "/".join(str(p) for p in path)
        out[name] = _convert(name, domain)
    return out


def _convert(name: str, domain: Domain) -> Float | Int | list[Any]:
    sampler = type(domain.get_sampler()).__name__
    if isinstance(domain, Categorical) and sampler == "_Uniform":
        return list(domain.categories)
    if isinstance(domain, TuneFloat) and sampler in ("_Uniform", "_LogUniform"):
        return Float(domain.lower, domain.upper, log=sampler == "_LogUniform")
    if isinstance(domain, TuneInteger) and sampler in ("_Uniform", "_LogUniform"):
        # Tune's integer upper bound is exclusive.
        return Int(domain.lower, domain.upper - 1, log=sampler == "_LogUniform")
    raise ValueError(
        f"parameter {name!r}: {type(domain).__name__} with sampler {sampler} does not map to "
        "ArqonHPO (use uniform, loguniform, randint, lograndint or choice)"
    )


class ArqonSearch(Searcher):  # type: ignore[misc]  # ray is untyped
    """A Ray Tune searcher backed by ``ArqonSolver``.

    - ``space``: ``{name: arqonhpo.Float/Int/Choice or a list of options}``; names with ``/``
      become nested config keys. Omit it to take the ``Tuner``'s ``param_space`` (converted
      by :func:`convert_tune_space`).
    - ``budget``: how many trials the searcher hands out, then ``Searcher.FINISHED``.
    - ``metric``/``mode``: as Tune's (``"min"`` or ``"max"``); may come from ``TuneConfig``.
    - ``points_to_evaluate``: configs run first; their results warm-start the solver. With
      ``evaluated_rewards`` (one per point) they are not run, only told as a warm start.
    - ``deterministic=True``: the trials depend on the seed and the results, not on which
      trial finishes first (the solver's ``parallel_lag`` is set to ``max_concurrent``, or
      to ``TuneConfig(max_concurrent_trials=...)``, which must then be given).

    Trials that error, or end without the metric, are told as failed.
    """

    def __init__(
        self,
        space: Mapping[str, Any] | None = None,
        *,
        budget: int,
        metric: str | None = None,
        mode: str | None = None,
        seed: int = 0,
        strategy: str = "auto",
        points_to_evaluate: Sequence[Mapping[str, Any]] | None = None,
        evaluated_rewards: Sequence[float] | None = None,
        deterministic: bool = False,
        max_concurrent: int | None = None,
    ) -> None:
        if mode not in (None, "min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if evaluated_rewards is not None and len(evaluated_rewards) != len(
            points_to_evaluate or ()
        ):
            raise ValueError("evaluated_rewards needs one value per point in points_to_evaluate")
        super().__init__(metric=metric, mode=mode)
        self._spec = dict(space) if space is not None else None
        self._budget = budget
        self._seed = seed
        self._strategy = strategy
        self._points = [flatten_dict(dict(p), delimiter="/") for p in points_to_evaluate or ()]
        self._rewards = list(evaluated_rewards) if evaluated_rewards is not None else None
        self._deterministic = deterministic
        self._max_concurrent = max_concurrent
        self._solver: ArqonSolver | None = None
        self._translated: Translated | None = None
        self._live: dict[str, int] = {}  # Tune trial id -> solver trial id
        self._warm_live: dict[str, int] = {}  # Tune trial id -> index in points_to_evaluate
        self._warm_results: dict[int, float] = {}
        self._warm_next = 0

    # -- what Tune calls ---------------------------------------------------------------------

    def set_search_properties(
        self, metric: str | None, mode: str | None, config: Mapping[str, Any], **spec: Any
    ) -> bool:
        if self._solver is not None:
            return False
        if self._spec is None and config:
            self._spec = convert_tune_space(config)
        if metric:
            self._metric = metric
        if mode:
            self._mode = mode
        return True

    def set_max_concurrency(self, max_concurrent: int) -> bool:
        if self._max_concurrent is None:
            self._max_concurrent = max_concurrent
        return False  # Tune still limits concurrency itself

    def suggest(self, trial_id: str) -> dict[str, Any] | str | None:
        if self._spec is None or self._metric is None or self._mode is None:
            raise ValueError(
                "ArqonSearch needs a space, a metric and a mode: pass them to ArqonSearch or "
                "to the Tuner (param_space, TuneConfig(metric=..., mode=...))"
            )
        translated = self._translated or translate_space(self._spec)
        self._translated = translated
        if self._solver is None and self._rewards is None and self._warm_next < len(self._points):
            self._warm_live[trial_id] = self._warm_next
            self._warm_next += 1
            point: dict[str, Any] = unflatten_dict(dict(self._points[self._warm_next - 1]))
            return point
        if self._solver is None:
            if len(self._warm_results) < len(self._points) and self._rewards is None:
                return None  # the warm start is still running
            self._solver = self._new_solver(translated)
        trial = self._solver.ask_next()
        if trial is None:
            finished: str = Searcher.FINISHED
            return finished
        if not isinstance(trial, Trial):
            return None  # deterministic mode: an earlier trial must finish first
        self._live[trial_id] = trial.id
        config: dict[str, Any] = unflatten_dict(translated.decode(trial.params))
        return config

    def on_trial_complete(
        self, trial_id: str, result: Mapping[str, Any] | None = None, error: bool = False
    ) -> None:
        value, reason = self._value(result, error)
        if trial_id in self._warm_live:
            self._warm_results[self._warm_live.pop(trial_id)] = value
            return
        solver_id = self._live.pop(trial_id, None)
        if solver_id is None or self._solver is None:
            return  # not one of ours (e.g. added by hand)
        if reason is not None:
            self._solver.tell(solver_id, failed=True, reason=reason)
        else:
            self._solver.tell(solver_id, value)

    # -- persistence: what Tuner.restore reads back --------------------------------------------

    def get_state(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_solver"] = None if self._solver is None else self._solver.snapshot()
        state.pop("_translated", None)
        return state

    def set_state(self, state: dict[str, Any]) -> None:
        state = dict(state)
        snapshot = state.pop("_solver")
        self.__dict__.update(state)
        self._translated = None
        self._solver = None if snapshot is None else ArqonSolver.restore(snapshot)

    def save(self, checkpoint_path: str) -> None:
        with open(checkpoint_path, "wb") as f:
            pickle.dump(self.get_state(), f)

    def restore(self, checkpoint_path: str) -> None:
        with open(checkpoint_path, "rb") as f:
            self.set_state(pickle.load(f))

    # -- helpers ---------------------------------------------------------------------------------

    @property
    def solver(self) -> ArqonSolver | None:
        """The solver, once the first trial is suggested."""
        return self._solver

    def _value(self, result: Mapping[str, Any] | None, error: bool) -> tuple[float, str | None]:
        """The value to tell, or NaN and why the trial counts as failed."""
        if error:
            return math.nan, "the trial errored"
        if not result or self._metric not in result:
            return math.nan, f"no {self._metric!r} in its last result"
        # tell()'s rules: a string such as "1.5" is not converted but fails the trial.
        try:
            value = _real(f"metric {self._metric!r}", result[self._metric])
        except (TypeError, ValueError) as exc:
            return math.nan, str(exc)
        return (-value if self._mode == "max" else value), None

    def _new_solver(self, translated: Translated) -> ArqonSolver:
        lag = None
        if self._deterministic:
            if not self._max_concurrent:
                raise ValueError(
                    "deterministic=True needs the number of concurrent trials: "
                    "ArqonSearch(max_concurrent=k) or TuneConfig(max_concurrent_trials=k)"
                )
            lag = self._max_concurrent
        warm = []
        for i, point in enumerate(self._points):
            value = self._rewards[i] if self._rewards is not None else self._warm_results[i]
            if self._rewards is not None and self._mode == "max":
                value = -value
            if not math.isnan(value):
                warm.append((translated.encode(point), value))
        return ArqonSolver(
            translated.space,
            self._budget,
            self._seed,
            strategy=self._strategy,
            warm_start=warm,
            parallel_lag=lag,
        )
