"""Shared helpers for the arqonhpo test suite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
CONTRACTS = REPO / "contracts"


def golden_files() -> list[Path]:
    return sorted((CONTRACTS / "golden").glob("*.json"))


def load_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def mixed_space() -> dict[str, Any]:
    import arqonhpo as aq

    return {
        "kp": aq.Float(0.01, 10.0, log=True),
        "layers": aq.Int(1, 8),
        "kernel": aq.Choice(["rbf", "linear", "poly"]),
    }


def bowl(**params: Any) -> float:
    """A cheap deterministic objective over numeric and string parameters (module level, so
    that process pools can pickle it)."""
    total = 0.0
    for i, (_, v) in enumerate(sorted(params.items())):
        x = float(len(v)) if isinstance(v, str) else float(v)
        total += (x - 0.5 * (i + 1)) ** 2
    return total
