"""Structured JSON logs that never carry protected data (only ids, routes, statuses)."""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime
from typing import Any

import structlog
import structlog.tracebacks

_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message"}


class _ExtraFields(logging.Filter):
    """Keep only whitelisted `extra` keys so no payload slips into a log line."""

    allowed = {"request_id", "method", "route", "status", "ms"}

    def filter(self, record: logging.LogRecord) -> bool:
        for key in list(record.__dict__):
            if key not in _RESERVED and key not in self.allowed:
                del record.__dict__[key]
        return True


# Tracebacks keep the exception type and the code path only: locals and exception messages
# can quote request values (validation and database errors repeat their input).
_tracebacks = structlog.processors.ExceptionRenderer(
    structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
)
_SAFE_MESSAGES = frozenset({"DecryptionError"})  # its message names a location, never content


def _redact_exceptions(exceptions: Any) -> None:
    for exc in exceptions if isinstance(exceptions, list) else []:
        if not isinstance(exc, dict):
            continue
        if exc.get("exc_type") not in _SAFE_MESSAGES:
            exc["exc_value"] = "<redacted>"
            exc["exc_notes"] = []
            exc.pop("syntax_error", None)
        for group in exc.get("exceptions") or []:
            _redact_exceptions(group)


def _redact_exception_values(_logger: Any, _name: str, event_dict: Any) -> Any:
    """Drop exception messages (kept for a few of our own, which name no values)."""
    _redact_exceptions(event_dict.get("exception"))
    return event_dict


class _JsonFormatter(structlog.stdlib.ProcessorFormatter):
    """structlog's JSON lines; the per-request line, one per request, written directly.

    Through structlog's processor chain that line was a visible share of a read's CPU.
    The same keys in the same order, the same timestamp; a test
    holds both to the same line. Anything else, and any line with an exception or
    arguments, takes the chain.
    """

    def format(self, record: logging.LogRecord) -> str:
        if record.name != _ACCESS_LOGGER or record.exc_info or record.args or record.stack_info:
            return super().format(record)
        fields: dict[str, Any] = {
            "event": record.msg,
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields.update((k, v) for k, v in record.__dict__.items() if k not in _RESERVED)
        fields["timestamp"] = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        return json.dumps(fields)


_ACCESS_LOGGER = "notes.request"


def json_formatter() -> logging.Formatter:
    """The JSON line formatter of every log record."""
    return _JsonFormatter(
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _tracebacks,
            _redact_exception_values,
            structlog.processors.JSONRenderer(),
        ],
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
        ],
    )


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr via structlog's stdlib formatter."""
    root = logging.getLogger()
    if getattr(root, "_notes_configured", False):
        return
    formatter = json_formatter()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(_ExtraFields())
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = True
    # httpx and httpcore log every request at INFO with its full URL: for the deliverer, one
    # line per webhook message (a webhook URL may carry a token) and a share of its CPU.
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    # Our lines carry no caller, thread or process fields: skip collecting them on every
    # record (the logging HOWTO's "Optimization"), which the one-per-request line paid.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    root._notes_configured = True  # type: ignore[attr-defined]


class RepeatedFailure:
    """The log of a failure that repeats every pass (a database outage): the first in full,
    then one line a minute with the count, then its end. A line a second would bury the first
    one, which says what happened, under megabytes of the same."""

    def __init__(
        self, logger: logging.Logger, what: str, every: float = 60.0, clock: Any = None
    ) -> None:
        self.logger, self.what, self.every = logger, what, every
        self.clock = clock or time.monotonic
        self.count = 0
        self.unlogged = 0
        self.last = 0.0

    def failed(self, reason: str, *, exc_info: bool = False) -> None:
        """Another failure: logged when it is the first, or a minute after the last line."""
        self.count += 1
        now = self.clock()
        if self.count == 1:
            self.logger.warning("%s: %s", self.what, reason, exc_info=exc_info)
        elif now - self.last >= self.every:
            self.logger.warning(
                "%s: %s (still failing: %d times since the last line)",
                self.what,
                reason,
                self.unlogged + 1,
            )
        else:
            self.unlogged += 1
            return
        self.last, self.unlogged = now, 0

    def succeeded(self) -> None:
        """A pass went through: the end of a failure that was logged, if there was one."""
        if self.count:
            self.logger.warning("%s: working again after %d failures", self.what, self.count)
        self.count = self.unlogged = 0
