"""The search-space description shared by every problem and every optimizer adapter.

A problem declares its parameters once (``Param``); each adapter in ``optimizers`` translates
them to its library's own types. ``to_unit``/``from_unit`` give the unit-cube encoding the
optimizers without native mixed spaces (SciPy's Nelder-Mead) work in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Param:
    """One parameter: ``kind`` is ``"float"``, ``"int"`` or ``"choice"``."""

    name: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    log: bool = False
    choices: tuple[Any, ...] = field(default_factory=tuple)

    def from_unit(self, u: float) -> Any:
        """The value at position ``u`` in [0, 1] (log scale and integer rounding applied;
        choices are equal cells in their listed order)."""
        u = min(max(float(u), 0.0), 1.0)
        if self.kind == "choice":
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        if self.log:
            x = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            x = self.low + u * (self.high - self.low)
        if self.kind == "int":
            return int(min(max(round(x), self.low), self.high))
        return min(max(x, self.low), self.high)


def Float(name: str, low: float, high: float, log: bool = False) -> Param:
    return Param(name, "float", float(low), float(high), log)


def Int(name: str, low: int, high: int, log: bool = False) -> Param:
    return Param(name, "int", float(low), float(high), log)


def Choice(name: str, choices: Sequence[Any]) -> Param:
    return Param(name, "choice", choices=tuple(choices))


def from_unit(space: Sequence[Param], u: Sequence[float]) -> dict[str, Any]:
    """Decodes a point of the unit cube into named parameter values."""
    return {p.name: p.from_unit(x) for p, x in zip(space, u)}


def box(names: list[str], low: float, high: float) -> list[Param]:
    """A continuous box ``[low, high]^D`` with the given parameter names."""
    return [Float(n, low, high) for n in names]


@dataclass(frozen=True)
class UseCase:
    """A use-case problem (simulation or scikit-learn tuning): its parameters, its objective
    (named params -> float, lower is better) and one line that says what it is."""

    name: str
    space: list[Param]
    objective: Callable[[dict[str, Any]], float]
    description: str
