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

**Rotated variants.** ``rotation(name, d)`` is a seeded random orthogonal matrix per function
and dimension; the rotated problems (``problems.rotated``) evaluate ``f(m + R (x - x*))`` with
``x*`` the shifted minimiser, so the optimum (its place and its value) stays known while the
coordinates stop being separable, as in the BBOB suite (Hansen et al. 2009, "Real-parameter
black-box optimization benchmarking: noiseless functions definitions"). The functions added for
that suite (ellipsoid, bent cigar, discus, linear slope, Weierstrass, Schaffer F7, Schwefel,
Katsuura) follow the same report; ``classic`` marks the eight the ``quick`` and ``full`` profiles
have always run, so adding functions leaves those profiles' matrices unchanged.
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
    classic: bool = True
    """One of the synthetic family of the ``quick`` and ``full`` profiles."""
    shiftable: bool = True
    """False for a function whose optimum sits on the boundary by definition (linear slope)."""
    guarded: bool = False
    """True when the function is lower outside its domain (Schwefel): a rotated point is then
    evaluated at its projection onto the domain plus the squared distance to it."""

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
        if self.dims is not None or not self.shiftable:
            return np.zeros(d)
        lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
        width = hi - lo
        rng = np.random.default_rng(zlib.crc32(f"{self.name}-{d}".encode()))
        s = rng.uniform(-0.2 * width, 0.2 * width, d)
        x = np.clip(self.minimiser(d) + s, lo + 0.1 * width, hi - 0.1 * width)
        return x - self.minimiser(d)


#: A rotation whose diagonal has an entry above this (in absolute value) leaves a coordinate
#: almost where it was (cos 25°: at D = 2 a third of uniform draws do); the suite skips it.
MAX_DIAGONAL = 0.9


def rotation_seed(name: str, d: int) -> int:
    """The seed of ``rotation(name, d)``, recorded with every run so the matrix can be rebuilt
    from ``random_rotation`` alone: the first of CRC-32(name, dimension) + k, k = 0, 1, ...,
    whose matrix moves every coordinate axis (no diagonal entry above ``MAX_DIAGONAL``)."""
    seed = zlib.crc32(f"rotation-{name}-{d}".encode())
    while np.max(np.abs(np.diag(random_rotation(d, seed)))) > MAX_DIAGONAL:
        seed += 1
    return seed


def random_rotation(d: int, seed: int) -> np.ndarray:
    """A ``d x d`` orthogonal matrix drawn uniformly (Haar measure) from ``seed``: the QR
    decomposition of a standard normal matrix with the signs of R's diagonal moved into Q
    (Mezzadri 2007, "How to generate random matrices from the classical compact groups")."""
    a = np.random.default_rng(seed).standard_normal((d, d))
    q, r = np.linalg.qr(a)
    return q * np.sign(np.diag(r))


def rotation(name: str, d: int) -> np.ndarray:
    """The fixed rotation the suite applies to ``name`` in ``d`` dimensions."""
    return random_rotation(d, rotation_seed(name, d))


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


def _powers(d: int, top: float) -> np.ndarray:
    """``top ** (i / (d - 1))`` for i = 0..d-1: coefficients spread over ``top`` decades."""
    return top ** (np.arange(d) / max(d - 1, 1))


def ellipsoid(x: np.ndarray) -> float:
    return float(np.sum(_powers(x.size, 1e6) * x * x))


def bent_cigar(x: np.ndarray) -> float:
    return float(x[0] ** 2 + 1e6 * np.sum(x[1:] ** 2))


def discus(x: np.ndarray) -> float:
    return float(1e6 * x[0] ** 2 + np.sum(x[1:] ** 2))


def _slope_signs(d: int) -> np.ndarray:
    return np.where(np.arange(d) % 2 == 0, 1.0, -1.0)


def linear_slope(x: np.ndarray) -> float:
    """BBOB f5: a plane rising away from the corner ``5 * signs``, where it is 0; beyond that
    corner a coordinate counts as on it (BBOB's definition), so the minimum is 0."""
    signs = _slope_signs(x.size)
    s = signs * _powers(x.size, 10.0)
    z = np.where(signs * x > 5.0, 5.0 * signs, x)
    return float(np.sum(5.0 * np.abs(s) - s * z))


_W_A = 0.5 ** np.arange(12)
_W_B = 3.0 ** np.arange(12)
_W_F0 = float(np.sum(_W_A * np.cos(math.pi * _W_B)))


def weierstrass(x: np.ndarray) -> float:
    """The CEC 2005 Weierstrass function (a = 0.5, b = 3, 12 terms): 0 at the origin."""
    terms = _W_A[None, :] * np.cos(2.0 * math.pi * _W_B[None, :] * (x[:, None] + 0.5))
    return max(float(np.sum(terms) - x.size * _W_F0), 0.0)


def schaffer_f7(x: np.ndarray) -> float:
    """BBOB f17 without its conditioning: rings of growing height around the origin."""
    s = np.sqrt(x[:-1] ** 2 + x[1:] ** 2)
    return float(np.mean(np.sqrt(s) + np.sqrt(s) * np.sin(50.0 * s**0.2) ** 2) ** 2)


_SCHWEFEL_X = 420.968746


def schwefel(x: np.ndarray) -> float:
    return max(float(418.98288727243374 * x.size - np.sum(x * np.sin(np.sqrt(np.abs(x))))), 0.0)


_K_POW = 2.0 ** np.arange(1, 33)


def katsuura(x: np.ndarray) -> float:
    """BBOB f23 without its conditioning: a product of continuous, nowhere-smooth factors."""
    d = x.size
    t = _K_POW[None, :] * x[:, None]
    inner = np.sum(np.abs(t - np.round(t)) / _K_POW[None, :], axis=1)
    prod = np.prod((1.0 + np.arange(1, d + 1) * inner) ** (10.0 / d**1.2))
    return float(10.0 / d**2 * (prod - 1.0))


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
        TestFunction(
            "ellipsoid", ellipsoid, -5.0, 5.0, lambda d: 0.0, "smooth", np.zeros, classic=False
        ),
        TestFunction(
            "bent_cigar", bent_cigar, -5.0, 5.0, lambda d: 0.0, "smooth", np.zeros, classic=False
        ),
        TestFunction("discus", discus, -5.0, 5.0, lambda d: 0.0, "smooth", np.zeros, classic=False),
        TestFunction(
            "linear_slope",
            linear_slope,
            -5.0,
            5.0,
            lambda d: 0.0,
            "smooth",
            lambda d: 5.0 * _slope_signs(d),
            classic=False,
            shiftable=False,
        ),
        TestFunction(
            "weierstrass", weierstrass, -0.5, 0.5, lambda d: 0.0, "rugged", np.zeros, classic=False
        ),
        TestFunction(
            "schaffer_f7", schaffer_f7, -5.0, 5.0, lambda d: 0.0, "rugged", np.zeros, classic=False
        ),
        TestFunction(
            "schwefel",
            schwefel,
            -500.0,
            500.0,
            lambda d: 0.0,
            "rugged",
            lambda d: np.full(d, _SCHWEFEL_X),
            classic=False,
            guarded=True,
        ),
        TestFunction(
            "katsuura", katsuura, -5.0, 5.0, lambda d: 0.0, "rugged", np.zeros, classic=False
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
