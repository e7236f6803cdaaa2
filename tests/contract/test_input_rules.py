"""The document states each input rule exactly: its schema admits what the validators accept.

Positive-data acceptance (the fuzzer's ST202) fails when valid-looking input is refused, and
negative-data rejection when invalid-looking input is taken; both only sample. Here each field
type's JSON Schema (as the document carries it, judged by jsonschema_rs with formats asserted)
is compared with pydantic's verdict on values chosen near the rules' edges.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from starlette.requests import Request

from app.contract.headers import REQUEST_HEADERS
from app.errors import Unprocessable
from app.feed.types import TYPES_PATTERN, expand_types
from app.measures.schemas import MeasureCreate
from app.notes.schemas import NoteCreate
from app.observations.schemas import ComponentText
from app.pagination import CURSOR_PATTERN, encode_cursor
from app.progress.router import THEMES_PATTERN
from app.schema_types import (
    DateOrDatetime,
    Email,
    ExternalId,
    LongText,
    Name,
    Phone,
    Rationale,
    SaneDate,
    SaneDatetime,
    ShortText,
)
from app.security import caller
from app.themes.schemas import Description, ThemeCreate
from app.users.schemas import DisplayName, UserCreate
from app.webhooks.schemas import Url

# Characters at the rules' edges: NUL, controls that are whitespace and that are not, DEL,
# Unicode spaces pydantic trims (U+0085, U+00A0, U+2000...) and one it does not (U+FEFF).
EDGES = "\x00\t\n\x0b\r\x1c\x1f\x7f \x85\xa0\u1680\u2003\u2028\u3000\ufeffa.-:"
TEXT = st.text(
    st.one_of(st.sampled_from(EDGES), st.characters(exclude_categories=["Cs"])), max_size=12
)
DIGITS = st.sampled_from("0123456789")
# Date and date-time shapes with every field drawn out of and within its range.
LOOSE_DATE = st.builds(
    lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
    st.integers(1800, 2200),
    st.integers(0, 13),
    st.integers(0, 32),
)
LOOSE_DATETIME = st.builds(
    lambda day, t, h, mi, s, frac, off: f"{day}{t}{h:02d}:{mi:02d}:{s:02d}{frac}{off}",
    LOOSE_DATE,
    st.sampled_from("Tt "),
    st.integers(0, 25),
    st.integers(0, 60),
    st.integers(0, 61),
    st.sampled_from(["", ".1", ".123456", ".123456789", ".1234567891"]),
    st.one_of(
        st.sampled_from(["Z", "z", "", "+00:00", "-00:00"]),
        st.builds(
            lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
            st.sampled_from("+-"),
            st.integers(0, 25),
            st.integers(0, 61),
        ),
    ),
)


def documented(schema: dict[str, Any], value: object) -> bool:
    """Whether the document admits the value (formats asserted, as schemathesis does)."""
    return bool(jsonschema_rs.validator_for(schema, validate_formats=True).is_valid(value))


def accepted(adapter: TypeAdapter[Any], value: object) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


def assert_agree(field_type: Any, value: object) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(field_type)
    schema = adapter.json_schema()
    assert documented(schema, value) == accepted(adapter, value), (schema, value)


TEXT_TYPES = {
    "Name": Name,
    "ExternalId": ExternalId,
    "DisplayName": DisplayName,
    "ShortText": ShortText,
    "Rationale": Rationale,
    "LongText": LongText,
    "Description": Description,
}


@pytest.mark.parametrize("field_type", TEXT_TYPES.values(), ids=TEXT_TYPES.keys())
@settings(max_examples=400, deadline=None)
@given(value=TEXT)
def test_text_rules_are_stated_exactly(field_type: Any, value: str) -> None:
    assert_agree(field_type, value)


@pytest.mark.parametrize("field_type", TEXT_TYPES.values(), ids=TEXT_TYPES.keys())
def test_lengths_count_the_text_as_sent(field_type: Any) -> None:
    """maxLength counts what is sent; so does the service, although it stores it trimmed."""
    limit = TypeAdapter(field_type).json_schema()["maxLength"]
    for value in ("a" * limit, " " + "a" * (limit - 1), " " + "a" * limit, "a" * limit + "\n"):
        assert_agree(field_type, value)


@settings(max_examples=400, deadline=None)
@given(value=TEXT)
def test_blank_text_rule_is_stated_exactly(value: str) -> None:
    assert_agree(ComponentText, value)


@settings(max_examples=400, deadline=None)
@given(value=st.text(st.sampled_from("+0123456789 ().-/\t\n\xa0\x1ca"), max_size=44))
def test_phone_rule_is_stated_exactly(value: str) -> None:
    assert_agree(Phone, value)


@settings(max_examples=500, deadline=None)
@given(value=st.one_of(LOOSE_DATE, TEXT))
def test_date_range_and_form_are_stated_exactly(value: str) -> None:
    assert_agree(SaneDate, value)


@settings(max_examples=1000, deadline=None)
@given(value=LOOSE_DATETIME)
def test_datetime_range_and_form_are_stated_exactly(value: str) -> None:
    assert_agree(SaneDatetime, value)


def test_the_datetime_range_is_the_year_as_written() -> None:
    """The document can only see the written year; the offset does not move the bounds."""
    for value in ("1970-01-01T00:30:00+01:00", "2099-12-31T23:00:00-05:00"):
        assert_agree(SaneDatetime, value)
        assert accepted(TypeAdapter(SaneDatetime), value)
    assert not accepted(TypeAdapter(SaneDatetime), "2100-01-01T01:00:00+02:00")


@settings(max_examples=500, deadline=None)
@given(value=st.one_of(LOOSE_DATE, LOOSE_DATETIME, TEXT))
def test_session_bounds_take_dates_and_datetimes_of_the_same_ranges(value: str) -> None:
    from app.sessions.service import parse_bound

    adapter: TypeAdapter[str] = TypeAdapter(DateOrDatetime)
    try:
        parse_bound(adapter.validate_python(value), "from")
        taken = True
    except (ValidationError, Unprocessable):
        taken = False
    assert documented(adapter.json_schema(), value) == taken, value


@settings(max_examples=500, deadline=None)
@given(
    value=st.one_of(
        st.from_regex(r"[Hh][Tt]{2}[Pp][Ss]?://[a-z0-9.-]{1,12}(:[0-9]{1,5})?(/[!-~]{0,8})?"),
        TEXT.map(lambda text: f"https://{text}"),
    )
)
def test_webhook_urls_are_stated_exactly(value: str) -> None:
    from app.webhooks import ssrf

    schema = TypeAdapter(Url).json_schema()
    taken = accepted(TypeAdapter(Url), value)
    if taken:
        try:
            ssrf.check_url(value, production=False)
        except ssrf.BlockedURL:
            taken = False
    # A host label in its xn-- form must also be a valid A-label, which no pattern can say.
    if "xn--" not in value.lower():
        assert documented(schema, value) == taken, value


@pytest.mark.parametrize(
    "value",
    ["ana@example.org", "a@b.test", "a@localhost", "a@sub.example.invalid", "a@b.c1", "a@b.Test"],
)
def test_special_use_email_domains_are_stated(value: str) -> None:
    assert_agree(Email, value)


def test_cursor_pattern_admits_what_lists_issue() -> None:
    schema = {"type": "string", "pattern": CURSOR_PATTERN}
    for values in ([], ["2026-01-01T00:00:00+00:00", "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21"]):
        assert documented(schema, encode_cursor(values, b"k" * 32, list_id=b"[]"))
    assert documented(schema, "")  # the first page
    assert not documented(schema, "not a cursor")


@pytest.mark.parametrize(
    ("pattern", "value", "valid"),
    [
        (THEMES_PATTERN, "", True),
        (THEMES_PATTERN, "defense.denial, dream.recurring", True),
        (THEMES_PATTERN, ",".join(["affect.anger"] * 50), True),
        (THEMES_PATTERN, ",".join(["affect.anger"] * 51), False),
        (THEMES_PATTERN, "defense.denial,,dream.recurring", False),
        (THEMES_PATTERN, "Not A Code", False),
        (TYPES_PATTERN, "client.*,session.created", True),
        (TYPES_PATTERN, "client.nothing", False),
    ],
)
def test_query_lists_are_stated(pattern: str, value: str, valid: bool) -> None:
    assert documented({"type": "string", "pattern": pattern}, value) is valid
    if pattern == TYPES_PATTERN and valid:
        assert expand_types(value)


@pytest.mark.parametrize(
    ("model", "body", "valid"),
    [
        (MeasureCreate, {"instrument": "phq9", "items": [0] * 9}, True),
        (MeasureCreate, {"instrument": "phq9", "items": [2.0] * 9}, True),  # JSON's integer
        (MeasureCreate, {"instrument": "phq9", "items": [0] * 7}, False),
        (MeasureCreate, {"instrument": "gad7", "items": [4] * 7}, False),
        (MeasureCreate, {"instrument": "wai_sr", "items": [0] * 12}, False),
        (MeasureCreate, {"instrument": "wai_sr", "items": [5] * 12}, True),
        (MeasureCreate, {"instrument": "phq9", "items": [True] * 9}, False),
        (NoteCreate, {"kind": "psychotherapy", "body": "x", "interventions": []}, True),
        (NoteCreate, {"kind": "psychotherapy", "body": "x", "plan": "p"}, False),
        (NoteCreate, {"kind": "psychotherapy", "body": "x", "risk": {"level": "low"}}, False),
        (NoteCreate, {"kind": "progress", "body": "x", "share_with_supervisor": True}, False),
        (NoteCreate, {"kind": "progress", "body": "x", "share_with_supervisor": False}, True),
        (NoteCreate, {"kind": "progress", "body": "x", "interventions": ["other", "other"]}, False),
        (ThemeCreate, {"code": "dream.flying", "label": "Flying", "category": "dream"}, True),
        (ThemeCreate, {"code": "dream.flying", "label": "Flying", "category": "affect"}, False),
        (ThemeCreate, {"code": "defense.x", "label": "X", "category": "defense"}, False),
        (
            ThemeCreate,
            {"code": "defense.x", "label": "X", "category": "defense", "dmrs_level": 3},
            True,
        ),
        (
            ThemeCreate,
            {"code": "dream.x", "label": "X", "category": "dream", "dmrs_level": 3},
            False,
        ),
    ],
)
def test_rules_across_fields_are_stated(model: Any, body: dict[str, Any], valid: bool) -> None:
    """Conditional schemas (allOf: if/then, anyOf) say what the model's validators say."""
    schema = TypeAdapter(model).json_schema()
    assert documented(schema, body) is valid
    assert accepted(TypeAdapter(model), body) is valid


