import arqonhpo as aq


def objective(lr, layers, kernel):
    """Stands in for training a model and returning its validation loss."""
    penalty = {"rbf": 0.0, "linear": 0.3, "poly": 0.1}[kernel]
    return (lr - 0.01) ** 2 * 1e3 + 0.05 * (layers - 3) ** 2 + penalty


space = {
    "lr": aq.Float(1e-4, 1.0, log=True),
    "layers": aq.Int(1, 8),
    "kernel": aq.Choice(["rbf", "linear", "poly"]),
}

solver = aq.ArqonSolver(space, budget=60, seed=0)
while (trial := solver.ask()) is not None:  # None once the budget is handed out
    solver.tell(trial, objective(**trial.params))

print("landscape:", solver.classification.label, "-> refined by", solver.strategy)
print("why:", solver.classification.reason)
print("best:", solver.best.value, solver.best.params)
solver.save("run.json")  # the whole run; ArqonSolver.load("run.json") resumes it

# Or let minimize() run the same loop (here on two threads).
result = aq.minimize(objective, space, budget=60, seed=0, n_workers=2)
print(
    "minimize:",
    len(result.trials),
    "trials, best below 0.01:",
    result.best_value < 0.01,
)
