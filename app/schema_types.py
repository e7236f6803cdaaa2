"""Reusable input field types: bounded text the databases accept, dates in a sane range.

Each type states its rules in the OpenAPI document too (`pattern`), exactly as the validators
apply them, so that a client can check a value before sending it and a schema-valid value is
never refused for its form (docs/adr/0009-contract-openapi-document.md, "Rules on input").
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    EmailStr,
    GetJsonSchemaHandler,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue, SkipJsonSchema
from pydantic_core import CoreSchema

# NUL is refused by PostgreSQL text columns and lone surrogates cannot be encoded to UTF-8.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
EARLIEST_DATE = date(1900, 1, 1)
EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2100, 1, 1, tzinfo=UTC)


class Documented:
    """JSON Schema keywords stating in the document a rule that a validator beside it enforces.

    Only the document changes: the validator stays the one judge (and keeps its message).
    """

    __slots__ = ("keywords",)

    def __init__(self, **keywords: Any) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema.update(self.keywords)
        return schema


# The patterns (ECMA-262 as JSON Schema reads them; Python's re and Rust's regex agree on them).
# Whitespace as `strip_whitespace` trims it (Unicode White_Space), and what str.strip() adds.
_TRIMMED = r"\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_TRIMMED_PRINTABLE = r" \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
PY_WHITESPACE = _TRIMMED + r"\x1c-\x1f"
# Text without NUL (PostgreSQL text cannot hold it).
STORABLE_PATTERN = r"^[^\x00]*$"
# ... holding something besides whitespace: what is left after trimming is not empty.
TRIMMED_TEXT_PATTERN = rf"^[^\x00]*[^\x00{_TRIMMED}][^\x00]*$"
# ... and besides what str.strip() removes (the "must not be blank" checks).
NOT_BLANK_TEXT_PATTERN = rf"^[^\x00]*[^\x00{PY_WHITESPACE}][^\x00]*$"
# One line: no control characters (C0, DEL); trimmed of surrounding whitespace, not empty.
# Control characters that are whitespace (tab, line breaks) may only surround it.
ONE_LINE_PATTERN = (
    rf"^[{_TRIMMED}]*[^\x00-\x1f\x7f]*[^\x00-\x1f\x7f{_TRIMMED_PRINTABLE}]"
    rf"[^\x00-\x1f\x7f]*[{_TRIMMED}]*$"
)
# Dates from 1900 to 2099; date-times with an offset, their year (as written) 1970 to 2099,
# seconds 00-59 (no leap second) and at most nine fractional digits.
_DAY = r"(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_CLOCK = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?"
_OFFSET = r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
DATE_PATTERN = rf"^(19|20)[0-9]{{2}}-{_DAY}$"
DATETIME_PATTERN = rf"^(19[7-9][0-9]|20[0-9]{{2}})-{_DAY}[Tt]{_CLOCK}{_OFFSET}$"
# A date (of the same range) or a date-time, where a filter takes either.
DATE_OR_DATETIME_PATTERN = (
    rf"^((19|20)[0-9]{{2}}-{_DAY}|(19[7-9][0-9]|20[0-9]{{2}})-{_DAY}[Tt]{_CLOCK}{_OFFSET})$"
)


def _storable(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise ValueError("text holds characters that cannot be stored (NUL or lone surrogates)")
    return value


def _single_line(value: str) -> str:
    if _CONTROL.search(value) or _UNSTORABLE.search(value):
        raise ValueError("text must be one line without control characters")
    return value


# What the OpenAPI formats promise: pydantic alone would also take "86400" or 0.5 (Unix time).
_RFC3339 = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _rfc3339_text(value: object) -> object:
    if isinstance(value, int | float) or (isinstance(value, str) and not _RFC3339.match(value)):
        raise ValueError("datetime must be RFC 3339 with an offset, e.g. 2026-01-05T10:00:00Z")
    return value


def _iso_date_text(value: object) -> object:
    if isinstance(value, int | float) or (isinstance(value, str) and not _ISO_DATE.match(value)):
        raise ValueError("date must be YYYY-MM-DD")
    return value


def _in_time_range(value: datetime) -> datetime:
    # The year as written (in the value's own offset), not the UTC instant's, so that the
    # document's pattern states the rule exactly: 1970-01-01T00:30:00+01:00 is in range.
    if not EARLIEST_TIME.year <= value.year < LATEST_TIME.year:
        raise ValueError("datetime must lie between 1970 and 2100")
    return value


def _in_date_range(value: date) -> date:
    if not EARLIEST_DATE <= value < LATEST_TIME.date():
        raise ValueError("date must lie between 1900 and 2100")
    return value


def as_sent_at_most(limit: int) -> BeforeValidator:
    """A maximum length on text as sent, before strip_whitespace trims it (as maxLength reads)."""

    def check(value: object) -> object:
        if isinstance(value, str) and len(value) > limit:
            raise ValueError(f"text must have at most {limit} characters")
        return value

    return BeforeValidator(check)


def latest_today() -> date:
    """The latest calendar date anywhere on Earth now (UTC+14): 'not in the future' everywhere."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


