"""The provenance subjects of a release: `sha256sum` lines for every artifact, base64-encoded.

The SLSA generic generator takes its subjects as the base64 of `sha256sum` output. The release
workflow runs this script on the downloaded artifacts and hands the result to the generator;
`make provenance-subjects` runs it on the artifacts built here.

    python tools/release/subjects.py dist/* [--github-output]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import sys
from pathlib import Path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def subject_lines(paths: list[Path]) -> str:
    """`sha256sum` format (hash, two spaces, file name), sorted by name, one per line."""
    files = sorted((p for p in paths if p.is_file()), key=lambda p: p.name)
    names = [p.name for p in files]
    if len(set(names)) != len(names):
        raise SystemExit(f"two artifacts share a file name: {sorted(names)}")
    return "".join(f"{sha256(p)}  {p.name}\n" for p in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("artifacts", nargs="+", type=Path)
    parser.add_argument(
        "--github-output",
        action="store_true",
        help="also write `hashes=<base64>` to the file named by $GITHUB_OUTPUT",
    )
    parser.add_argument("--sums", type=Path, help="also write the plain lines to this file")
    args = parser.parse_args()
    lines = subject_lines(args.artifacts)
    if not lines:
        raise SystemExit("no artifacts to attest")
    encoded = base64.b64encode(lines.encode()).decode()
    if args.sums:
        args.sums.write_text(lines, encoding="utf-8", newline="\n")
    if args.github_output:
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
            out.write(f"hashes={encoded}\n")
    sys.stdout.write(lines)
    print(f"base64: {encoded}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
