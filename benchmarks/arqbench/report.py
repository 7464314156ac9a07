"""Turns the results into ``summary.json``, figures and ``docs/benchmarks.md``."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Dict

PEER_PACKAGES = ("arqonhpo", "optuna", "cmaes", "scipy", "nevergrad", "hyperopt", "scikit-learn", "numpy")


def write_meta(path: Path, profile: str, jobs: int) -> None:
    """Records what ran: the commit, the package versions, the machine, the date."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=path.parent, check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "crates/core", "bindings/python"], capture_output=True, text=True, cwd=path.parent, check=False).stdout.strip()
    except OSError:
        commit, dirty = "", ""
    versions: Dict[str, Any] = {}
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
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
