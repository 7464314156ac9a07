"""Evaluate trials on several processes: ask_batch with a pool, then minimize()."""

import math
from concurrent.futures import ProcessPoolExecutor

import arqonhpo as aq


def simulate(x: float, y: float) -> float:
    """Stands in for an expensive simulation (module level: processes pickle it)."""
    return (x - 0.3) ** 2 + (y + 0.2) ** 2 + 0.1 * math.sin(5 * x)


space = {"x": aq.Float(-2.0, 2.0), "y": aq.Float(-2.0, 2.0)}

if __name__ == "__main__":  # process pools re-import this file in each worker
    # 1. Rounds of four: ask four, evaluate them at once, tell all four.
    solver = aq.ArqonSolver(space, budget=60, seed=0)
    with ProcessPoolExecutor(max_workers=4) as pool:
        while batch := solver.ask_batch(4):
            values = pool.map(
                simulate, *zip(*[(t.params["x"], t.params["y"]) for t in batch])
            )
            for trial, value in zip(batch, values):
                solver.tell(trial, value)
    print("ask_batch:", solver.n_told, "trials, best", round(solver.best.value, 4))

    # 2. minimize() keeps four workers busy: a new trial is asked as soon as one finishes.
    result = aq.minimize(
        simulate, space, budget=60, seed=0, n_workers=4, executor="process"
    )
    print(
        "minimize:",
        len(result.trials),
        "trials,",
        result.n_failed,
        "failed,",
        "best below 0.1:",
        result.best_value < 0.1,
    )
