"""`python -m app.contract.export [FILE] [--check]`: write the OpenAPI document, or check it.

The committed `openapi.json` is what linters and the SDK generator read; `--check` fails
when it differs from what the code produces (a route or schema changed without `make sdk`).
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.config import Settings
from app.main import create_app


def document() -> dict[str, Any]:
    """The document the app serves; its generated keys go to a throwaway data folder."""
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as data:
        return create_app(Settings(data_dir=Path(data))).openapi()


def render(schema: dict[str, Any]) -> str:
    """Stable text: two-space indent, one trailing newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write (default) or check the document file."""
    target = Path(next((a for a in argv if not a.startswith("--")), "openapi.json"))
    text = render(document())
    if "--check" in argv:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            print(f"{target} is stale: run `make sdk` and commit the result", file=sys.stderr)  # noqa: T201
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
