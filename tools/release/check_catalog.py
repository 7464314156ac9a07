"""Checks the prepared SchemaStore catalog entries (`contracts/schemastore-catalog.json`).

Each entry must have the fields SchemaStore's catalog requires (validated with
`catalog-entry.schema.json` beside this script), point at a schema in `contracts/` through
that schema's own `$id`, and have file patterns that match the example names it lists and no
plain `*.json`.

    python tools/release/check_catalog.py
"""

from __future__ import annotations

import fnmatch
import json
import sys
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "contracts" / "schemastore-catalog.json"
ENTRY_SCHEMA = Path(__file__).with_name("catalog-entry.schema.json")
# File names each schema's patterns must claim (what the docs and examples call such files).
EXAMPLES = {
    "config.schema.json": ["arqonhpo.json", "tune.arqonhpo.json", "configs/gp.arqonhpo.json"],
    "artifact.schema.json": ["run.arqonhpo-run.json"],
}


def problems() -> list[str]:
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(json.loads(ENTRY_SCHEMA.read_text(encoding="utf-8")))
    found = [
        f"catalog: {e.message} at {list(e.absolute_path)}" for e in validator.iter_errors(catalog)
    ]
    ids = {}
    for schema_file in sorted((ROOT / "contracts").glob("*.schema.json")):
        ids[json.loads(schema_file.read_text(encoding="utf-8")).get("$id")] = schema_file.name
    covered = set()
    for entry in catalog.get("schemas", []):
        name = entry.get("name", "?")
        url = entry.get("url")
        if url not in ids:
            found.append(f"{name}: url {url} is not the $id of any contracts/*.schema.json")
        covered.add(ids.get(url))
        patterns = entry.get("fileMatch", [])
        for pattern in patterns:
            if fnmatch.fnmatch("any.json", pattern):
                found.append(f"{name}: fileMatch {pattern!r} would claim every JSON file")
        for example in EXAMPLES.get(ids.get(url, ""), []):
            # SchemaStore matches a pattern without a slash against the file's base name.
            base = example.rsplit("/", 1)[-1]
            if not any(fnmatch.fnmatch(base, p) for p in patterns):
                found.append(f"{name}: no fileMatch pattern matches {example!r}")
    missing = set(ids.values()) - covered
    if missing:
        found.append(f"schemas without a catalog entry: {sorted(missing)}")
    return found


if __name__ == "__main__":
    issues = problems()
    for issue in issues:
        print(issue, file=sys.stderr)
    if not issues:
        print(f"{CATALOG.relative_to(ROOT)}: entries valid and pointing at the schemas' $id")
    raise SystemExit(1 if issues else 0)
