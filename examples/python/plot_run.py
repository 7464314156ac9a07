"""Plot a run with arqonhpo.plot, then serve it in the CLI's dashboard.

Usage: python plot_run.py [OUT_DIR]   (needs `pip install 'arqonhpo[plot]'`, and arqonhpo-cli
on PATH or in $ARQONHPO_CLI for the dashboard part)
"""

import json
import math
import sys
import urllib.request
from pathlib import Path

import arqonhpo as aq
from arqonhpo import plot

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")


def objective(lr: float, layers: int, act: str) -> float:
    if layers == 7:
        raise RuntimeError("diverged")  # recorded as a failed trial, the run goes on
    return (math.log10(lr) + 2) ** 2 + 0.1 * layers + {"relu": 0.0, "tanh": 0.5, "gelu": 0.2}[act]


space = {
    "lr": aq.Float(1e-4, 1.0, log=True),
    "layers": aq.Int(1, 8),
    "act": aq.Choice(["relu", "tanh", "gelu"]),
}
result = aq.minimize(objective, space, budget=80, seed=3)
print(f"best {result.best_value:.4f} at {result.best_params}")

# Each helper takes a solver, a minimize result, an artifact dict or a file path.
for name in ("convergence", "slices", "parallel_coordinates", "classification"):
    figure = getattr(plot, name)(result)
    figure.savefig(out / f"plot-{name}.png", dpi=80)
    print(f"wrote plot-{name}.png")

# The same run in the live dashboard; open_browser=True (the default) opens a tab.
with (
    result.dashboard(open_browser=False) as board,
    urllib.request.urlopen(board.url + "api/runs") as response,
):
    runs = json.load(response)["runs"]
    print(f"dashboard at {board.url} serving {runs[0]['told']} trials")
