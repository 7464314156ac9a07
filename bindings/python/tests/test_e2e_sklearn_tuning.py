"""End-to-end Sklearn Tuning: SVC on load_digits with log-scaled C and gamma plus a kernel
choice. The categorical kernel makes the landscape rugged, so the engine refines with TPE, and
TPE must beat random search (strategy="random", same budget and seeds) on average."""

from __future__ import annotations

import statistics
from typing import Any

import pytest

import arqonhpo as aq

sklearn = pytest.importorskip("sklearn")

from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

SPACE = {
    "C": aq.Float(1e-4, 1e4, log=True),
    "gamma": aq.Float(1e-6, 1e1, log=True),
    "kernel": aq.Choice(["rbf", "sigmoid", "poly"]),
}
SEEDS = range(5)
BUDGET = 40


@pytest.fixture(scope="module")
def data() -> Any:
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, train_size=900, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def results(data: Any) -> dict[str, list[aq.MinimizeResult]]:
    X_train, X_val, y_train, y_val = data

    def validation_error(C: float, gamma: float, kernel: str) -> float:
        model = SVC(C=C, gamma=gamma, kernel=kernel).fit(X_train, y_train)
        return 1.0 - float(model.score(X_val, y_val))

    return {
        strategy: [
            aq.minimize(
                validation_error, SPACE, budget=BUDGET, seed=s, strategy=strategy, progress=False
            )
            for s in SEEDS
        ]
        for strategy in ("auto", "random")
    }


def test_sklearn_tuning_is_classified_rugged_and_uses_tpe(
    results: dict[str, list[aq.MinimizeResult]],
) -> None:
    for r in results["auto"]:
        assert r.classification is not None and r.classification.label == "rugged"
        assert r.strategy == "tpe"
        assert {t.strategy for t in r.trials} == {"sobol", "tpe"}


def test_tpe_beats_random_search_on_average(results: dict[str, list[aq.MinimizeResult]]) -> None:
    tpe = [r.best_value for r in results["auto"]]
    rnd = [r.best_value for r in results["random"]]
    assert all(v is not None for v in tpe + rnd)
    assert statistics.mean(tpe) < statistics.mean(rnd), (tpe, rnd)
    assert sum(t <= r for t, r in zip(tpe, rnd)) >= 4, (tpe, rnd)
    assert statistics.mean(tpe) < 0.03, "a tuned SVC gets over 97% validation accuracy on digits"
