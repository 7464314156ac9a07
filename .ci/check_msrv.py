#!/usr/bin/env python3
"""Keeps the workspace's one MSRV true without installing that toolchain (run by `make lint`).

Fails when a workspace member declares its own `rust-version` instead of inheriting the
workspace's, or when a package in Cargo.lock declares a `rust_version` above it. The code's
own use of newer std APIs is clippy's `incompatible_msrv` lint, in the same `make lint`.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INHERITS = re.compile(
    r"^rust-version(\.workspace\s*=\s*true|\s*=\s*\{\s*workspace\s*=\s*true\s*\})"
)


def version(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main() -> int:
    root_toml = (ROOT / "Cargo.toml").read_text()
    found = re.search(r'^rust-version\s*=\s*"([0-9.]+)"', root_toml, re.MULTILINE)
    if not found:
        print("Cargo.toml: [workspace.package] has no rust-version")
        return 1
    msrv = found.group(1)
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    members = set(meta["workspace_members"])
    problems = []
    for package in meta["packages"]:
        if package["id"] in members:
            manifest = Path(package["manifest_path"])
            lines = [line.strip() for line in manifest.read_text().splitlines()]
            if not any(INHERITS.match(line) for line in lines):
                where = manifest.relative_to(ROOT)
                problems.append(f"{where}: use `rust-version.workspace = true`")
        elif package["rust_version"] and version(package["rust_version"]) > version(msrv):
            problems.append(
                f"{package['name']} {package['version']} needs Rust {package['rust_version']}"
            )
    for problem in problems:
        print(f"MSRV {msrv}: {problem}")
    if not problems:
        print(f"MSRV {msrv}: {len(members)} members inherit it, no locked dependency needs more")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
