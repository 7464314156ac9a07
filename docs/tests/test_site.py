"""The built site (`make docs` runs before these tests in `make docs-check`) carries the Rust
API under rust/, and the Rust API page's links reach it."""

from __future__ import annotations

import re

from recipes import DOCS, REPO

SITE = REPO / "site"


def test_rust_api_pages_are_linked_and_present() -> None:
    assert (SITE / "index.html").exists(), "build the site first: make docs"
    page = (DOCS / "reference" / "rust.md").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', page)
    assert len(links) == 3
    for link in links:
        assert (SITE / "reference" / "rust" / link).resolve().is_file(), link


def test_root_pages_are_included() -> None:
    """The project pages show the root files' text, not the include marker."""
    for name, page in [
        ("SECURITY.md", "security"),
        ("RELEASE_RUNBOOK.md", "release-runbook"),
    ]:
        html = (SITE / "project" / page / "index.html").read_text(encoding="utf-8")
        first_heading = (
            (REPO / name).read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
        )
        assert first_heading in html and "include-root" not in html, name
