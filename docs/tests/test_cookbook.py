"""Every recipe runs, and prints exactly what its page shows (regenerate with
`make docs-outputs` after changing a recipe or the engine)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from recipes import DOCS, OUTPUT, RECIPES, Recipe, run

# A snippet line, or the block form (used in Python fences, which ruff formats: it would
# rewrite the one-line form as a Python expression).
INCLUDE = re.compile(
    r'^(?:--8<-- "(?P<path>[^"]+)"|--8<--\n(?P<block>[^\n"]+)\n--8<--)$', re.M
)
FENCE = re.compile(r"^```(?P<lang>\w*)[^\n]*\n(?P<body>.*?)^```", re.M | re.S)
# Pages whose code blocks other suites run (the CLI's docs test, the C example) or that are
# generated: the rule below is for the pages this site's own tests cover.
OTHER_SUITES = {
    "cli.md",
    "cli-reference.md",
    "c-api.md",
    "benchmarks.md",
    "full/benchmarks.md",
    # bindings/python/tests/test_dashboard.py checks this page shows examples/python/plot_run.py
    # verbatim, runs it, and runs the page's command lines.
    "dashboard.md",
    # bindings/python/tests/integrations/test_cookbook.py extracts and runs these pages' Python
    # (make test-integrations, with Ray, Dask, scikit-learn and Optuna installed).
    "cookbook/dask.md",
    "cookbook/optuna-sampler.md",
    "cookbook/ray-tune.md",
    "cookbook/sklearn-search.md",
}


def params() -> list[object]:
    return [
        pytest.param(r, id=r.name, marks=[pytest.mark.slow] if r.slow else [])
        for r in RECIPES
    ]


@pytest.mark.parametrize("recipe", params())
def test_recipe_prints_what_its_page_shows(recipe: Recipe, tmp_path: Path) -> None:
    out = run(recipe, tmp_path)
    expected = (OUTPUT / f"{recipe.name}.txt").read_text(encoding="utf-8")
    assert out == expected, (
        f"{recipe.name} drifted; run `make docs-outputs RECIPES={recipe.name}`"
    )
    for figure in recipe.figures:
        data = (tmp_path / figure).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 5_000, figure


def included() -> set[str]:
    """Every file some page includes with a snippet line."""
    found = set()
    for page in DOCS.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        found.update(m["path"] or m["block"] for m in INCLUDE.finditer(text))
    return found


def test_every_recipe_and_its_output_are_on_a_page() -> None:
    paths = included()
    for recipe in RECIPES:
        assert recipe.path in paths, recipe.script
        assert f"docs/output/{recipe.name}.txt" in paths, recipe.name


def test_every_script_is_run() -> None:
    known = {f"{r.folder}/{n}" for r in RECIPES for n in (r.script, *r.needs)}
    scripts = {
        p.relative_to(DOCS).as_posix()
        for folder in ("cookbook", "snippets")
        for p in (DOCS / folder).iterdir()
        if p.suffix in (".py", ".sh", ".c", ".cpp")
    }
    assert scripts == known


def test_code_on_the_site_is_included_from_a_tested_file() -> None:
    """A reader copies code from a page: it must come from a file a test runs, not be typed
    into the page. Output, config and console transcripts may be inline."""
    for page in DOCS.rglob("*.md"):
        rel = page.relative_to(DOCS).as_posix()
        if rel in OTHER_SUITES:
            continue
        for block in FENCE.finditer(page.read_text(encoding="utf-8")):
            if block["lang"] in ("python", "py", "sh", "bash", "c", "cpp"):
                body = block["body"].strip()
                assert INCLUDE.fullmatch(body), (
                    f"{rel}: inline {block['lang']} block:\n{body[:200]}"
                )
