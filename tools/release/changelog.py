"""Prints the CHANGELOG.md section of one version (the GitHub release notes).

python tools/release/changelog.py 0.4.0
python tools/release/changelog.py --check-tag v0.4.0   # also: the tag is the crates' version
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[2]
CHANGELOG = ROOT / "CHANGELOG.md"


def workspace_version() -> str:
    with (ROOT / "Cargo.toml").open("rb") as f:
        return str(tomllib.load(f)["workspace"]["package"]["version"])


def section(text: str, version: str) -> str:
    """The body under `## [version]` (release-plz's heading), up to the next `## ` heading."""
    heading = re.compile(rf"^## \[?v?{re.escape(version)}\]?(\s|$)")
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if heading.match(line)), None)
    if start is None:
        raise SystemExit(f"CHANGELOG.md has no section for {version}")
    body = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        body.append(line)
    notes = "\n".join(body).strip()
    if not notes:
        raise SystemExit(f"the CHANGELOG.md section for {version} is empty")
    return notes + "\n"


def main(args: list[str]) -> int:
    if len(args) == 2 and args[0] == "--check-tag":
        version = args[1].removeprefix("v")
        if version != workspace_version():
            raise SystemExit(f"tag {args[1]} is not the workspace version {workspace_version()}")
    elif len(args) == 1:
        version = args[0].removeprefix("v")
    else:
        raise SystemExit("usage: changelog.py [--check-tag] VERSION")
    sys.stdout.write(section(CHANGELOG.read_text(encoding="utf-8"), version))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
