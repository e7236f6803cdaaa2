"""The results table (text and Markdown) and the JSON results file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.measure import Row

HEADERS = ("scenario", "figure", "value", "target", "result")


def _cells(row: Row) -> tuple[str, ...]:
    return (row.scenario, row.figure, row.value, row.target, row.verdict)


def text_table(rows: Sequence[Row]) -> str:
    """An aligned plain-text table."""
    cells = [HEADERS, *(_cells(r) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADERS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(rows: Sequence[Row]) -> str:
    """A Markdown table, for docs/performance.md."""
    out = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    out += ["| " + " | ".join(c.replace("|", "/") for c in _cells(r)) + " |" for r in rows]
    return "\n".join(out)


def write_json(path: Path, payload: dict[str, Any], rows: Sequence[Row]) -> None:
    """Write the results (rows with their verdicts, raw figures) as indented JSON."""
    document = {
        **payload,
        "table": [{**asdict(r), "result": r.verdict} for r in rows],
        "markdown": markdown_table(rows),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
