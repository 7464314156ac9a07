"""Type stubs of the native module (hand-written; checked by ``python -m mypy.stubtest``)."""

from typing import Any, Dict, List, Optional, Sequence, SupportsFloat, SupportsIndex, Tuple, Union, final

__all__ = [
    "ArqonError",
    "ConfigError",
    "TrialError",
    "ResumeError",
    "Solver",
    "Trial",
    "_panic_for_tests",
    "ENGINE_VERSION",
    "STRATEGIES",
]

_ParamValue = Union[float, int, str, bool]

ENGINE_VERSION: str
STRATEGIES: Sequence[str]

class ArqonError(Exception):
    """Base class of every ArqonHPO error."""

class ConfigError(ArqonError, ValueError):
    """The configuration is invalid; ``issues`` lists (path, message) pairs."""

    issues: List[Tuple[str, str]]

class TrialError(ArqonError, KeyError):
    """tell() named an unknown or already-told trial id."""

    trial_id: int

class ResumeError(ArqonError, ValueError):
    """A snapshot, pickle or artifact could not be resumed."""

@final
class Trial:
    def __new__(cls, id: int, params: Dict[str, _ParamValue], phase: str, strategy: str) -> Trial: ...
    @property
    def id(self) -> int: ...
    @property
    def params(self) -> Dict[str, _ParamValue]: ...
    @property
    def phase(self) -> str: ...
    @property
    def strategy(self) -> str: ...
    def __reduce__(self) -> Tuple[Any, ...]: ...

@final
class Solver:
    def __new__(cls, config_json: str) -> Solver: ...
    @staticmethod
    def restore(snapshot: str) -> Solver: ...
    @staticmethod
    def from_artifact(artifact_json: str) -> Solver: ...
    def ask(self) -> Optional[Trial]: ...
    def ask_batch(self, n: SupportsIndex) -> List[Trial]: ...
    def tell(
        self,
        trial: Union[Trial, SupportsIndex],
        value: Optional[SupportsFloat] = None,
        *,
        failed: bool = False,
        reason: Optional[str] = None,
    ) -> None: ...
    def snapshot(self) -> str: ...
    def artifact(self) -> Dict[str, Any]: ...
    def artifact_json(self) -> str: ...
    def config_json(self) -> str: ...
    @property
    def best(self) -> Optional[Dict[str, Any]]: ...
    @property
    def trials(self) -> List[Dict[str, Any]]: ...
    @property
    def pending(self) -> List[int]: ...
    @property
    def issued(self) -> int: ...
    @property
    def told(self) -> int: ...
    @property
    def is_done(self) -> bool: ...
    @property
    def phase(self) -> str: ...
    @property
    def strategy(self) -> Optional[str]: ...
    @property
    def classification(self) -> Optional[Dict[str, Any]]: ...
    def __reduce__(self) -> Tuple[Any, ...]: ...

def _panic_for_tests() -> None: ...
