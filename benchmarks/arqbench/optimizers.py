"""One adapter per optimizer: run ``objective`` for exactly ``budget`` evaluations.

Every adapter has the signature ``run(space, objective, budget, seed) -> info`` where
``objective`` takes a dict of named parameter values and returns a float (lower is better),
and ``info`` is a dict of extra facts worth recording (ArqonHPO's classification, for
instance). The evaluations themselves are recorded by the caller's ``objective`` wrapper
(``Recorder``), so no adapter can misreport its own result.

Settings are each library's defaults unless noted; the notes say what was chosen and why.
Peers whose package is missing are reported as unavailable, never silently dropped.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .space import Param, from_unit

Objective = Callable[[dict[str, Any]], float]


class BudgetExhausted(Exception):
    """Raised by the recorder when an optimizer asks for more than its budget (callback-driven
    optimizers such as SciPy's are stopped this way)."""


class Recorder:
    """Wraps an objective: counts evaluations, keeps every value, and times the gaps between
    evaluations (the optimizer's own cost, objective excluded)."""

    def __init__(self, objective: Objective, budget: int) -> None:
        self.objective = objective
        self.budget = budget
        self.values: list[float] = []
        self.gaps_ns: list[int] = []
        self.eval_ns = 0
        self._last_end = time.perf_counter_ns()

    def start_clock(self) -> None:
        self._last_end = time.perf_counter_ns()

    def __call__(self, params: dict[str, Any]) -> float:
        if len(self.values) >= self.budget:
            raise BudgetExhausted
        t0 = time.perf_counter_ns()
        self.gaps_ns.append(t0 - self._last_end)
        value = float(self.objective(params))
        t1 = time.perf_counter_ns()
        self.eval_ns += t1 - t0
        self.values.append(value)
        self._last_end = t1
        return value


# -- ArqonHPO -----------------------------------------------------------------------------------


def arqon_space(space: Sequence[Param]) -> dict[str, Any]:
    """The suite's space as ArqonHPO parameters."""
    import arqonhpo as aq

    spec: dict[str, Any] = {}
    for p in space:
        if p.kind == "float":
            spec[p.name] = aq.Float(p.low, p.high, log=p.log)
        elif p.kind == "int":
            spec[p.name] = aq.Int(int(p.low), int(p.high), log=p.log)
        else:
            spec[p.name] = aq.Choice(list(p.choices))
    return spec


def _arqon(strategy: str) -> Callable[..., dict[str, Any]]:
    def run(space: Sequence[Param], objective: Objective, budget: int, seed: int) -> dict[str, Any]:
        import arqonhpo as aq

        spec = arqon_space(space)
        solver = aq.ArqonSolver(spec, budget=budget, seed=seed, strategy=strategy)
        while (trial := solver.ask()) is not None:
            solver.tell(trial, objective(trial.params))
        c = solver.classification
        info: dict[str, Any] = {"refined_by": solver.strategy}
        if c is not None:
            info["classification"] = c.label
            info["score"] = c.score
        return info

    return run


# -- Optuna -------------------------------------------------------------------------------------


def optuna_distributions(space: Sequence[Param]) -> dict[str, Any]:
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    out: dict[str, Any] = {}
    for p in space:
        if p.kind == "float":
            out[p.name] = FloatDistribution(p.low, p.high, log=p.log)
        elif p.kind == "int":
            out[p.name] = IntDistribution(int(p.low), int(p.high), log=p.log)
        else:
            out[p.name] = CategoricalDistribution(list(p.choices))
    return out


def _optuna(make_sampler: Callable[[int], Any]) -> Callable[..., dict[str, Any]]:
    def run(space: Sequence[Param], objective: Objective, budget: int, seed: int) -> dict[str, Any]:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        dists = optuna_distributions(space)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # experimental-feature and CMA fallback warnings
            study = optuna.create_study(direction="minimize", sampler=make_sampler(seed))
            for _ in range(budget):
                trial = study.ask(dists)
                study.tell(trial, objective(trial.params))
        return {}

    return run


def _tpe(seed: int) -> Any:
    import optuna

    return optuna.samplers.TPESampler(seed=seed)


def _tpe_multivariate(seed: int) -> Any:
    import optuna

    return optuna.samplers.TPESampler(seed=seed, multivariate=True)


def _cmaes(seed: int) -> Any:
    import optuna

    return optuna.samplers.CmaEsSampler(seed=seed)


def _random(seed: int) -> Any:
    import optuna

    return optuna.samplers.RandomSampler(seed=seed)


# -- CMA-ES (the cmaes package) and rustuna -------------------------------------------------------


def cmaes_ipop(
    space: Sequence[Param], objective: Objective, budget: int, seed: int
) -> dict[str, Any]:
    """CyberAgent's ``cmaes.CMA`` in the unit cube (mean at the centre, step size 1/6 of the
    width, as Optuna's CmaEsSampler starts), restarted with a doubled population whenever its
    own stopping rule fires (IPOP, Auger & Hansen 2005), so it spends the whole budget.
    Integers are rounded and choices read as equal cells (``space.from_unit``)."""
    from cmaes import CMA

    d = len(space)
    bounds = np.tile([0.0, 1.0], (d, 1))
    popsize = None
    restarts = 0
    try:
        while True:
            opt = CMA(
                mean=np.full(d, 0.5),
                sigma=1.0 / 6.0,
                bounds=bounds,
                seed=seed + 1000 * restarts,
                population_size=popsize,
            )
            while not opt.should_stop():
                xs = [opt.ask() for _ in range(opt.population_size)]
                opt.tell([(x, objective(from_unit(space, x))) for x in xs])
            popsize = 2 * opt.population_size
            restarts += 1
    except BudgetExhausted:
        pass
    return {"restarts": restarts}


def rustuna_tpe(
    space: Sequence[Param], objective: Objective, budget: int, seed: int
) -> dict[str, Any]:
    """rustuna's TPESampler (the Optuna team's Rust port) through ``study.ask()``/``tell()``."""
    import rustuna

    study = rustuna.create_study(
        direction="minimize", sampler=rustuna.samplers.TPESampler(seed=seed)
    )
    for _ in range(budget):
        trial = study.ask()
        params: dict[str, Any] = {}
        for p in space:
            if p.kind == "float":
                params[p.name] = trial.suggest_float(p.name, p.low, p.high, log=p.log)
            elif p.kind == "int":
                params[p.name] = trial.suggest_int(p.name, int(p.low), int(p.high), log=p.log)
            else:
                params[p.name] = trial.suggest_categorical(p.name, list(p.choices))
        study.tell(trial.number, objective(params))
    return {}


# -- scikit-optimize (GP-BO) ----------------------------------------------------------------------


def skopt_gp(
    space: Sequence[Param], objective: Objective, budget: int, seed: int
) -> dict[str, Any]:
    """scikit-optimize's ``gp_minimize`` with its defaults: a Matérn-5/2 GP refitted after every
    evaluation, the ``gp_hedge`` acquisition (EI, PI and LCB), 10 initial random points."""
    from skopt import gp_minimize
    from skopt.space import Categorical, Integer, Real

    dims: list[Any] = []
    for p in space:
        prior = "log-uniform" if p.log else "uniform"
        if p.kind == "float":
            dims.append(Real(p.low, p.high, prior=prior, name=p.name))
        elif p.kind == "int":
            dims.append(Integer(int(p.low), int(p.high), prior=prior, name=p.name))
        else:
            dims.append(Categorical(list(p.choices), name=p.name))

    def fn(x: list[Any]) -> float:
        params = {}
        for p, v in zip(space, x):
            params[p.name] = int(v) if p.kind == "int" else (float(v) if p.kind == "float" else v)
        return objective(params)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gp_minimize(
            fn,
            dims,
            n_calls=budget,
            n_initial_points=min(10, budget),
            random_state=seed,
        )
    return {}


# -- SciPy Nelder-Mead ----------------------------------------------------------------------


def scipy_nelder_mead(
    space: Sequence[Param], objective: Objective, budget: int, seed: int
) -> dict[str, Any]:
    """SciPy's bounded Nelder-Mead (default coefficients) in the unit cube, restarted from a
    fresh uniform point whenever it converges before the budget is spent. Integers are rounded
    and choices read as equal cells, the same encoding ArqonHPO's forced Nelder-Mead uses."""
    from scipy.optimize import minimize

    rng = np.random.default_rng(seed)
    d = len(space)
    restarts = 0
    try:
        while True:
            x0 = rng.random(d)
            minimize(
                lambda u: objective(from_unit(space, u)),
                x0,
                method="Nelder-Mead",
                bounds=[(0.0, 1.0)] * d,
                options={"maxfev": budget, "xatol": 1e-10, "fatol": 1e-14},
            )
            restarts += 1
    except BudgetExhausted:
        pass
    return {"restarts": restarts}


# -- Nevergrad --------------------------------------------------------------------------------


def nevergrad_ngopt(
    space: Sequence[Param], objective: Objective, budget: int, seed: int
) -> dict[str, Any]:
    import nevergrad as ng

    params: dict[str, Any] = {}
    for p in space:
        if p.kind == "choice":
            params[p.name] = ng.p.Choice(list(p.choices))
        elif p.log:
            params[p.name] = ng.p.Log(lower=p.low, upper=p.high)
        else:
            params[p.name] = ng.p.Scalar(lower=p.low, upper=p.high)
        if p.kind == "int":
            params[p.name].set_integer_casting()
    parametrization = ng.p.Dict(**params)
    parametrization.random_state = np.random.RandomState(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt = ng.optimizers.NGOpt(parametrization=parametrization, budget=budget, num_workers=1)
        for _ in range(budget):
            cand = opt.ask()
            opt.tell(cand, objective(dict(cand.value)))
    return {}


# -- Hyperopt ---------------------------------------------------------------------------------


def hyperopt_tpe(
    space: Sequence[Param], objective: Objective, budget: int, seed: int
) -> dict[str, Any]:
    from hyperopt import Trials, fmin, hp, tpe

    hspace: dict[str, Any] = {}
    for p in space:
        if p.kind == "choice":
            hspace[p.name] = hp.choice(p.name, list(p.choices))
        elif p.kind == "int":
            if p.log:
                hspace[p.name] = hp.qloguniform(p.name, math.log(p.low), math.log(p.high), 1)
            else:
                hspace[p.name] = hp.uniformint(p.name, p.low, p.high)
        elif p.log:
            hspace[p.name] = hp.loguniform(p.name, math.log(p.low), math.log(p.high))
        else:
            hspace[p.name] = hp.uniform(p.name, p.low, p.high)

    def fn(args: dict[str, Any]) -> float:
        decoded = {}
        for p in space:
            v = args[p.name]
            if p.kind == "int":
                v = int(min(max(round(v), p.low), p.high))
            decoded[p.name] = v
        return objective(decoded)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fmin(
            fn,
            hspace,
            algo=tpe.suggest,
            max_evals=budget,
            trials=Trials(),
            rstate=np.random.default_rng(seed),
            show_progressbar=False,
        )
    return {}


OPTIMIZERS: dict[str, Callable[..., dict[str, Any]]] = {
    "arqon_auto": _arqon("auto"),
    "arqon_nelder_mead": _arqon("nelder_mead"),
    "arqon_tpe": _arqon("tpe"),
    "arqon_random": _arqon("random"),
    "arqon_cmaes": _arqon("cmaes"),
    "arqon_trust_region": _arqon("trust_region"),
    "arqon_gp": _arqon("gp"),
    "optuna_tpe": _optuna(_tpe),
    "optuna_tpe_mv": _optuna(_tpe_multivariate),
    "optuna_cmaes": _optuna(_cmaes),
    "random": _optuna(_random),
    "scipy_nm": scipy_nelder_mead,
    "nevergrad_ngopt": nevergrad_ngopt,
    "hyperopt_tpe": hyperopt_tpe,
    "cmaes": cmaes_ipop,
    "skopt_gp": skopt_gp,
    "rustuna_tpe": rustuna_tpe,
}

LABELS: dict[str, str] = {
    "arqon_auto": "ArqonHPO auto",
    "arqon_nelder_mead": "ArqonHPO forced Nelder–Mead",
    "arqon_tpe": "ArqonHPO forced TPE",
    "arqon_random": "ArqonHPO forced random",
    "arqon_cmaes": "ArqonHPO forced CMA-ES",
    "arqon_trust_region": "ArqonHPO forced trust region",
    "arqon_gp": "ArqonHPO forced GP-EI",
    "optuna_tpe": "Optuna TPE (default)",
    "optuna_tpe_mv": "Optuna TPE (multivariate)",
    "optuna_cmaes": "Optuna CMA-ES",
    "random": "Random search (Optuna)",
    "scipy_nm": "SciPy Nelder–Mead (bounded, restarts)",
    "nevergrad_ngopt": "Nevergrad NGOpt",
    "hyperopt_tpe": "Hyperopt TPE",
    "cmaes": "CMA-ES (cmaes, IPOP restarts)",
    "skopt_gp": "GP-BO (scikit-optimize gp_minimize)",
    "rustuna_tpe": "rustuna TPE",
}

#: Optimizers cheap enough per trial to run at D = 10 in the quick profile. Optuna TPE,
#: Hyperopt and NGOpt (whose meta-model refits a regression every few asks) are left out.
CHEAP = (
    "arqon_auto",
    "arqon_nelder_mead",
    "arqon_tpe",
    "arqon_random",
    "optuna_cmaes",
    "random",
    "scipy_nm",
)


#: Optimizers whose sequence of evaluations does not depend on the budget they are given, so the
#: first n evaluations of a run with a larger budget are exactly a run with budget n. The small
#: profile runs them once at its largest budget and reads the smaller budgets off the curve.
ANYTIME = ("optuna_tpe", "cmaes", "random", "skopt_gp", "scipy_nm")


def available(name: str) -> str | None:
    """None if the optimizer can run here, else why not (its package did not import)."""
    module = {
        "optuna_tpe": "optuna",
        "optuna_tpe_mv": "optuna",
        "optuna_cmaes": "cmaes",
        "random": "optuna",
        "scipy_nm": "scipy",
        "nevergrad_ngopt": "nevergrad",
        "hyperopt_tpe": "hyperopt",
        "cmaes": "cmaes",
        "skopt_gp": "skopt",
        "rustuna_tpe": "rustuna",
    }.get(name, "arqonhpo")
    try:
        __import__(module)
    except Exception as exc:  # any import failure means "not installed cleanly"
        return f"{module} did not import: {exc}"
    return None
