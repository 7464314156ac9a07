"""The hand-written stub of the native module matches it (mypy.stubtest), and the package
type-checks with mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "python"


def test_stubtest_passes(tmp_path: Path) -> None:
    import arqonhpo

    # In the checkout's python/ after `maturin develop` (the module is built there); from an
    # empty directory when testing an installed wheel, so that python/ (which then holds no
    # compiled module) does not shadow the installed package.
    in_checkout = Path(arqonhpo.__file__).resolve().parent.parent == PACKAGE
    proc = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "arqonhpo._core"],
        capture_output=True,
        text=True,
        cwd=PACKAGE if in_checkout else tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_stubtest_fails_on_a_wrong_stub(tmp_path: Path) -> None:
    """The check itself can fail: a stub with a wrong signature is caught."""
    pkg = tmp_path / "arqonhpo"
    pkg.mkdir()
    import arqonhpo

    for f in Path(arqonhpo.__file__).parent.iterdir():
        if f.suffix in (".py", ".so", ".pyd") or f.name == "py.typed":
            (pkg / f.name).symlink_to(f)
    stub = (Path(arqonhpo.__file__).parent / "_core.pyi").read_text()
    (pkg / "_core.pyi").write_text(
        stub.replace(
            "def ask_batch(self, n: SupportsIndex)", "def ask_batch(self, count: SupportsIndex)"
        )
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "arqonhpo._core"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode != 0 and "ask_batch" in proc.stdout


def test_package_type_checks_strictly() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "-p", "arqonhpo"],
        capture_output=True,
        text=True,
        cwd=PACKAGE,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
