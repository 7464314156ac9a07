"""The quality matrix: problem x optimizer x seed, each run for its whole budget.

Each run is one task in a process pool (``--jobs``); a finished run is appended to a JSONL
file at once, so an interrupted run resumes where it stopped and partial results can be
committed. A record keeps the best-so-far value at log-spaced checkpoints (and at half the
budget, which gives the 50·D number from the 100·D run), the run's wall time, the time spent
in the objective, and what the optimizer reported about itself.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from . import problems
from .optimizers import ANYTIME, CHEAP, OPTIMIZERS, Recorder, available


@dataclass(frozen=True)
class Task:
    problem: str
    optimizer: str
    seed: int
    budget: int

    @property
    def key(self) -> str:
        return f"{self.problem}|{self.optimizer}|{self.seed}|{self.budget}"


def checkpoints(budget: int) -> list[int]:
    pts = set(int(x) for x in np.unique(np.round(np.geomspace(1, budget, 40))))
    pts.update({budget // 2, budget})
    return sorted(p for p in pts if p >= 1)


def run_task(task: Task) -> dict[str, Any]:
    """Runs one optimizer on one problem with one seed; never raises (errors are recorded)."""
    problem = problems.get(task.problem)
    rec = Recorder(problem.objective, task.budget)
    record: dict[str, Any] = asdict(task)
    record.update(
        family=problem.family, dim=problem.dim, landscape=problem.landscape, optimum=problem.optimum
    )
    if problem.rotation_seed is not None:
        record["rotation_seed"] = problem.rotation_seed
    t0 = time.perf_counter()
    try:
        rec.start_clock()
        info = OPTIMIZERS[task.optimizer](problem.space, rec, task.budget, task.seed)
        record["info"] = info
    except Exception:
        record["error"] = traceback.format_exc(limit=5)
    record["seconds"] = time.perf_counter() - t0
    record["objective_seconds"] = rec.eval_ns / 1e9
    record["evaluations"] = len(rec.values)
    if rec.values:
        best = np.minimum.accumulate(np.asarray(rec.values, dtype=float))
        record["curve"] = [
            [n, float(best[min(n, len(best)) - 1])] for n in checkpoints(task.budget)
        ]
        record["best"] = float(best[-1])
    if len(rec.values) < task.budget and "error" not in record:
        record["error"] = f"stopped after {len(rec.values)} of {task.budget} evaluations"
    return record


@dataclass(frozen=True)
class Group:
    """Synthetic functions at ``dims`` with a budget of ``per_dim``·D, run by every optimizer
    (``cheap_only=False``) or only by those in ``optimizers.CHEAP`` and ``also``; ``fixed``
    names the fixed-dimension functions (Branin, Hartmann) that run with this group."""

    dims: Sequence[int]
    per_dim: int
    cheap_only: bool = False
    fixed: Sequence[str] = ()
    also: Sequence[str] = ()
    """Optimizers run in a ``cheap_only`` group although they are not cheap."""


@dataclass(frozen=True)
class BbobGroup:
    """The BBOB-style problems (``problems.bbob_ids``) at ``dims``, each at every budget
    ``m``·D of ``per_dim``, with ``seeds`` seeds, run by ``optimizers`` (the profile's roster
    when empty)."""

    dims: Sequence[int]
    per_dim: Sequence[int]
    seeds: int
    optimizers: Sequence[str] = ()


@dataclass(frozen=True)
class Profile:
    name: str
    seeds: int
    groups: Sequence[Group]
    sim_budget: int
    sim_seeds: int
    sklearn_budget: int
    sklearn_seeds: int
    bbob: Sequence[BbobGroup] = ()
    sim_budgets: Sequence[int] = ()
    """The simulation budgets when there are several (then ``sim_budget`` is not used)."""
    roster: Sequence[str] = ()
    """The optimizers this profile runs (every one in ``OPTIMIZERS`` when empty)."""
    sim_optimizers: Sequence[str] = ()
    """The optimizers run on the simulation problems (the roster when empty)."""

    @property
    def budgets_per_problem(self) -> bool:
        """True when a problem runs at more than one budget (results are keyed by both)."""
        return bool(self.sim_budgets) or any(len(g.per_dim) > 1 for g in self.bbob)


#: ArqonHPO's rows in the small and rotated profiles: the only ones an engine change affects.
ARQON_ROWS = ("arqon_auto", "arqon_cmaes")
SMALL_ROSTER = (*ARQON_ROWS, "optuna_tpe", "cmaes", "nevergrad_ngopt", "scipy_nm", "random")
ROTATED_CHEAP = (*ARQON_ROWS, "cmaes", "random")
ROTATED_COSTLY = ("optuna_tpe", "nevergrad_ngopt")

#: The optimizers of the quick, full and smoke profiles (those published before the small and
#: rotated profiles added CMA-ES, GP-BO and forced CMA-ES rows).
CLASSIC_ROSTER = (
    "arqon_auto",
    "arqon_nelder_mead",
    "arqon_tpe",
    "arqon_random",
    "optuna_tpe",
    "optuna_tpe_mv",
    "optuna_cmaes",
    "random",
    "scipy_nm",
    "nevergrad_ngopt",
    "hyperopt_tpe",
)

PROFILES: dict[str, Profile] = {
    # scikit-learn problems get 20 seeds: their values sit on a few discrete plateaus (a tree's
    # depth, a fold's accuracy), and with 10 seeds one seed landing on the next plateau moved a
    # family median by a fifth.
    "full": Profile(
        "full",
        10,
        (Group((2, 5, 10), 100, False, ("branin", "hartmann3", "hartmann6")),),
        200,
        10,
        100,
        20,
        roster=CLASSIC_ROSTER,
    ),
    # What fits in about an hour and a half on 2 shared cores: 100·D at D = 2, 50·D at D = 5
    # and 10 (at D = 10 only the optimizers cheap per trial, plus Optuna's default TPE), and
    # smaller use-case budgets (10 seeds, 20 for scikit-learn).
    "quick": Profile(
        "quick",
        10,
        (
            Group((2,), 100, False, ("branin",)),
            Group((5,), 50, False, ("hartmann3", "hartmann6")),
            Group((10,), 50, True, (), ("optuna_tpe",)),
        ),
        100,
        10,
        50,
        20,
        roster=CLASSIC_ROSTER,
    ),
    # Issue 17: small budgets (10·D and 20·D at D = 2, 5, 10) on the BBOB-style families, and
    # the simulation problems at 50 and 100 trials, 5 seeds. The GP peer costs one to three
    # seconds per trial on two busy cores (a 40-trial run takes 75-130 s), so it runs at D = 2
    # only, with 2 seeds.
    "small": Profile(
        "small",
        5,
        (),
        0,
        5,
        0,
        0,
        bbob=(
            BbobGroup((2, 5, 10), (10, 20), 5, SMALL_ROSTER),
            BbobGroup((2,), (10, 20), 2, ("skopt_gp",)),
        ),
        sim_budgets=(50, 100),
        roster=(*SMALL_ROSTER, "skopt_gp"),
        sim_optimizers=SMALL_ROSTER,
    ),
    # Issue 16: the BBOB-style families at 100·D, D = 2, 5, 10 and 20, 5 seeds for ArqonHPO,
    # CMA-ES and random. NGOpt costs 17 s (D = 2) to 45 s (D = 10) of wall time per run at
    # 100·D on two busy cores, and Optuna's TPE 3 to 15 s: NGOpt runs 3 seeds at D = 2 and 5
    # and 2 at D = 10, Optuna's TPE 3 seeds at D = 2 only (the quick profile has it at D = 5
    # and 10, unrotated), neither at D = 20.
    "rotated": Profile(
        "rotated",
        5,
        (),
        0,
        0,
        0,
        0,
        bbob=(
            BbobGroup((2, 5, 10, 20), (100,), 5, ROTATED_CHEAP),
            BbobGroup((2, 5), (100,), 3, ("nevergrad_ngopt",)),
            BbobGroup((10,), (100,), 2, ("nevergrad_ngopt",)),
            BbobGroup((2,), (100,), 3, ("optuna_tpe",)),
        ),
        roster=(*ROTATED_CHEAP, *ROTATED_COSTLY),
    ),
    # Checks the pipeline end to end in a minute or two; not a result.
    "smoke": Profile(
        "smoke", 2, (Group((2,), 20, False, ("branin",)),), 20, 2, 10, 2, roster=CLASSIC_ROSTER
    ),
}


def _budgets(optimizer: str, budgets: Sequence[int]) -> list[int]:
    """The budgets ``optimizer`` runs at: only the largest for an optimizer whose run does not
    depend on its budget (``ANYTIME``), whose smaller budgets are read off that run's curve."""
    return [max(budgets)] if optimizer in ANYTIME else list(budgets)


