"""MkDocs hook: pages under docs/project/ show the repository's root Markdown files.

A page holding the line ``<!-- include-root: NAME.md -->`` is replaced by that file's text, so
CONTRIBUTING.md, SECURITY.md and the runbooks are written once, at the root, where GitHub shows
them too. Their links are rewritten for the site: ``docs/x.md`` becomes a site link, another
root page becomes its project page, and any other repository path points at the repository.
A root file that is not in the checkout yet (written on another branch) leaves a one-line note
instead of failing the build.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO_URL = "https://github.com/arqonhpo/arqonhpo/blob/main/"
ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"^<!-- include-root: (?P<name>[\w.-]+) -->$", re.M)
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
# Root files that have a page of their own in the site.
PAGES = {
    "CONTRIBUTING.md": "contributing.md",
    "CHANGELOG.md": "changelog.md",
    "CODE_OF_CONDUCT.md": "code-of-conduct.md",
    "SECURITY.md": "security.md",
    "RELEASE_RUNBOOK.md": "release-runbook.md",
    "CI_DEBUG_RUNBOOK.md": "ci-debug-runbook.md",
    "README.md": "../index.md",
}


def _rewrite(target: str) -> str:
    if re.match(r"^[a-z]+:|^#", target):
        return target
    path, _, anchor = target.partition("#")
    path = path.removeprefix("./")
    suffix = f"#{anchor}" if anchor else ""
    if path in PAGES:
        return PAGES[path] + suffix
    if path.startswith("docs/") and path.endswith(".md"):
        return "../" + path.removeprefix("docs/") + suffix
    return REPO_URL + path + suffix


def _include(match: re.Match[str]) -> str:
    name = match.group("name")
    source = ROOT / name
    if not source.exists():
        return f"This page shows `{name}` from the repository root, which this checkout does not have yet."
    text = source.read_text(encoding="utf-8")
    return LINK.sub(lambda m: f"]({_rewrite(m.group('target'))})", text)


def on_page_markdown(markdown: str, page, config, files) -> str:
    return MARKER.sub(_include, markdown)
