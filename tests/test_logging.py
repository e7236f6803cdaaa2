"""The per-request log line written directly is the line structlog's chain writes."""

from __future__ import annotations

import json
import logging
import re
import sys

import structlog

from app.logging import _ExtraFields, json_formatter

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def _record(name: str, **extra: object) -> logging.LogRecord:
    record = logging.getLogger(name).makeRecord(
        name, logging.INFO, __file__, 1, "request", (), None, extra=extra
    )
    assert _ExtraFields().filter(record)
    return record


def test_access_line_matches_the_processor_chain() -> None:
    formatter = json_formatter()
    extra = {"request_id": "r1", "method": "GET", "route": "/v1/notes/{id}", "status": 200}
    record = _record("notes.request", **extra, ms=1.5, body="must not appear")
    fast = formatter.format(record)
    chain = structlog.stdlib.ProcessorFormatter.format(formatter, record)  # type: ignore[arg-type]
    one, two = json.loads(fast), json.loads(chain)
    assert TIMESTAMP.match(one.pop("timestamp"))
    assert TIMESTAMP.match(two.pop("timestamp"))
    assert list(one.items()) == list(two.items())
    assert one == {
        "event": "request",
        "level": "info",
        "logger": "notes.request",
        **extra,
        "ms": 1.5,
    }
    assert fast.startswith('{"event": "request", "level": "info", "logger": "notes.request", ')


def test_other_lines_take_the_chain() -> None:
    formatter = json_formatter()
    record = _record("notes.errors", status=503)
    assert json.loads(formatter.format(record))["logger"] == "notes.errors"
    try:
        raise RuntimeError("secret value")
    except RuntimeError:
        record = _record("notes.request")
        record.exc_info = sys.exc_info()
    line = json.loads(formatter.format(record))
    assert line["exception"][0]["exc_value"] == "<redacted>"
