"""Plots of a run with matplotlib (``pip install 'arqonhpo[plot]'``).

Each function takes a run (an ``ArqonSolver``, a ``minimize`` result, an artifact dict, or the
path of an artifact or ask/tell state file) and returns a :class:`matplotlib.figure.Figure`,
drawn without pyplot's global state, so it works the same in scripts, tests and notebooks:

- :func:`convergence`: every told trial against its place in tell order, coloured by stage
  (probe, refine, failed), and the best value so far.
- :func:`slices`: the value against each parameter (log axes for log parameters, categories
  as strips).
- :func:`parallel_coordinates`: the best trials across every parameter and the value.
- :func:`classification`: the classifier's score against its threshold, and its features.

They read the artifact only; the CLI's ``dashboard`` shows the same views live.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._minimize import MinimizeResult
from ._solver import ArqonSolver

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["classification", "convergence", "parallel_coordinates", "slices"]

COLORS = {"probe": "#3b7dd8", "refine": "#e08a1e", "failed": "#d0342c", "best": "#1f9d55"}


def _figure(**kwargs: Any) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("arqonhpo.plot needs matplotlib: pip install 'arqonhpo[plot]'") from None
    return Figure(**kwargs)


def load_artifact(run: Any) -> dict[str, Any]:
    """The artifact dict of a solver, a ``minimize`` result, an artifact dict or a file path
    (artifact or ask/tell state file)."""
    if isinstance(run, ArqonSolver):
        return run.artifact()
    if isinstance(run, MinimizeResult):
        return run.artifact
    if isinstance(run, Mapping):
        if "trials" not in run or "config" not in run:
            raise ValueError(
                "an artifact dict has 'config' and 'trials' (see contracts/artifact.schema.json)"
            )
        return dict(run)
    if isinstance(run, (str, os.PathLike)):
        path = Path(run)
        text = path.read_text(encoding="utf-8")
        first = next((line for line in text.splitlines() if line.strip()), "")
        try:
            head = json.loads(first)
        except ValueError:
            head = None
        if isinstance(head, dict) and "event" in head:
            raise ValueError(
                f"{path} is a journal, which only the CLI replays: plot the run's artifact "
                "(`arqonhpo-cli run --artifact`) or open it with arqonhpo.dashboard()"
            )
        data = json.loads(text)
        if isinstance(data, dict) and "state_version" in data:
            return ArqonSolver.restore(text).artifact()
        return load_artifact(data)
    raise TypeError(
        f"a run is an ArqonSolver, a MinimizeResult, an artifact dict or a path, not {type(run).__name__}"
    )


def _completed(a: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [t for t in a["trials"] if t["status"] == "completed" and t.get("value") is not None]


def _log_values(a: Mapping[str, Any]) -> bool:
    """Values go on a log axis when all are positive and span more than two decades (the
    rule of the CLI's plots)."""
    values = [t["value"] for t in _completed(a)]
    return bool(values) and min(values) > 0 and max(values) / min(values) > 100


def _stage(t: Mapping[str, Any]) -> str:
    return "failed" if t["status"] == "failed" else str(t["stage"])


def convergence(run: Any) -> Figure:
    """Every told trial's value in tell order, coloured by stage, and the best so far.

    Failed trials have no value: they are marked with ``x`` along the top edge.
    """
    a = load_artifact(run)
    told = sorted(
        (t for t in a["trials"] if t.get("told_index") is not None), key=lambda t: t["told_index"]
    )
    fig = _figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    for stage in ("probe", "refine"):
        pts = [(i + 1, t["value"]) for i, t in enumerate(told) if _stage(t) == stage]
        if pts:
            ax.scatter(
                [p[0] for p in pts],
                [p[1] for p in pts],
                s=14,
                color=COLORS[stage],
                alpha=0.8,
                label=stage,
            )
    failed = [i + 1 for i, t in enumerate(told) if _stage(t) == "failed"]
    if failed:
        ax.scatter(
            failed,
            [0.97] * len(failed),
            s=24,
            marker="x",
            color=COLORS["failed"],
            label="failed",
            transform=ax.get_xaxis_transform(),
        )
    xs, best, so_far = [], [], math.inf
    for i, t in enumerate(told):
        if _stage(t) != "failed" and t.get("value") is not None and t["value"] < so_far:
            so_far = t["value"]
        if so_far < math.inf:
            xs.append(i + 1)
            best.append(so_far)
    if best:
        ax.step(xs, best, where="post", color=COLORS["best"], linewidth=2, label="best so far")
    if _log_values(a):
        ax.set_yscale("log")
    ax.set_xlabel("trials told")
    ax.set_ylabel("value")
    ax.set_title(f"Convergence ({len(told)} trials told)")
    ax.legend(loc="upper right", fontsize="small")
    ax.grid(alpha=0.3)
    return fig


def _columns(n: int) -> int:
    return min(3, max(1, n))


def slices(run: Any) -> Figure:
    """The value against each parameter, one panel per parameter, coloured by stage."""
    a = load_artifact(run)
    space: dict[str, dict[str, Any]] = a["config"]["space"]
    done = _completed(a)
    ncols = _columns(len(space))
    nrows = math.ceil(len(space) / ncols)
    fig = _figure(figsize=(4 * ncols, 3.2 * nrows), layout="constrained")
    log_y = _log_values(a)
    for k, (name, spec) in enumerate(space.items()):
        ax: Axes = fig.add_subplot(nrows, ncols, k + 1)
        for stage in ("probe", "refine"):
            rows = [t for t in done if t["stage"] == stage and name in t["params"]]
            if spec["type"] == "choice":
                choices = spec["choices"]
                xs = [choices.index(t["params"][name]) + _jitter(t["id"]) * 0.6 for t in rows]
            else:
                xs = [t["params"][name] for t in rows]
            if rows:
                ax.scatter(
                    xs,
                    [t["value"] for t in rows],
                    s=12,
                    color=COLORS[stage],
                    alpha=0.75,
                    label=stage,
                )
        if spec["type"] == "choice":
            ax.set_xticks(range(len(spec["choices"])), [str(c) for c in spec["choices"]])
        elif spec.get("log"):
            ax.set_xscale("log")
        if log_y:
            ax.set_yscale("log")
        ax.set_xlabel(name)
        ax.set_ylabel("value")
        ax.grid(alpha=0.3)
    fig.suptitle(f"Slices ({len(done)} completed trials)")
    return fig


def _jitter(trial_id: int) -> float:
    """A deterministic offset in [-0.5, 0.5) for points on a categorical strip."""
    return ((trial_id * 2654435761) % 2**32 % 1000) / 1000 - 0.5


def _position(spec: Mapping[str, Any], value: Any) -> float | None:
    """Where a value sits on its parameter's axis, in [0, 1]."""
    if spec["type"] == "choice":
        choices: Sequence[Any] = spec["choices"]
        return (choices.index(value) + 0.5) / len(choices) if value in choices else None
    lo, hi, x = float(spec["low"]), float(spec["high"]), float(value)
    if spec.get("log"):
        lo, hi, x = math.log(lo), math.log(hi), math.log(x)
    return 0.5 if hi <= lo else min(1.0, max(0.0, (x - lo) / (hi - lo)))


def parallel_coordinates(run: Any, top: int = 30) -> Figure:
    """The ``top`` best completed trials across every parameter and the value; the best one
    is drawn in red, and lower values sit lower on the value axis."""
    a = load_artifact(run)
    space: dict[str, dict[str, Any]] = a["config"]["space"]
    best = sorted(_completed(a), key=lambda t: (t["value"], t["id"]))[:top]
    names = list(space)
    fig = _figure(figsize=(max(6, 1.8 * (len(names) + 1)), 4.5), layout="constrained")
    ax = fig.add_subplot()
    values = [t["value"] for t in best]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    for rank, t in reversed(list(enumerate(best))):
        at = (_position(space[n], t["params"].get(n)) for n in names)
        ys = [math.nan if y is None else y for y in at]
        ys.append((t["value"] - lo) / (hi - lo) if hi > lo else 0.5)
        shade = 0.25 + 0.6 * rank / max(1, len(best) - 1)
        ax.plot(
            range(len(names) + 1),
            ys,
            color=COLORS["failed"] if rank == 0 else (shade, shade, min(1.0, shade + 0.25)),
            linewidth=2.5 if rank == 0 else 1.0,
            zorder=3 if rank == 0 else 2,
        )
    ax.set_xticks(range(len(names) + 1), [*names, "value"])
    for x in range(len(names) + 1):
        ax.axvline(x, color="0.6", linewidth=0.8)
    for x, n in enumerate(names):
        spec = space[n]
        if spec["type"] == "choice":
            for k, c in enumerate(spec["choices"]):
                ax.annotate(
                    str(c),
                    (x, (k + 0.5) / len(spec["choices"])),
                    xytext=(3, 0),
                    textcoords="offset points",
                    fontsize="small",
                    va="center",
                    zorder=4,
                    bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
                )
        else:
            ax.annotate(
                f"{spec['low']:g}",
                (x, 0),
                xytext=(3, -10),
                textcoords="offset points",
                fontsize="small",
            )
            ax.annotate(
                f"{spec['high']:g}",
                (x, 1),
                xytext=(3, 4),
                textcoords="offset points",
                fontsize="small",
            )
    ax.annotate(
        f"{lo:.4g}",
        (len(names), 0),
        xytext=(-3, -10),
        textcoords="offset points",
        fontsize="small",
        ha="right",
    )
    ax.annotate(
        f"{hi:.4g}",
        (len(names), 1),
        xytext=(-3, 4),
        textcoords="offset points",
        fontsize="small",
        ha="right",
    )
    ax.set_yticks([])
    ax.set_ylim(-0.08, 1.08)
    ax.set_title(f"Parallel coordinates (best {len(best)} trials)")
    return fig


def classification(run: Any) -> Figure:
    """The classifier's verdict: its score against the threshold (left) and the features it
    measured (right), with the reason as the title. A run still in its probe gets a figure
    that says so."""
    a = load_artifact(run)
    c = a.get("classification")
    fig = _figure(figsize=(9, 3.6), layout="constrained")
    if c is None:
        ax = fig.add_subplot()
        ax.axis("off")
        ax.text(0.5, 0.5, "Not classified yet: the probe is not complete", ha="center", va="center")
        return fig
    gauge, features = fig.subplots(1, 2, width_ratios=[1, 1.4])
    gauge.barh([0], [c["score"]], color=COLORS["probe"], height=0.5, label="score")
    gauge.axvline(c["threshold"], color=COLORS["failed"], linewidth=2, label="threshold")
    gauge.set_xlim(0, 1)
    gauge.set_yticks([])
    gauge.set_xlabel("smoothness score")
    gauge.set_title(f"{c['label']}: score {c['score']:.3f}, threshold {c['threshold']:.3f}")
    gauge.legend(loc="upper right", fontsize="small")
    numeric = {
        k: v
        for k, v in c["features"].items()
        if isinstance(v, (int, float)) and k not in ("n_points", "categorical")
    }
    names = list(numeric)
    features.barh(names, [numeric[n] for n in names], color="0.55")
    features.invert_yaxis()
    missing = [k for k, v in c["features"].items() if v is None]
    features.set_title("features" + (f" (n/a: {', '.join(missing)})" if missing else ""))
    features.axvline(0, color="0.3", linewidth=0.8)
    fig.suptitle(_wrap(c["reason"], 110), fontsize="small")
    return fig


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join([*lines, line])
