"""End-to-end Sim Tuning: PID gains for a simulated plant (examples/python/sim_tuning.py).

The landscape is smooth, so the engine must classify it smooth, refine with Nelder–Mead and
land near the optimum, which the test computes itself with a multi-start bounded quasi-Newton
search (scipy L-BFGS-B)."""

from __future__ import annotations

import statistics
import sys
from typing import Any

import pytest
from conftest import REPO

import arqonhpo as aq

sys.path.insert(0, str(REPO / "examples" / "python"))
import sim_tuning

SEEDS = range(5)


@pytest.fixture(scope="module")
def optimum() -> float:
    from scipy.optimize import minimize as scipy_minimize

    bounds = [(p.low, p.high) for p in sim_tuning.SPACE.values()]
    starts = [(1.0, 0.5, 0.5), (5.0, 2.0, 2.0), (10.0, 1.0, 3.0), (2.0, 4.0, 1.0), (15.0, 0.2, 4.5)]
    best = min(
        (
            scipy_minimize(lambda x: sim_tuning.pid_cost(*x), x0, bounds=bounds, method="L-BFGS-B")
            for x0 in starts
        ),
        key=lambda r: r.fun,
    )
    assert all(lo < x < hi for x, (lo, hi) in zip(best.x, bounds)), "the optimum is interior"
    return float(best.fun)


@pytest.fixture(scope="module")
def runs() -> Any:
    return [
        aq.minimize(sim_tuning.pid_cost, sim_tuning.SPACE, budget=60, seed=s, progress=False)
        for s in SEEDS
    ]


def test_sim_tuning_is_classified_smooth_and_uses_nelder_mead(runs: Any) -> None:
    for r in runs:
        assert r.classification.label == "smooth", r.classification
        assert r.strategy == "nelder_mead"
        assert any(t.strategy == "nelder_mead" for t in r.trials)


def test_sim_tuning_lands_near_the_optimum(runs: Any, optimum: float) -> None:
    gaps = [(r.best_value - optimum) / optimum for r in runs]
    assert min(gaps) > -1e-6, "nothing beats the reference optimum"
    assert statistics.median(gaps) < 0.02, gaps
    assert max(gaps) < 0.05, gaps


def test_example_script_prints_classification_strategy_and_best(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sim_tuning.main(budget=60, seed=0)
    out = capsys.readouterr().out
    assert "classification: smooth" in out
    assert "strategy:       nelder_mead" in out
    assert "best:" in out and "kp=" in out
