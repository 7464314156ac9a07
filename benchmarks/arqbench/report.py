"""Turns the results into ``summary.json``, figures and ``docs/benchmarks.md``."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

PEER_PACKAGES = (
    "arqonhpo",
    "optuna",
    "cmaes",
    "scipy",
    "nevergrad",
    "hyperopt",
    "scikit-learn",
    "numpy",
    "scikit-optimize",
    "rustuna",
)


def write_meta(path: Path, profile: str, jobs: int) -> None:
    """Records what ran: the commit, the package versions, the machine, the date."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=path.parent,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "crates/core", "bindings/python"],
            capture_output=True,
            text=True,
            cwd=path.parent,
            check=False,
        ).stdout.strip()
    except OSError:
        commit, dirty = "", ""
    versions: dict[str, Any] = {}
    for pkg in PEER_PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    meta = {
        "profile": profile,
        "jobs": jobs,
        "commit": commit,
        "engine_sources_modified": bool(dirty),
        "versions": versions,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} logical CPUs",
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    try:
        import hashlib

        import arqonhpo._core as core

        meta["engine_sha256"] = hashlib.sha256(Path(core.__file__).read_bytes()).hexdigest()[:16]
    except Exception:  # the fingerprint is informational
        meta["engine_sha256"] = None
    # A resumed step keeps the first start and lists every session that added runs.
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        sessions = old.get("sessions") or [
            {k: old.get(k) for k in ("commit", "started", "engine_sha256")}
        ]
        meta["sessions"] = sessions + [{k: meta[k] for k in ("commit", "started", "engine_sha256")}]
        meta["started"] = old.get("started", meta["started"])
        if old.get("note"):
            meta["note"] = old["note"]
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


# -- the page -----------------------------------------------------------------------------------

from . import stats, suites  # noqa: E402
from .cost import MEASURED as COST_OPTIMIZERS  # noqa: E402
from .cost import PROFILES as COST_PROFILES  # noqa: E402
from .cost import CostProfile  # noqa: E402
from .optimizers import CHEAP, LABELS, OPTIMIZERS  # noqa: E402
from .quality import PROFILES as QUALITY_PROFILES  # noqa: E402
from .quality import Profile as QualityProfile  # noqa: E402
from .quality import load  # noqa: E402

SHORT = {
    "arqon_auto": "Arqon auto",
    "arqon_nelder_mead": "Arqon NM",
    "arqon_tpe": "Arqon TPE",
    "arqon_random": "Arqon random",
    "optuna_tpe": "Optuna TPE",
    "optuna_tpe_mv": "Optuna TPE-mv",
    "optuna_cmaes": "Optuna CMA-ES",
    "random": "Random",
    "scipy_nm": "SciPy NM",
    "nevergrad_ngopt": "NGOpt",
    "hyperopt_tpe": "Hyperopt",
    "arqon_cmaes": "Arqon CMA-ES",
    "arqon_trust_region": "Arqon TR",
    "arqon_gp": "Arqon GP",
    "cmaes": "CMA-ES",
    "skopt_gp": "GP-BO",
    "rustuna_tpe": "rustuna",
}
ORDER = list(OPTIMIZERS)
PEERS = [o for o in ORDER if o != "arqon_auto"]
COLORS = {
    "arqon_auto": "#d62728",
    "arqon_nelder_mead": "#ff9896",
    "arqon_tpe": "#e377c2",
    "arqon_random": "#c7c7c7",
    "optuna_tpe": "#1f77b4",
    "optuna_tpe_mv": "#17becf",
    "optuna_cmaes": "#2ca02c",
    "random": "#7f7f7f",
    "scipy_nm": "#bcbd22",
    "nevergrad_ngopt": "#9467bd",
    "hyperopt_tpe": "#8c564b",
    "arqon_cmaes": "#ff7f0e",
    "arqon_trust_region": "#ffbb78",
    "arqon_gp": "#98df8a",
    "cmaes": "#2ca02c",
    "skopt_gp": "#000000",
    "rustuna_tpe": "#aec7e8",
}


