"""The suite's test functions are the published ones: each takes its published optimum value
at its published minimiser, and is higher a little way off it (so a typo in a constant, which
would silently skew every regret, fails here). The shifted problems the suite runs keep the
optimum value, inside the domain and away from its centre; the rotated ones keep it too, with
an orthogonal matrix rebuilt from the seed each run records."""

from __future__ import annotations

import numpy as np
import pytest

from arqbench import problems
from arqbench.functions import FUNCTIONS, MAX_DIAGONAL, random_rotation, rotation, rotation_seed


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_optimum_is_attained_at_the_minimiser(name: str) -> None:
    fn = FUNCTIONS[name]
    for d in [fn.dims] if fn.dims else [2, 5, 10]:
        x = fn.minimiser(d)
        assert fn.f(x) == pytest.approx(fn.optimum(d), abs=1e-5)
        rng = np.random.default_rng(0)
        for _ in range(5):
            assert fn.f(x + rng.normal(0.0, 1e-2, d)) > fn.optimum(d) - 1e-6


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_shifted_problem_keeps_its_optimum_inside_and_off_centre(name: str) -> None:
    fn = FUNCTIONS[name]
    for d in [fn.dims] if fn.dims else [2, 5, 10]:
        p = problems.synthetic(name, d)
        x = fn.minimiser(d) + fn.shift(d)
        lo = np.array([q.low for q in p.space])
        hi = np.array([q.high for q in p.space])
        assert np.all(lo <= x) and np.all(x <= hi)
        assert p.objective({q.name: float(v) for q, v in zip(p.space, x)}) == pytest.approx(
            fn.optimum(d), abs=1e-5
        )
        centre = {q.name: (q.low + q.high) / 2 for q in p.space}
        assert p.objective(centre) > fn.optimum(d) + 1e-3, "the centre of the domain is not optimal"


ROTATED_DIMS = [2, 5, 10, 20]


@pytest.mark.parametrize("d", ROTATED_DIMS)
def test_rotation_is_orthogonal_and_rebuilt_from_its_recorded_seed(d: int) -> None:
    r = rotation("ellipsoid", d)
    assert np.allclose(r @ r.T, np.eye(d), atol=1e-12)
    assert abs(abs(np.linalg.det(r)) - 1.0) < 1e-9
    assert np.array_equal(random_rotation(d, rotation_seed("ellipsoid", d)), r)
    # A real rotation: every coordinate axis moves by more than 25 degrees ...
    assert np.max(np.abs(np.diag(r))) <= MAX_DIAGONAL
    # ... and each function and dimension has its own.
    assert not np.allclose(rotation("rastrigin", d), r)


@pytest.mark.parametrize("pid", problems.bbob_ids(ROTATED_DIMS))
def test_bbob_problem_keeps_its_optimum_at_the_shifted_minimiser(pid: str) -> None:
    p = problems.get(pid)
    fn = FUNCTIONS[pid.split("/")[1].rpartition("-d")[0]]
    d = p.dim
    x_star = fn.minimiser(d) + fn.shift(d)
    lo = np.array([q.low for q in p.space])
    hi = np.array([q.high for q in p.space])
    assert np.all(lo <= x_star) and np.all(x_star <= hi)

    def f(x: np.ndarray) -> float:
        return p.objective({q.name: float(v) for q, v in zip(p.space, x)})

    assert f(x_star) == pytest.approx(p.optimum, abs=1e-5)
    rng = np.random.default_rng(1)
    # Nowhere in the box (corners included, where a rotated point leaves the function's
    # domain) is below the optimum, so regrets are never negative.
    corners = [np.where(rng.random(d) < 0.5, lo, hi) for _ in range(20)]
    for x in [lo + rng.random(d) * (hi - lo) for _ in range(200)] + corners:
        assert f(x) >= p.optimum - 1e-9
    assert (p.rotation_seed is not None) == pid.startswith("rotated/")


def test_rotation_makes_a_separable_function_non_separable() -> None:
    # A separable f changes by the same amount when one coordinate moves, whatever the other
    # is; the rotated ellipsoid does not.
    for kind, separable in (("separable", True), ("rotated", False)):
        p = problems.rotated("rastrigin", 2, rotate=kind == "rotated")

        def f(a: float, b: float, p: problems.Problem = p) -> float:
            return p.objective({"x0": a, "x1": b})

        diffs = [f(1.0, b) - f(-1.0, b) for b in (-2.0, 0.5, 3.0)]
        assert np.allclose(diffs, diffs[0]) == separable, kind
