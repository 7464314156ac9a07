"""The cookbook's recipes and how to run one: shared by the drift test and the generator.

Each recipe is a script under docs/cookbook/ (the get-started snippets under docs/snippets/).
It runs in an empty directory; its stdout is the output shown on its page
(docs/output/<name>.txt), so that text is never typed by hand. Files it writes that the page
shows (figures) are copied into docs/output/ too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]
REPO = DOCS.parent
COOKBOOK = DOCS / "cookbook"
SNIPPETS = DOCS / "snippets"
OUTPUT = DOCS / "output"


@dataclass(frozen=True)
class Recipe:
    name: str
    script: str
    slow: bool = False
    needs: tuple[str, ...] = ()
    """Extra files from the script's folder copied next to it (C sources, helpers)."""
    figures: tuple[str, ...] = ()
    """Files the script writes that the page shows; copied into docs/output/."""
    folder: str = "cookbook"

    @property
    def path(self) -> str:
        """The script's path from the repository root, as pages include it."""
        return f"docs/{self.folder}/{self.script}"


RECIPES = [
    Recipe("first_run", "first_run.py", folder="snippets"),
    Recipe(
        "first_run_cli", "first_run_cli.sh", folder="snippets", needs=("objective.py",)
    ),
    Recipe("config_errors", "config_errors.py", folder="snippets"),
    Recipe("first_run_c", "first_run_c.sh", folder="snippets", needs=("first_run.c",)),
    Recipe("pid", "pid.py"),
    Recipe("ode_fit", "ode_fit.py"),
    Recipe("sklearn_cv", "sklearn_cv.py", slow=True),
    Recipe("numpy_training", "numpy_training.py"),
    Recipe("parallel", "parallel.py"),
    Recipe("resume", "resume.py"),
    Recipe("resume_cli", "resume_cli.sh", needs=("slow_objective.py",)),
    Recipe("long_runs", "long_runs.py"),
    Recipe("warm_start", "warm_start.py"),
    Recipe("force_strategy", "force_strategy.py"),
    Recipe("shell", "shell.sh", needs=("train.py",)),
    Recipe("job_array", "job_array.sh", needs=("train.py",)),
    Recipe("embed_c", "embed_c.sh", needs=("embed.c", "embed.cpp")),
    Recipe(
        "plot_artifact", "plot_artifact.py", figures=("convergence.png", "slices.png")
    ),
    Recipe("logging", "logging_mlflow_csv.py", slow=True),
    Recipe(
        "pipeline_figures",
        "pipeline_figures.py",
        slow=True,
        figures=("probe.png", "features.png", "refine.png"),
    ),
]


def target_dir() -> Path:
    """Cargo's target directory (CARGO_TARGET_DIR or the workspace's target/)."""
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return Path(json.loads(out)["target_directory"])


def environment() -> dict[str, str]:
    """The environment a reader would have: this Python first on PATH, arqonhpo-cli on PATH,
    and ARQONHPO pointing at the clone and ARQONHPO_LIB at the built C library."""
    env = dict(os.environ)
    debug = target_dir() / "debug"
    env["PATH"] = os.pathsep.join(
        [str(Path(sys.executable).parent), str(debug), env["PATH"]]
    )
    env["ARQONHPO"] = str(REPO)
    env["ARQONHPO_LIB"] = str(debug)
    env["MPLBACKEND"] = "Agg"
    env.pop("LD_LIBRARY_PATH", None)
    return env


def run(recipe: Recipe, workdir: Path, timeout: float = 600) -> str:
    """Runs the recipe in ``workdir`` and returns its stdout (raises with stderr on failure)."""
    for name in (recipe.script, *recipe.needs):
        shutil.copy(DOCS / recipe.folder / name, workdir / name)
    command = (
        ["bash", recipe.script]
        if recipe.script.endswith(".sh")
        else [sys.executable, recipe.script]
    )
    proc = subprocess.run(
        command,
        cwd=workdir,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"{recipe.script} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
        )
    return proc.stdout


def regenerate(names: list[str]) -> None:
    """Runs the named recipes (all by default) and rewrites their outputs and figures."""
    import tempfile
    import time

    OUTPUT.mkdir(exist_ok=True)
    for recipe in RECIPES:
        if names and recipe.name not in names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            start = time.monotonic()
            out = run(recipe, Path(tmp))
            (OUTPUT / f"{recipe.name}.txt").write_text(out, encoding="utf-8")
            for figure in recipe.figures:
                shutil.copy(Path(tmp) / figure, OUTPUT / figure)
            print(f"{recipe.name}: {time.monotonic() - start:.1f} s")


if __name__ == "__main__":
    regenerate(sys.argv[1:])