# Validators to put after a field's own constraints: text the databases can store (no NUL,
# no lone surrogates), and text on one line (no control characters either).
Storable = AfterValidator(_storable)
SingleLine = AfterValidator(_single_line)
# What they enforce, for the document: after strip_whitespace and min_length=1 (Trimmed...),
# or on the value as sent (StorableText). `NotBlank` states an AfterValidator refusing
# `not value.strip()`.
TrimmedStorable = Documented(pattern=TRIMMED_TEXT_PATTERN)
TrimmedSingleLine = Documented(pattern=ONE_LINE_PATTERN)
StorableText = Documented(pattern=STORABLE_PATTERN)
NotBlank = Documented(pattern=NOT_BLANK_TEXT_PATTERN)

Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    as_sent_at_most(100),
    SingleLine,
    TrimmedSingleLine,
]
ExternalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    as_sent_at_most(100),
    SingleLine,
    TrimmedSingleLine,
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    as_sent_at_most(500),
    Storable,
    TrimmedStorable,
]
Rationale = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    as_sent_at_most(2000),
    Storable,
    TrimmedStorable,
]
LongText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=10_000),
    Storable,
    StorableText,
]
_PHONE = r"^\+?[0-9 ().\-/]{3,40}$"
# The same once trimmed: no space first or last, 3 to 40 characters.
_PHONE_TRIMMED = r"(?:\+[0-9 ().\-/]{2,38}|[0-9().\-/][0-9 ().\-/]{1,38})[0-9().\-/]"
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=40, pattern=_PHONE),
    as_sent_at_most(40),
    Documented(pattern=rf"^[{_TRIMMED}]*{_PHONE_TRIMMED}[{_TRIMMED}]*$"),
]
SaneDate = Annotated[
    date,
    BeforeValidator(_iso_date_text),
    AfterValidator(_in_date_range),
    Documented(pattern=DATE_PATTERN),
]
SaneDatetime = Annotated[
    AwareDatetime,
    BeforeValidator(_rfc3339_text),
    AfterValidator(_in_time_range),
    Documented(pattern=DATETIME_PATTERN),
]

# A filter bound, parsed by the route as a SaneDate or a SaneDatetime; documented as either.
DateOrDatetime = Annotated[
    str,
    StringConstraints(pattern=DATE_OR_DATETIME_PATTERN),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date", "pattern": DATE_PATTERN},
                {"type": "string", "format": "date-time", "pattern": DATETIME_PATTERN},
            ]
        }
    ),
]

# `field: X | Absent = None` in a PATCH body: the field may be left out, but a null is refused
# (422 "... cannot be null", by the service), so the document offers no null for it.
Absent = SkipJsonSchema[None]


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in word)


# What pydantic's EmailStr (email-validator) refuses beyond `format: email`: a domain without
# a period, not ending in a letter, or a special-use name (example.test, host.local, ...).
_SPECIAL_USE = "|".join(_any_case(name) for name in SPECIAL_USE_DOMAIN_NAMES)
EMAIL_PATTERN = rf"^[^@]+@(?!(?:[^@]*\.)?(?:{_SPECIAL_USE})$)[^@]*\.[^@]*[A-Za-z]$"
Email = Annotated[EmailStr, Documented(pattern=EMAIL_PATTERN)]

# Query-string and form text: PostgreSQL text cannot hold NUL, so it is rejected as bad input.
NO_NUL_PATTERN = r"^[^\x00]*$"


def integral(value: object) -> object:
    """2.0 is the integer 2 to JSON Schema (and to the document); 2.5, true and "2" are not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Input numbers and flags as JSON Schema reads `integer` and `boolean`: `true` is not 1,
# "4" is not 4, and "yes" does not share a psychotherapy note.
Integer = Annotated[StrictInt, BeforeValidator(integral)]
Boolean = StrictBool
