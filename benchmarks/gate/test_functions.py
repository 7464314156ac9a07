"""The suite's test functions are the published ones: each takes its published optimum value
at its published minimiser, and is higher a little way off it (so a typo in a constant, which
would silently skew every regret, fails here)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from arqbench.functions import FUNCTIONS

MINIMISERS = {
    "sphere": lambda d: np.zeros(d),
    "rosenbrock": lambda d: np.ones(d),
    "zakharov": lambda d: np.zeros(d),
    "styblinski_tang": lambda d: np.full(d, -2.903534027771178),
    "rastrigin": lambda d: np.zeros(d),
    "ackley": lambda d: np.zeros(d),
    "levy": lambda d: np.ones(d),
    "griewank": lambda d: np.zeros(d),
    "branin": lambda d: np.array([math.pi, 2.275]),
    "hartmann3": lambda d: np.array([0.114614, 0.555649, 0.852547]),
    "hartmann6": lambda d: np.array([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]),
}


def test_every_function_has_a_known_minimiser() -> None:
    assert set(MINIMISERS) == set(FUNCTIONS)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_optimum_is_attained_at_the_minimiser(name: str) -> None:
    fn = FUNCTIONS[name]
    for d in [fn.dims] if fn.dims else [2, 5, 10]:
        x = MINIMISERS[name](d)
        space = fn.space(d)
        assert all(p.low <= v <= p.high for p, v in zip(space, x)), "minimiser inside the domain"
        assert fn.f(x) == pytest.approx(fn.optimum(d), abs=1e-5)
        rng = np.random.default_rng(0)
        for _ in range(5):
            step = rng.normal(0.0, 1e-2, d)
            assert fn.f(x + step) > fn.optimum(d) - 1e-6
