"""Per-trial optimizer overhead through Python: ArqonHPO vs Optuna, measured in the same run.

For a 10-parameter space (8 floats, one of them log-scaled, an integer and a 3-way choice)
and run lengths of 100, 1 000 and 10 000 trials, it times the whole ask -> evaluate -> tell
loop with a free objective (a sum of squares), so the figure is the optimizer's own cost per
trial. ArqonHPO is measured with the strategy its classifier picks (TPE here, the space has a
choice) and with each strategy forced; Optuna with its TPE and random samplers through the
ask-and-tell interface with in-memory storage.

Optuna's TPE grows super-linearly with the history, so it is capped at --optuna-tpe-max
trials (default 1 000) and marked "skipped" above that.

Usage (`make bench-overhead` creates the venv with Optuna and runs this):
    python benchmarks/overhead.py [--trials 100 1000 10000] [--repeats 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import arqonhpo as aq

D = 10


def objective(params: dict[str, Any]) -> float:
    total = 0.0
    for _name, v in params.items():
        x = 0.5 if isinstance(v, str) else float(v)
        total += (x - 0.3) ** 2
    return total


def arqon_space() -> dict[str, Any]:
    space: dict[str, Any] = {f"x{i}": aq.Float(-5.0, 5.0) for i in range(7)}
    space["lr"] = aq.Float(1e-5, 1.0, log=True)
    space["n"] = aq.Int(1, 64)
    space["kind"] = aq.Choice(["a", "b", "c"])
    assert len(space) == D
    return space


def time_arqon(n: int, strategy: str) -> float:
    """Seconds per trial for one run of n trials."""
    solver = aq.ArqonSolver(arqon_space(), budget=n, seed=0, strategy=strategy)
    ask, tell = solver.ask, solver.tell
    start = time.perf_counter()
    while (trial := ask()) is not None:
        tell(trial, objective(trial.params))
    elapsed = time.perf_counter() - start
    assert solver.n_told == n
    return elapsed / n


def time_optuna(n: int, sampler_name: str) -> float:
    import optuna
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dists: dict[str, Any] = {f"x{i}": FloatDistribution(-5.0, 5.0) for i in range(7)}
    dists["lr"] = FloatDistribution(1e-5, 1.0, log=True)
    dists["n"] = IntDistribution(1, 64)
    dists["kind"] = CategoricalDistribution(["a", "b", "c"])
    sampler = (
        optuna.samplers.TPESampler(seed=0)
        if sampler_name == "tpe"
        else optuna.samplers.RandomSampler(seed=0)
    )
    study = optuna.create_study(sampler=sampler, direction="minimize")
    start = time.perf_counter()
    for _ in range(n):
        trial = study.ask(dists)
        study.tell(trial, objective(trial.params))
    elapsed = time.perf_counter() - start
    return elapsed / n


def best_of(repeats: int, fn: Callable[[], float]) -> float:
    return min(fn() for _ in range(repeats))


def fmt_us(seconds: float | None) -> str:
    return "skipped" if seconds is None else f"{seconds * 1e6:,.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trials", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="best of this many runs (ArqonHPO and Optuna random); Optuna TPE runs once",
    )
    parser.add_argument("--optuna-tpe-max", type=int, default=1000)
    parser.add_argument("--json", help="also write the raw figures to this file")
    args = parser.parse_args()

    try:
        import optuna

        optuna_version: str | None = optuna.__version__
    except ImportError:
        optuna_version = None
        print(
            "optuna is not installed: ArqonHPO only (make bench-overhead installs it)",
            file=sys.stderr,
        )

    rows: list[dict[str, Any]] = []
    for n in args.trials:
        row: dict[str, Any] = {"trials": n}
        for strategy in ("auto", "tpe", "nelder_mead", "random"):
            row[f"arqon_{strategy}"] = best_of(
                args.repeats, lambda n=n, strategy=strategy: time_arqon(n, strategy)
            )
        if optuna_version:
            row["optuna_random"] = best_of(args.repeats, lambda n=n: time_optuna(n, "random"))
            row["optuna_tpe"] = time_optuna(n, "tpe") if n <= args.optuna_tpe_max else None
        rows.append(row)
        print(f"done: {n} trials", file=sys.stderr)

    print(
        f"\nPer-trial ask+tell overhead through Python, D = {D}, microseconds per trial (lower is better)."
    )
    print(
        f"arqonhpo {aq.__version__}, optuna {optuna_version}, Python {platform.python_version()}, {platform.machine()}\n"
    )
    print(
        "| trials | ArqonHPO auto (TPE) | ArqonHPO Nelder–Mead | ArqonHPO random | Optuna TPE | Optuna random | Optuna TPE / ArqonHPO auto | Optuna random / ArqonHPO random |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        tpe_ratio = f"{r['optuna_tpe'] / r['arqon_auto']:,.0f}x" if r.get("optuna_tpe") else "—"
        rnd_ratio = (
            f"{r['optuna_random'] / r['arqon_random']:,.0f}x" if r.get("optuna_random") else "—"
        )
        print(
            f"| {r['trials']:,} | {fmt_us(r['arqon_auto'])} | {fmt_us(r['arqon_nelder_mead'])} | {fmt_us(r['arqon_random'])} "
            f"| {fmt_us(r.get('optuna_tpe'))} | {fmt_us(r.get('optuna_random'))} | {tpe_ratio} | {rnd_ratio} |"
        )
    arqon = [r["arqon_auto"] for r in rows]
    print(
        f"\nArqonHPO auto: {max(arqon) / min(arqon):.2f}x spread between the cheapest and dearest run length (flat = 1x)."
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"dimensions": D, "optuna": optuna_version, "rows": rows}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
