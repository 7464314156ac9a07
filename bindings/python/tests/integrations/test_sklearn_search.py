"""ArqonSearchCV against real scikit-learn: the estimator checks that apply to a search
meta-estimator, the BaseSearchCV surface, independence from n_jobs, and a comparison with
RandomizedSearchCV on the same budget."""

from __future__ import annotations

import statistics
from typing import Any

import numpy as np
import pytest
from scipy.stats import loguniform, randint
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

import arqonhpo as aq
from arqonhpo.sklearn import ArqonSearchCV

SVC_SPACE = {"svc__C": loguniform(1e-3, 1e3), "svc__gamma": loguniform(1e-5, 1e1)}


def svc() -> Any:
    return make_pipeline(StandardScaler(), SVC())


# Warnings scikit-learn's own checks raise on the way (pytest turns warnings into errors):
# LogisticRegression may not converge on the checks' data, and an infinite y is cast to int.
pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning"),
]


# As scikit-learn checks its own searches: error_score="raise", so a bad input is an error.
# (With a DecisionTreeClassifier inside, RandomizedSearchCV and this search both fail
# check_estimators_nan_inf and check_supervised_y_2d: the tree accepts what they test.)
@parametrize_with_checks(
    [
        ArqonSearchCV(
            LogisticRegression(),
            {"C": aq.Float(0.1, 10.0, log=True)},
            n_iter=3,
            cv=2,
            error_score="raise",
        ),
    ]
)
def test_sklearn_estimator_checks(estimator: Any, check: Any) -> None:
    check(estimator)


def test_the_search_surface_matches_gridsearch() -> None:
    X, y = load_iris(return_X_y=True)
    search = ArqonSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": randint(1, 8), "criterion": ["gini", "entropy"], "min_samples_leaf": [1, 5]},
        n_iter=10,
        scoring=["accuracy", "f1_macro"],
        refit="f1_macro",
        cv=3,
        random_state=1,
    ).fit(X, y)
    res = search.cv_results_
    assert len(res["params"]) == 10 and "mean_test_accuracy" in res
    assert search.best_params_ == res["params"][search.best_index_]
    assert search.best_score_ == max(res["mean_test_f1_macro"])
    assert search.best_params_["criterion"] in ("gini", "entropy")
    assert search.best_estimator_.predict(X[:3]).shape == (3,)
    assert search.solver_.is_done and search.solver_.n_told == 10
    # The solver minimized the negated f1: its best is the search's best.
    assert search.solver_.best is not None
    assert search.solver_.best.value == pytest.approx(-search.best_score_)


def test_several_scorers_without_refit_name_is_a_clear_error() -> None:
    X, y = load_iris(return_X_y=True)
    search = ArqonSearchCV(
        LogisticRegression(),
        {"C": aq.Float(0.1, 1.0)},
        n_iter=2,
        scoring=["accuracy", "f1_macro"],
        refit=False,
    )
    with pytest.raises(ValueError, match="set refit"):
        search.fit(X, y)


def test_results_do_not_depend_on_n_jobs() -> None:
    X, y = load_breast_cancer(return_X_y=True)
    runs = [
        ArqonSearchCV(svc(), SVC_SPACE, n_iter=12, cv=3, n_jobs=n, random_state=4).fit(X, y)
        for n in (1, 2)
    ]
    assert runs[0].cv_results_["params"] == runs[1].cv_results_["params"]
    assert runs[0].best_params_ == runs[1].best_params_


def test_metadata_routing_reaches_the_estimator() -> None:
    import sklearn

    X, y = load_iris(return_X_y=True)
    weights = np.ones(len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        est = (
            LogisticRegression()
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=False)
        )
        search = ArqonSearchCV(est, {"C": aq.Float(0.1, 10.0, log=True)}, n_iter=3, cv=2)
        search.fit(X, y, sample_weight=weights)
        # Unrequested metadata is refused, as by GridSearchCV.
        with pytest.raises(Exception, match="sample_weight"):
            ArqonSearchCV(LogisticRegression(), {"C": aq.Float(0.1, 1.0)}, n_iter=2).fit(
                X, y, sample_weight=weights
            )


@pytest.mark.slow
def test_at_least_as_good_as_randomized_search_on_the_same_budget() -> None:
    X, y = load_breast_cancer(return_X_y=True)
    arqon, rand = [], []
    for seed in range(5):
        kwargs: dict[str, Any] = {"n_iter": 20, "cv": 3, "random_state": seed}
        arqon.append(ArqonSearchCV(svc(), SVC_SPACE, **kwargs).fit(X, y).best_score_)
        rand.append(RandomizedSearchCV(svc(), SVC_SPACE, **kwargs).fit(X, y).best_score_)
    print(
        f"ArqonSearchCV {statistics.mean(arqon):.4f}, RandomizedSearchCV {statistics.mean(rand):.4f}"
    )
    assert statistics.mean(arqon) >= statistics.mean(rand)
