"""The Python face of the engine: space helpers, ``ArqonSolver`` and its result types.

Everything here translates: Python values into the engine's JSON config, and the engine's
records into dataclasses. Suggestions, phases, classification and resume are all decided by
the Rust core (``arqonhpo._core``), so every front gives bit-identical runs.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union, overload

from . import _core
from ._core import ConfigError, Trial

__all__ = [
    "ArqonSolver",
    "Choice",
    "Classification",
    "Float",
    "Int",
    "ParamValue",
    "TrialResult",
]

ParamValue = float | int | str | bool
SpaceSpec = Mapping[str, Union["Float", "Int", "Choice", Mapping[str, Any]]]


# Numbers (numpy scalars included) are coerced by the native module, by the same rules as
# tell() applies to values and trial ids.
_is_numpy_bool = _core._is_numpy_bool
_real = _core._real
_integer = _core._integer


def _option(field_name: str, value: Any) -> ParamValue:
    """A choice option as a plain Python value (numpy scalars are unwrapped)."""
    if isinstance(value, (bool, str)):
        return str(value) if isinstance(value, str) else bool(value)
    if _is_numpy_bool(value):  # numpy.bool_
        return bool(value)
    if hasattr(value, "__index__"):
        return _integer(field_name, value)
    if hasattr(value, "__float__"):
        return _real(field_name, value)
    raise TypeError(
        f"{field_name} must hold strings, numbers or booleans, got {type(value).__name__} ({value!r})"
    )


@dataclass(frozen=True)
class Float:
    """A real parameter in ``[low, high]``; ``log=True`` searches ``ln(x)`` uniformly.

    Use ``log=True`` for scale parameters spanning decades (learning rates, regularization);
    it needs ``low > 0``. Invalid bounds raise ``ConfigError`` when the solver is created.

    Examples:
        >>> import arqonhpo as aq
        >>> aq.Float(1e-4, 1e-1, log=True)
        Float(low=0.0001, high=0.1, log=True)
        >>> aq.Float(0, 1).to_config()
        {'type': 'float', 'low': 0.0, 'high': 1.0, 'log': False}
    """

    low: float
    """Lower bound (inclusive)."""
    high: float
    """Upper bound (inclusive)."""
    log: bool = False
    """Search on a log scale."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "low", _real("Float.low", self.low))
        object.__setattr__(self, "high", _real("Float.high", self.high))
        object.__setattr__(self, "log", _flag("Float.log", self.log))

    def to_config(self) -> dict[str, Any]:
        """The engine's JSON form of this parameter."""
        return {"type": "float", "low": self.low, "high": self.high, "log": self.log}


@dataclass(frozen=True)
class Int:
    """An integer parameter in ``[low, high]`` (both inclusive); ``log=True`` for a log scale.

    Suggestions are Python ``int`` values. A float bound is a ``TypeError``, never rounded.

    Examples:
        >>> import arqonhpo as aq
        >>> aq.Int(1, 8)
        Int(low=1, high=8, log=False)
        >>> aq.Int(16, 1024, log=True).to_config()
        {'type': 'int', 'low': 16, 'high': 1024, 'log': True}
    """

    low: int
    """Lower bound (inclusive)."""
    high: int
    """Upper bound (inclusive)."""
    log: bool = False
    """Search on a log scale."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "low", _integer("Int.low", self.low))
        object.__setattr__(self, "high", _integer("Int.high", self.high))
        object.__setattr__(self, "log", _flag("Int.log", self.log))

    def to_config(self) -> dict[str, Any]:
        """The engine's JSON form of this parameter."""
        return {"type": "int", "low": self.low, "high": self.high, "log": self.log}


