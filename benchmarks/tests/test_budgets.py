"""The statistics of the small and rotated profiles: runs keyed by problem and budget, smaller
budgets read off an anytime optimizer's curve, and family medians over problems and seeds.
Run by `make bench-gate` (numpy and scipy only)."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from arqbench import quality, stats, suites
from arqbench.optimizers import ANYTIME


def _run(problem: str, optimizer: str, seed: int, budget: int, curve: list, **kw: Any) -> dict:
    return {
        "problem": problem,
        "optimizer": optimizer,
        "seed": seed,
        "budget": budget,
        "family": kw.get("family", "rotated"),
        "landscape": kw.get("landscape", "ill-conditioned"),
        "dim": 2,
        "optimum": kw.get("optimum", 0.0),
        "seconds": 0.0,
        "objective_seconds": 0.0,
        "curve": curve,
        "best": curve[-1][1],
    }


def test_an_anytime_run_stands_for_its_smaller_budgets_read_off_its_curve() -> None:
    budgets = {"rotated/ellipsoid-d2": [20, 40]}
    recs = [
        _run("rotated/ellipsoid-d2", "cmaes", 0, 40, [[1, 9.0], [20, 3.0], [30, 1.0], [40, 0.5]]),
        _run("rotated/ellipsoid-d2", "arqon_auto", 0, 20, [[1, 8.0], [20, 2.0]]),
        _run("rotated/ellipsoid-d2", "arqon_auto", 0, 40, [[1, 8.0], [40, 0.1]]),
    ]
    assert "cmaes" in ANYTIME and "arqon_auto" not in ANYTIME
    out = {(r["problem"], r["optimizer"]): r for r in stats.at_budgets(recs, budgets, ANYTIME)}
    assert set(out) == {
        ("rotated/ellipsoid-d2@20", "cmaes"),
        ("rotated/ellipsoid-d2@40", "cmaes"),
        ("rotated/ellipsoid-d2@20", "arqon_auto"),
        ("rotated/ellipsoid-d2@40", "arqon_auto"),
    }
    assert out[("rotated/ellipsoid-d2@20", "cmaes")]["best"] == 3.0
    assert out[("rotated/ellipsoid-d2@40", "cmaes")]["best"] == 0.5
    # A budget-aware optimizer's 40-trial run is not cut down to stand for 20 trials.
    assert out[("rotated/ellipsoid-d2@20", "arqon_auto")]["best"] == 2.0


def test_unknown_optimum_regrets_share_one_reference_across_budgets() -> None:
    budgets = {"simulation/pid": [50, 100]}
    kw = {"family": "simulation", "landscape": "unknown", "optimum": None}
    recs = [
        _run("simulation/pid", "random", 0, 100, [[50, 4.0], [100, 1.0]], **kw),
        _run("simulation/pid", "arqon_auto", 0, 50, [[50, 3.0]], **kw),
    ]
    summary = stats.summarize(stats.at_budgets(recs, budgets, ANYTIME))
    at50 = summary["problems"]["simulation/pid@50"]
    assert at50["reference"] == 1.0  # the best value found at any budget
    assert at50["optimizers"]["arqon_auto"]["final"]["median"] == 2.0


def test_family_medians_pool_every_run_of_the_family() -> None:
    recs = [
        _run("rotated/a-d2", "cmaes", s, 20, [[20, v]]) for s, v in enumerate([1e-2, 1e-4, 1e-6])
    ] + [_run("rotated/b-d2", "cmaes", s, 20, [[20, v]]) for s, v in enumerate([1e2, 1e0])]
    recs.append(_run("rotated/b-d2", "cmaes", 2, 20, [[20, 0.0]]))  # solved: floored at 1e-12
    m = stats.family_medians(recs)[("ill-conditioned", 2, 20)]["cmaes"]
    assert m["runs"] == 6 and m["problems"] == 2
    assert m["median"] == pytest.approx(-3.0)  # of -2, -4, -6, 2, 0, -12
    assert m["mean_of_medians"] == pytest.approx((-4.0 + 0.0) / 2)
    assert math.isfinite(m["q25"]) and m["q25"] <= m["median"] <= m["q75"]


def test_small_profile_runs_anytime_peers_once_and_the_rest_at_every_budget() -> None:
    prof = quality.PROFILES["small"]
    tasks = quality.tasks_for(prof, list(prof.roster), ("synthetic", "simulation"))
    budgets = {
        (t.optimizer, t.budget)
        for t in tasks
        if t.problem == "rotated/rastrigin-d5" and t.seed == 0
    }
    assert ("optuna_tpe", 100) in budgets and ("optuna_tpe", 50) not in budgets
    assert {("arqon_auto", 50), ("arqon_auto", 100), ("nevergrad_ngopt", 50)} <= budgets
    sim = {(t.optimizer, t.budget) for t in tasks if t.problem.startswith("simulation/")}
    assert ("arqon_auto", 50) in sim and ("arqon_auto", 100) in sim and ("random", 50) not in sim
    # Only ArqonHPO's rows depend on the engine.
    assert set(quality.ARQON_ROWS) == {o for o in prof.roster if o.startswith("arqon_")}


def test_family_table_bolds_the_best_median_in_each_row() -> None:
    recs = [
        _run("rotated/a-d2", o, 0, 20, [[20, v]])
        for o, v in (("cmaes", 1e-3), ("arqon_auto", 1e-1))
    ]
    data = {"records": recs, "medians": stats.family_medians(recs)}
    table = "\n".join(suites.family_table(data, 10))
    assert "| ill-conditioned | 2 | -1.00 | **-3.00** |" in table