def tasks_for(profile: Profile, optimizers: Sequence[str], families: Sequence[str]) -> list[Task]:
    tasks: list[Task] = []
    if "synthetic" in families:
        for g in profile.groups:
            ids = [
                pid
                for pid in problems.synthetic_ids(list(g.dims))
                if problems.fixed_name(pid) in (None, *g.fixed)
            ]
            for pid in ids:
                d = problems.get(pid).dim
                for opt in optimizers:
                    if profile.roster and opt not in profile.roster:
                        continue
                    if g.cheap_only and opt not in CHEAP and opt not in g.also:
                        continue
                    tasks += [Task(pid, opt, s, g.per_dim * d) for s in range(profile.seeds)]
    if "synthetic" in families:
        for b in profile.bbob:
            for pid in problems.bbob_ids(b.dims):
                d = problems.get(pid).dim
                for opt in optimizers:
                    if opt not in (b.optimizers or profile.roster or (opt,)):
                        continue
                    budgets = _budgets(opt, [m * d for m in b.per_dim])
                    tasks += [Task(pid, opt, s, n) for n in budgets for s in range(b.seeds)]
    if "simulation" in families:
        sim_opts = profile.sim_optimizers or profile.roster
        for pid in problems.simulation_ids():
            for opt in optimizers:
                if sim_opts and opt not in sim_opts:
                    continue
                for budget in _budgets(opt, profile.sim_budgets or (profile.sim_budget,)):
                    tasks += [Task(pid, opt, s, budget) for s in range(profile.sim_seeds)]
    if "sklearn" in families:
        for pid in problems.sklearn_ids():
            for opt in optimizers:
                if profile.roster and opt not in profile.roster:
                    continue
                tasks += [
                    Task(pid, opt, s, profile.sklearn_budget) for s in range(profile.sklearn_seeds)
                ]
    return tasks


