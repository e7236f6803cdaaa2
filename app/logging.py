"""Structured JSON logs that never carry protected data (only ids, routes, statuses)."""

from __future__ import annotations

import logging
import sys

import structlog

_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message"}


class _ExtraFields(logging.Filter):
    """Keep only whitelisted `extra` keys so no payload slips into a log line."""

    allowed = {"request_id", "method", "route", "status", "ms"}

    def filter(self, record: logging.LogRecord) -> bool:
        for key in list(record.__dict__):
            if key not in _RESERVED and key not in self.allowed:
                del record.__dict__[key]
        return True


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr via structlog's stdlib formatter."""
    root = logging.getLogger()
    if getattr(root, "_notes_configured", False):
        return
    formatter = structlog.stdlib.ProcessorFormatter(
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.dict_tracebacks,
            structlog.processors.JSONRenderer(),
        ],
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(_ExtraFields())
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = True
    root._notes_configured = True  # type: ignore[attr-defined]
