"""Validates CycloneDX JSON SBOMs against the CycloneDX schema of their `specVersion`.

The schemas ship inside `cyclonedx-python-lib`, so this runs offline.

    python tools/release/validate_sbom.py dist/sbom/*.cdx.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator


def validate(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    if doc.get("bomFormat") != "CycloneDX":
        return [f"{path}: not a CycloneDX document (bomFormat {doc.get('bomFormat')!r})"]
    version = SchemaVersion.from_version(doc["specVersion"])
    error = JsonStrictValidator(version).validate_str(text)
    # The library's error wraps jsonschema's; its first line says what and where.
    problems = [f"{path}: {str(error).splitlines()[0]}"] if error else []
    if not doc.get("components"):
        problems.append(f"{path}: lists no components")
    return problems


def main(paths: list[str]) -> int:
    if not paths:
        raise SystemExit("usage: validate_sbom.py SBOM.cdx.json...")
    problems = [p for path in paths for p in validate(Path(path))]
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{len(paths)} SBOM(s) valid CycloneDX")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