def test_cosign_needs_a_supervisor_is_stated() -> None:
    """The service refuses it (app/users/service.py, tests/users); the document says so too."""
    schema = TypeAdapter(UserCreate).json_schema()
    user = {"email": "a@b.org", "display_name": "A", "role": "therapist"}
    assert documented(schema, user)
    assert not documented(schema, {**user, "requires_cosign": True})
    assert not documented(schema, {**user, "requires_cosign": True, "supervisor_id": None})
    supervised = {**user, "requires_cosign": True, "supervisor_id": str(uuid.uuid4())}
    assert documented(schema, supervised)


SENDABLE_HEADER = re.compile(r"^\S[^\r\n]*$")  # what requests (and so schemathesis) sends


def sendable(value: str) -> bool:
    """Whether requests sends the value, encoded as latin-1, and h11 takes it (no controls)."""
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    controls = any(ord(c) < 0x20 and c != "\t" or c == "\x7f" for c in value)
    return bool(SENDABLE_HEADER.match(value)) and not controls


@settings(max_examples=300, deadline=None)
@given(
    value=st.builds(
        lambda pad, core, tail: pad + core + tail,
        st.text(st.sampled_from(" \t\x0b\x0c\x1c\x85\xa0"), max_size=2),
        st.text(
            st.one_of(st.characters(max_codepoint=0xFF), st.sampled_from("\u0100\ubba2")),
            min_size=7,
            max_size=12,
        ),
        st.text(st.sampled_from(" \t\x85"), max_size=2),
    )
)
def test_break_glass_reason_length_is_stated_exactly(value: str) -> None:
    """The reason's length counts once trimmed: the document admits no whitespace around it."""
    header = REQUEST_HEADERS["BreakGlassReason"]["schema"]
    if not sendable(value):
        assert not documented(header, value), repr(value)
        return
    raw = [(b"x-break-glass-reason", value.encode("latin-1"))]
    try:
        caller._break_glass(Request({"type": "http", "headers": raw}), "therapist")
        taken = True
    except Unprocessable:
        taken = False
    if documented(header, value):
        assert taken, repr(value)
    elif value == value.strip():
        assert not taken, repr(value)
