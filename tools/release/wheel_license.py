"""Fails unless each wheel given carries the repository's LICENSE in its .dist-info."""

import pathlib
import sys
import zipfile

LICENSE = (pathlib.Path(__file__).parents[2] / "LICENSE").read_bytes()

for path in sys.argv[1:]:
    with zipfile.ZipFile(path) as wheel:
        found = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        if not found or wheel.read(found[0]) != LICENSE:
            sys.exit(f"{path}: no .dist-info/licenses/LICENSE matching the repository's")
    print(f"{path}: LICENSE included")
