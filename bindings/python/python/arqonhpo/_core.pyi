"""Type stubs of the native module (hand-written; checked by ``python -m mypy.stubtest``)."""

from collections.abc import Sequence
from typing import (
    Any,
    Literal,
    SupportsFloat,
    SupportsIndex,
    final,
)

__all__ = [
    "ENGINE_VERSION",
    "STRATEGIES",
    "ArqonError",
    "ConfigError",
    "ResumeError",
    "Solver",
    "Trial",
    "TrialError",
    "_config_error",
    "_integer",
    "_is_numpy_bool",
    "_real",
]

_ParamValue = float | int | str | bool

ENGINE_VERSION: str
STRATEGIES: Sequence[str]

class ArqonError(Exception):
    """Base class of every ArqonHPO error: catch it to handle them all.

    An engine bug (a Rust panic) is also raised as ``ArqonError``, never as an abort.

    Examples:
        >>> import arqonhpo as aq
        >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=2)
        >>> try:
        ...     solver.tell(7, 1.0)
        ... except aq.ArqonError as err:
        ...     print(type(err).__name__)
        TrialError
    """

class ConfigError(ArqonError, ValueError):
    """The configuration is invalid; ``issues`` lists every problem as (path, message) pairs.

    Also a ``ValueError``. Raised before any solver exists.

    Examples:
        >>> import arqonhpo as aq
        >>> try:
        ...     aq.ArqonSolver({"lr": aq.Float(1.0, 0.1)}, budget=0)
        ... except aq.ConfigError as err:
        ...     print([path for path, _ in err.issues])
        ['budget', 'space.lr']
    """

    issues: list[tuple[str, str]]
    """(field path, message) for every problem, e.g. ``("space.lr", "needs low < high, ...")``."""

class TrialError(ArqonError, KeyError):
    """``tell()`` named an unknown or already-told trial id, or a ``Trial`` handed out by
    another solver; the solver is unchanged.

    Also a ``KeyError``.

    Examples:
        >>> import arqonhpo as aq
        >>> solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=2)
        >>> trial = solver.ask()
        >>> solver.tell(trial, 1.0)
        >>> try:
        ...     solver.tell(trial, 2.0)
        ... except aq.TrialError as err:
        ...     print(err.trial_id, solver.n_told)
        0 1
    """

    trial_id: int
    """The id that was named."""

class ResumeError(ArqonError, ValueError):
    """A snapshot, pickle or artifact could not be resumed (damaged or not ArqonHPO's).

    Also a ``ValueError``.

    Examples:
        >>> import arqonhpo as aq
        >>> try:
        ...     aq.ArqonSolver.restore('{"not": "a snapshot"}')
        ... except aq.ResumeError:
        ...     print("cannot resume")
        cannot resume
    """

@final
class Trial:
    """A trial handed out by ``ask()``: its id and the parameters to evaluate.

    Immutable and picklable, so it can be sent to a worker process.

    Examples:
        >>> import arqonhpo as aq
        >>> solver = aq.ArqonSolver({"lr": aq.Float(1e-3, 1.0, log=True)}, budget=5, seed=0)
        >>> trial = solver.ask()
        >>> trial.id, sorted(trial.params), trial.phase, trial.strategy
        (0, ['lr'], 'probe', 'sobol')
    """

    def __new__(
        cls,
        id: int,
        params: dict[str, _ParamValue],
        phase: str,
        strategy: str,
        key: int | None = None,
    ) -> Trial: ...
    @property
    def id(self) -> int:
        """The trial id, to pass to ``tell`` (0, 1, 2, ... in the order handed out)."""
    @property
    def params(self) -> dict[str, _ParamValue]:
        """Parameter name → value, in space order (``float``, ``int``, or the choice's option)."""
    @property
    def phase(self) -> str:
        """``"probe"`` or ``"refine"``."""
    @property
    def strategy(self) -> str:
        """The component that proposed it: ``"sobol"``, ``"nelder_mead"``, ``"tpe"``, ``"random"``, ``"cmaes"``, ``"trust_region"`` or ``"gp"``."""
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class Solver:
    def __new__(cls, config_json: str) -> Solver: ...
    @staticmethod
    def restore(snapshot: str) -> Solver: ...
    @staticmethod
    def from_artifact(artifact_json: str | bytes) -> Solver: ...
    def ask(self) -> Trial | None: ...
    def ask_next(self) -> Trial | Literal["wait"] | None: ...
    def ask_batch(self, n: SupportsIndex) -> list[Trial]: ...
    def tell(
        self,
        trial: Trial | SupportsIndex,
        value: SupportsFloat | None = None,
        *,
        failed: bool = False,
        reason: str | None = None,
    ) -> None: ...
    def snapshot(self) -> str: ...
    def artifact(self) -> dict[str, Any]: ...
    def artifact_json(self) -> str: ...
    def config_json(self) -> str: ...
    @property
    def best(self) -> dict[str, Any] | None: ...
    @property
    def trials(self) -> list[dict[str, Any]]: ...
    def trial(self, id: int) -> dict[str, Any] | None: ...
    def held_ids(self) -> list[int]: ...
    @property
    def held_trials(self) -> int: ...
    def drain_told(self) -> list[dict[str, Any]]: ...
    @property
    def pending(self) -> list[int]: ...
    @property
    def issued(self) -> int: ...
    @property
    def told(self) -> int: ...
    @property
    def is_done(self) -> bool: ...
    @property
    def phase(self) -> str: ...
    @property
    def strategy(self) -> str | None: ...
    @property
    def classification(self) -> dict[str, Any] | None: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

def _real(what: str, value: object) -> float: ...
def _integer(what: str, value: object) -> int: ...
def _is_numpy_bool(value: object) -> bool: ...
def _config_error(issues: list[tuple[str, str]]) -> ConfigError: ...