@dataclass(frozen=True)
class Choice:
    """One of a list of unordered options (strings, numbers or booleans).

    A space with a choice is classified ``rugged`` and refined by TPE, which models the
    options directly. Suggestions are the options themselves, with their types.

    Examples:
        >>> import arqonhpo as aq
        >>> aq.Choice(["rbf", "linear"]).choices
        ('rbf', 'linear')
        >>> aq.Choice([16, 32, 64]).to_config()
        {'type': 'choice', 'choices': [16, 32, 64]}
    """

    choices: Sequence[ParamValue]
    """The options, in order (stored as a tuple)."""

    def __post_init__(self) -> None:
        if isinstance(self.choices, (str, bytes)) or not hasattr(self.choices, "__iter__"):
            raise TypeError(
                f"Choice.choices must be a list of options, got {type(self.choices).__name__} ({self.choices!r})"
            )
        options = tuple(_option(f"Choice.choices[{i}]", c) for i, c in enumerate(self.choices))
        object.__setattr__(self, "choices", options)

    def to_config(self) -> dict[str, Any]:
        """The engine's JSON form of this parameter."""
        return {"type": "choice", "choices": list(self.choices)}


def _flag(field_name: str, value: Any) -> bool:
    if isinstance(value, bool) or _is_numpy_bool(value):
        return bool(value)
    raise TypeError(f"{field_name} must be True or False, got {type(value).__name__} ({value!r})")


@dataclass(frozen=True)
class TrialResult:
    """A trial as recorded by the engine: ``solver.trials``, ``solver.best``, ``result.trials``.

    Examples:
        >>> import arqonhpo as aq
        >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=5, seed=0)
        >>> trial = solver.ask()
        >>> solver.tell(trial, 0.5)
        >>> record = solver.trials[0]
        >>> record.status, record.value, record.phase, record.strategy
        ('completed', 0.5, 'probe', 'sobol')
    """

    id: int
    """The trial id (0, 1, 2, ... in the order handed out)."""
    params: dict[str, ParamValue]
    """The parameter values, in space order."""
    status: str
    """``"pending"``, ``"completed"`` or ``"failed"``."""
    value: float | None
    """The objective value told (None while pending or when failed)."""
    reason: str | None
    """Why the trial failed, when it did and a reason was given."""
    phase: str
    """``"probe"`` or ``"refine"``."""
    strategy: str
    """The component that proposed it: ``"sobol"``, ``"nelder_mead"``, ``"tpe"``, ``"random"``, ``"cmaes"``, ``"trust_region"`` or ``"gp"``."""
    asked_after: int
    """How many results had been told when this trial was handed out."""
    told_index: int | None
    """Its position in the order results were told (None while pending)."""

    @classmethod
    def _from_record(cls, record: Mapping[str, Any]) -> TrialResult:
        return cls(
            id=record["id"],
            params=dict(record["params"]),
            status=record["status"],
            value=record.get("value"),
            reason=record.get("reason"),
            phase=record["stage"],
            strategy=record["method"],
            asked_after=record["asked_after"],
            told_index=record.get("told_index"),
        )


