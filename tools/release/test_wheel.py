"""Runs the Python test suite against a built wheel installed in a fresh venv.

    python tools/release/test_wheel.py DIST_DIR

Picks the one `arqonhpo-*.whl` in DIST_DIR that pip accepts for this interpreter, installs it
with the test requirements into `target/wheel-test/venv`, checks that the package is imported
from that venv (not from the checkout), then runs pytest on bindings/python/tests. Works the
same on Linux, macOS and Windows (CI calls it on each).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY_DIR = ROOT / "bindings" / "python"


def main() -> int:
    if len(sys.argv) != 2:
        raise SystemExit("usage: test_wheel.py DIST_DIR")
    wheels = sorted(Path(sys.argv[1]).glob("arqonhpo-*.whl"))
    if not wheels:
        raise SystemExit(f"no arqonhpo wheel in {sys.argv[1]}")
    home = ROOT / "target" / "wheel-test"
    shutil.rmtree(home, ignore_errors=True)
    venv.create(home / "venv", with_pip=True)
    bindir = "Scripts" if sys.platform == "win32" else "bin"
    python = str(home / "venv" / bindir / ("python.exe" if sys.platform == "win32" else "python"))

    def run(*args: str, cwd: Path = ROOT) -> None:
        print("+", " ".join(args), flush=True)
        subprocess.run(args, cwd=cwd, check=True)

    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(python, "-m", "pip", "install", "--quiet", "-r", str(PY_DIR / "requirements-dev.txt"))
    # --find-links + --no-index: pip itself chooses the wheel whose tags fit this interpreter.
    run(
        python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-index",
        "--find-links",
        str(wheels[0].parent),
        "arqonhpo",
    )
    run(python, str(ROOT / "tools" / "release" / "smoke.py"), cwd=home)
    run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=PY_DIR)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
