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
    """Base class of every ArqonHPO error."""

class ConfigError(ArqonError, ValueError):
    """The configuration is invalid; ``issues`` lists (path, message) pairs."""

    issues: list[tuple[str, str]]

class TrialError(ArqonError, KeyError):
    """tell() named an unknown or already-told trial id, or another solver's Trial."""

    trial_id: int

class ResumeError(ArqonError, ValueError):
    """A snapshot, pickle or artifact could not be resumed."""

@final
class Trial:
    def __new__(
        cls,
        id: int,
        params: dict[str, _ParamValue],
        phase: str,
        strategy: str,
        key: int | None = None,
    ) -> Trial: ...
    @property
    def id(self) -> int: ...
    @property
    def params(self) -> dict[str, _ParamValue]: ...
    @property
    def phase(self) -> str: ...
    @property
    def strategy(self) -> str: ...
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
