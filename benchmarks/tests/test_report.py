"""The published benchmark pages (and the README's family table) are exactly what the saved
results render to.

`report.page` builds the page from `benchmarks/results/<profile>/` without writing anything, so
a change to the report code that alters a page, or results committed without regenerating it
(`python benchmarks/run.py report --profile <profile>`), fails here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from arqbench import report  # noqa: E402


@pytest.mark.parametrize(("profile", "docs"), [("quick", "docs"), ("full", "docs/full")])
def test_published_page_is_what_the_saved_results_render_to(profile: str, docs: str) -> None:
    committed = (ROOT / docs / "benchmarks.md").read_text(encoding="utf-8")
    rendered = report.page(profile, ROOT / "benchmarks" / "results" / profile)
    assert rendered == committed, f"{docs}/benchmarks.md is stale: regenerate the {profile} report"


def test_readme_family_table_is_what_the_saved_results_render_to() -> None:
    from arqbench import suites

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = "\n".join(suites.readme_block(ROOT / "benchmarks" / "results"))
    assert block in readme, "README's bench-families table is stale: run.py report --profile quick"
