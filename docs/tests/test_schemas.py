"""The schema page is what docs/gen_schemas.py writes from the committed schemas."""

from __future__ import annotations

import subprocess
import sys

from recipes import DOCS


def test_schema_page_matches_the_schemas() -> None:
    proc = subprocess.run([sys.executable, str(DOCS / "gen_schemas.py"), "--check"])
    assert proc.returncode == 0, (
        "docs/reference/schemas.md is stale: run `make docs-schemas`"
    )