_COST_HINT = {
    "optuna_tpe": 8.0,
    "optuna_tpe_mv": 8.0,
    "hyperopt_tpe": 6.0,
    "nevergrad_ngopt": 3.0,
    "optuna_cmaes": 2.0,
    "random": 1.5,
    "skopt_gp": 400.0,
}


def _cost(t: Task) -> float:
    family_cost = {"sklearn": 30.0, "simulation": 1.0}.get(t.problem.partition("/")[0], 0.05)
    return t.budget * (family_cost + 0.01 * _COST_HINT.get(t.optimizer, 0.3) * t.budget / 100)


def load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a torn last line from an interrupted run
    return out


def drop(path: Path, optimizers: Sequence[str]) -> int:
    """Removes the saved runs of ``optimizers`` (so they run again); returns how many."""
    records = load(path)
    keep = [r for r in records if r["optimizer"] not in optimizers]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r) + "\n" for r in keep), encoding="utf-8")
    tmp.replace(path)
    return len(records) - len(keep)


def run(
    profile: Profile,
    out: Path,
    jobs: int,
    optimizers: Sequence[str] | None = None,
    families: Sequence[str] = ("synthetic", "simulation", "sklearn"),
    log: Any = print,
) -> None:
    names = list(optimizers or profile.roster or OPTIMIZERS)
    usable = []
    for n in names:
        why = available(n)
        if why:
            log(f"skipping {n}: {why}")
        else:
            usable.append(n)
    tasks = tasks_for(profile, usable, families)
    done = {
        f"{r['problem']}|{r['optimizer']}|{r['seed']}|{r['budget']}"
        for r in load(out)
        if "error" not in r
    }
    # Costly runs first balance several workers; with one, cheap runs first give complete
    # tables early (an interrupted session keeps them) and leave the costliest peers for last.
    # With one worker, runs of equal cost go seed by seed, so a cut-off leaves whole seeds.
    todo = sorted(
        (t for t in tasks if t.key not in done),
        key=(lambda t: (-_cost(t), 0)) if jobs > 1 else (lambda t: (_cost(t), t.seed)),
    )
    log(
        f"quality[{profile.name}]: {len(tasks)} runs, {len(tasks) - len(todo)} already in {out}, {len(todo)} to go on {jobs} workers"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    ctx = get_context("spawn")
    with out.open("a", encoding="utf-8") as f, ctx.Pool(jobs, maxtasksperchild=200) as pool:
        for i, record in enumerate(pool.imap_unordered(run_task, todo, chunksize=1), 1):
            f.write(json.dumps(record) + "\n")
            f.flush()
            if "error" in record:
                log(
                    f"  error in {record['problem']} {record['optimizer']} seed {record['seed']}: {record['error'].splitlines()[-1]}"
                )
            if i % 50 == 0 or i == len(todo):
                el = time.perf_counter() - t0
                log(f"  {i}/{len(todo)} runs, {el:.0f} s elapsed")
