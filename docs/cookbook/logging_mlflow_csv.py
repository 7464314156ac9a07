"""Log every trial to MLflow (a local file store, no server) and to a CSV file."""

import csv
import math

import mlflow
from mlflow.tracking import MlflowClient

import arqonhpo as aq

# A local SQLite file (runs) and ./mlruns (artifacts): no server; `mlflow ui
# --backend-store-uri sqlite:///mlflow.db` browses them later.
mlflow.set_tracking_uri("sqlite:///mlflow.db")
mlflow.set_experiment("arqonhpo-recipe")

space = {
    "lr": aq.Float(1e-4, 1.0, log=True),
    "width": aq.Int(8, 256, log=True),
    "act": aq.Choice(["relu", "gelu"]),
}


def objective(lr: float, width: int, act: str) -> float:
    return (
        (math.log10(lr) + 2) ** 2
        + (math.log2(width) - 6) ** 2 / 10
        + (act == "relu") * 0.1
    )


solver = aq.ArqonSolver(space, budget=30, seed=0)
with (
    open("trials.csv", "w", newline="") as f,
    mlflow.start_run(run_name="study") as parent,
):
    writer = csv.writer(f)
    writer.writerow(["id", "phase", "strategy", *space, "value"])
    while (trial := solver.ask()) is not None:
        value = objective(**trial.params)
        solver.tell(trial, value)
        writer.writerow(
            [trial.id, trial.phase, trial.strategy, *trial.params.values(), value]
        )
        # A nested MLflow run per trial: parameters, objective, stage as tags.
        with mlflow.start_run(run_name=f"trial-{trial.id}", nested=True):
            mlflow.log_params(trial.params)
            mlflow.log_metric("objective", value)
            mlflow.set_tags({"phase": trial.phase, "strategy": trial.strategy})
    mlflow.log_params({f"best_{k}": v for k, v in solver.best.params.items()})
    mlflow.log_metric("best_objective", solver.best.value)
    mlflow.set_tag("landscape", solver.classification.label)
    solver.save("study.json")
    mlflow.log_artifact("study.json")  # the whole run, resumable with ArqonSolver.load

# Read both back.
with open("trials.csv", newline="") as f:
    rows = list(csv.DictReader(f))
print(
    "CSV rows:",
    len(rows),
    " first:",
    {k: rows[0][k] for k in ("id", "phase", "strategy")},
)
client = MlflowClient()
experiment = client.get_experiment_by_name("arqonhpo-recipe")
runs = client.search_runs(
    [experiment.experiment_id],
    filter_string="tags.phase = 'refine'",
    order_by=["metrics.objective ASC"],
)
print(
    "MLflow refine runs:",
    len(runs),
    " best:",
    runs[0].data.params,
    round(runs[0].data.metrics["objective"], 5),
)
study = client.get_run(parent.info.run_id)
print(
    "study run:",
    study.data.tags["landscape"],
    round(study.data.metrics["best_objective"], 5),
)