def _fmt(x: float, log: bool) -> str:
    if log:
        return f"{x:.2f}"
    if x == 0:
        return "0"
    return f"{x:.2g}" if abs(x) >= 1e-3 else f"{x:.1e}"


def _cell(s: dict[str, Any], log: bool, best: bool) -> str:
    text = f"{_fmt(s['median'], log)} [{_fmt(s['q25'], log)}, {_fmt(s['q75'], log)}]"
    return f"**{text}**" if best else text


def _quality_table(summary: dict[str, Any], pids: list[str], key: str = "final") -> list[str]:
    probs = summary["problems"]
    opts = [o for o in ORDER if any(o in probs[p]["optimizers"] for p in pids)]
    lines = [
        "| problem | D | budget | " + " | ".join(SHORT[o] for o in opts) + " |",
        "|---" * (3 + len(opts)) + "|",
    ]
    for p in pids:
        e = probs[p]
        meds = {o: e["optimizers"][o][key]["median"] for o in opts if o in e["optimizers"]}
        lo = min(meds.values())
        row = [
            p.split("/", 1)[1],
            str(e["dim"]),
            str(e["budget"] if key == "final" else e["budget"] // 2),
        ]
        for o in opts:
            row.append(
                _cell(e["optimizers"][o][key], e["log10"], meds[o] == lo)
                if o in e["optimizers"]
                else "–"
            )
        lines.append("| " + " | ".join(row) + " |")
    return lines


def _family_table(
    summary: dict[str, Any],
    fams: list[str],
    first: str,
    optimizers: Sequence[str],
    cell: Callable[[dict[str, Any], str], str],
) -> list[str]:
    """A table with one row per optimizer and one column per family: ``cell(family entry, optimizer)``."""
    f = summary["families"]
    fams = [x for x in fams if x in f]
    lines = [f"| {first} | " + " | ".join(fams) + " |", "|---" * (1 + len(fams)) + "|"]
    for o in optimizers:
        lines.append("| " + " | ".join([LABELS[o]] + [cell(f[fam], o) for fam in fams]) + " |")
    return lines


def _wtl_table(summary: dict[str, Any], fams: list[str]) -> list[str]:
    def cell(fam: dict[str, Any], o: str) -> str:
        v = fam["vs_auto"].get(o)
        return f"{v['win']}/{v['tie']}/{v['loss']}" if v and v["compared"] else "–"

    return _family_table(summary, fams, "peer", [o for o in PEERS if o in _ran(summary)], cell)


def _norm_table(summary: dict[str, Any], fams: list[str]) -> list[str]:
    def cell(fam: dict[str, Any], o: str) -> str:
        v = fam["normalized_regret"].get(o)
        if v is None:
            return "–"
        return f"**{v:.3f}**" if v == min(fam["normalized_regret"].values()) else f"{v:.3f}"

    return _family_table(summary, fams, "optimizer", [o for o in ORDER if o in _ran(summary)], cell)


def _ran(summary: dict[str, Any]) -> set[str]:
    """The optimizers with at least one run in ``summary``."""
    return {o for e in summary["problems"].values() for o in e["optimizers"]}


def _legend(axes: Any) -> tuple:
    """One legend entry per optimizer over all panels, in the page's order."""
    seen: dict[str, Any] = {}
    for ax in axes.flat:
        for h, label in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(label, h)
    labels = [SHORT[o] for o in ORDER if SHORT[o] in seen]
    return [seen[x] for x in labels], labels


def _convergence_figure(
    records: list[dict[str, Any]], summary: dict[str, Any], pids: list[str], path: Path, title: str
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grouped = stats.group_runs(records)
    cols = min(4, len(pids))
    rows = (len(pids) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    for ax, pid in zip(axes.flat, pids):
        e = summary["problems"][pid]
        ref = e["reference"]
        # Runs that reach the best known value have regret 0; on a log axis they sit at a floor
        # three decades under the typical first-trial regret (1e-12 for the synthetic functions).
        firsts = [r["curve"][0][1] - ref for rs in grouped[pid].values() for r in rs]
        floor = stats.FLOOR if e["log10"] else max(stats.FLOOR, 1e-3 * float(np.median(firsts)))
        for o in ORDER:
            runs = grouped[pid].get(o)
            if not runs or o == "arqon_random":
                continue
            ns = [n for n, _ in runs[0]["curve"]]
            curves = np.array([[max(v - ref, floor) for _, v in r["curve"]] for r in runs])
            med = np.median(curves, axis=0)
            lw = 2.2 if o == "arqon_auto" else 1.1
            ax.plot(
                ns,
                med,
                color=COLORS[o],
                lw=lw,
                label=SHORT[o],
                zorder=3 if o == "arqon_auto" else 2,
            )
            if o == "arqon_auto":
                q25, q75 = np.percentile(curves, [25, 75], axis=0)
                ax.fill_between(ns, q25, q75, color=COLORS[o], alpha=0.15, lw=0)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(pid.split("/", 1)[1], fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3, which="both", lw=0.4)
    for ax in axes.flat[len(pids) :]:
        ax.axis("off")
    handles, labels = _legend(axes)
    fig.legend(
        handles, labels, loc="lower center", ncol=min(10, len(labels)), fontsize=8, frameon=False
    )
    fig.suptitle(title + " (median best-so-far regret vs trials; band: auto's IQR)", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _cost_figure(cost: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dims = sorted({r["d"] for r in cost})
    fig, axes = plt.subplots(1, len(dims), figsize=(4.6 * len(dims), 3.6), squeeze=False)
    for ax, d in zip(axes.flat, dims):
        for o in ORDER:
            pts = sorted(
                (r["reached"], r["mean_us"], r["capped"])
                for r in cost
                if r["d"] == d and r["optimizer"] == o and r["reached"]
            )
            if not pts:
                continue
            ax.plot(
                [p[0] for p in pts],
                [p[1] for p in pts],
                "o-",
                color=COLORS[o],
                label=SHORT[o],
                lw=2.2 if o == "arqon_auto" else 1.2,
                ms=3,
            )
            capped = [p for p in pts if p[2]]
            ax.plot([p[0] for p in capped], [p[1] for p in capped], "x", color="black", ms=7)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"D = {d}", fontsize=10)
        ax.set_xlabel("trials in the run", fontsize=8)
        ax.set_ylabel("CPU µs per trial (ask+tell)", fontsize=8)
        ax.grid(alpha=0.3, which="both", lw=0.4)
        ax.tick_params(labelsize=7)
    handles, labels = _legend(axes)
    fig.legend(handles, labels, loc="lower center", ncol=5, fontsize=8, frameon=False)
    fig.suptitle("Optimizer overhead per trial, objective excluded (x: capped)", fontsize=10)
    fig.tight_layout(rect=(0, 0.1, 1, 0.93))
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _cost_table(cost: list[dict[str, Any]]) -> list[str]:
    ns = sorted({r["n"] for r in cost})
    dims = sorted({r["d"] for r in cost})
    lines = []
    for d in dims:
        lines += [
            f"**D = {d}**",
            "",
            "| optimizer | " + " | ".join(f"{n:,} trials" for n in ns) + " | peak memory growth |",
            "|---" * (len(ns) + 2) + "|",
        ]
        for o in ORDER:
            rs = {r["n"]: r for r in cost if r["d"] == d and r["optimizer"] == o}
            if not rs:
                continue
            cells = []
            for n in ns:
                r = rs.get(n)
                if r is None:
                    cells.append("—")
                elif r["capped"]:
                    cells.append(f"capped at {r['reached']:,} ({r['mean_us']:,.0f})")
                else:
                    v = r["mean_us"]
                    cells.append(f"{v:,.1f}" if v < 100 else f"{v:,.0f}")
            top = max(rs.values(), key=lambda r: r["reached"])
            cells.append(f"{top['peak_rss_growth_mib']:.1f} MiB at {top['reached']:,}")
            lines.append(f"| {LABELS[o]} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def _cost_limits(profile: CostProfile) -> list[str]:
    """The sentence saying how far each optimizer was run, from the cost profile itself."""
    by_n: dict[int, list[str]] = {}
    for o in ORDER:
        if o in (profile.optimizers or COST_OPTIMIZERS):
            by_n.setdefault(profile.largest_n(o), []).append(LABELS[o])
    parts = [
        f"{', '.join(names)} to {n:,} trials" for n, names in sorted(by_n.items(), reverse=True)
    ]
    return [
        f"Each optimizer is run up to a largest N ({'; '.join(parts)}), and a measurement stops",
        f'once it has used {profile.cap_seconds:,.0f} s of CPU: "capped at n (x)" means it stopped after n trials, at x µs',
        'per trial so far; "—" means that N is above the optimizer\'s largest N or a smaller N was already capped.',
    ]


def _overhead_ratios(cost: list[dict[str, Any]]) -> dict[str, Any]:
    def get(o: str, d: int, n: int) -> dict[str, Any] | None:
        for r in cost:
            if r["optimizer"] == o and r["d"] == d and r["n"] == n and not r["capped"]:
                return r
        return None

    out: dict[str, Any] = {}
    a = get("arqon_auto", 10, 1000)
    t = get("optuna_tpe", 10, 1000)
    if a and t:
        out["tpe_over_auto_d10_n1000"] = t["mean_us"] / a["mean_us"]
    for n in (1000, 10_000, 100_000):
        r = get("arqon_auto", 10, n)
        if r:
            out[f"auto_d10_n{n}_us"] = r["mean_us"]
        r = get("arqon_tpe", 10, n)
        if r:
            out[f"tpe_d10_n{n}_us"] = r["mean_us"]
    return out


def build(profile: str, results: Path, docs: Path, log: Any = print) -> None:
    records, summary = summarize(profile, results)
    (results / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    figdir = docs / "figures"
    groups = figure_groups(profile, summary)
    for slug, title, pids in groups:
        _convergence_figure(
            records, summary, sorted(pids), figdir / f"convergence-{slug}.png", title
        )
    cost = summary_cost(results)
    if cost:
        _cost_figure(cost, figdir / "overhead.png")
    page = render(profile, summary, groups, cost, findings(profile), figdir)
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "benchmarks.md").write_text(page, encoding="utf-8")
    if profile == "quick":
        readme = docs.parent / "README.md"
        if readme.exists() and suites.README_START in readme.read_text(encoding="utf-8"):
            text = suites.replace_block(
                readme.read_text(encoding="utf-8"), suites.readme_block(results_root())
            )
            readme.write_text(text, encoding="utf-8")
    log(
        f"report: {len(records)} runs -> {results / 'summary.json'}, {docs / 'benchmarks.md'}, {len(groups) + bool(cost)} figures"
    )


def page(profile: str, results: Path) -> str:
    """The page `build` writes for these saved results, without writing anything."""
    _, summary = summarize(profile, results)
    groups = figure_groups(profile, summary)
    return render(profile, summary, groups, summary_cost(results), findings(profile))


def summary_cost(results: Path) -> list[dict[str, Any]]:
    cost_path = results / "cost.json"
    return json.loads(cost_path.read_text()) if cost_path.exists() else []


def summarize(profile: str, results: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The profile's saved runs and their summary (statistics, bar, overhead, meta, run counts)."""
    # Only the runs this profile defines (a file may also hold runs of an earlier definition).
    from .quality import tasks_for

    wanted = {
        t.key
        for t in tasks_for(
            QUALITY_PROFILES[profile], list(OPTIMIZERS), ("synthetic", "simulation", "sklearn")
        )
    }
    records = [
        r
        for r in load(results / "quality.jsonl")
        if f"{r['problem']}|{r['optimizer']}|{r['seed']}|{r['budget']}" in wanted
    ]
    have = {
        f"{r['problem']}|{r['optimizer']}|{r['seed']}|{r['budget']}"
        for r in records
        if "error" not in r
    }
    missing: dict[str, int] = {}
    for key in wanted - have:
        problem, opt = key.split("|")[:2]
        label = f"{opt} on {problem.split('/')[0]}" + (
            f" D = {problem.rpartition('-d')[2]}" if problem.startswith("synthetic/") else ""
        )
        missing[label] = missing.get(label, 0) + 1
    summary = stats.summarize(records)
    summary["bar"] = stats.bar(summary)
    summary["overhead"] = _overhead_ratios(summary_cost(results))
    meta = {}
    for name in ("meta_quality.json", "meta_cost.json", "meta_all.json"):
        if (results / name).exists():
            meta[name] = json.loads((results / name).read_text())
    summary["meta"] = meta
    summary["runs"] = {
        "records": len(records),
        "errors": sum(1 for r in records if "error" in r),
        "missing": dict(sorted(missing.items())),
    }
    return records, summary


def figure_groups(profile: str, summary: dict[str, Any]) -> list[tuple]:
    """`(slug, title, problem ids)` per convergence figure: synthetic groups, then families."""
    from .problems import fixed_name

    probs = summary["problems"]
    groups: list[tuple] = []
    for g in QUALITY_PROFILES[profile].groups:
        pids = [
            p
            for p, e in probs.items()
            if e["family"] == "synthetic"
            and ((fixed_name(p) is None and e["dim"] in g.dims) or fixed_name(p) in g.fixed)
        ]
        if pids:
            dims = ", ".join(map(str, g.dims))
            extra = f" (and {', '.join(g.fixed)})" if g.fixed else ""
            groups.append(
                (
                    f"synthetic-d{'-'.join(map(str, g.dims))}",
                    f"Synthetic functions, D = {dims}{extra}",
                    pids,
                )
            )
    for fam, title in (("simulation", "Simulation tuning"), ("sklearn", "scikit-learn tuning")):
        pids = [p for p, e in probs.items() if e["family"] == fam]
        if pids:
            groups.append((fam, title, pids))
    return groups


def findings(profile: str) -> str:
    """The findings read off one profile's tables: `findings.md` for the quick profile,
    `findings-<profile>.md` for another (empty when there is none)."""
    path = Path(__file__).resolve().parents[1] / (
        "findings.md" if profile == "quick" else f"findings-{profile}.md"
    )
    return path.read_text(encoding="utf-8") if path.exists() else ""


def results_root() -> Path:
    """``benchmarks/results``: the small and rotated sections read their profiles there."""
    return Path(__file__).resolve().parents[1] / "results"


def render(
    profile: str,
    summary: dict[str, Any],
    groups: list[tuple],
    cost: list[dict[str, Any]],
    findings: str,
    figures: Path | None = None,
) -> str:
    """The page, section by section; each builder returns its lines."""
    L = _intro()
    L += _what_was_run(profile, summary)
    L += _definitions(_ran(summary))
    L += _headline(summary)
    if findings:
        L += [findings.strip(), ""]
    L += _family_sections(summary)
    L += _quality_sections(summary, groups)
    L += _cost_section(profile, summary, cost)
    if profile == "quick":
        L += suites.sections(results_root(), figures)
    L += _reproduce(profile)
    return "\n".join(L)


def _intro() -> list[str]:
    return [
        "# Benchmarks",
        "",
        "How good ArqonHPO's answers are on a fixed budget, and what it costs per trial, measured",
        "against its peers in the same run. Everything on this page is produced by the suite in",
        "`benchmarks/` (`make bench-quick` for the quick profile, `make bench` for the full matrix);",
        "the raw runs are in `benchmarks/results/<profile>/quality.jsonl` and `cost.json`, the",
        "aggregates in `summary.json`.",
        "",
    ]


def _what_was_run(profile: str, summary: dict[str, Any]) -> list[str]:
    """The checkout, machine and versions, then what each family ran and what was left out."""
    prof = QUALITY_PROFILES[profile]
    meta = summary["meta"].get("meta_quality.json") or summary["meta"].get("meta_all.json") or {}
    L = ["## What was run", ""]
    L += [
        f"- **Profile `{profile}`**, checkout at `{meta.get('commit', '?')}`"
        + (" (with uncommitted engine changes)" if meta.get("engine_sources_modified") else "")
        + f", {meta.get('machine', '?')}, Python {meta.get('python', '?')}, started {meta.get('started', '?')}"
        + (
            "; resumed "
            + ", ".join(f"{x['started']} at `{x['commit']}`" for x in meta["sessions"][1:])
            if len(meta.get("sessions") or []) > 1
            else ""
        )
        + ".",
        *([f"- {meta['note']}"] if meta.get("note") else []),
        "- Versions: "
        + ", ".join(f"{k} {v}" for k, v in (meta.get("versions") or {}).items() if v)
        + ".",
    ]
    for g in prof.groups:
        who = (
            "the optimizers cheap per trial (ArqonHPO ×4, Optuna CMA-ES, random, SciPy NM)"
            + "".join(f" and {SHORT[o]}" for o in g.also)
            if g.cheap_only
            else "every optimizer"
        )
        fixed = f" plus {', '.join(g.fixed)}" if g.fixed else ""
        L.append(
            f"- Synthetic, D = {', '.join(map(str, g.dims))}{fixed}: budget {g.per_dim}·D, {prof.seeds} seeds, {who}."
        )
    L += [
        f"- Simulation tuning: 6 problems, budget {prof.sim_budget}, {prof.sim_seeds} seeds, every optimizer.",
        f"- scikit-learn tuning: 5 problems, budget {prof.sklearn_budget}, {prof.sklearn_seeds} seeds, every optimizer.",
        f"- Runs recorded: {summary['runs']['records']} ({summary['runs']['errors']} with an error).",
    ]
    if summary["runs"]["missing"]:
        L.append(
            "- **Runs of this profile not finished when the page was built** (their problems are reported with the"
            " seeds that did finish): "
            + "; ".join(f"{k}: {v}" for k, v in summary["runs"]["missing"].items())
            + "."
        )
    if profile != "full":
        L += _not_run(prof)
    return L


def _not_run(prof: QualityProfile) -> list[str]:
    """What the full profile runs and this one does not."""
    full = QUALITY_PROFILES["full"]
    expensive = [o for o in (prof.roster or OPTIMIZERS) if o not in CHEAP]
    skipped = [
        f"D = {', '.join(map(str, g.dims))} for "
        + ", ".join(SHORT[o] for o in expensive if o not in g.also)
        for g in prof.groups
        if g.cheap_only
    ]
    short = [
        f"D = {', '.join(map(str, g.dims))} at {g.per_dim}·D instead of 100·D"
        for g in prof.groups
        if g.per_dim < 100
    ]
    return [
        "- **Not run in this profile** (`make bench` runs them): "
        + "; ".join(
            skipped
            + short
            + [
                f"simulation at budget {full.sim_budget} (here {prof.sim_budget}) and scikit-learn at budget {full.sklearn_budget} with {full.sklearn_seeds} seeds (here {prof.sklearn_budget} with {prof.sklearn_seeds})"
            ]
        )
        + ". Where a budget is 50·D, the 50·D column is the full budget and the half-budget tables show 25·D.",
    ]


def _definitions(ran: set[str]) -> list[str]:
    """The optimizers and how regret, win/tie/loss and normalised regret are defined."""
    return [
        "",
        "**Optimizers.** "
        + "; ".join(f"{SHORT[o]} = {LABELS[o]}" for o in ORDER if o in ran)
        + ".",
        "Library defaults throughout; SciPy's Nelder–Mead runs in the unit cube with its default",
        "coefficients and restarts from a fresh uniform point when it converges; Optuna runs through",
        "`study.ask()`/`study.tell()` with in-memory storage. ArqonHPO's forced strategies still start with",
        "the same Sobol probe as `auto`; only the refinement differs.",
        "",
        "**Regret.** Synthetic functions: log10 of (best value − known optimum), floored at 1e-12.",
        "Simulation and scikit-learn problems have no known optimum: regret is best value − best value",
        "any run of any optimizer found on that problem. Tables show median [25th, 75th percentile]",
        "over seeds; the best median in a row is bold.",
        "**Win/tie/loss** is ArqonHPO auto against the peer, per problem: two-sided Mann–Whitney U at",
        "5% over the seeds; a significant difference is a win when auto's runs tend to be the lower",
        "ones (U statistic below half its range), else a loss.",
        "**Normalised regret** is the median, over a family's problems, of each optimizer's median regret",
        "divided by random search's median regret on that problem (random = 1, best known = 0).",
        "",
    ]


def _headline(summary: dict[str, Any]) -> list[str]:
    """The project's bar, one row per check, then the overhead targets."""
    L = ["## Headline: the project's bar, measured", ""]
    L += [
        "Each row compares auto with one peer on the problems where both ran (their number in brackets).",
        "Normalised regret is the median over those problems (random search = 1); mean rank is",
        "among every optimizer run on each problem (1 = best). The verdict reads the normalised regret:",
        "at most the peer's against Optuna's TPE, below the forced strategy's against auto's own forced",
        "strategies, or equal to it with more wins than losses (auto runs that very strategy wherever it",
        "picks it, so equal medians are expected; the wins are where it picked the other one).",
        "",
        "| check | auto | peer | ratio auto/peer | mean rank auto / peer | W/T/L | medians better/worse | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in summary["bar"]:
        verdict = (
            "met"
            if r["pass"]
            else ("equal" if r["auto_normalized"] == r["peer_normalized"] else "**not met**")
        )
        L.append(
            f"| {r['check']} ({r['problems']}) | {r['auto_normalized']:.3f} | {r['peer_normalized']:.3f} | {r['ratio']:.2f} | "
            f"{r['auto_rank']:.1f} / {r['peer_rank']:.1f} | "
            f"{'/'.join(map(str, r['wtl']))} | {r['median_better']}/{r['median_worse']} | {verdict} |"
        )
    ov = summary["overhead"]
    if ov:
        L += [""] + _overhead_lines(ov)
    L += [""]
    return L


def _overhead_lines(ov: dict[str, Any]) -> list[str]:
    L = []
    if "auto_d10_n1000_us" in ov:
        L.append(
            f"- Overhead through Python at D = 10 (auto): {ov['auto_d10_n1000_us']:.1f} µs/trial at 1 000 trials"
            + (
                f", {ov['auto_d10_n100000_us']:.1f} µs at 100 000"
                if "auto_d10_n100000_us" in ov
                else ""
            )
            + " (target < 50 µs)."
        )
    if "tpe_d10_n1000_us" in ov:
        L.append(
            f"- Forced TPE at D = 10: {ov['tpe_d10_n1000_us']:.1f} µs/trial at 1 000 trials"
            + (
                f", {ov['tpe_d10_n100000_us']:.1f} µs at 100 000"
                if "tpe_d10_n100000_us" in ov
                else ""
            )
            + "."
        )
    if "tpe_over_auto_d10_n1000" in ov:
        L.append(
            f"- Optuna TPE costs {ov['tpe_over_auto_d10_n1000']:,.0f}× more per trial than auto at D = 10, 1 000 trials (target > 100×)."
        )
    return L


FAMILIES = [
    "synthetic",
    "synthetic-smooth",
    "synthetic-rugged",
    "synthetic-d2",
    "synthetic-d5",
    "synthetic-d10",
    "simulation",
    "sklearn",
    "all",
]


def _family_sections(summary: dict[str, Any]) -> list[str]:
    """Normalised regret and win/tie/loss, by family."""
    L = [
        "## Normalised regret by family",
        "",
        "Median over the family's problems of median regret / random search's median regret; lower is better.",
        "",
    ]
    L += _norm_table(summary, FAMILIES)
    L += [
        "",
        "## Win/tie/loss of ArqonHPO auto against each peer",
        "",
        "Counts of problems: auto significantly better / no significant difference / significantly worse.",
        "",
    ]
    L += _wtl_table(summary, FAMILIES)
    return L


def _quality_sections(summary: dict[str, Any], groups: list[tuple]) -> list[str]:
    """A final and a half-budget table and a figure per group, then the classifier's verdicts."""
    probs = summary["problems"]
    L = ["", "## Quality by problem", ""]
    for slug, title, pids in groups:
        pids = sorted(pids)
        log = probs[pids[0]]["log10"]
        unit = "log10 regret" if log else "regret vs best known"
        L += [f"### {title}", "", f"Final {unit} at the full budget:", ""]
        L += _quality_table(summary, pids)
        L += ["", "At half the budget (read off the same runs' best-so-far curves):", ""]
        L += _quality_table(summary, pids, "half")
        L += ["", f"![{title}](figures/convergence-{slug}.png)", ""]
    return L + _classifier_table(probs)


def _classifier_table(probs: dict[str, Any]) -> list[str]:
    """Runs per verdict of auto's classifier, per problem (nothing when no run recorded one)."""
    rows = []
    for pid in sorted(probs):
        s = probs[pid]["optimizers"].get("arqon_auto", {})
        if "labels" in s:
            rows.append(
                f"| {pid} | "
                + " | ".join(str(s["labels"].get(k, 0)) for k in stats.VERDICTS)
                + " |"
            )
    if not rows:
        return []
    return (
        [
            "### What auto's classifier decided",
            "",
            "Runs per verdict. Smooth and rippled landscapes are refined by Nelder–Mead, noisy and rugged ones by TPE.",
            "",
            "| problem | " + " | ".join(stats.VERDICTS) + " |",
            "|---|" + "---|" * len(stats.VERDICTS),
        ]
        + rows
        + [""]
    )


def _cost_section(profile: str, summary: dict[str, Any], cost: list[dict[str, Any]]) -> list[str]:
    L = ["## Cost per trial", ""]
    if not cost:
        return L + ["Not measured in this run.", ""]
    L += [
        "CPU time of the optimizer per trial (ask + tell, plus the library's own loop for",
        "callback-driven ones), objective excluded, averaged over a whole run of N trials on a",
        "sphere in [−5, 5]^D; each measurement in a fresh process, BLAS pinned to one thread.",
        "CPU time rather than wall time because the machine is shared: other work does not inflate it.",
        "Peak memory growth is the rise of the process's peak resident set over the run (Rust",
        "allocations included).",
        "",
    ]
    L += _cost_limits(COST_PROFILES[profile]) + [""]
    cost_note = (summary["meta"].get("meta_cost.json") or {}).get("note")
    if cost_note:
        L += [f"How these were measured: {cost_note}", ""]
    L += _cost_table(cost)
    L += ["![Overhead per trial](figures/overhead.png)", ""]
    return L


def _reproduce(profile: str) -> list[str]:
    suites_lines = [
        "make bench-small bench-rotated      # the small-budget and rotated sections (about 70 minutes)",
        "make bench-arqon-rows               # after an engine change: only ArqonHPO's rows of those, then this page",
    ]
    return [
        "## Reproduce",
        "",
        "```sh",
        "make bench-venv                     # .bench-venv with the peers and arqonhpo (release wheel)",
        "make bench-quick                    # this page's profile (about 1.5 hours on 2 cores)",
        "make bench                          # the full matrix (hours)",
        ".bench-venv/bin/python benchmarks/run.py quality --profile quick --jobs 2 --optimizers arqon_auto optuna_tpe",
        ".bench-venv/bin/python benchmarks/run.py report --profile quick    # page and figures from the saved runs",
        "# after an engine change: rebuild, then re-run only ArqonHPO's runs (the peers' stay valid)",
        "make bench-venv && .bench-venv/bin/python benchmarks/run.py all --profile quick \\",
        "    --redo arqon_auto arqon_nelder_mead arqon_tpe arqon_random",
        *(suites_lines if profile == "quick" else []),
        "make bench-gate                     # the CI regression gate (seconds; part of make test)",
        "```",
        "",
        "Runs are resumable: a run already in `quality.jsonl` is not repeated, so an interrupted",
        "`make bench` continues where it stopped.",
        "",
    ]
