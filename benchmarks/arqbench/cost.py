"""Cost per trial: the optimizer's own ask+tell time (objective excluded) and its peak memory.

Each measurement (optimizer, D, N trials) runs in a fresh process, one at a time, on a sphere
in ``[-5, 5]^D`` whose evaluation is excluded from the timing: the ``Recorder`` times the gaps
*between* evaluations, which is exactly what the optimizer spends deciding (ask), learning
(tell) and, for callback-driven optimizers, its own loop. Times are **CPU time** of the process
(``time.process_time_ns``), so other work on a shared machine does not inflate them; BLAS and
OpenMP are pinned to one thread so that CPU time is also the time a user waits.

Memory is the growth of the process's peak resident set (``VmHWM``) over its resident set just
before the loop: it counts Rust and C allocations, which ``tracemalloc`` cannot see.

Slow optimizers are capped by a maximum N and a CPU-time limit per measurement; a capped
measurement records how many trials it reached, and the page says so.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from .optimizers import OPTIMIZERS, BudgetExhausted, available
from .space import box


class CpuCapReached(BudgetExhausted):
    """The measurement used up its CPU-time allowance."""


class CpuRecorder:
    """Like ``optimizers.Recorder`` but on process CPU time, with a CPU-time cap."""

    def __init__(self, d: int, budget: int, cap_seconds: float) -> None:
        self.d = d
        self.budget = budget
        self.n = 0
        self.gaps_ns: list[int] = []
        self.cap_ns = int(cap_seconds * 1e9)
        self.used_ns = 0
        self._last_end = time.process_time_ns()

    def start_clock(self) -> None:
        self._last_end = time.process_time_ns()

    def __call__(self, params: dict[str, Any]) -> float:
        t0 = time.process_time_ns()
        gap = t0 - self._last_end
        self.gaps_ns.append(gap)
        self.used_ns += gap
        if self.n >= self.budget:
            raise BudgetExhausted
        if self.used_ns > self.cap_ns:
            raise CpuCapReached
        self.n += 1
        s = 0.0
        for i in range(self.d):
            v = params[f"x{i}"]
            s += v * v
        self._last_end = time.process_time_ns()
        return s


def _rss_kib(field_name: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return 0


def measure(optimizer: str, d: int, n: int, cap_seconds: float, seed: int = 0) -> dict[str, Any]:
    """One measurement, meant to run in a fresh process."""
    run = OPTIMIZERS[optimizer]
    space = box([f"x{i}" for i in range(d)], -5.0, 5.0)
    if optimizer.startswith("arqon"):
        import arqonhpo  # noqa: F401  (imported before the baseline is taken)
    rec = CpuRecorder(d, n, cap_seconds)
    # A short warm-up run loads lazily imported modules before the baseline is taken.
    run(space, CpuRecorder(d, 3, 60.0), 3, seed + 1)
    base = _rss_kib("VmRSS")
    wall0 = time.perf_counter()
    capped = False
    rec.start_clock()
    try:
        run(space, rec, n, seed)
    except CpuCapReached:
        capped = True
    except BudgetExhausted:
        pass
    wall = time.perf_counter() - wall0
    gaps = np.asarray(rec.gaps_ns[: rec.n], dtype=float) / 1e3  # µs before each evaluation
    # The tail after the last evaluation (the final tell, the optimizer's wrap-up) counts too.
    total_us = float(np.sum(rec.gaps_ns)) / 1e3
    reached = rec.n
    last = gaps[-max(1, reached // 10) :] if reached else gaps
    return {
        "optimizer": optimizer,
        "d": d,
        "n": n,
        "reached": reached,
        "capped": capped,
        "mean_us": total_us / max(reached, 1),
        "median_us": float(np.median(gaps)) if reached else None,
        "last10_us": float(np.mean(last)) if reached else None,
        "wall_seconds": wall,
        "peak_rss_growth_mib": max(_rss_kib("VmHWM") - base, 0) / 1024.0,
    }


def _child(args: tuple) -> dict[str, Any]:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    return measure(*args)


@dataclass(frozen=True)
class CostProfile:
    name: str
    dims: Sequence[int]
    ns: Sequence[int]
    max_n: dict[str, int] = field(default_factory=dict)
    cap_seconds: float = 60.0
    optimizers: Sequence[str] = ()
    """The optimizers measured (``MEASURED`` when empty)."""

    def largest_n(self, optimizer: str) -> int:
        """The largest N ``optimizer`` is run to in this profile."""
        return self.max_n.get(optimizer, DEFAULT_MAX_N)


#: The largest N an optimizer is run to unless its profile says otherwise.
DEFAULT_MAX_N = 10_000

#: The optimizers whose cost is measured.
MEASURED = (
    "arqon_auto",
    "arqon_tpe",
    "optuna_tpe",
    "optuna_tpe_mv",
    "optuna_cmaes",
    "random",
    "scipy_nm",
    "nevergrad_ngopt",
    "hyperopt_tpe",
)

#: The nearest peers on cost, measured beside ArqonHPO in the rotated profile's cost run.
NEAREST = (
    "arqon_auto",
    "arqon_cmaes",
    "arqon_trust_region",
    "arqon_gp",
    "arqon_tpe",
    "rustuna_tpe",
    "optuna_tpe",
    "cmaes",
)

PROFILES: dict[str, CostProfile] = {
    "full": CostProfile(
        "full",
        (2, 10, 50),
        (100, 1000, 10_000, 100_000),
        {"arqon_auto": 100_000, "arqon_tpe": 100_000},
        cap_seconds=600.0,
    ),
    "quick": CostProfile(
        "quick",
        (2, 10, 50),
        (100, 1000, 10_000, 100_000),
        {
            "arqon_auto": 100_000,
            "arqon_tpe": 100_000,
            "optuna_tpe": 1000,
            "optuna_tpe_mv": 1000,
            "hyperopt_tpe": 1000,
            "nevergrad_ngopt": 1000,
            "optuna_cmaes": 10_000,
            "random": 10_000,
            "scipy_nm": 10_000,
        },
        cap_seconds=60.0,
    ),
    # D = 4 and 10 (bytes per trial are read off the memory growth at 10 000 trials).
    "rotated": CostProfile(
        "rotated",
        (4, 10),
        (100, 1000, 10_000),
        {"optuna_tpe": 1000, "arqon_gp": 1000},
        cap_seconds=60.0,
        optimizers=NEAREST,
    ),
    "smoke": CostProfile("smoke", (2,), (100, 1000), {}, cap_seconds=10.0),
}


def drop(path: Path, optimizers: Sequence[str]) -> int:
    """Removes the saved measurements of ``optimizers`` (so they run again); returns how many."""
    if not path.exists():
        return 0
    results = json.loads(path.read_text())
    keep = [r for r in results if r["optimizer"] not in optimizers]
    path.write_text(json.dumps(keep, indent=1) + "\n", encoding="utf-8")
    return len(results) - len(keep)


def run(
    profile: CostProfile, out: Path, optimizers: Sequence[str] | None = None, log: Any = print
) -> None:
    roster = profile.optimizers or MEASURED
    names = [o for o in (optimizers or roster) if o in roster]
    results: list[dict[str, Any]] = json.loads(out.read_text()) if out.exists() else []
    done = {(r["optimizer"], r["d"], r["n"]) for r in results}
    ctx = get_context("spawn")
    for d in profile.dims:
        for name in names:
            why = available(name)
            if why:
                log(f"cost: skipping {name}: {why}")
                continue
            for n in profile.ns:
                if n > profile.largest_n(name) or (name, d, n) in done:
                    continue
                with ctx.Pool(1, maxtasksperchild=1) as pool:
                    r = pool.apply(_child, ((name, d, n, profile.cap_seconds),))
                results.append(r)
                out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
                log(
                    f"cost: {name:18s} D={d:<3d} N={n:<6d} reached {r['reached']:<6d} mean {r['mean_us']:10.1f} µs/trial, "
                    f"last 10% {r['last10_us'] or 0:10.1f} µs, +{r['peak_rss_growth_mib']:.1f} MiB{' (capped)' if r['capped'] else ''}"
                )
                if r["capped"]:
                    break  # larger N would only hit the same cap
