"""The page sections of the BBOB-style profiles: ``small`` (issue 17) and ``rotated`` (issue 16).

Both run the families of ``problems.GROUPS``; ``small`` runs each problem at two budgets and the
simulation problems at two, so its results are keyed by problem *and* budget
(``stats.at_budgets``). Each profile gives a table of family medians (the median log10 regret
over every run of the family's problems at one D and budget), a figure of them, a table per
problem and, for ``rotated``, the cost of the nearest peers measured in the same run.
``report.render`` appends these sections to the quick profile's page when their results exist.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import stats
from .optimizers import ANYTIME, LABELS, OPTIMIZERS
from .problems import GROUPS
from .quality import PROFILES as QUALITY_PROFILES
from .quality import load, tasks_for

#: The columns of the family tables, in order (an optimizer without runs is left out).
FAMILY_COLUMNS = (
    "arqon_auto",
    "arqon_cmaes",
    "optuna_tpe",
    "cmaes",
    "nevergrad_ngopt",
    "skopt_gp",
    "scipy_nm",
    "random",
)
SHORT = {
    "arqon_auto": "auto",
    "arqon_cmaes": "Arqon CMA-ES",
    "optuna_tpe": "Optuna TPE",
    "cmaes": "CMA-ES",
    "nevergrad_ngopt": "NGOpt",
    "skopt_gp": "GP-BO",
    "scipy_nm": "SciPy NM",
    "random": "random",
    "arqon_tpe": "Arqon TPE",
    "rustuna_tpe": "rustuna TPE",
    "arqon_trust_region": "Arqon trust region",
    "arqon_gp": "Arqon GP-EI",
}
SUITES = ("small", "rotated")
README_START, README_END = "<!-- bench-families -->", "<!-- /bench-families -->"


def collect(profile: str, results: Path) -> dict[str, Any] | None:
    """The profile's saved runs keyed by problem and budget, their statistics and family
    medians, the runs still missing, the meta data and the cost runs; None without runs."""
    path = results / "quality.jsonl"
    if not path.exists():
        return None
    prof = QUALITY_PROFILES[profile]
    tasks = tasks_for(prof, list(OPTIMIZERS), ("synthetic", "simulation", "sklearn"))
    wanted = {t.key for t in tasks}
    budgets: dict[str, set[int]] = {}
    for t in tasks:
        budgets.setdefault(t.problem, set()).add(t.budget)
    # One record per run (the first finished one, should two sessions have run it).
    first: dict[str, dict[str, Any]] = {}
    for r in load(path):
        key = f"{r['problem']}|{r['optimizer']}|{r['seed']}|{r['budget']}"
        if key in wanted and (key not in first or "error" in first[key]):
            first[key] = r
    raw = list(first.values())
    have = {
        f"{r['problem']}|{r['optimizer']}|{r['seed']}|{r['budget']}"
        for r in raw
        if "error" not in r
    }
    missing: dict[str, int] = {}
    for key in sorted(wanted - have):
        opt = key.split("|")[1]
        missing[opt] = missing.get(opt, 0) + 1
    records = stats.at_budgets(raw, {p: sorted(b) for p, b in budgets.items()}, ANYTIME)
    meta = {}
    for name in ("meta_quality.json", "meta_cost.json"):
        if (results / name).exists():
            meta[name] = json.loads((results / name).read_text(encoding="utf-8"))
    cost_path = results / "cost.json"
    return {
        "profile": profile,
        "records": records,
        "summary": stats.summarize(records),
        "medians": stats.family_medians(records),
        "missing": missing,
        "runs": len(raw),
        "errors": sum(1 for r in raw if "error" in r),
        "meta": meta,
        "cost": json.loads(cost_path.read_text(encoding="utf-8")) if cost_path.exists() else [],
    }


def _columns(data: dict[str, Any]) -> list[str]:
    ran = {r["optimizer"] for r in data["records"]}
    return [o for o in FAMILY_COLUMNS if o in ran]


def family_table(data: dict[str, Any], per_dim: int) -> list[str]:
    """Rows of family x D at budget ``per_dim``·D: each optimizer's family median log10 regret
    (the best in a row bold) and, in brackets, how many runs it has."""
    cols = _columns(data)
    meds = data["medians"]
    dims = sorted({d for (_, d, b) in meds if b == per_dim * d})
    lines = [
        "| family | D | " + " | ".join(SHORT[o] for o in cols) + " |",
        "|---|---|" + "---|" * len(cols),
    ]
    for group in GROUPS:
        for d in dims:
            row = meds.get((group, d, per_dim * d))
            if not row:
                continue
            best = min(v["median"] for v in row.values())
            cells = []
            for o in cols:
                v = row.get(o)
                if v is None:
                    cells.append("–")
                    continue
                text = f"{v['median']:.2f}"
                cells.append(f"**{text}**" if v["median"] == best else text)
            lines.append(f"| {group} | {d} | " + " | ".join(cells) + " |")
    return lines


def problem_table(data: dict[str, Any], family: str) -> list[str]:
    """One row per problem and budget of ``family`` (``rotated``/``separable`` together as
    ``bbob``, or ``simulation``): median [25th, 75th percentile] over seeds per optimizer."""
    probs = data["summary"]["problems"]
    cols = _columns(data)
    pids = [
        p
        for p, e in probs.items()
        if (e["family"] in ("rotated", "separable")) == (family == "bbob")
    ]
    pids.sort(key=lambda p: (probs[p]["dim"], probs[p]["budget"], p))
    unit = "log10 regret" if family == "bbob" else "regret vs best known"
    lines = [
        f"| problem ({unit}) | group | D | budget | " + " | ".join(SHORT[o] for o in cols) + " |",
        "|---|---|---|---|" + "---|" * len(cols),
    ]
    for p in pids:
        e = probs[p]
        meds = {o: s["final"]["median"] for o, s in e["optimizers"].items()}
        lo = min(meds.values())
        cells = []
        for o in cols:
            s = e["optimizers"].get(o)
            if s is None:
                cells.append("–")
                continue
            f = s["final"]
            text = (
                _num(f["median"], e["log10"])
                + f" [{_num(f['q25'], e['log10'])}, {_num(f['q75'], e['log10'])}]"
            )
            cells.append(f"**{text}**" if f["median"] == lo else text)
        name = p.rpartition("@")[0]
        group = e["landscape"] if family == "bbob" else "simulation"
        lines.append(
            f"| {name} | {group} | {e['dim']} | {e['budget']} | " + " | ".join(cells) + " |"
        )
    return lines


def _num(x: float, log: bool) -> str:
    if log:
        return f"{x:.2f}"
    return "0" if x == 0 else (f"{x:.2g}" if abs(x) >= 1e-3 else f"{x:.1e}")


def family_figure(data: dict[str, Any], path: Path, title: str) -> None:
    """Family median log10 regret against D: one panel per family and budget."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .report import COLORS

    meds = data["medians"]
    per_dims = sorted({b // d for (_, d, b) in meds})
    cols = _columns(data)
    fig, axes = plt.subplots(
        len(per_dims), len(GROUPS), figsize=(3.4 * len(GROUPS), 2.9 * len(per_dims)), squeeze=False
    )
    for i, m in enumerate(per_dims):
        for j, group in enumerate(GROUPS):
            ax = axes[i][j]
            dims = sorted(d for (g, d, b) in meds if g == group and b == m * d)
            for o in cols:
                pts = [
                    (d, meds[(group, d, m * d)][o]["median"])
                    for d in dims
                    if o in meds[(group, d, m * d)]
                ]
                if pts:
                    ax.plot(
                        [p[0] for p in pts],
                        [p[1] for p in pts],
                        "o-",
                        color=COLORS[o],
                        label=SHORT[o],
                        lw=2.4 if o == "arqon_auto" else 1.2,
                        ms=3,
                    )
            ax.set_xscale("log")
            ax.minorticks_off()
            ax.set_xticks(dims)
            ax.set_xticklabels([str(d) for d in dims])
            ax.set_title(f"{group}, {m}·D", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3, lw=0.4)
    seen: dict[str, Any] = {}
    for ax in axes.flat:
        for h, label in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(label, h)
    labels = [SHORT[o] for o in cols if SHORT[o] in seen]
    handles = [seen[x] for x in labels]
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.suptitle(f"{title}: family median log10 regret vs D (lower is better)", fontsize=10)
    fig.tight_layout(rect=(0, 0.06, 1, 0.95))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def _what_ran(data: dict[str, Any]) -> list[str]:
    meta = data["meta"].get("meta_quality.json", {})
    prof = QUALITY_PROFILES[data["profile"]]
    L = [
        f"Checkout `{meta.get('commit', '?')}`, {meta.get('machine', '?')}, started {meta.get('started', '?')}"
        + (
            f" ({len(meta['sessions'])} sessions, the last {meta['sessions'][-1]['started']} at"
            f" `{meta['sessions'][-1]['commit']}`)"
            if len(meta.get("sessions") or []) > 1
            else ""
        )
        + ". Versions: "
        + ", ".join(f"{k} {v}" for k, v in (meta.get("versions") or {}).items() if v)
        + ".",
        "",
    ]
    for b in prof.bbob:
        who = ", ".join(SHORT.get(o, o) for o in (b.optimizers or prof.roster))
        L.append(
            f"- D = {', '.join(map(str, b.dims))}, budgets {', '.join(f'{m}·D' for m in b.per_dim)},"
            f" {b.seeds} seeds: {who}."
        )
    if prof.sim_budgets:
        who = ", ".join(SHORT.get(o, o) for o in (prof.sim_optimizers or prof.roster))
        L.append(
            f"- Simulation problems at budgets {', '.join(map(str, prof.sim_budgets))}, {prof.sim_seeds} seeds: {who}."
        )
    L.append(f"- Runs recorded: {data['runs']} ({data['errors']} with an error).")
    if data["missing"]:
        L.append(
            "- **Runs not finished when the page was built** (tables use the seeds that finished): "
            + "; ".join(f"{SHORT.get(k, k)}: {v}" for k, v in data["missing"].items())
            + "."
        )
    return L + [""]


def _groups_text() -> list[str]:
    return [
        "Families (BBOB groups): "
        + "; ".join(f"**{g}**: {', '.join(names)}" for g, names in GROUPS.items())
        + ". Every function is shifted off-centre; all but the separable family are rotated by a"
        " seeded random orthogonal matrix per function and dimension (`functions.rotation`; the seed"
        " is in each run's record as `rotation_seed`), so the optimum and its value stay known."
        " A family median is the median log10 regret (floored at 1e-12) over every run (problem ×"
        " seed) of the family at that D and budget; lower is better, the best in a row is bold.",
        "",
    ]


def small_section(data: dict[str, Any]) -> list[str]:
    L = [
        "## Small budgets: 10·D and 20·D (profile `small`)",
        "",
        "The regime of expensive objectives (issue 17): 10·D and 20·D trials at D = 2, 5 and 10, and",
        "the simulation problems at 50 and 100 trials.",
        "",
    ]
    L += _what_ran(data) + _groups_text()
    L += [
        "Optimizers whose run does not depend on its budget (Optuna TPE, CMA-ES, GP-BO, SciPy NM,",
        "random) run once at 20·D and are read at 10·D off the same run's best-so-far curve (its first",
        "10·D evaluations are exactly a 10·D run); ArqonHPO and NGOpt, which size their plan to the",
        "budget, run at each budget. CMA-ES is CyberAgent's `cmaes` with IPOP restarts, started like",
        "Optuna's CmaEsSampler; GP-BO is scikit-optimize's `gp_minimize` with its defaults.",
        "",
    ]
    for m in (10, 20):
        L += [f"### Family medians at {m}·D", ""] + family_table(data, m) + [""]
    L += ["![Small budgets by family](figures/small-families.png)", ""]
    L += ["### Simulation tuning at 50 and 100 trials", ""]
    L += [
        "Regret against the best value any run found at either budget; median [25th, 75th percentile].",
        "",
    ]
    L += problem_table(data, "simulation") + [""]
    L += ["### Small budgets by problem", ""] + problem_table(data, "bbob") + [""]
    return L


def rotated_section(data: dict[str, Any]) -> list[str]:
    L = [
        "## Rotated functions at 100·D (profile `rotated`)",
        "",
        "The same families at 100·D for D = 2, 5, 10 and 20 (issue 16).",
        "",
    ]
    L += _what_ran(data) + _groups_text()
    L += ["### Family medians at 100·D", ""] + family_table(data, 100) + [""]
    L += ["![Rotated functions by family](figures/rotated-families.png)", ""]
    L += ["### Rotated functions by problem", ""] + problem_table(data, "bbob") + [""]
    if data["cost"]:
        L += cost_section(data["cost"], data["meta"].get("meta_cost.json", {}))
    return L


def cost_section(cost: list[dict[str, Any]], meta: dict[str, Any]) -> list[str]:
    """CPU µs per trial and bytes per trial of the nearest peers, measured in one run."""
    # The cost file is dropped before each full re-run, so its rows are the last session's.
    last = (meta.get("sessions") or [meta])[-1]
    L = [
        "### Cost per trial beside the nearest peers",
        "",
        "Measured in one run ("
        + (last.get("started") or "?")
        + (f" at `{last['commit']}`" if last.get("commit") else "")
        + ", "
        + ", ".join(
            f"{k} {v}"
            for k, v in (meta.get("versions") or {}).items()
            if v and k in ("arqonhpo", "optuna", "cmaes", "rustuna")
        )
        + "), as in the cost table above: CPU µs of ask+tell per trial on a sphere in [−5, 5]^D, and",
        "bytes per trial = growth of the peak resident set over the run / trials. The ratio column is",
        "the optimizer's µs per trial over ArqonHPO auto's at the same D and N.",
        "",
    ]
    ns = sorted({r["n"] for r in cost})
    for d in sorted({r["d"] for r in cost}):
        auto = {r["n"]: r for r in cost if r["d"] == d and r["optimizer"] == "arqon_auto"}
        L += [
            f"**D = {d}**",
            "",
            "| optimizer | "
            + " | ".join(f"µs at {n:,} (× auto)" for n in ns)
            + " | bytes per trial at the largest N |",
            "|---" * (len(ns) + 2) + "|",
        ]
        for o in OPTIMIZERS:
            rs = {r["n"]: r for r in cost if r["d"] == d and r["optimizer"] == o}
            if not rs:
                continue
            cells = []
            for n in ns:
                r = rs.get(n)
                if r is None:
                    cells.append("—")
                    continue
                v = r["mean_us"]
                text = f"{v:,.1f}" if v < 100 else f"{v:,.0f}"
                if r["capped"]:
                    text = f"capped at {r['reached']:,} ({text})"
                a = auto.get(n)
                if a and o != "arqon_auto" and not r["capped"]:
                    text += f" ({v / a['mean_us']:,.1f}×)"
                cells.append(text)
            top = max(rs.values(), key=lambda r: r["reached"])
            per = top["peak_rss_growth_mib"] * 1024 * 1024 / max(top["reached"], 1)
            cells.append(f"{per:,.0f} at {top['reached']:,}")
            L.append(f"| {LABELS[o]} | " + " | ".join(cells) + " |")
        L.append("")
    return L


def sections(results_root: Path, figures: Path | None = None) -> list[str]:
    """The small and rotated sections for the saved results under ``results_root`` (figures
    written to ``figures`` when given)."""
    L: list[str] = []
    for name, build, title in (
        ("small", small_section, "Small budgets"),
        ("rotated", rotated_section, "Rotated functions at 100·D"),
    ):
        data = collect(name, results_root / name)
        if data is None or not data["records"]:
            continue
        if figures is not None:
            family_figure(data, figures / f"{name}-families.png", title)
        L += build(data)
    return L


def readme_block(results_root: Path) -> list[str]:
    """The README's family table: auto against each peer's family median, small budgets at
    D = 5 (20·D) and rotated at D = 5 (100·D, where NGOpt ran too)."""
    L = [README_START]
    for name, d, m, text in (
        ("small", 5, 20, "Small budget, D = 5, 100 trials"),
        ("rotated", 5, 100, "Rotated, D = 5, 500 trials"),
    ):
        data = collect(name, results_root / name)
        if data is None or not data["records"]:
            continue
        rows = [data["medians"].get((g, d, m * d), {}) for g in GROUPS]
        cols = [
            o
            for o in _columns(data)
            if o not in ("random", "scipy_nm") and any(o in row for row in rows)
        ]
        L += [
            "",
            f"| {text} | " + " | ".join(SHORT[o] for o in cols) + " |",
            "|---|" + "---|" * len(cols),
        ]
        for group in GROUPS:
            row = data["medians"].get((group, d, m * d))
            if not row:
                continue
            best = min(v["median"] for o, v in row.items() if o in cols)
            cells = []
            for o in cols:
                v = row.get(o)
                text = "–" if v is None else f"{v['median']:.2f}"
                cells.append(f"**{text}**" if v is not None and v["median"] == best else text)
            L.append(f"| {group} | " + " | ".join(cells) + " |")
    L += [
        "",
        "Family median log10 regret over every run, lower is better (profiles `small` and `rotated`",
        "of [docs/benchmarks.md](docs/benchmarks.md), where every D and budget is).",
        README_END,
    ]
    return L


def replace_block(text: str, block: list[str]) -> str:
    """``text`` with the lines between the README markers replaced by ``block``."""
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    return text[:start] + "\n".join(block) + text[end:]
