"""Statistics of the quality runs: regrets, medians and IQRs, tests, aggregate scores.

- **Regret.** Synthetic functions: ``best - f*`` with the known optimum, reported as
  ``log10(max(regret, 1e-12))`` (the floor keeps solved runs finite). Simulation and
  scikit-learn problems have no known optimum: regret is ``best - best known``, the best
  value any run of any optimizer found on that problem, reported as is.
- **Win/tie/loss.** Per problem, ArqonHPO ``auto`` against a peer over the seeds: a two-sided
  Mann–Whitney U test (scipy) at 5%; a significant difference is a win or a loss by the
  medians, anything else a tie.
- **Aggregates.** Per family, the mean over problems of the difference of median log10
  regrets (synthetic; in decades, negative favours ``auto``); the median over problems of each
  optimizer's median regret normalised by random search's median regret on the same problem
  (every family; random = 1, best known = 0; a median, so one blow-up does not dominate); and
  the mean rank of each optimizer's median regret among all optimizers run on the problem.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

FLOOR = 1e-12
ALPHA = 0.05

#: The classifier's verdicts, in the order the report lists them.
VERDICTS = ("smooth", "rippled", "noisy", "rugged")


def group_runs(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """problem -> optimizer -> runs (records with an error are left out)."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        if "error" in r or "best" not in r:
            continue
        out[r["problem"]][r["optimizer"]].append(r)
    return out


def reference(runs: dict[str, list[dict[str, Any]]], optimum: float | None) -> float:
    if optimum is not None:
        return optimum
    known = [r["best_known"] for rs in runs.values() for r in rs if "best_known" in r]
    return min(known) if known else min(r["best"] for rs in runs.values() for r in rs)


def at_budgets(
    records: Iterable[dict[str, Any]], budgets: dict[str, Sequence[int]], anytime: Sequence[str]
) -> list[dict[str, Any]]:
    """Records keyed by problem *and* budget, for profiles that run a problem at several.

    Each record becomes ``<problem>@<budget>``. A run of an ``anytime`` optimizer (whose first
    n evaluations do not depend on its budget) also stands for every smaller budget of its
    problem in ``budgets``: its best value and curve are cut at that budget. Problems without a
    known optimum get ``best_known``, the best value any run found at any budget, so regrets
    at 50 and 100 trials are measured from the same reference."""
    records = [r for r in records if "error" not in r and "best" in r]
    best: dict[str, float] = {}
    for r in records:
        best[r["problem"]] = min(best.get(r["problem"], math.inf), r["best"])
    out = []
    for r in records:
        for b in budgets.get(r["problem"], (r["budget"],)):
            if b != r["budget"] and not (r["optimizer"] in anytime and b < r["budget"]):
                continue
            cut = [[n, v] for n, v in r["curve"] if n <= b]
            e = dict(r, problem=f"{r['problem']}@{b}", base=r["problem"], budget=b, curve=cut)
            e["best"] = cut[-1][1]
            if r.get("optimum") is None:
                e["best_known"] = best[r["problem"]]
            out.append(e)
    return out


