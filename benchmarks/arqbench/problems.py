"""The problem registry: every problem of the quality matrix by id, with its family.

Ids: ``synthetic/<function>-d<D>``, ``rotated/<function>-d<D>``, ``separable/<function>-d<D>``,
``simulation/<name>``, ``sklearn/<name>``. A problem gives its space, its objective (named
params -> float) and the offset that turns a value into a regret (the known optimum for
synthetic functions; None when the optimum is unknown and the report uses the best value any
run found).

The ``rotated`` and ``separable`` problems form the BBOB-style suite of the ``small`` and
``rotated`` profiles, grouped in ``GROUPS`` (the families of issues 16 and 17): every function
of a group except the separable ones is rotated (``functions.rotation``), the separable ones are
only shifted. A problem's ``landscape`` is then its group.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .functions import FUNCTIONS, rotation, rotation_seed
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
    rotation_seed: int | None = None
    """The seed of the rotation matrix (``functions.random_rotation``), for rotated problems."""

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


#: The BBOB-style families, each with its functions; ``separable`` is shifted, not rotated.
GROUPS: dict[str, tuple[str, ...]] = {
    "ill-conditioned": ("ellipsoid", "bent_cigar", "discus"),
    "moderate conditioning": ("rosenbrock", "zakharov"),
    "separable": ("rastrigin", "linear_slope", "styblinski_tang"),
    "multimodal, global structure": ("rastrigin", "weierstrass", "schaffer_f7"),
    "multimodal, weak structure": ("schwefel", "katsuura", "styblinski_tang"),
}


def _group_of(name: str, rotated: bool) -> str:
    for group, names in GROUPS.items():
        if name in names and (group == "separable") != rotated:
            return group
    raise KeyError(f"{name!r} is in no {'rotated' if rotated else 'separable'} group")


def rotated(name: str, d: int, rotate: bool = True) -> Problem:
    """``name`` in ``d`` dimensions evaluated at ``m + R (x - x*)``: ``x*`` is the shifted
    minimiser (``TestFunction.shift``), ``m`` the function's own minimiser and ``R`` its fixed
    rotation, so ``x*`` is the minimiser with the published optimum value. ``rotate=False``
    gives the separable family's problem (``R`` = identity)."""
    fn = FUNCTIONS[name]
    space = fn.space(d)
    names = [p.name for p in space]
    m = fn.minimiser(d)
    x_star = m + fn.shift(d)
    seed = rotation_seed(name, d) if rotate else None
    r = rotation(name, d) if rotate else np.eye(d)
    lo, hi = float(fn.low), float(fn.high)  # type: ignore[arg-type]

    def objective(params: dict[str, Any]) -> float:
        z = m + r @ (np.array([params[n] for n in names], dtype=float) - x_star)
        if not fn.guarded:
            return fn.f(z)
        inside = np.clip(z, lo, hi)
        return fn.f(inside) + float(np.sum((z - inside) ** 2))

    kind = "rotated" if rotate else "separable"
    return Problem(
        f"{kind}/{name}-d{d}",
        kind,
        space,
        objective,
        fn.optimum(d),
        _group_of(name, rotate),
        f"{name} in {d} dimensions, {kind}"
        + (f" (rotation seed {seed})" if seed is not None else ""),
        seed,
    )


def bbob_ids(dims: Sequence[int]) -> list[str]:
    """Every problem of ``GROUPS`` at each of ``dims``, ordered by dimension, then group."""
    ids = []
    for d in dims:
        for group, names in GROUPS.items():
            kind = "separable" if group == "separable" else "rotated"
            ids += [f"{kind}/{n}-d{d}" for n in names]
    return ids


def get(problem_id: str) -> Problem:
    family, _, rest = problem_id.partition("/")
    if family == "synthetic":
        name, _, d = rest.rpartition("-d")
        return synthetic(name, int(d))
    if family in ("rotated", "separable"):
        name, _, d = rest.rpartition("-d")
        return rotated(name, int(d), rotate=family == "rotated")
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
    ids = [
        f"synthetic/{n}-d{d}"
        for d in dims
        for n, f in FUNCTIONS.items()
        if f.dims is None and f.classic
    ]
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
