"""ArqonHPO: a probe-gated hyperparameter optimizer with a Rust core.

A scrambled Sobol probe samples the space, a classifier reads the landscape from it (smooth,
rippled, noisy or rugged), and the rest of the budget is refined by the strategy that suits it:
Nelder–Mead, a trust region or CMA-ES (smooth or rippled, by dimension and budget) or TPE
(noisy, rugged or partly categorical).

    >>> import arqonhpo as aq
    >>> solver = aq.ArqonSolver({"x": aq.Float(-5.0, 5.0)}, budget=30, seed=0)
    >>> while (trial := solver.ask()) is not None:
    ...     solver.tell(trial, (trial.params["x"] - 1.0) ** 2)
    >>> solver.best.value < 0.01
    True
"""

from ._core import ENGINE_VERSION, ArqonError, ConfigError, ResumeError, Trial, TrialError
from ._dashboard import Dashboard, dashboard
from ._minimize import MinimizeResult, minimize
from ._solver import (
    ArqonSolver,
    Choice,
    Classification,
    Float,
    Int,
    ParamValue,
    TrialResult,
    TrialsView,
)

__version__ = ENGINE_VERSION

__all__ = [
    "ArqonError",
    "ArqonSolver",
    "Choice",
    "Classification",
    "ConfigError",
    "Dashboard",
    "Float",
    "Int",
    "MinimizeResult",
    "ParamValue",
    "ResumeError",
    "Trial",
    "TrialError",
    "TrialResult",
    "TrialsView",
    "__version__",
    "dashboard",
    "minimize",
]
