"""ArqonSearch with a real local Ray: Tune's spaces converted, two trials at a time, min and
max, warm start, failures, the deterministic mode, and Tuner.restore after an interruption."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import ray
from ray import tune
from ray.tune import TuneConfig, Tuner

import arqonhpo as aq
from arqonhpo.integrations.ray import ArqonSearch, convert_tune_space

try:
    from ray.tune import RunConfig
except ImportError:  # older Ray
    from ray.train import RunConfig  # type: ignore[no-redef]


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Any:
    # Ray's workers cannot import this test module: ship its functions by value.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def trainable(config: dict[str, Any]) -> dict[str, float]:
    if config["model"]["depth"] == 7:
        raise RuntimeError("this depth crashes")
    lr = config["model"]["lr"]
    return {
        "loss": (math.log10(lr) + 2) ** 2 + (config["x"] - 1) ** 2 + config["model"]["depth"] * 0.01
    }


PARAM_SPACE = {
    "x": tune.uniform(-3, 3),
    "model": {"lr": tune.loguniform(1e-4, 1.0), "depth": tune.randint(1, 9)},
    "tag": "constant",
}


def fit(search: ArqonSearch, tmp: Path, name: str, mode: str = "min") -> Any:
    tuner = Tuner(
        trainable,
        param_space=PARAM_SPACE,
        tune_config=TuneConfig(
            search_alg=search, metric="loss", mode=mode, num_samples=-1, max_concurrent_trials=2
        ),
        run_config=RunConfig(storage_path=str(tmp), name=name, verbose=0),
    )
    return tuner.fit()


def test_tune_spaces_convert() -> None:
    space = convert_tune_space(PARAM_SPACE | {"c": tune.choice(["a", 3])})
    assert space["x"] == aq.Float(-3, 3)
    assert space["model/lr"] == aq.Float(1e-4, 1.0, log=True)
    assert space["model/depth"] == aq.Int(1, 8)  # Tune's upper bound is exclusive
    assert space["c"] == ["a", 3] and "tag" not in space
    with pytest.raises(ValueError, match=r"'q'.*Quantized"):
        convert_tune_space({"q": tune.quniform(0, 1, 0.1)})


def test_a_tuner_runs_the_budget_two_at_a_time(tmp_path: Path) -> None:
    search = ArqonSearch(
        budget=14, seed=1, points_to_evaluate=[{"x": 1.0, "model": {"lr": 0.01, "depth": 2}}]
    )
    results = fit(search, tmp_path, "min")
    assert len(results) == 15  # the warm-start point, then the budget, then FINISHED
    solver = search.solver
    assert solver is not None and solver.is_done and solver.n_told == 14
    assert solver.config["warm_start"][0]["value"] == pytest.approx(0.02)
    best = results.get_best_result()
    assert best.metrics["loss"] <= 0.02 + 1e-12
    assert best.config["tag"] == "constant"
    crashed = [t for t in solver.trials if t.params["model/depth"] == 7]
    assert all(t.status == "failed" for t in crashed)


def test_max_mode_and_the_deterministic_mode_reproduce(tmp_path: Path) -> None:
    runs = []
    for i in range(2):
        search = ArqonSearch(budget=10, seed=2, deterministic=True)
        fit(search, tmp_path, f"det{i}", mode="max")
        assert search.solver is not None and search.solver.config["parallel"] == {"lag": 2}
        runs.append([t.params for t in search.solver.trials])
        # max: the solver minimized the negated loss, so its best is the largest loss.
        assert search.solver.best is not None and search.solver.best.value < 0
    assert runs[0] == runs[1]


def text_metric(config: dict[str, Any]) -> dict[str, Any]:
    """Reports the loss as text on half of the space (a logging bug, say)."""
    loss = (config["x"] - 1) ** 2
    return {"loss": str(loss) if config["x"] > 0 else loss}


def test_a_metric_that_is_not_a_number_fails_its_trial_as_tell_would(tmp_path: Path) -> None:
    search = ArqonSearch({"x": aq.Float(-3, 3)}, budget=8, seed=3, metric="loss", mode="min")
    Tuner(
        text_metric,
        tune_config=TuneConfig(search_alg=search, num_samples=-1, max_concurrent_trials=2),
        run_config=RunConfig(storage_path=str(tmp_path), name="text", verbose=0),
    ).fit()
    solver = search.solver
    assert solver is not None and solver.n_told == 8
    texts = [t for t in solver.trials if t.params["x"] > 0]
    numbers = [t for t in solver.trials if t.params["x"] <= 0]
    assert texts and numbers
    for t in texts:
        assert t.status == "failed" and t.value is None, t
        assert t.reason is not None and "metric 'loss'" in t.reason and "str" in t.reason, t
    assert all(t.status == "completed" for t in numbers)


INTERRUPTED = textwrap.dedent(
    """
    import os, sys, time, ray
    from ray import tune
    from ray.tune import TuneConfig, Tuner
    try:
        from ray.tune import RunConfig
    except ImportError:
        from ray.train import RunConfig
    from arqonhpo.integrations.ray import ArqonSearch

    MARKS = os.path.join(sys.argv[1], "marks")  # read here: workers have their own argv

    def objective(config):
        os.makedirs(MARKS, exist_ok=True)
        open(os.path.join(MARKS, str(time.monotonic_ns())), "w").close()
        if len(os.listdir(MARKS)) > 4:
            time.sleep(60)  # the experiment is stopped from outside meanwhile
        return {"loss": (config["x"] - 1) ** 2}

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    Tuner(
        objective,
        param_space={"x": tune.uniform(-3, 3)},
        tune_config=TuneConfig(search_alg=ArqonSearch(budget=12, seed=5), metric="loss",
                               mode="min", num_samples=-1, max_concurrent_trials=2),
        run_config=RunConfig(storage_path=sys.argv[1], name="exp", verbose=0),
    ).fit()
    """
)


def objective(config: dict[str, Any]) -> dict[str, float]:
    """The interrupted experiment's objective without the pause."""
    return {"loss": (config["x"] - 1) ** 2}


def test_tuner_restore_resumes_the_search_after_an_interruption(tmp_path: Path) -> None:
    script = tmp_path / "run.py"
    script.write_text(INTERRUPTED)
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path)])
    try:
        marks = tmp_path / "marks"
        import signal
        import time

        for _ in range(600):
            if marks.exists() and len(os.listdir(marks)) > 5:
                break
            if proc.poll() is not None:
                pytest.fail("the experiment ended before it was interrupted")
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)  # Ctrl-C: Tune saves the experiment and stops
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    path = str(tmp_path / "exp")
    assert Tuner.can_restore(path)
    results = Tuner.restore(path, trainable=objective, resume_errored=True).fit()
    # Exactly the budget: the restored searcher went on from its saved state (a fresh one
    # would have handed out 12 more), and the trials stopped by Ctrl-C ran again.
    assert len(results) == 12
    finished = [r for r in results if r.metrics and "loss" in r.metrics]
    assert len(finished) == 12
    assert min(r.metrics["loss"] for r in finished) < 0.5
