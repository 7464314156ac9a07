"""Smoke test of an installed arqonhpo: imported from site-packages, typed, and it optimizes.

Run with the interpreter of the venv the wheel was installed into, from outside the checkout's
package directory.
"""

from __future__ import annotations

import json
import pathlib
import tempfile

import arqonhpo as aq

package = pathlib.Path(aq.__file__).parent
assert "site-packages" in package.parts, f"imported from {package}, not an installed wheel"
assert (package / "py.typed").exists(), "py.typed is missing"
assert (package / "_core.pyi").exists(), "the type stub is missing"

result = aq.minimize(lambda x: (x - 1) ** 2, {"x": aq.Float(-3, 3)}, budget=30, seed=0)
assert result.best_value < 1e-2, result.best_value

solver = aq.ArqonSolver({"x": aq.Float(0, 1)}, budget=4, seed=1)
trial = solver.ask()
assert trial is not None
solver.tell(trial, 0.5)
with tempfile.TemporaryDirectory() as tmp:
    path = pathlib.Path(tmp) / "run.json"
    solver.save(path)
    assert json.loads(path.read_text(encoding="utf-8"))["trials"], "the artifact has no trials"
    resumed, original = aq.ArqonSolver.load(path).ask(), solver.ask()
    assert resumed is not None and original is not None
    assert (resumed.id, resumed.params) == (original.id, original.params)
print("installed arqonhpo OK:", aq.__version__, result.best_value)
