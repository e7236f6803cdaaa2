"""The per-request log line written directly is the line structlog's chain writes."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys

import pytest
import structlog

from app.logging import RepeatedFailure, _ExtraFields, json_formatter

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


def test_http_clients_log_no_line_per_request() -> None:
    """httpx logs each request's URL at INFO: one line per webhook message, token and all."""
    code = (
        "import httpx\n"
        "from app.logging import configure_logging\n"
        "configure_logging('INFO')\n"
        "reply = httpx.MockTransport(lambda request: httpx.Response(204))\n"
        "with httpx.Client(transport=reply) as http:\n"
        "    http.post('https://hooks.example/in?token=abc123', content=b'{}')\n"
        "import logging\n"
        "logging.getLogger('notes.check').info('done')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert '"done"' in run.stderr  # INFO lines of our own still go out
    assert "abc123" not in run.stderr
    assert "HTTP Request" not in run.stderr


def test_a_repeating_failure_is_logged_first_then_once_a_minute_then_its_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    logger = logging.getLogger("notes.test.repeated")
    failing = RepeatedFailure(logger, "pass failed", every=60.0, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="notes.test.repeated"):
        for second in range(0, 130):  # a failure a second for over two minutes
            now[0] = float(second)
            failing.failed("OperationalError")
        failing.succeeded()
        failing.succeeded()  # no failure since: nothing more
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "pass failed: OperationalError",
        "pass failed: OperationalError (still failing: 60 times since the last line)",
        "pass failed: OperationalError (still failing: 60 times since the last line)",
        "pass failed: working again after 130 failures",
    ]
