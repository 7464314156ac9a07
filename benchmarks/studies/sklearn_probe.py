"""The probe floor on spaces with a choice, at small budgets: the suite's scikit-learn tasks.

A space with a categorical parameter is rugged by rule, so its probe is only
``max(10, D + 1)`` Sobol points before TPE refines (``crates/core/src/probe.rs``). This study
runs ``auto`` with other floors, and Optuna's TPE (independent and multivariate) as the
reference, on the same tasks and seeds, and prints the median best value per task and budget
with each column's mean rank::

    nice -n 10 .venv/bin/python benchmarks/studies/sklearn_probe.py --budgets 30,50 --seeds 10

Deterministic objectives (fixed folds); lower is better.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from arqbench.optimizers import arqon_space, optuna_distributions
from arqbench.sklearn_tasks import PROBLEMS
from arqbench.stats import mean_ranks

FLOORS = (5, 10, 16)


def arqon(task: Any, budget: int, seed: int, floor: int) -> float:
    import arqonhpo as aq

    # A fraction far below the floor: the floor alone sizes the probe.
    solver = aq.ArqonSolver(
        arqon_space(task.space),
        budget=budget,
        seed=seed,
        probe_fraction=0.01,
        probe_min_points=floor,
    )
    while (trial := solver.ask()) is not None:
        solver.tell(trial, task.objective(trial.params))
    return solver.best.value


def optuna_tpe(task: Any, budget: int, seed: int, multivariate: bool) -> float:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    dists = optuna_distributions(task.space)
    sampler = optuna.samplers.TPESampler(seed=seed, multivariate=multivariate)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = optuna.create_study(sampler=sampler)
        for _ in range(budget):
            t = study.ask(dists)
            study.tell(t, task.objective(t.params))
    return study.best_value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--budgets", default="30,50")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--out", type=Path, help="append one JSON line per run")
    args = ap.parse_args()
    columns: dict[str, Any] = {f"auto floor {f}": (arqon, f) for f in FLOORS}
    columns["optuna tpe"] = (optuna_tpe, False)
    columns["optuna tpe mv"] = (optuna_tpe, True)
    ranks: dict[str, list[float]] = {c: [] for c in columns}
    for budget in map(int, args.budgets.split(",")):
        for name, task in PROBLEMS.items():
            if not any(p.kind == "choice" for p in task.space):
                continue
            best: dict[str, list[float]] = {}
            for col, (fn, arg) in columns.items():
                best[col] = [fn(task, budget, s, arg) for s in range(args.seeds)]
                if args.out:
                    with args.out.open("a") as f:
                        f.write(
                            json.dumps(
                                {"task": name, "budget": budget, "column": col, "best": best[col]}
                            )
                            + "\n"
                        )
            for s in range(args.seeds):
                for c, r in mean_ranks({c: best[c][s] for c in columns}).items():
                    ranks[c].append(r)
            cells = "  ".join(f"{c}: {statistics.median(best[c]):.5f}" for c in columns)
            print(f"{name} budget {budget}: {cells}", flush=True)
    print(
        "mean rank (1 = best): "
        + ", ".join(f"{c} {statistics.mean(r):.2f}" for c, r in ranks.items())
    )


if __name__ == "__main__":
    main()
