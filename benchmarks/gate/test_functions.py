"""The suite's test functions are the published ones: each takes its published optimum value
at its published minimiser, and is higher a little way off it (so a typo in a constant, which
would silently skew every regret, fails here). The shifted problems the suite runs keep the
optimum value, inside the domain and away from its centre."""

from __future__ import annotations

import numpy as np
import pytest

from arqbench import problems
from arqbench.functions import FUNCTIONS


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
