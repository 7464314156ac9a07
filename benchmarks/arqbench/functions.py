"""Synthetic test functions from the literature, with their standard domains and optima.

Definitions and domains follow the Virtual Library of Simulation Experiments (Surjanovic &
Bingham, SFU) and Jamil & Yang (2013), "A literature survey of benchmark functions for global
optimization problems". Every function takes a 1-D numpy array and returns a float; only
numpy is needed, so the CI gate (``benchmarks/gate``) can use them from the main ``.venv``.

**Shifted optima.** Several of these functions have their minimiser at the centre of the
domain, where some optimizers start (Optuna's CMA-ES puts its initial mean there; Nevergrad's
NGOpt picks Cobyla for small continuous budgets, whose first point is the centre). The suite
therefore evaluates the any-dimension functions shifted, ``f(x - s)``, with a fixed offset
``s`` per function and dimension (seeded, up to 40% of the half-width, keeping the minimiser
at least 10% of the width inside the domain), as the BBOB suite does. The optimum *value* is
unchanged. Branin and Hartmann are used as published (their minimisers are off-centre).

``landscape`` tags each function ``smooth`` (one basin or a few broad ones) or ``rugged``
(many local minima or noise); the report groups results by it, because that is the
distinction ArqonHPO's classifier draws.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .space import Param, box


@dataclass(frozen=True)
class TestFunction:
    """A test function: ``f(x)``, its domain per coordinate, its optimum value, its tag.

    ``dims`` is None for functions defined in any dimension, else the one dimension it has.
    """

    name: str
    f: Callable[[np.ndarray], float]
    low: list[float] | float
    high: list[float] | float
    optimum: Callable[[int], float]
    landscape: str
    minimiser: Callable[[int], np.ndarray]
    dims: int | None = None

    def space(self, d: int) -> list[Param]:
        names = [f"x{i}" for i in range(d)]
        if isinstance(self.low, list):
            return [
                Param(n, "float", float(lo), float(hi))
                for n, lo, hi in zip(names, self.low, self.high)
            ]  # type: ignore[arg-type]
        return box(names, float(self.low), float(self.high))  # type: ignore[arg-type]

    def shift(self, d: int) -> np.ndarray:
        """The fixed offset applied to this function in ``d`` dimensions (zeros for the
        fixed-dimension functions)."""
        if self.dims is not None:
            return np.zeros(d)
        lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
        width = hi - lo
        rng = np.random.default_rng(zlib.crc32(f"{self.name}-{d}".encode()))
        s = rng.uniform(-0.2 * width, 0.2 * width, d)
        x = np.clip(self.minimiser(d) + s, lo + 0.1 * width, hi - 0.1 * width)
        return x - self.minimiser(d)


def sphere(x: np.ndarray) -> float:
    return float(np.sum(x * x))


def rosenbrock(x: np.ndarray) -> float:
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


def rastrigin(x: np.ndarray) -> float:
    return float(10.0 * x.size + np.sum(x * x - 10.0 * np.cos(2.0 * math.pi * x)))


def ackley(x: np.ndarray) -> float:
    d = x.size
    a = -20.0 * math.exp(-0.2 * math.sqrt(float(np.sum(x * x)) / d))
    b = -math.exp(float(np.sum(np.cos(2.0 * math.pi * x))) / d)
    return a + b + 20.0 + math.e


def levy(x: np.ndarray) -> float:
    w = 1.0 + (x - 1.0) / 4.0
    head = math.sin(math.pi * w[0]) ** 2
    mid = np.sum((w[:-1] - 1.0) ** 2 * (1.0 + 10.0 * np.sin(math.pi * w[:-1] + 1.0) ** 2))
    tail = (w[-1] - 1.0) ** 2 * (1.0 + math.sin(2.0 * math.pi * w[-1]) ** 2)
    return float(head + mid + tail)


def styblinski_tang(x: np.ndarray) -> float:
    return float(0.5 * np.sum(x**4 - 16.0 * x * x + 5.0 * x))


def griewank(x: np.ndarray) -> float:
    i = np.arange(1, x.size + 1)
    return float(1.0 + np.sum(x * x) / 4000.0 - np.prod(np.cos(x / np.sqrt(i))))


def zakharov(x: np.ndarray) -> float:
    s = float(np.sum(0.5 * np.arange(1, x.size + 1) * x))
    return float(np.sum(x * x)) + s**2 + s**4


def branin(x: np.ndarray) -> float:
    a, b, c = 1.0, 5.1 / (4.0 * math.pi**2), 5.0 / math.pi
    r, s, t = 6.0, 10.0, 1.0 / (8.0 * math.pi)
    return float(
        a * (x[1] - b * x[0] ** 2 + c * x[0] - r) ** 2 + s * (1.0 - t) * math.cos(x[0]) + s
    )


_H3_A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
_H3_P = 1e-4 * np.array(
    [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
)
_H6_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ],
    dtype=float,
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
_H_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann3(x: np.ndarray) -> float:
    return float(-np.sum(_H_ALPHA * np.exp(-np.sum(_H3_A * (x - _H3_P) ** 2, axis=1))))


def hartmann6(x: np.ndarray) -> float:
    return float(-np.sum(_H_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1))))


FUNCTIONS: dict[str, TestFunction] = {
    t.name: t
    for t in [
        TestFunction("sphere", sphere, -5.12, 5.12, lambda d: 0.0, "smooth", np.zeros),
        TestFunction("rosenbrock", rosenbrock, -5.0, 10.0, lambda d: 0.0, "smooth", np.ones),
        TestFunction("zakharov", zakharov, -5.0, 10.0, lambda d: 0.0, "smooth", np.zeros),
        TestFunction(
            "styblinski_tang",
            styblinski_tang,
            -5.0,
            5.0,
            lambda d: -39.16616570377142 * d,
            "smooth",
            lambda d: np.full(d, -2.903534027771178),
        ),
        TestFunction("rastrigin", rastrigin, -5.12, 5.12, lambda d: 0.0, "rugged", np.zeros),
        TestFunction("ackley", ackley, -32.768, 32.768, lambda d: 0.0, "rugged", np.zeros),
        TestFunction("levy", levy, -10.0, 10.0, lambda d: 0.0, "rugged", np.ones),
        TestFunction("griewank", griewank, -600.0, 600.0, lambda d: 0.0, "rugged", np.zeros),
        TestFunction(
            "branin",
            branin,
            [-5.0, 0.0],
            [10.0, 15.0],
            lambda d: 0.397887357729738,
            "smooth",
            lambda d: np.array([math.pi, 2.275]),
            dims=2,
        ),
        TestFunction(
            "hartmann3",
            hartmann3,
            0.0,
            1.0,
            lambda d: -3.86278214782076,
            "smooth",
            lambda d: np.array([0.114614, 0.555649, 0.852547]),
            dims=3,
        ),
        TestFunction(
            "hartmann6",
            hartmann6,
            0.0,
            1.0,
            lambda d: -3.32236801141551,
            "smooth",
            lambda d: np.array([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]),
            dims=6,
        ),
    ]
}


class NoisyRastrigin:
    """Rastrigin plus seeded Gaussian noise (sd 1.0): a rugged *and* noisy 2-D landscape.

    The noise stream is seeded per instance, so a run is reproducible; regret is measured on
    the noise-free value of the best point, which callers get from ``rastrigin``.
    """

    def __init__(self, seed: int, sd: float = 1.0) -> None:
        self._rng = np.random.default_rng(seed)
        self._sd = sd

    def __call__(self, x: np.ndarray) -> float:
        return rastrigin(x) + float(self._rng.normal(0.0, self._sd))
