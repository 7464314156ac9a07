"""Save the run after every trial; after a crash, load it and continue exactly."""

import os

import arqonhpo as aq

space = {"lr": aq.Float(1e-4, 1.0, log=True), "depth": aq.Int(2, 12)}


def objective(lr: float, depth: int) -> float:
    return (lr - 0.03) ** 2 * 100 + 0.1 * (depth - 7) ** 2


def run(crash_at: int | None) -> aq.ArqonSolver:
    """Runs or continues the study in study.json; "crashes" at trial ``crash_at``."""
    if os.path.exists("study.json"):
        solver = aq.ArqonSolver.load("study.json")
        print(f"resumed: {solver.n_told} trials done, phase {solver.phase}")
    else:
        solver = aq.ArqonSolver(space, budget=40, seed=5)
    while (trial := solver.ask()) is not None:
        if trial.id == crash_at:
            raise SystemError("power cut")  # the trial was handed out but never told
        solver.tell(trial, objective(**trial.params))
        solver.save("study.json")  # milliseconds: cheap next to a real trial
    print(f"finished: best trial {solver.best.id} value {solver.best.value:.3e}")
    return solver


try:
    run(crash_at=23)
except SystemError as err:
    print("crashed:", err)
resumed = run(crash_at=None)  # a new process would do exactly this

# The same study without a crash gives the same trials, bit for bit.
os.remove("study.json")
straight = run(crash_at=None)
print(
    "same trials:",
    [t.params for t in resumed.trials] == [t.params for t in straight.trials],
)
