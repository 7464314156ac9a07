"""A long run in constant memory: each told trial is streamed to a JSON-lines file, the
solver keeps only what its strategy needs, and its small state is saved now and then."""

import json
import os

import arqonhpo as aq

space = {
    "x": aq.Float(-5, 5),
    "y": aq.Float(-5, 5),
    "layers": aq.Int(1, 8),
    "act": aq.Choice(["relu", "tanh"]),
}


def objective(x: float, y: float, layers: int, act: str) -> float:
    return (
        (x - 1) ** 2
        + (y + 2) ** 2
        + 0.1 * (layers - 3) ** 2
        + (0.5 if act == "tanh" else 0)
    )


def run(crash_at: int | None = None) -> aq.ArqonSolver:
    """Runs or continues the study; "crashes" when trial ``crash_at`` is handed out."""
    if os.path.exists("state.json"):
        solver = aq.ArqonSolver.load("state.json")
        # Line k of the log is the k-th trial told: keep those the saved state counts.
        with open("trials.jsonl") as f:
            kept = f.readlines()[: solver.n_told]
        with open("trials.jsonl", "w") as f:
            f.writelines(kept)
        print(
            f"resumed: {solver.n_told} trials told, {solver.held_trials} held in memory"
        )
    else:
        solver = aq.ArqonSolver(
            space, budget=600, seed=3, strategy="tpe", trials="stream"
        )
    with open("trials.jsonl", "a") as log:
        solver.on_told = lambda t: log.write(
            json.dumps({"id": t.id, "params": t.params, "value": t.value}) + "\n"
        )
        while (trial := solver.ask()) is not None:
            if trial.id == crash_at:
                raise SystemError("power cut")
            solver.tell(trial, objective(**trial.params))
            if trial.id % 50 == 0:
                log.flush()
                solver.save("state.json")  # a few kilobytes, however long the run
    best = solver.best
    print(
        f"finished: {solver.n_told} told, {solver.held_trials} held, best {best.value:.4f}"
    )
    return solver


try:
    run(crash_at=321)
except SystemError as err:
    print("crashed:", err)
resumed = run()
with open("trials.jsonl") as f:
    records = [json.loads(line) for line in f]
print(
    "log lines:",
    len(records),
    "ids all distinct:",
    len({r["id"] for r in records}) == 600,
)

# The same study without a crash streams the same records, in the same order.
log_after_crash = records
os.remove("state.json")
os.remove("trials.jsonl")
run()
with open("trials.jsonl") as f:
    print(
        "same records as without the crash:",
        [json.loads(x) for x in f] == log_after_crash,
    )
