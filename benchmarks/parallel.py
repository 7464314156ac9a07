"""What deterministic parallel mode costs: wall time against free mode, answer quality against
a sequential run.

The workers are simulated in virtual time with the real solver: each trial takes a random
duration, a free worker asks for the next trial (or idles while the solver says "wait"), and
the earliest-finishing trial is told next. That measures the scheduling rule itself, exactly
and independently of how loaded the machine is. Usage::

    python benchmarks/parallel.py [--seeds 10] [--budget 100] [--markdown docs/parallel-table.md]
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import statistics
from collections.abc import Callable

import arqonhpo as aq


def sphere(x: list[float]) -> float:
    return sum((v - 0.7) ** 2 for v in x)


def rosenbrock(x: list[float]) -> float:
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def rastrigin(x: list[float]) -> float:
    return 10 * len(x) + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in x)


def branin(x: list[float]) -> float:
    a, b = 15 * x[0] - 5, 15 * x[1]
    return (
        (b - 5.1 / (4 * math.pi**2) * a * a + 5 / math.pi * a - 6) ** 2
        + 10 * (1 - 1 / (8 * math.pi)) * math.cos(a)
        + 10
    )


PROBLEMS: dict[str, tuple[Callable[[list[float]], float], int, float, float]] = {
    "sphere-4d": (sphere, 4, -2.0, 2.0),
    "rosenbrock-4d": (rosenbrock, 4, -2.0, 2.0),
    "rastrigin-4d": (rastrigin, 4, -5.12, 5.12),
    "branin-2d": (branin, 2, 0.0, 1.0),
}

DURATIONS: dict[str, Callable[[random.Random], float]] = {
    "uniform(0.5, 1.5)": lambda r: r.uniform(0.5, 1.5),
    "exponential(1)": lambda r: r.expovariate(1.0),
}


def run(
    problem: str, seed: int, budget: int, workers: int, lag: int | None, durations: str
) -> tuple[float, float, float]:
    """One run in virtual time; returns (makespan, best value, total work)."""
    f, dim, low, high = PROBLEMS[problem]
    space = {f"x{i}": aq.Float(low, high) for i in range(dim)}
    solver = aq.ArqonSolver(space, budget, seed, parallel_lag=lag)
    draw = DURATIONS[durations]
    rng = random.Random(seed * 7919 + workers)
    running: list[tuple[float, int, float]] = []  # (finish time, trial id, value)
    now, idle, work = 0.0, workers, 0.0
    while True:
        while idle > 0:
            trial = solver.ask_next()
            if not isinstance(trial, aq.Trial):
                break
            value = f([float(trial.params[f"x{i}"]) for i in range(dim)])  # type: ignore[arg-type]
            duration = draw(rng)
            work += duration
            heapq.heappush(running, (now + duration, trial.id, value))
            idle -= 1
        if not running:
            break
        now, trial_id, value = heapq.heappop(running)
        solver.tell(trial_id, value)
        idle += 1
    assert solver.is_done and solver.best is not None and solver.best.value is not None
    return now, solver.best.value, work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--budget", type=int, default=100)
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args()
    seeds = range(args.seeds)
    lines = [
        f"Budget {args.budget}, {args.seeds} seeds, problems {', '.join(PROBLEMS)}.",
        "",
        "Wall time: virtual makespan of deterministic mode divided by free mode's (same",
        "workers, same sequence of duration draws); 1.00 means no cost. Efficiency: total work",
        "divided by (workers × makespan).",
        "",
        "| durations | workers | deterministic / free wall time | efficiency free | efficiency deterministic |",
        "|---|---|---|---|---|",
    ]
    for durations in DURATIONS:
        for k in (2, 4, 8):
            ratios, eff_free, eff_det = [], [], []
            for problem in PROBLEMS:
                for seed in seeds:
                    free, _, work = run(problem, seed, args.budget, k, None, durations)
                    det, _, _ = run(problem, seed, args.budget, k, k, durations)
                    ratios.append(det / free)
                    eff_free.append(work / (k * free))
                    eff_det.append(work / (k * det))
            lines.append(
                f"| {durations} | {k} | {statistics.mean(ratios):.2f} "
                f"(max {max(ratios):.2f}) | {statistics.mean(eff_free):.0%} | "
                f"{statistics.mean(eff_det):.0%} |"
            )
    lines += [
        "",
        "Answer quality: median best value over the seeds (lower is better); sequential is",
        "one worker. Durations exponential(1).",
        "",
        "| problem | sequential | free k=2 | det k=2 | free k=4 | det k=4 | free k=8 | det k=8 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for problem in PROBLEMS:
        row = [
            statistics.median(
                run(problem, s, args.budget, 1, None, "exponential(1)")[1] for s in seeds
            )
        ]
        for k in (2, 4, 8):
            for lag in (None, k):
                row.append(
                    statistics.median(
                        run(problem, s, args.budget, k, lag, "exponential(1)")[1] for s in seeds
                    )
                )
        lines.append(f"| {problem} | " + " | ".join(f"{v:.3g}" for v in row) + " |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as out:
            out.write(text + "\n")


if __name__ == "__main__":
    main()