def family_medians(
    records: Iterable[dict[str, Any]],
) -> dict[tuple[str, int, int], dict[str, dict[str, float]]]:
    """(group, D, budget) -> optimizer -> the median and quartiles of log10 regret over every
    run (problem x seed) of the group's problems at that D and budget, and the mean over
    problems of the per-problem median. Only records with a known optimum count."""
    runs: dict[tuple[str, int, int], dict[str, dict[str, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for r in records:
        if r.get("optimum") is None or "error" in r or "best" not in r:
            continue
        key = (r["landscape"], r["dim"], r["budget"])
        runs[key][r["optimizer"]][r["problem"]].append(
            math.log10(max(r["best"] - r["optimum"], FLOOR))
        )
    out: dict[tuple[str, int, int], dict[str, dict[str, float]]] = {}
    for key, by_opt in runs.items():
        out[key] = {}
        for opt, by_problem in by_opt.items():
            values = np.concatenate([np.asarray(v) for v in by_problem.values()])
            q25, med, q75 = np.percentile(values, [25, 50, 75])
            out[key][opt] = {
                "median": float(med),
                "q25": float(q25),
                "q75": float(q75),
                "mean_of_medians": float(np.mean([np.median(v) for v in by_problem.values()])),
                "problems": len(by_problem),
                "runs": int(values.size),
            }
    return out


def regret_at(run: dict[str, Any], ref: float, n: int | None = None) -> float:
    if n is None:
        return max(run["best"] - ref, 0.0)
    value = run["best"]
    for k, v in run["curve"]:
        if k <= n:
            value = v
    return max(value - ref, 0.0)


def transform(regrets: Sequence[float], log: bool) -> np.ndarray:
    a = np.asarray(regrets, dtype=float)
    return np.log10(np.maximum(a, FLOOR)) if log else a


def describe(values: np.ndarray) -> dict[str, float]:
    q25, med, q75 = np.percentile(values, [25, 50, 75])
    return {"median": float(med), "q25": float(q25), "q75": float(q75), "n": int(values.size)}


def compare(a: np.ndarray, b: np.ndarray) -> tuple[str, float]:
    """'win' if ``a`` is significantly lower than ``b``, 'loss' if higher, else 'tie'.

    The direction is the test's own: ``a`` is lower when a value drawn from it is below one
    drawn from ``b`` more often than not (U statistic below ``n_a·n_b / 2``). Medians cannot
    tell it on plateau-valued results: two runs sets with the same median and eight of twenty
    runs at the optimum against one differ, and comparing medians called that a loss."""
    from scipy.stats import mannwhitneyu

    if np.all(a == a[0]) and np.all(b == b[0]) and a[0] == b[0]:
        return "tie", 1.0
    test = mannwhitneyu(a, b, alternative="two-sided")
    p = float(test.pvalue)
    if p >= ALPHA or math.isnan(p):
        return "tie", p
    return ("win" if float(test.statistic) < a.size * b.size / 2 else "loss"), p


def mean_ranks(values: dict[str, float]) -> dict[str, float]:
    """Rank of each key's value, lowest first (1 = best; ties share the mean rank)."""
    order = sorted(values.values())
    return {
        k: float(np.mean([i + 1 for i, v in enumerate(order) if v == m])) for k, m in values.items()
    }


def summarize(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-problem statistics and pairwise comparisons of ``arqon_auto`` with every peer."""
    grouped = group_runs(records)
    problems: dict[str, Any] = {}
    for pid, runs in sorted(grouped.items()):
        any_run = next(iter(runs.values()))[0]
        optimum = any_run.get("optimum")
        log = optimum is not None
        ref = reference(runs, optimum)
        budget = any_run["budget"]
        entry: dict[str, Any] = {
            "family": any_run["family"],
            "dim": any_run["dim"],
            "budget": budget,
            "landscape": any_run.get("landscape", "unknown"),
            "reference": ref,
            "log10": log,
            "optimizers": {},
        }
        finals: dict[str, np.ndarray] = {}
        for opt, rs in sorted(runs.items()):
            final = transform([regret_at(r, ref) for r in rs], log)
            half = transform([regret_at(r, ref, budget // 2) for r in rs], log)
            finals[opt] = final
            stats = {
                "final": describe(final),
                "half": describe(half),
                "seconds": float(np.median([r["seconds"] - r["objective_seconds"] for r in rs])),
            }
            labels = [r.get("info", {}).get("classification") for r in rs]
            if any(labels):
                stats["labels"] = {k: labels.count(k) for k in VERDICTS if k in labels}
            entry["optimizers"][opt] = stats
        if "arqon_auto" in finals:
            entry["vs_auto"] = {}
            for opt, vals in finals.items():
                if opt == "arqon_auto":
                    continue
                outcome, p = compare(finals["arqon_auto"], vals)
                entry["vs_auto"][opt] = {"outcome": outcome, "p": p}
        # Ranks by median final regret.
        entry["ranks"] = mean_ranks(
            {o: s["final"]["median"] for o, s in entry["optimizers"].items()}
        )
        problems[pid] = entry
    return {"problems": problems, "families": families(problems)}


def _family_members(problems: dict[str, Any]) -> dict[str, list[str]]:
    fam: dict[str, list[str]] = defaultdict(list)
    for pid, e in problems.items():
        fam[e["family"]].append(pid)
        if e["family"] == "synthetic":
            fam[f"synthetic-{e['landscape']}"].append(pid)
            fam[f"synthetic-d{e['dim']}"].append(pid)
    fam["all"] = list(problems)
    return dict(fam)


def families(problems: dict[str, Any]) -> dict[str, Any]:
    """Per family: W/T/L of auto against each peer, median-vs-median counts, aggregates."""
    out: dict[str, Any] = {}
    for fam, pids in sorted(_family_members(problems).items()):
        opts = sorted({o for p in pids for o in problems[p]["optimizers"]})
        res: dict[str, Any] = {
            "problems": len(pids),
            "vs_auto": {},
            "normalized_regret": {},
            "mean_rank": {},
        }
        for o in opts:
            norm = []
            ranks = []
            for p in pids:
                e = problems[p]
                if o not in e["optimizers"] or "random" not in e["optimizers"]:
                    continue
                ranks.append(e["ranks"][o])
                if e["log10"]:
                    # Back to linear regret for the normalisation.
                    mine, rnd = (
                        10 ** e["optimizers"][o]["final"]["median"],
                        10 ** e["optimizers"]["random"]["final"]["median"],
                    )
                else:
                    mine, rnd = (
                        e["optimizers"][o]["final"]["median"],
                        e["optimizers"]["random"]["final"]["median"],
                    )
                if rnd > 0:
                    norm.append(mine / rnd)
            if norm:
                res["normalized_regret"][o] = float(np.median(norm))
            if ranks:
                res["mean_rank"][o] = float(np.mean(ranks))
        for o in opts:
            if o == "arqon_auto":
                continue
            w = t = lost = better = worse = 0
            decades = []
            for p in pids:
                e = problems[p]
                if o not in e["optimizers"] or "arqon_auto" not in e["optimizers"]:
                    continue
                outcome = e["vs_auto"][o]["outcome"]
                w, t, lost = (
                    w + (outcome == "win"),
                    t + (outcome == "tie"),
                    lost + (outcome == "loss"),
                )
                ma, mo = (
                    e["optimizers"]["arqon_auto"]["final"]["median"],
                    e["optimizers"][o]["final"]["median"],
                )
                better += ma < mo
                worse += ma > mo
                if e["log10"]:
                    decades.append(ma - mo)
            entry = {
                "win": w,
                "tie": t,
                "loss": lost,
                "median_better": better,
                "median_worse": worse,
                "compared": w + t + lost,
            }
            if decades:
                entry["mean_log10_diff"] = float(np.mean(decades))
            res["vs_auto"][o] = entry
        out[fam] = res
    return out


def _normalized_on(problems: dict[str, Any], pids: Sequence[str], opt: str) -> float | None:
    """Median over ``pids`` of ``opt``'s median regret / random search's median regret."""
    ratios = []
    for p in pids:
        e = problems[p]
        if opt not in e["optimizers"] or "random" not in e["optimizers"]:
            continue
        mine, rnd = (
            e["optimizers"][opt]["final"]["median"],
            e["optimizers"]["random"]["final"]["median"],
        )
        if e["log10"]:
            mine, rnd = 10**mine, 10**rnd
        if rnd > 0:
            ratios.append(mine / rnd)
    return float(np.median(ratios)) if ratios else None


def _row(
    summary: dict[str, Any], fam: str, pids: list[str], peer: str, check: str, strict: bool
) -> dict[str, Any] | None:
    """auto against ``peer`` on the problems of ``pids`` where both ran."""
    problems = summary["problems"]
    both = [
        p
        for p in pids
        if "arqon_auto" in problems[p]["optimizers"] and peer in problems[p]["optimizers"]
    ]
    if not both:
        return None
    auto, other = _normalized_on(problems, both, "arqon_auto"), _normalized_on(problems, both, peer)
    if auto is None or other is None:
        return None
    outcomes = [problems[p]["vs_auto"][peer]["outcome"] for p in both]
    wins, losses = outcomes.count("win"), outcomes.count("loss")
    # Against its own forced strategies auto *is* that strategy wherever it picks it, so their
    # normalised regrets can be equal; then auto is better on average when it wins more
    # problems than it loses.
    beats = auto < other or (auto == other and wins > losses)
    meds = [
        (
            problems[p]["optimizers"]["arqon_auto"]["final"]["median"],
            problems[p]["optimizers"][peer]["final"]["median"],
        )
        for p in both
    ]
    ranks = [(problems[p]["ranks"]["arqon_auto"], problems[p]["ranks"][peer]) for p in both]
    return {
        "check": check,
        "family": fam,
        "peer": peer,
        "problems": len(both),
        "auto_normalized": auto,
        "peer_normalized": other,
        "ratio": auto / other if other > 0 else float("inf"),
        "wtl": [wins, outcomes.count("tie"), losses],
        "median_better": sum(a < b for a, b in meds),
        "median_worse": sum(a > b for a, b in meds),
        "auto_rank": float(np.mean([a for a, _ in ranks])),
        "peer_rank": float(np.mean([b for _, b in ranks])),
        "pass": beats if strict else auto <= other,
    }


def bar(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The project's quality bar, measured: one row per check, on the problems where both
    optimizers of the row ran. "Optuna's best TPE setting" is, per family, the one of default
    and multivariate TPE with the lower normalised regret."""
    members = _family_members(summary["problems"])
    rows: list[dict[str, Any]] = []
    for fam in ("synthetic", "synthetic-smooth", "synthetic-rugged", "simulation", "sklearn"):
        pids = members.get(fam, [])
        candidates = [
            (o, _normalized_on(summary["problems"], pids, o))
            for o in ("optuna_tpe", "optuna_tpe_mv")
        ]
        candidates = [(o, v) for o, v in candidates if v is not None]
        if not candidates:
            continue
        best_tpe = min(candidates, key=lambda c: c[1])[0]
        row = _row(
            summary,
            fam,
            pids,
            best_tpe,
            f"auto vs Optuna's better TPE ({best_tpe}) on {fam}",
            strict=False,
        )
        if row:
            rows.append(row)
    for forced in ("arqon_nelder_mead", "arqon_tpe", "arqon_random"):
        row = _row(
            summary,
            "all",
            members.get("all", []),
            forced,
            f"auto vs forced {forced.removeprefix('arqon_')} over all problems",
            strict=True,
        )
        if row:
            rows.append(row)
    return rows
