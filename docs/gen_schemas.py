"""Renders contracts/*.schema.json as readable tables: docs/reference/schemas.md.

The schemas are generated from the engine's Rust types (`make contracts`); this page is
generated from them (`make docs-schemas`), and docs/tests/test_schemas.py fails when the
committed page differs from what this script writes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "docs" / "reference" / "schemas.md"
SCHEMAS = [
    (
        "config",
        "The config",
        "What every front reads: `ArqonSolver(...)` and `from_config` in "
        "Python, `--config` for the CLI, `arqon_solver_new` in C.",
    ),
    (
        "artifact",
        "The artifact",
        "What every front writes: `save`/`artifact()` in Python, "
        "`--artifact` for the CLI, `arqon_artifact` in C. Replaying it resumes the run.",
    ),
]


def text(description: str | None) -> str:
    """One Markdown table cell: rustdoc links unwrapped, lines joined, pipes escaped."""
    if not description:
        return ""
    d = re.sub(r"\[(`[^`]+`)\](\([^)]*\))?", r"\1", description)
    return " ".join(d.split()).replace("|", "\\|")


def anchor(prefix: str, name: str) -> str:
    return f"{prefix}-{name.lower().replace('_', '-')}"


def kind(node: dict[str, Any], prefix: str) -> str:
    """A short type description with links to the definitions it names."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{anchor(prefix, name)})"
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in node["enum"])
    for key in ("anyOf", "oneOf"):
        if key in node:
            return " or ".join(kind(n, prefix) for n in node[key])
    t = node.get("type")
    if isinstance(t, list):
        return " or ".join(kind({**node, "type": x}, prefix) for x in t)
    if t == "array":
        return f"array of {kind(node.get('items', {}), prefix)}"
    if t == "object" and isinstance(node.get("additionalProperties"), dict):
        return f"object: name → {kind(node['additionalProperties'], prefix)}"
    if t == "null":
        return "null"
    return t or "any"


def table(node: dict[str, Any], prefix: str) -> list[str]:
    props = node.get("properties", {})
    if not props:
        return []
    required = set(node.get("required", []))
    rows = ["| field | type | description |", "|---|---|---|"]
    for name, p in props.items():
        notes = []
        if name in required:
            notes.append("**Required.**")
        notes.append(text(p.get("description")))
        if "default" in p:
            notes.append(f"Default: `{json.dumps(p['default'])}`.")
        rows.append(
            f"| `{name}` | {kind(p, prefix)} | {' '.join(n for n in notes if n)} |"
        )
    return rows


def variant_name(v: dict[str, Any], i: int) -> str:
    for key, p in v.get("properties", {}).items():
        if "const" in p:
            return f"{key} = `{json.dumps(p['const'])}`"
    if "const" in v:
        return f"`{json.dumps(v['const'])}`"
    return f"variant {i + 1}"


def definition(name: str, node: dict[str, Any], prefix: str) -> list[str]:
    out = [f"### {name} {{#{anchor(prefix, name)}}}", ""]
    if node.get("description"):
        out += [text(node["description"]), ""]
    variants = node.get("oneOf") or node.get("anyOf")
    if variants and all("const" in v or v.get("enum") for v in variants):
        out += ["| value | meaning |", "|---|---|"]
        for v in variants:
            for value in v.get("enum", [v.get("const")]):
                out.append(f"| `{json.dumps(value)}` | {text(v.get('description'))} |")
        return out + [""]
    if "enum" in node:
        return out + ["One of " + kind(node, prefix) + ".", ""]
    if variants:
        out += ["One of:", ""]
        for i, v in enumerate(variants):
            out += [f"**{variant_name(v, i)}**: {text(v.get('description'))}", ""]
            rows = table(v, prefix)
            out += rows + ([""] if rows else [])
        return out
    rows = table(node, prefix)
    if rows:
        return out + rows + [""]
    return out + [f"Type: {kind(node, prefix)}.", ""]


def render() -> str:
    out = [
        "# Config and artifact schemas",
        "",
        "<!-- Generated from contracts/*.schema.json by `make docs-schemas`; do not edit. -->",
        "",
        "The JSON formats every front shares, generated from the engine's Rust types. The raw "
        "JSON Schemas (draft 2020-12) are `contracts/config.schema.json` and "
        "`contracts/artifact.schema.json`; `arqonhpo-cli schema config` prints them too.",
        "",
    ]
    for stem, title, intro in SCHEMAS:
        schema = json.loads(
            (REPO / "contracts" / f"{stem}.schema.json").read_text(encoding="utf-8")
        )
        out += [f"## {title}", "", intro, "", text(schema.get("description")), ""]
        out += table(schema, stem) + [""]
        for name, node in sorted(schema.get("$defs", {}).items()):
            out += definition(name, node, stem)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    if "--check" in sys.argv:
        sys.exit(0 if PAGE.read_text(encoding="utf-8") == render() else 1)
    PAGE.write_text(render(), encoding="utf-8")
