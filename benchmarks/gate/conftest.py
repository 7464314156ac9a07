"""Puts ``benchmarks/`` on the path so the gate shares the suite's test functions."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
