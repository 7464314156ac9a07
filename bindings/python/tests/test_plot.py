"""arqonhpo.plot: each figure has the structure its run implies (points, lines, axes,
scales, labels), from every kind of input."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import pytest

import arqonhpo as aq

plot = pytest.importorskip("arqonhpo.plot")
pytest.importorskip("matplotlib")


def objective(lr: float, layers: int, act: str) -> float:
    if layers == 7:
        raise RuntimeError("diverged")
    return (math.log10(lr) + 2) ** 2 + 0.1 * layers + {"relu": 0.0, "tanh": 0.5, "gelu": 0.2}[act]


SPACE = {
    "lr": aq.Float(1e-4, 1.0, log=True),
    "layers": aq.Int(1, 8),
    "act": aq.Choice(["relu", "tanh", "gelu"]),
}


@pytest.fixture(scope="module")
def result() -> aq.MinimizeResult:
    return aq.minimize(objective, SPACE, budget=60, seed=3)


def counts(a: dict[str, Any]) -> tuple[int, int, int]:
    by = [t["status"] if t["status"] == "failed" else t["stage"] for t in a["trials"]]
    return by.count("probe"), by.count("refine"), by.count("failed")


def offsets(ax: Any) -> list[int]:
    return [len(c.get_offsets()) for c in ax.collections]


def test_convergence_draws_every_trial_by_stage_and_a_falling_best_line(
    result: aq.MinimizeResult,
) -> None:
    fig = plot.convergence(result)
    (ax,) = fig.axes
    probe, refine, failed = counts(result.artifact)
    assert failed > 0
    assert offsets(ax) == [probe, refine, failed]
    (line,) = ax.get_lines()
    best = list(line.get_ydata())
    assert all(b >= c for b, c in itertools.pairwise(best))
    assert best[-1] == pytest.approx(result.best_value)
    assert ax.get_xlabel() == "trials told" and ax.get_ylabel() == "value"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "probe",
        "refine",
        "failed",
        "best so far",
    ]


def test_values_spanning_decades_go_on_a_log_axis() -> None:
    r = aq.minimize(lambda x: 10 ** (6 * x), {"x": aq.Float(0, 1)}, budget=20, seed=0)
    assert plot.convergence(r).axes[0].get_yscale() == "log"
    assert (
        plot.convergence(aq.minimize(lambda x: x, {"x": aq.Float(0, 1)}, budget=20, seed=0))
        .axes[0]
        .get_yscale()
        == "linear"
    )


def test_slices_have_one_panel_per_parameter_with_log_and_categorical_axes(
    result: aq.MinimizeResult,
) -> None:
    fig = plot.slices(result)
    assert [ax.get_xlabel() for ax in fig.axes] == ["lr", "layers", "act"]
    completed = sum(t["status"] == "completed" for t in result.artifact["trials"])
    for ax in fig.axes:
        assert sum(offsets(ax)) == completed
    assert [ax.get_xscale() for ax in fig.axes] == ["log", "linear", "linear"]
    assert [t.get_text() for t in fig.axes[2].get_xticklabels()] == ["relu", "tanh", "gelu"]
    xs = [x for c in fig.axes[2].collections for x, _ in c.get_offsets()]
    assert all(-0.3 <= x <= 2.3 for x in xs)


def test_parallel_coordinates_draw_the_best_trials_best_in_red(result: aq.MinimizeResult) -> None:
    fig = plot.parallel_coordinates(result, top=10)
    (ax,) = fig.axes
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 4]
    assert len(lines) == 10
    assert [t.get_text() for t in ax.get_xticklabels()] == ["lr", "layers", "act", "value"]
    best = [ln for ln in lines if ln.get_linewidth() == 2.5]
    assert len(best) == 1 and list(best[0].get_ydata())[-1] == 0.0
    assert all(0.0 <= y <= 1.0 for ln in lines for y in ln.get_ydata())


def test_classification_shows_score_threshold_and_features(result: aq.MinimizeResult) -> None:
    c = result.artifact["classification"]
    fig = plot.classification(result)
    gauge, features = fig.axes
    (bar,) = gauge.patches
    assert bar.get_width() == pytest.approx(c["score"])
    assert gauge.get_lines()[0].get_xdata()[0] == pytest.approx(c["threshold"])
    assert c["label"] in gauge.get_title()
    shown = [t.get_text() for t in features.get_yticklabels()]
    numeric = [k for k, v in c["features"].items() if isinstance(v, float)]
    assert shown == numeric
    assert fig.get_suptitle().replace("\n", " ") == c["reason"]


def test_a_run_still_probing_says_so() -> None:
    solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=50, seed=0)
    trial = solver.ask()
    assert trial is not None
    solver.tell(trial, 1.0)
    fig = plot.classification(solver)
    assert "Not classified yet" in fig.axes[0].texts[0].get_text()
    assert sum(offsets(plot.convergence(solver).axes[0])) == 1


def test_every_kind_of_run_gives_the_same_figure(result: aq.MinimizeResult, tmp_path: Path) -> None:
    artifact_path = tmp_path / "run.json"
    artifact_path.write_text(json.dumps(result.artifact))
    state_path = tmp_path / "state.json"
    state_path.write_text(result.solver.snapshot())
    expected = offsets(plot.convergence(result).axes[0])
    for run in (result.solver, result.artifact, artifact_path, str(state_path)):
        assert offsets(plot.convergence(run).axes[0]) == expected, run


def test_bad_inputs_are_clear_errors(tmp_path: Path) -> None:
    journal = tmp_path / "run.jsonl"
    journal.write_text('{"event": "start", "config": {}}\n')
    with pytest.raises(ValueError, match="journal"):
        plot.convergence(journal)
    with pytest.raises(ValueError, match="'config' and 'trials'"):
        plot.slices({"trials": []})
    with pytest.raises(TypeError, match="not int"):
        plot.parallel_coordinates(3)
