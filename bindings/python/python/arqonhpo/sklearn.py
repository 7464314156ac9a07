"""``ArqonSearchCV``: scikit-learn's search API driven by ArqonHPO.

A drop-in for ``RandomizedSearchCV``: the same constructor arguments, and ``cv_results_``,
``best_params_``, ``best_estimator_``, ``refit``, multimetric scoring, ``n_jobs`` and metadata
routing all come from scikit-learn's ``BaseSearchCV``. Only ``_run_search`` differs: it asks
the solver for a batch of ``batch_size`` candidates, lets scikit-learn cross-validate them
(in parallel over ``n_jobs``), and tells the mean test scores back, batch after batch.

The batch size is fixed and the scores are told in candidate order, so the candidates depend
on ``random_state`` and the scores only: ``n_jobs=1`` and ``n_jobs=8`` give the same search.
Install with ``pip install arqonhpo[sklearn]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from ._solver import ArqonSolver
from ._spaces import translate_space

try:
    from sklearn.model_selection._search import BaseSearchCV
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "arqonhpo.sklearn needs scikit-learn: pip install 'arqonhpo[sklearn]'"
    ) from exc

__all__ = ["ArqonSearchCV"]


class ArqonSearchCV(BaseSearchCV):  # type: ignore[misc]  # sklearn is untyped
    """Hyperparameter search with ArqonHPO's probe-gated optimizer.

    Parameters are those of ``RandomizedSearchCV``, plus:

    - ``param_distributions``: ``{name: spec}`` where a spec is ``arqonhpo.Float``/``Int``/
      ``Choice``, a list of options (any objects), or a scipy.stats ``uniform``,
      ``loguniform`` or ``randint`` distribution.
    - ``n_iter``: the number of candidates (the solver's budget).
    - ``batch_size``: candidates cross-validated together before the solver sees their
      scores (default 4). Larger batches use more cores at once; the model learns less often.
    - ``strategy``: the solver's refining strategy (``"auto"``, ``"tpe"``, ``"nelder_mead"``,
      ``"random"``, ``"cmaes"``, ``"trust_region"``, ``"gp"``).

    The optimized score is ``mean_test_score``, or with several scorers the one ``refit``
    names. Candidates whose fits fail (score NaN) are told as failed trials.
    After ``fit``, ``solver_`` is the ``ArqonSolver`` (its artifact records the search).
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **BaseSearchCV._parameter_constraints,
        "param_distributions": [dict],
        "n_iter": [int],
        "batch_size": [int],
        "random_state": ["random_state"],
        "strategy": [str],
    }

    def __init__(
        self,
        estimator: Any,
        param_distributions: Mapping[str, Any],
        *,
        n_iter: int = 20,
        batch_size: int = 4,
        strategy: str = "auto",
        scoring: Any = None,
        n_jobs: int | None = None,
        refit: bool | str | Callable[..., Any] = True,
        cv: Any = None,
        verbose: int = 0,
        pre_dispatch: int | str = "2*n_jobs",
        random_state: Any = None,
        error_score: float | str = math.nan,
        return_train_score: bool = False,
    ) -> None:
        self.param_distributions = param_distributions
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.strategy = strategy
        self.random_state = random_state
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )

    def _run_search(self, evaluate_candidates: Callable[..., dict[str, Any]]) -> None:
        from sklearn.utils import check_random_state

        if self.n_iter < 1 or self.batch_size < 1:
            raise ValueError(
                f"n_iter and batch_size must be at least 1, got {self.n_iter} and {self.batch_size}"
            )
        translated = translate_space(self.param_distributions)
        seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        solver = ArqonSolver(translated.space, self.n_iter, seed, strategy=self.strategy)
        key = self._score_key()
        while True:
            batch = solver.ask_batch(self.batch_size)
            if not batch:
                break
            results = evaluate_candidates([translated.decode(t.params) for t in batch])
            if key not in results:
                raise ValueError(
                    f"the search has several scorers ({', '.join(sorted(_scorers(results)))}): "
                    "set refit to the name of the one to optimize"
                )
            scores = results[key][-len(batch) :]
            for trial, score in zip(batch, scores):
                score = float(score)
                if math.isnan(score):
                    solver.tell(trial, failed=True, reason="every fit failed (error_score)")
                else:
                    solver.tell(trial, -score)  # scores are higher-better
        self.solver_ = solver

    def _score_key(self) -> str:
        return f"mean_test_{self.refit}" if isinstance(self.refit, str) else "mean_test_score"


def _scorers(results: Mapping[str, Iterable[Any]]) -> list[str]:
    return [k[len("mean_test_") :] for k in results if k.startswith("mean_test_")]
