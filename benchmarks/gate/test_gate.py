"""Regression gate: a change that breaks a strategy fails ``make test`` (via ``make bench-gate``).

Two fixed-seed checks with generous thresholds, each paired with a control that shows the
threshold separates a working strategy from a broken one (uniform random search is what a
strategy degrades to when its model or its moves stop working):

1. ``auto`` on a 3-D sphere reaches a value below 1e-6 in 150 trials (its probe classifies
   the bowl as smooth and Nelder–Mead refines); random search with the same budget stays
   above 1e-3, so a broken Nelder–Mead or a misclassification cannot pass.
2. Forced TPE on a noisy 2-D Rastrigin has a lower median (over 21 seeds) of the true value
   at its chosen point than forced random search, by at least 15%.

Only ``arqonhpo`` and ``numpy`` are needed (the main ``.venv``). Performance numbers live in
the benchmark suite, not here: these assert behaviour, and take about a second.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import arqonhpo as aq
from arqbench.functions import NoisyRastrigin, rastrigin, sphere

SPHERE_SEEDS = range(5)
SPHERE_BUDGET = 150
RUGGED_SEEDS = range(21)
RUGGED_BUDGET = 100


def _run(
    d: int,
    low: float,
    high: float,
    budget: int,
    seed: int,
    strategy: str,
    f: Callable[[np.ndarray], float],
) -> aq.ArqonSolver:
    names = [f"x{i}" for i in range(d)]
    solver = aq.ArqonSolver(
        {n: aq.Float(low, high) for n in names}, budget=budget, seed=seed, strategy=strategy
    )
    while (trial := solver.ask()) is not None:
        solver.tell(trial, f(np.array([trial.params[n] for n in names])))
    assert solver.is_done and solver.n_told == budget
    return solver


def _sphere_bests(strategy: str) -> tuple[list[float], list[aq.ArqonSolver]]:
    solvers = [_run(3, -5.12, 5.12, SPHERE_BUDGET, seed, strategy, sphere) for seed in SPHERE_SEEDS]
    return [s.best.value for s in solvers], solvers


def test_auto_solves_a_3d_sphere_in_150_trials() -> None:
    bests, solvers = _sphere_bests("auto")
    for s in solvers:
        assert s.classification is not None and s.classification.label == "smooth", s.classification
        assert s.strategy == "nelder_mead"
        refined = [t for t in s.trials if t.phase == "refine"]
        assert len(refined) >= SPHERE_BUDGET // 2, "the refinement must do most of the work"
    assert float(np.median(bests)) < 1e-6, bests
    assert max(bests) < 1e-4, bests


def test_sphere_threshold_is_out_of_random_searchs_reach() -> None:
    bests, _ = _sphere_bests("random")
    assert min(bests) > 1e-3, bests


def _true_value_at_best(strategy: str, seed: int) -> float:
    solver = _run(2, -5.12, 5.12, RUGGED_BUDGET, seed, strategy, NoisyRastrigin(10_000 + seed))
    if strategy == "tpe":
        assert sum(t.strategy == "tpe" for t in solver.trials) >= RUGGED_BUDGET // 2
    best = solver.best
    assert best is not None
    return rastrigin(np.array([best.params["x0"], best.params["x1"]]))


def test_noise_is_real() -> None:
    f = NoisyRastrigin(0)
    x = np.zeros(2)
    assert len({f(x) for _ in range(5)}) == 5


def test_tpe_beats_random_on_a_noisy_rugged_2d_function() -> None:
    tpe = [_true_value_at_best("tpe", s) for s in RUGGED_SEEDS]
    rnd = [_true_value_at_best("random", s) for s in RUGGED_SEEDS]
    assert float(np.median(tpe)) < 0.85 * float(np.median(rnd)), (np.median(tpe), np.median(rnd))


@pytest.mark.parametrize("strategy", ["auto", "tpe"])
def test_gate_runs_are_deterministic(strategy: str) -> None:
    a = _run(2, -5.12, 5.12, 40, 7, strategy, sphere)
    b = _run(2, -5.12, 5.12, 40, 7, strategy, sphere)
    assert [t.params for t in a.trials] == [t.params for t in b.trials]