class TrialsView(Sequence[TrialResult]):
    """The trials a solver holds, by id, read from the engine one at a time: ``solver.trials``.

    A sequence (``len``, indexing, slicing, iteration) of ``TrialResult`` that keeps no copy of
    the run: each record is built when it is read, so reading ``solver.trials[-1]`` of a long
    run costs one record, not the whole list. It lists the trials handed out when it was made;
    ``list(view)`` copies them.

    Examples:
        >>> import arqonhpo as aq
        >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=4)
        >>> for v in (3.0, 1.0):
        ...     solver.tell(solver.ask(), v)
        >>> trials = solver.trials
        >>> len(trials), trials[-1].value, [t.id for t in trials]
        (2, 1.0, [0, 1])
    """

    __slots__ = ("_ids", "_n", "_solver")

    def __init__(self, solver: _core.Solver) -> None:
        self._solver = solver
        n = solver.held_trials
        # Every trial is held (ids 0..n) unless the run streams them out.
        self._ids: list[int] | None = None if n == solver.issued else solver.held_ids()
        self._n = n if self._ids is None else len(self._ids)

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> TrialResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[TrialResult]: ...
    def __getitem__(self, index: int | slice) -> TrialResult | list[TrialResult]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._n))]
        i = int(index.__index__())
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(f"trial index {index} out of range for {self._n} trials")
        trial_id = i if self._ids is None else self._ids[i]
        record = self._solver.trial(trial_id)
        if record is None:
            raise IndexError(f"trial {trial_id} was streamed out after this view was made")
        return TrialResult._from_record(record)

    def __iter__(self) -> Iterator[TrialResult]:
        return (self[i] for i in range(self._n))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (TrialsView, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<TrialsView of {self._n} trials>"


@dataclass(frozen=True)
class Classification:
    """The landscape verdict made after the probe, with the features behind it.

    See the Concepts page "The pipeline" for what each feature measures.

    Examples:
        >>> import arqonhpo as aq
        >>> solver = aq.ArqonSolver({"x": aq.Float(-2, 2), "y": aq.Float(-2, 2)}, budget=40)
        >>> while (trial := solver.ask()) is not None:
        ...     solver.tell(trial, trial.params["x"] ** 2 + trial.params["y"] ** 2)
        >>> c = solver.classification
        >>> c.label, solver.strategy
        ('smooth', 'nelder_mead')
        >>> sorted(c.features)
        ['categorical', 'fdc', 'n_points', 'noise', 'quad_q2', 'roughness', 'top_dispersion']
    """

    label: str
    """``"smooth"``, ``"rippled"`` (refined by Nelder–Mead), ``"noisy"`` or ``"rugged"`` (refined
    by TPE)."""
    score: float
    """Smoothness score in ``[0, 1]``: ``0.6·s(roughness) + 0.2·fdc⁺ + 0.2·q2⁺``."""
    threshold: float
    """The score at or above which a deterministic landscape is called smooth (default 0.5)."""
    features: dict[str, Any] = field(default_factory=dict)
    """``roughness``, ``noise``, ``fdc``, ``quad_q2``, ``top_dispersion``, ``n_points`` and
    ``categorical``, as measured on the probe (``roughness``, ``noise`` and ``quad_q2`` may be
    None when the probe could not measure them)."""
    reason: str = ""
    """One line saying which rule decided, with the numbers behind it."""


def _space_config(space: SpaceSpec) -> dict[str, Any]:
    if not isinstance(space, Mapping):
        raise TypeError(
            f"space must be a dict of name -> Float/Int/Choice, got {type(space).__name__}"
        )
    out: dict[str, Any] = {}
    for name, param in space.items():
        if not isinstance(name, str):
            raise TypeError(
                f"space keys must be parameter names (str), got {type(name).__name__} ({name!r})"
            )
        if isinstance(param, (Float, Int, Choice)):
            out[name] = param.to_config()
        elif isinstance(param, Mapping):
            out[name] = dict(param)
        else:
            raise TypeError(
                f"space[{name!r}] must be arqonhpo.Float, Int or Choice (or a config dict), got {type(param).__name__} ({param!r})"
            )
        _check_int_bounds(name, out[name])
    return out


def _check_int_bounds(name: str, param: Mapping[str, Any]) -> None:
    """Int bounds beyond 2^53, reported with the integer the user gave: the engine holds
    bounds as doubles and would report the rounded value."""
    if param.get("type") != "int":
        return
    for field_name in ("low", "high"):
        bound = param.get(field_name)
        if isinstance(bound, int) and not isinstance(bound, bool) and abs(bound) > _MAX_INT_BOUND:
            raise _config_error(
                f"space.{name}.{field_name}",
                f"must be an integer of magnitude at most 2^53 = {_MAX_INT_BOUND} "
                f"(the largest exact in a double), got {bound}",
            )


_MAX_INT_BOUND = 2**53
_U64_MAX = 2**64 - 1
# The config's 64-bit unsigned fields (other numbers are doubles, where a large int is fine).
_COUNT_FIELDS = frozenset({"seed", "budget", "probe.min_points", "parallel.lag"})


def _plain(value: Any, path: str) -> Any:
    """Turns config data into JSON-ready values: numpy scalars unwrapped, non-finite numbers
    reported (JSON cannot carry them to the engine, which would reject them anyway)."""
    if isinstance(value, Mapping):
        return {k: _plain(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{path}[{i}]") for i, v in enumerate(value)]
    # JSON would carry a larger count, but the engine would read it as a rounded double and
    # report a type error instead of the range.
    if path in _COUNT_FIELDS and isinstance(value, int) and value > _U64_MAX:
        raise _config_error(
            path, f"is too large: it must be at most 2^64 - 1 = {_U64_MAX}, got {value}"
        )
    if isinstance(value, (str, bool, int)) or value is None:
        return value
    if _is_numpy_bool(value):
        return bool(value)
    if hasattr(value, "__index__"):
        return _integer(path, value)
    if hasattr(value, "__float__"):
        x = _real(path, value)
        if not math.isfinite(x):
            raise _config_error(path, f"must be a finite number, got {x}")
        return x
    if hasattr(value, "item"):
        return _plain(value.item(), path)
    raise TypeError(
        f"{path} must be a number, string, boolean, list or dict, got {type(value).__name__} ({value!r})"
    )


def _config_error(path: str, message: str) -> ConfigError:
    return _core._config_error([(path, message)])


def _config_text(config: Mapping[str, Any]) -> str:
    return json.dumps(_plain(config, ""))


class ArqonSolver:
    """Probe-gated ask/tell optimizer (lower values are better).

    ``ArqonSolver(space, budget, seed)`` probes the space with a scrambled Sobol design,
    classifies the landscape (smooth, rippled, noisy or rugged) and refines with the strategy
    that suits it and the budget (``solver.strategy`` says which). Ask for trials, evaluate
    them, tell the results, in any order and with any number pending. One solver may be shared by several threads.

    Args:
        space: Parameter name → ``Float``, ``Int`` or ``Choice`` (or its config dict), in the
            order suggestions list them.
        budget: Total number of trials to hand out (at least 1).
        seed: Seed of every random stream: the same seed and results give the same trials.
        strategy: ``"auto"`` (the classifier decides), ``"nelder_mead"``, ``"tpe"``,
            ``"random"``, ``"cmaes"``, ``"trust_region"`` or ``"gp"``. A forced strategy still starts
            with the probe.
        probe_fraction: Share of the budget spent on the probe (default 0.2).
        probe_min_points: Floor on the probe size (default ``4·D + 4``).
        threshold: Smoothness score at or above which the landscape is smooth (default 0.5).
        warm_start: Earlier results, as ``(params, value)`` pairs or ``{"params", "value"}``
            dicts; they count towards the probe and the model without using budget.
        parallel_lag: Deterministic parallel mode: the number of workers.
        trials: ``"keep"`` (default) holds every trial; ``"stream"`` hands each told trial
            out once (``on_told`` or ``drain_told()``) and keeps only what the strategy
            needs, so memory stays flat however long the run (see the "Long runs" page).
        on_told: With ``trials="stream"``, called with each told trial's ``TrialResult``,
            in the order told, right after the ``tell`` (or ``ask``) that applied it.

    Raises:
        ConfigError: An invalid value; ``err.issues`` lists every problem with its path.
        TypeError: A value of the wrong Python type.

    Examples:
        >>> import arqonhpo as aq
        >>> solver = aq.ArqonSolver({"x": aq.Float(-5, 5)}, budget=30, seed=0)
        >>> while (trial := solver.ask()) is not None:
        ...     solver.tell(trial, (trial.params["x"] - 1) ** 2)
        >>> solver.best.value < 1e-3, solver.is_done
        (True, True)
    """

    __slots__ = ("_on_told", "_solver")

    def __init__(
        self,
        space: SpaceSpec,
        budget: int,
        seed: int = 0,
        *,
        strategy: str = "auto",
        probe_fraction: float | None = None,
        probe_min_points: int | None = None,
        threshold: float | None = None,
        warm_start: Sequence[Any] | None = None,
        parallel_lag: int | None = None,
        trials: str = "keep",
        on_told: Callable[[TrialResult], None] | None = None,
    ) -> None:
        config: dict[str, Any] = {
            "seed": _integer("seed", seed),
            "budget": _integer("budget", budget),
            "space": _space_config(space),
        }
        if not isinstance(strategy, str):
            raise TypeError(
                f"strategy must be one of {', '.join(_core.STRATEGIES)}, got {type(strategy).__name__} ({strategy!r})"
            )
        config["strategy"] = strategy
        probe: dict[str, Any] = {}
        if probe_fraction is not None:
            probe["fraction"] = _real("probe_fraction", probe_fraction)
        if probe_min_points is not None:
            probe["min_points"] = _integer("probe_min_points", probe_min_points)
        if probe:
            config["probe"] = probe
        if threshold is not None:
            config["classifier"] = {"threshold": _real("threshold", threshold)}
        if warm_start:
            config["warm_start"] = [_observation(i, o) for i, o in enumerate(warm_start)]
        if parallel_lag is not None:
            config["parallel"] = {"lag": _integer("parallel_lag", parallel_lag)}
        if not isinstance(trials, str):
            raise TypeError(
                f'trials must be "keep" or "stream", got {type(trials).__name__} ({trials!r})'
            )
        if trials != "keep":
            config["trials"] = trials
        if on_told is not None and trials != "stream":
            raise ValueError('on_told= receives streamed trials; pass trials="stream" with it')
        if on_told is not None and not callable(on_told):
            raise TypeError(f"on_told must be callable, got {type(on_told).__name__}")
        self._solver = _core.Solver(_config_text(config))
        self._on_told = on_told

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | str | os.PathLike[str]) -> ArqonSolver:
        """A solver from a config dict, JSON text, or the path of a JSON file.

        Accepts the engine's config (``contracts/config.schema.json``) and the arqonhpo 0.3
        format (``{"seed", "budget", "bounds": {name: {"min", "max", "scale"}}}``).

        Raises:
            ConfigError: Invalid JSON or an invalid value (every problem is listed).

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver.from_config(
            ...     {"budget": 10, "space": {"lr": {"type": "float", "low": 1e-4, "high": 1, "log": True}}}
            ... )
            >>> solver.config["strategy"], solver.config["seed"]
            ('auto', 0)
        """
        if isinstance(config, Mapping):
            text = _config_text(config)
        elif isinstance(config, str) and config.lstrip().startswith("{"):
            text = config
        elif isinstance(config, (str, os.PathLike)):
            data = Path(config).read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _config_error(
                    "json",
                    f"the config file is not UTF-8 text: byte {exc.start} is not valid UTF-8",
                ) from None
        else:
            raise TypeError(
                f"config must be a dict, JSON text or a path, got {type(config).__name__}"
            )
        return cls._wrap(_core.Solver(text))

    @classmethod
    def _wrap(cls, solver: _core.Solver) -> ArqonSolver:
        self = cls.__new__(cls)
        self._solver = solver
        self._on_told = None
        return self

    def _deliver(self) -> None:
        """Hands the trials told since the last call to ``on_told`` (streaming mode)."""
        if self._on_told is not None:
            for record in self._solver.drain_told():
                self._on_told(TrialResult._from_record(record))

    @property
    def on_told(self) -> Callable[[TrialResult], None] | None:
        """The callback that receives each told trial in streaming mode (settable, e.g. after
        ``load``; it is not saved or pickled)."""
        return self._on_told

    @on_told.setter
    def on_told(self, callback: Callable[[TrialResult], None] | None) -> None:
        if callback is not None and not callable(callback):
            raise TypeError(f"on_told must be callable, got {type(callback).__name__}")
        if callback is not None and not self._streaming():
            raise ValueError('on_told= receives streamed trials; pass trials="stream" with it')
        self._on_told = callback

    def drain_told(self) -> list[TrialResult]:
        """Streaming mode (``trials="stream"``): the trials told since the last call, in the
        order told, each once; the solver keeps no copy. Empty when every trial is kept.

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=3, trials="stream")
            >>> for v in (3.0, 1.0):
            ...     solver.tell(solver.ask(), v)
            >>> [(t.id, t.value) for t in solver.drain_told()], solver.drain_told()
            ([(0, 3.0), (1, 1.0)], [])
        """
        return [TrialResult._from_record(r) for r in self._solver.drain_told()]

    # -- ask / tell ---------------------------------------------------------------------------

    def ask(self) -> Trial | None:
        """The next trial to evaluate, or None once the whole budget has been handed out.

        Asking does not wait for earlier trials to be told: several may be pending.

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=1)
            >>> trial = solver.ask()
            >>> trial.id, trial.phase, solver.ask()
            (0, 'probe', None)
        """
        trial = self._solver.ask()
        self._deliver()
        return trial

    def ask_next(self) -> Trial | Literal["wait"] | None:
        """The next trial; ``"wait"`` when ``parallel_lag`` needs an earlier trial told first
        (tell one, then ask again); None once the whole budget has been handed out."""
        trial = self._solver.ask_next()
        self._deliver()
        return trial

    def ask_batch(self, n: int) -> list[Trial]:
        """Up to ``n`` trials at once, for parallel workers (fewer near the end of the budget).

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=6)
            >>> [t.id for t in solver.ask_batch(4)], [t.id for t in solver.ask_batch(4)]
            ([0, 1, 2, 3], [4, 5])
            >>> solver.pending
            [0, 1, 2, 3, 4, 5]
        """
        trials = self._solver.ask_batch(n)
        self._deliver()
        return trials

    def tell(
        self,
        trial: Trial | int,
        value: float | None = None,
        *,
        failed: bool = False,
        reason: str | None = None,
    ) -> None:
        """Reports a result: ``tell(trial, value)``, or ``tell(trial, failed=True, reason=...)``.

        Args:
            trial: The ``Trial`` or its id. Trials may be told in any order.
            value: The objective value (lower is better); a NaN or infinite value records the
                trial as failed.
            failed: Record the evaluation as failed (it counts as the worst result).
            reason: Why it failed; kept in the artifact.

        Raises:
            TrialError: An unknown or already-told id, or a Trial handed out by another
                solver; the solver is then unchanged.

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=4)
            >>> a, b = solver.ask_batch(2)
            >>> solver.tell(b.id, 0.25)
            >>> solver.tell(a, failed=True, reason="out of memory")
            >>> [(t.status, t.reason) for t in solver.trials]
            [('failed', 'out of memory'), ('completed', None)]
        """
        self._solver.tell(trial, value, failed=failed, reason=reason)
        self._deliver()

    # -- state ----------------------------------------------------------------------------------

    @property
    def best(self) -> TrialResult | None:
        """The best completed trial (lowest value; the earliest on ties), or None.

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=3)
            >>> solver.best is None
            True
            >>> for v in (3.0, 1.0, 2.0):
            ...     solver.tell(solver.ask(), v)
            >>> solver.best.id, solver.best.value
            (1, 1.0)
        """
        record = self._solver.best
        return None if record is None else TrialResult._from_record(record)

    @property
    def trials(self) -> TrialsView:
        """Every trial handed out, by id, as ``TrialResult`` records (pending ones included):
        a read-only sequence that builds each record when it is read (see ``TrialsView``).
        With ``trials="stream"`` it holds only the trials the solver still keeps.

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=3)
            >>> solver.tell(solver.ask(), 1.0)
            >>> _ = solver.ask()
            >>> [t.status for t in solver.trials]
            ['completed', 'pending']
        """
        return TrialsView(self._solver)

    @property
    def pending(self) -> list[int]:
        """Ids of trials handed out and not yet told.

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=3)
            >>> batch = solver.ask_batch(3)
            >>> solver.tell(batch[1], 0.5)
            >>> solver.pending
            [0, 2]
        """
        return self._solver.pending

    @property
    def n_issued(self) -> int:
        """Number of trials handed out.

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=3)
            >>> _ = solver.ask_batch(2)
            >>> solver.n_issued, solver.n_told
            (2, 0)
        """
        return self._solver.issued

    @property
    def n_told(self) -> int:
        """Number of trials told (completed or failed).

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=3)
            >>> solver.tell(solver.ask(), 0.1)
            >>> solver.n_told
            1
        """
        return self._solver.told

    @property
    def held_trials(self) -> int:
        """Number of trials the solver holds in memory: every trial handed out, or with
        ``trials="stream"`` the pending ones, the best and the probe until it is classified.

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver(
            ...     {"x": aq.Float(0, 1)}, budget=40, strategy="random", trials="stream"
            ... )
            >>> for _ in range(40):
            ...     solver.tell(solver.ask(), 0.5)
            >>> solver.held_trials, len(solver.drain_told())
            (1, 40)
        """
        return self._solver.held_trials

    @property
    def is_done(self) -> bool:
        """Whether the budget is spent and every trial told.

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=1)
            >>> trial = solver.ask()
            >>> solver.is_done
            False
            >>> solver.tell(trial, 0.0)
            >>> solver.is_done, solver.phase
            (True, 'done')
        """
        return self._solver.is_done

    @property
    def phase(self) -> str:
        """``"probe"``, ``"refine"`` or ``"done"``.

        Examples:
            >>> import arqonhpo as aq
            >>> aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=10).phase
            'probe'
        """
        return self._solver.phase

    @property
    def strategy(self) -> str | None:
        """The refining strategy once the probe is classified, else None.

        ``"nelder_mead"``, ``"tpe"``, ``"random"``, ``"cmaes"``, ``"trust_region"`` or ``"gp"``.

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"k": aq.Choice(["a", "b"])}, budget=12, seed=0)
            >>> solver.strategy is None
            True
            >>> while (t := solver.ask()) is not None:
            ...     solver.tell(t, 0.0 if t.params["k"] == "a" else 1.0)
            >>> solver.strategy
            'tpe'
        """
        return self._solver.strategy

    @property
    def classification(self) -> Classification | None:
        """The landscape classification (label, score, features, reason) after the probe.

        None until every probe trial is told. See ``Classification``.
        """
        c = self._solver.classification
        if c is None:
            return None
        return Classification(
            label=c["label"],
            score=c["score"],
            threshold=c["threshold"],
            features=c["features"],
            reason=c["reason"],
        )

    @property
    def config(self) -> dict[str, Any]:
        """The validated config the solver runs (engine format, defaults filled in).

        Examples:
            >>> import arqonhpo as aq
            >>> config = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=10, seed=3).config
            >>> config["budget"], config["seed"], config["space"]["x"]["type"]
            (10, 3, 'float')
        """
        result: dict[str, Any] = json.loads(self._solver.config_json())
        return result

    # -- persistence ----------------------------------------------------------------------------

    def artifact(self) -> dict[str, Any]:
        """The run so far as a dict matching ``contracts/artifact.schema.json``.

        It holds the config, every trial, the classification and the best trial;
        ``from_artifact`` resumes from it.

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=10)
            >>> solver.tell(solver.ask(), 0.5)
            >>> artifact = solver.artifact()
            >>> artifact["phase"], len(artifact["trials"]), artifact["trials"][0]["status"]
            ({'phase': 'probe'}, 1, 'completed')
        """
        result: dict[str, Any] = self._solver.artifact()
        return result

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the run artifact as JSON; ``ArqonSolver.load(path)`` resumes it exactly.

        The file is UTF-8 with ``\\n`` line ends on every platform, and it is replaced
        atomically: it is written beside the target and renamed over it, so a crash or a
        concurrent ``save`` never leaves a torn file (the last complete ``save`` wins).

        Examples:
            >>> import arqonhpo as aq, tempfile, pathlib
            >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.json"
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=10, seed=1)
            >>> solver.tell(solver.ask(), 0.5)
            >>> solver.save(path)
            >>> aq.ArqonSolver.load(path).ask().params == solver.ask().params
            True
        """
        # A streaming run's artifact lacks the trials streamed out: its small state is saved.
        text = self._solver.snapshot() if self._streaming() else self._solver.artifact_json()
        _write_atomically(Path(path), (text + "\n").encode("utf-8"))

    def _streaming(self) -> bool:
        return bool(json.loads(self._solver.config_json()).get("trials") == "stream")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ArqonSolver:
        """Resumes from an artifact written by ``save`` (or the CLI): the trials are replayed,
        pending ones included, and the next ``ask()`` is the one the saved run would make.
        A streaming run (``trials="stream"``) saves its state instead, which is restored.

        Raises:
            ResumeError: The file is not a readable artifact, or its trials do not replay.
        """
        data = Path(path).read_bytes()
        if data.startswith(b'{"state_version":'):
            return cls._wrap(_core.Solver.restore(data.decode("utf-8", errors="replace")))
        return cls._wrap(_core.Solver.from_artifact(data))

    @classmethod
    def from_artifact(cls, artifact: Mapping[str, Any] | str) -> ArqonSolver:
        """Resumes from an artifact dict or its JSON text (see ``load``).

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=10)
            >>> pending = solver.ask()
            >>> resumed = aq.ArqonSolver.from_artifact(solver.artifact())
            >>> resumed.pending
            [0]
        """
        text = artifact if isinstance(artifact, str) else json.dumps(artifact)
        return cls._wrap(_core.Solver.from_artifact(text))

    def snapshot(self) -> str:
        """The complete engine state as JSON text (RNG streams included); see ``restore``.

        ``pickle`` uses it too.
        """
        return self._solver.snapshot()

    @classmethod
    def restore(cls, snapshot: str) -> ArqonSolver:
        """Continues bit-identically from ``snapshot()`` text.

        Raises:
            ResumeError: The text is not a snapshot this version can read.

        Examples:
            >>> import arqonhpo as aq
            >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=10, seed=2)
            >>> copy = aq.ArqonSolver.restore(solver.snapshot())
            >>> copy.ask().params == solver.ask().params
            True
        """
        return cls._wrap(_core.Solver.restore(snapshot))

    def __reduce__(self) -> Any:
        return (self.__class__.restore, (self._solver.snapshot(),))

    def __repr__(self) -> str:
        return f"ArqonSolver(phase={self.phase!r}, strategy={self.strategy!r}, issued={self.n_issued}, told={self.n_told})"


def _write_atomically(path: Path, data: bytes) -> None:
    """Writes ``data`` to a new file beside ``path``, flushes it to disk and renames it over
    ``path`` (``os.replace`` is atomic on POSIX and Windows alike). The new file gets the
    permissions any new file gets (mode 0o666 less the umask)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _observation(i: int, obs: Any) -> dict[str, Any]:
    """A warm-start point from ``(params, value)`` or ``{"params": ..., "value": ...}``."""
    if isinstance(obs, Mapping):
        return dict(obs)
    if isinstance(obs, (tuple, list)) and len(obs) == 2:
        return {"params": dict(obs[0]), "value": obs[1]}
    raise TypeError(
        f"warm_start[{i}] must be (params, value) or a dict with params and value, got {obs!r}"
    )
