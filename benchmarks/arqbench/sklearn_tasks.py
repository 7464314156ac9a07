"""scikit-learn tuning problems: bundled datasets, fixed folds, mixed spaces.

The objective is ``1 - mean cross-validated score`` (accuracy for classifiers, R² for
regressors) over fixed 3-fold splits, so it is deterministic and every optimizer sees the same
function. Spaces mix log-scaled floats, integers and categorical options, which is the
"scikit-learn tuning" use case. Optima are unknown; the report uses the best value any run
found as the reference.
"""

from __future__ import annotations

import warnings
from functools import cache
from typing import Any

import numpy as np

from .space import Choice, Float, Int, UseCase


@cache
def _data(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    if name == "digits":
        x, y = datasets.load_digits(return_X_y=True)
        # A third of the samples keeps an evaluation in the tens of milliseconds.
        return x[::3] / 16.0, y[::3]
    loader = {
        "breast_cancer": datasets.load_breast_cancer,
        "wine": datasets.load_wine,
        "diabetes": datasets.load_diabetes,
    }[name]
    x, y = loader(return_X_y=True)
    return np.asarray(x, dtype=float), np.asarray(y)


def _cv(model: Any, dataset: str, regression: bool = False) -> float:
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    x, y = _data(dataset)
    folds = (
        KFold(3, shuffle=True, random_state=0)
        if regression
        else StratifiedKFold(3, shuffle=True, random_state=0)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = cross_val_score(model, x, y, cv=folds, scoring="r2" if regression else "accuracy")
    return float(1.0 - np.mean(scores))


def _svc(p: dict[str, Any]) -> float:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    model = SVC(
        C=p["C"], gamma=p["gamma"], kernel=p["kernel"], degree=int(p["degree"]), max_iter=5000
    )
    return _cv(make_pipeline(StandardScaler(), model), "breast_cancer")


def _knn(p: dict[str, Any]) -> float:
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    scaler = {"standard": StandardScaler(), "minmax": MinMaxScaler(), "none": "passthrough"}[
        p["scaler"]
    ]
    model = KNeighborsClassifier(
        n_neighbors=int(p["n_neighbors"]), weights=p["weights"], p=int(p["p"])
    )
    return _cv(make_pipeline(scaler, model), "wine")


def _sgd(p: dict[str, Any]) -> float:
    from sklearn.linear_model import SGDClassifier

    model = SGDClassifier(
        loss=p["loss"],
        penalty=p["penalty"],
        alpha=p["alpha"],
        l1_ratio=p["l1_ratio"],
        max_iter=30,
        tol=1e-3,
        random_state=0,
    )
    return _cv(model, "digits")


def _tree(p: dict[str, Any]) -> float:
    from sklearn.tree import DecisionTreeRegressor

    model = DecisionTreeRegressor(
        max_depth=int(p["max_depth"]),
        min_samples_leaf=int(p["min_samples_leaf"]),
        min_samples_split=int(p["min_samples_split"]),
        max_features=p["max_features"],
        criterion=p["criterion"],
        random_state=0,
    )
    return _cv(model, "diabetes", regression=True)


def _elasticnet(p: dict[str, Any]) -> float:
    from sklearn.linear_model import ElasticNet
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = ElasticNet(alpha=p["alpha"], l1_ratio=p["l1_ratio"], max_iter=5000)
    return _cv(make_pipeline(StandardScaler(), model), "diabetes", regression=True)


PROBLEMS: dict[str, UseCase] = {
    p.name: p
    for p in [
        UseCase(
            "svc_breast_cancer",
            [
                Float("C", 1e-2, 1e3, log=True),
                Float("gamma", 1e-5, 1.0, log=True),
                Choice("kernel", ["rbf", "sigmoid", "poly"]),
                Int("degree", 2, 5),
            ],
            _svc,
            "SVC on breast_cancer (C, gamma log-scaled; kernel categorical; degree integer)",
        ),
        UseCase(
            "knn_wine",
            [
                Int("n_neighbors", 1, 40),
                Choice("weights", ["uniform", "distance"]),
                Choice("p", [1, 2]),
                Choice("scaler", ["standard", "minmax", "none"]),
            ],
            _knn,
            "k-NN on wine (neighbours integer; weights, metric and scaler categorical)",
        ),
        UseCase(
            "sgd_digits",
            [
                Choice("loss", ["hinge", "log_loss", "modified_huber"]),
                Choice("penalty", ["l2", "l1", "elasticnet"]),
                Float("alpha", 1e-6, 1e-1, log=True),
                Float("l1_ratio", 0.0, 1.0),
            ],
            _sgd,
            "linear SGD classifier on digits (a third of the samples)",
        ),
        UseCase(
            "tree_diabetes",
            [
                Int("max_depth", 1, 20),
                Int("min_samples_leaf", 1, 60, log=True),
                Int("min_samples_split", 2, 40),
                Float("max_features", 0.1, 1.0),
                Choice("criterion", ["squared_error", "poisson", "absolute_error"]),
            ],
            _tree,
            "decision-tree regressor on diabetes (integers, a float and a categorical)",
        ),
        UseCase(
            "elasticnet_diabetes",
            [Float("alpha", 1e-4, 10.0, log=True), Float("l1_ratio", 0.0, 1.0)],
            _elasticnet,
            "elastic net on diabetes (two continuous parameters: the smooth sklearn case)",
        ),
    ]
}
