"""The problem registry: every problem of the quality matrix by id, with its family.

Ids: ``synthetic/<function>-d<D>``, ``simulation/<name>``, ``sklearn/<name>``. A problem gives
its space, its objective (named params -> float) and the offset that turns a value into a
regret (the known optimum for synthetic functions; None when the optimum is unknown and the
report uses the best value any run found).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .functions import FUNCTIONS
from .space import Param


@dataclass(frozen=True)
class Problem:
    id: str
    family: str
    space: list[Param]
    objective: Callable[[dict[str, Any]], float]
    optimum: float | None
    landscape: str
    description: str

    @property
    def dim(self) -> int:
        return len(self.space)


def synthetic(name: str, d: int) -> Problem:
    """``name`` in ``d`` dimensions, with its minimiser moved off-centre (``TestFunction.shift``)."""
    fn = FUNCTIONS[name]
    space = fn.space(d)
    names = [p.name for p in space]
    shift = fn.shift(d)

    def objective(params: dict[str, Any]) -> float:
        return fn.f(np.array([params[n] for n in names], dtype=float) - shift)

    return Problem(
        f"synthetic/{name}-d{d}",
        "synthetic",
        space,
        objective,
        fn.optimum(d),
        fn.landscape,
        f"{name} in {d} dimensions",
    )


def get(problem_id: str) -> Problem:
    family, _, rest = problem_id.partition("/")
    if family == "synthetic":
        name, _, d = rest.rpartition("-d")
        return synthetic(name, int(d))
    if family == "simulation":
        from .simulation import PROBLEMS as SIM

        p = SIM[rest]
        return Problem(problem_id, family, p.space, p.objective, None, "unknown", p.description)
    if family == "sklearn":
        from .sklearn_tasks import PROBLEMS as SK

        q = SK[rest]
        return Problem(problem_id, family, q.space, q.objective, None, "unknown", q.description)
    raise KeyError(
        f"unknown problem id {problem_id!r} (expected synthetic/<fn>-d<D>, simulation/<name> or sklearn/<name>)"
    )


def synthetic_ids(dims: list[int]) -> list[str]:
    """Every any-dimension function at each of ``dims``, plus the fixed-dimension ones
    (Branin, Hartmann-3, Hartmann-6) once each."""
    ids = [f"synthetic/{n}-d{d}" for d in dims for n, f in FUNCTIONS.items() if f.dims is None]
    ids += [f"synthetic/{n}-d{f.dims}" for n, f in FUNCTIONS.items() if f.dims is not None]
    return ids


def fixed_name(problem_id: str) -> str | None:
    """The function name if ``problem_id`` is a fixed-dimension synthetic function, else None."""
    if not problem_id.startswith("synthetic/"):
        return None
    name = problem_id[len("synthetic/") :].rpartition("-d")[0]
    return name if FUNCTIONS[name].dims is not None else None


def simulation_ids() -> list[str]:
    from .simulation import PROBLEMS as SIM

    return [f"simulation/{n}" for n in SIM]


def sklearn_ids() -> list[str]:
    from .sklearn_tasks import PROBLEMS as SK

    return [f"sklearn/{n}" for n in SK]
