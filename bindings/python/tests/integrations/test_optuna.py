"""ArqonSampler in a real Optuna study: suggestions come from the solver after the first
trial, the same seed gives the same study, pruned and failed trials are told as failed."""

from __future__ import annotations

import math

import optuna
import pytest

from arqonhpo.integrations.optuna import ArqonSampler

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -4.0, 4.0)
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    depth = trial.suggest_int("depth", 1, 8)
    kind = trial.suggest_categorical("kind", ["a", "bb", None])
    extra = 0.0 if kind == "bb" else 1.0
    return (x - 1.0) ** 2 + (math.log10(lr) + 2.0) ** 2 + 0.1 * (depth - 3) ** 2 + extra


def run(seed: int, sampler_seed: int = 0) -> optuna.Study:
    study = optuna.create_study(sampler=ArqonSampler(seed=sampler_seed, budget=39))
    study.optimize(objective, n_trials=40)
    return study


def test_a_real_study_is_driven_by_the_solver_and_reproducible() -> None:
    study = run(0)
    sampler = study.sampler
    assert isinstance(sampler, ArqonSampler) and sampler.solver is not None
    assert sampler.solver.is_done and sampler.solver.n_told == 39
    # Every trial after the first is the solver's, in order (choices mapped back).
    solver_x = [t.params["x"] for t in sampler.solver.trials]
    assert [t.params["x"] for t in study.trials[1:]] == solver_x
    assert {t.params["kind"] for t in study.trials} <= {"a", "bb", None}
    assert study.best_value < 1.0
    assert [t.params for t in run(0).trials] == [t.params for t in study.trials]
    assert [t.params for t in run(0, sampler_seed=1).trials] != [t.params for t in study.trials]


def test_pruned_and_failed_trials_are_told_as_failed() -> None:
    def flaky(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        if trial.number % 5 == 3:
            raise optuna.TrialPruned()
        if trial.number % 5 == 4:
            raise ValueError("diverged")
        return x

    study = optuna.create_study(direction="maximize", sampler=ArqonSampler(seed=1, budget=14))
    study.optimize(flaky, n_trials=15, catch=(ValueError,))
    solver = study.sampler.solver
    statuses = [t.status for t in solver.trials]
    assert statuses.count("failed") == 6 and solver.is_done
    # maximize: the solver minimized the negated values.
    assert solver.best is not None and solver.best.value == pytest.approx(-study.best_value)
