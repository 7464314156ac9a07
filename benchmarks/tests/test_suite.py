"""Checks of the benchmark suite itself (run in .bench-venv by `make bench` before measuring).

Every adapter must evaluate exactly its budget, only in-bounds values of the right types, and
the recorder must catch an optimizer asking for more; the statistics must call a clear
difference a win and identical samples a tie.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import itertools

from arqbench import cost, problems, quality, report, stats
from arqbench.optimizers import OPTIMIZERS, BudgetExhausted, Recorder, available
from arqbench.space import Choice, Float, Int

SPACE = [
    Float("a", 1e-3, 1.0, log=True),
    Float("b", -2.0, 3.0),
    Int("n", 1, 9),
    Choice("k", ["x", "y", "z"]),
]


def _objective(seen: list[dict[str, Any]]) -> Any:
    def f(p: dict[str, Any]) -> float:
        seen.append(dict(p))
        return (np.log(p["a"]) + 3.0) ** 2 + p["b"] ** 2 + abs(p["n"] - 4) + (p["k"] != "y")

    return f


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_adapter_spends_exactly_its_budget_inside_the_space(name: str) -> None:
    if available(name):
        pytest.skip(available(name))
    seen: list[dict[str, Any]] = []
    rec = Recorder(_objective(seen), 25)
    OPTIMIZERS[name](SPACE, rec, 25, 3)
    assert len(rec.values) == 25 == len(seen)
    for p in seen:
        assert 1e-3 <= p["a"] <= 1.0 and -2.0 <= p["b"] <= 3.0
        assert float(p["n"]).is_integer() and 1 <= p["n"] <= 9
        assert p["k"] in ("x", "y", "z")


def test_recorder_stops_an_optimizer_that_overruns() -> None:
    rec = Recorder(lambda p: 0.0, 2)
    rec({})
    rec({})
    with pytest.raises(BudgetExhausted):
        rec({})


def test_run_task_records_curve_and_budget() -> None:
    r = quality.run_task(quality.Task("synthetic/sphere-d2", "arqon_auto", 0, 30))
    assert "error" not in r and r["evaluations"] == 30
    ns = [n for n, _ in r["curve"]]
    assert ns[0] == 1 and ns[-1] == 30 and 15 in ns
    vals = [v for _, v in r["curve"]]
    assert all(a >= b for a, b in itertools.pairwise(vals)), "best-so-far never rises"
    assert r["best"] == vals[-1]


def test_compare_calls_wins_losses_and_ties() -> None:
    a, b = np.arange(10.0), np.arange(10.0) + 100.0
    assert stats.compare(a, b)[0] == "win"
    assert stats.compare(b, a)[0] == "loss"
    assert stats.compare(a, a.copy())[0] == "tie"
    assert stats.compare(np.zeros(5), np.zeros(5))[0] == "tie"
    # Plateau values with equal medians: eight of twenty runs at the optimum against one, and
    # six at a worse plateau; the direction comes from the test, not the (equal) medians.
    ours = np.array([0.0] * 8 + [0.0056] * 12)
    theirs = np.array([0.0] + [0.0056] * 13 + [0.011] * 6)
    assert np.median(ours) == np.median(theirs)
    assert stats.compare(ours, theirs)[0] == "win"
    assert stats.compare(theirs, ours)[0] == "loss"


def test_every_problem_id_resolves() -> None:
    ids = (
        problems.synthetic_ids([2, 5])
        + problems.bbob_ids([2, 5])
        + problems.simulation_ids()
        + problems.sklearn_ids()
    )
    for pid in ids:
        p = problems.get(pid)
        x = {q.name: q.from_unit(0.5) for q in p.space}
        assert np.isfinite(p.objective(x))


def _records(finals: dict[str, list[float]], pid: str) -> list[dict[str, Any]]:
    return [
        {
            "problem": pid,
            "optimizer": o,
            "seed": s,
            "budget": 4,
            "family": "sklearn",
            "dim": 2,
            "optimum": None,
            "seconds": 0.0,
            "objective_seconds": 0.0,
            "curve": [[4, v]],
            "best": v,
        }
        for o, vals in finals.items()
        for s, v in enumerate(vals)
    ]


def test_a_forced_strategy_row_passes_on_equal_medians_only_with_more_wins_than_losses() -> None:
    same, better, worse = (
        [1.0 + 0.01 * i for i in range(10)],
        [0.1 + 0.01 * i for i in range(10)],
        [5.0 + 0.01 * i for i in range(10)],
    )
    rnd = [10.0 + 0.01 * i for i in range(10)]
    # auto equals forced NM on two problems and clearly beats it on a third: the normalised
    # regrets (medians over problems) are equal, the wins decide.
    recs = _records({"arqon_auto": same, "arqon_nelder_mead": same, "random": rnd}, "sklearn/p1")
    recs += _records({"arqon_auto": same, "arqon_nelder_mead": same, "random": rnd}, "sklearn/p2")
    recs += _records(
        {"arqon_auto": better, "arqon_nelder_mead": worse, "random": rnd}, "sklearn/p3"
    )
    row = next(r for r in stats.bar({**stats.summarize(recs)}) if r["peer"] == "arqon_nelder_mead")
    assert (
        row["auto_normalized"] == row["peer_normalized"] and row["wtl"] == [1, 2, 0] and row["pass"]
    )
    # The same with the third problem lost instead: not met.
    recs = recs[: len(recs) * 2 // 3] + _records(
        {"arqon_auto": worse, "arqon_nelder_mead": better, "random": rnd}, "sklearn/p3"
    )
    row = next(r for r in stats.bar({**stats.summarize(recs)}) if r["peer"] == "arqon_nelder_mead")
    assert row["wtl"] == [0, 2, 1] and not row["pass"]


def test_cost_measure_counts_every_trial_and_stops_at_its_cpu_cap() -> None:
    whole = cost.measure("arqon_auto", 2, 200, 60.0)
    assert whole["reached"] == 200 and not whole["capped"] and whole["mean_us"] > 0
    capped = cost.measure("random", 2, 1_000_000, 0.2)
    assert capped["capped"] and 0 < capped["reached"] < 1_000_000


def test_cost_page_says_how_far_each_optimizer_ran() -> None:
    limits = " ".join(report._cost_limits(cost.PROFILES["full"]))
    assert "600 s of CPU" in limits and "to 100,000 trials" in limits and "Hyperopt TPE" in limits
    rows = [
        {
            "optimizer": "arqon_auto",
            "d": 2,
            "n": n,
            "reached": n,
            "capped": False,
            "mean_us": 3.0,
            "peak_rss_growth_mib": 1.0,
        }
        for n in (100, 1000)
    ] + [
        {
            "optimizer": "optuna_tpe",
            "d": 2,
            "n": 100,
            "reached": 100,
            "capped": False,
            "mean_us": 2000.0,
            "peak_rss_growth_mib": 2.0,
        },
        {
            "optimizer": "optuna_tpe",
            "d": 2,
            "n": 1000,
            "reached": 640,
            "capped": True,
            "mean_us": 9000.0,
            "peak_rss_growth_mib": 5.0,
        },
    ]
    table = "\n".join(report._cost_table(rows))
    assert "| ArqonHPO auto | 3.0 | 3.0 |" in table
    assert "| Optuna TPE (default) | 2,000 | capped at 640 (9,000) | 5.0 MiB at 640 |" in table
    rows = [r for r in rows if not (r["optimizer"] == "optuna_tpe" and r["n"] == 1000)]
    assert "| Optuna TPE (default) | 2,000 | — |" in "\n".join(report._cost_table(rows))
