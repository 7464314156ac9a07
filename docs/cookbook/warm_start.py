"""Start a study from an earlier one's results: they count as probe points."""

import arqonhpo as aq

space = {"lr": aq.Float(1e-4, 1.0, log=True), "momentum": aq.Float(0.0, 0.99)}


def validation_loss(lr: float, momentum: float, shift: float = 0.0) -> float:
    """This week's data moved the optimum a little (``shift``)."""
    return (lr - 0.02 - shift) ** 2 * 400 + (momentum - 0.9) ** 2


# Last week's study, saved as an artifact.
old = aq.minimize(validation_loss, space, budget=60, seed=0).solver
old.save("last_week.json")

# This week: read the artifact back and hand its completed trials to the new study.
# They cost
# no budget; the probe is shortened by as many points.
previous = aq.ArqonSolver.load("last_week.json").trials
warm = [(t.params, t.value) for t in previous if t.status == "completed"]


def this_week(lr: float, momentum: float) -> float:
    return validation_loss(lr, momentum, shift=0.005)


cold = aq.minimize(this_week, space, budget=20, seed=1)
hot = aq.minimize(this_week, space, budget=20, seed=1, warm_start=warm)
print(f"{len(warm)} earlier results reused")
print(
    "probe trials run, cold:",
    sum(t.phase == "probe" for t in cold.trials),
    " warm:",
    sum(t.phase == "probe" for t in hot.trials),
)
print(
    f"best after 20 new trials, cold: {cold.best_value:.2e}  warm: {hot.best_value:.2e}"
)
