"""Reusable input field types: bounded text the databases accept, dates in a sane range."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, StringConstraints

# NUL is refused by PostgreSQL text columns and lone surrogates cannot be encoded to UTF-8.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
EARLIEST_DATE = date(1900, 1, 1)
EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2100, 1, 1, tzinfo=UTC)


def _storable(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise ValueError("text holds characters that cannot be stored (NUL or lone surrogates)")
    return value


def _single_line(value: str) -> str:
    if _CONTROL.search(value) or _UNSTORABLE.search(value):
        raise ValueError("text must be one line without control characters")
    return value


# What the OpenAPI formats promise: pydantic alone would also take "86400" or 0.5 (Unix time).
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _rfc3339_text(value: object) -> object:
    if isinstance(value, int | float) or (isinstance(value, str) and not _RFC3339.match(value)):
        raise ValueError("datetime must be RFC 3339 with an offset, e.g. 2026-01-05T10:00:00Z")
    return value


def _iso_date_text(value: object) -> object:
    if isinstance(value, int | float) or (isinstance(value, str) and not _ISO_DATE.match(value)):
        raise ValueError("date must be YYYY-MM-DD")
    return value


def _in_time_range(value: datetime) -> datetime:
    if not EARLIEST_TIME <= value < LATEST_TIME:
        raise ValueError("datetime must lie between 1970 and 2100")
    return value


def _in_date_range(value: date) -> date:
    if not EARLIEST_DATE <= value < LATEST_TIME.date():
        raise ValueError("date must lie between 1900 and 2100")
    return value


def latest_today() -> date:
    """The latest calendar date anywhere on Earth now (UTC+14): 'not in the future' everywhere."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


# Validators to put after a field's own constraints: text the databases can store (no NUL,
# no lone surrogates), and text on one line (no control characters either).
Storable = AfterValidator(_storable)
SingleLine = AfterValidator(_single_line)

Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    SingleLine,
]
ExternalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    SingleLine,
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    Storable,
]
Rationale = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    Storable,
]
LongText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=10_000),
    Storable,
]
Phone = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=40, pattern=r"^\+?[0-9 ().\-/]{3,40}$"
    ),
]
SaneDate = Annotated[date, BeforeValidator(_iso_date_text), AfterValidator(_in_date_range)]
SaneDatetime = Annotated[
    AwareDatetime, BeforeValidator(_rfc3339_text), AfterValidator(_in_time_range)
]

# Query-string and form text: PostgreSQL text cannot hold NUL, so it is rejected as bad input.
NO_NUL_PATTERN = r"^[^\x00]*$"
