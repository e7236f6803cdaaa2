"""The event object: its fields, its timestamp format, and the fast RFC 8785 path."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
import rfc8785
from asyncpg.pgproto.pgproto import UUID as PgUUID
from hypothesis import given, settings
from hypothesis import strategies as st

from app.audit.ledger import events, merkle
from app.audit.ledger.checkpoint import format_timestamp

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
maybe_text = st.none() | text
instants = st.datetimes(
    min_value=datetime(1970, 1, 1),
    max_value=datetime(2099, 12, 31),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=5, minutes=30))]
    ),
)


def row(**overrides: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "occurred_at": datetime(2026, 11, 21, 19, 30, tzinfo=UTC),
        "practice_id": uuid.uuid4(),
        "request_id": "r1",
        "actor_type": "user",
        "actor_id": uuid.uuid4(),
        "actor_role": "therapist",
        "action": "note.read",
        "resource_type": "note",
        "resource_id": "n1",
        "client_ids": [str(uuid.uuid4())],
        "outcome": "success",
        "http_status": 200,
        "purpose_of_use": "TREAT",
        "break_glass_reason": None,
        "source_ip": "127.0.0.1",
        "user_agent": "ua",
        "method": "GET",
        "route": "/v1/notes/{id}",
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def test_fields_are_those_of_the_spec() -> None:
    event = events.event_json(row(), seq=3, leaf_hash=b"\x01" * 32)
    assert list(event) == [
        "id",
        "occurred_at",
        "practice_id",
        "request_id",
        "actor",
        "action",
        "resource",
        "client_ids",
        "outcome",
        "http_status",
        "purpose_of_use",
        "break_glass_reason",
        "source_ip",
        "user_agent",
        "method",
        "route",
        "seq",
        "leaf_hash",
    ]
    assert set(event["actor"]) == {"type", "id", "role"}
    assert set(event["resource"]) == {"type", "id"}
    assert event["occurred_at"] == "2026-11-21T19:30:00.000000Z"
    assert (event["seq"], event["leaf_hash"]) == (3, "01" * 32)
    unsequenced = events.event_json(row())
    assert (unsequenced["seq"], unsequenced["leaf_hash"]) == (None, None)


@given(instants)
def test_timestamps_are_stable_utc_with_microseconds(moment: datetime) -> None:
    rendered = events.timestamp(moment)
    assert TIMESTAMP.match(rendered)
    assert rendered == format_timestamp(moment)
    assert datetime.fromisoformat(rendered) == moment
    naive_utc = moment.astimezone(UTC).replace(tzinfo=None)  # how SQLite hands them back
    assert events.timestamp(naive_utc) == rendered


@settings(max_examples=300)
@given(
    reason=maybe_text,
    agent=maybe_text,
    request_id=text,
    status=st.integers(100, 599),
    clients=st.lists(text, max_size=3),
    role=maybe_text,
)
def test_fast_canonical_json_is_rfc8785(
    reason: str | None,
    agent: str | None,
    request_id: str,
    status: int,
    clients: list[str],
    role: str | None,
) -> None:
    event = events.event_json(
        row(
            break_glass_reason=reason,
            user_agent=agent,
            request_id=request_id,
            http_status=status,
            client_ids=clients,
            actor_role=role,
        ),
        seq=9,
        leaf_hash=b"\x00" * 32,
    )
    body = {k: v for k, v in event.items() if k not in ("seq", "leaf_hash")}
    assert events.canonical_json(event) == rfc8785.dumps(body)
    assert events.event_leaf_hash(event) == merkle.event_leaf_hash(event)
    assert events.row_leaf_hash(
        row(
            break_glass_reason=reason,
            user_agent=agent,
            request_id=request_id,
            http_status=status,
            client_ids=clients,
            actor_role=role,
            id=uuid.UUID(event["id"]),
            practice_id=uuid.UUID(str(event["practice_id"])),
            actor_id=uuid.UUID(str(event["actor"]["id"])),
        )
    ) == merkle.event_leaf_hash(event)


def test_unusual_values_take_the_reference_path() -> None:
    for odd in ({"x": 1.5}, {"é": 1}, {"x": [1e21, -0.0]}):
        assert events.canonical_json(odd) == rfc8785.dumps(odd)
    with pytest.raises(rfc8785.IntegerDomainError):
        events.canonical_json({"x": 2**60})  # refused, as RFC 8785 requires
    with pytest.raises(rfc8785.CanonicalizationError):
        events.canonical_json({"x": "\ud800"})


def test_seal_binds_seq_event_and_hash() -> None:
    key, event_id, digest = b"k" * 32, uuid.uuid4(), b"\x02" * 32
    sealed = events.seal(key, 5, event_id, digest)
    assert sealed == events.seal(key, 5, str(event_id), digest)
    assert sealed != events.seal(key, 6, event_id, digest)
    assert sealed != events.seal(key, 5, uuid.uuid4(), digest)
    assert sealed != events.seal(key, 5, event_id, b"\x03" * 32)
    assert sealed != events.seal(b"j" * 32, 5, event_id, digest)


TEXT_FIELDS = (
    "request_id",
    "actor_type",
    "actor_role",
    "action",
    "resource_type",
    "resource_id",
    "outcome",
    "purpose_of_use",
    "break_glass_reason",
    "source_ip",
    "user_agent",
    "method",
    "route",
)
# Ids as PostgreSQL rows hold them (asyncpg's own UUID), as Python makes them, and as text.
any_uuid = st.uuids() | st.uuids().map(lambda u: PgUUID(str(u)))
ids = st.none() | any_uuid | st.uuids().map(str)


@settings(max_examples=500)
@given(
    texts=st.fixed_dictionaries(dict.fromkeys(TEXT_FIELDS, maybe_text)),
    event_id=any_uuid | st.uuids().map(str),
    practice=ids,
    actor=ids,
    at=instants,
    status=st.integers(-(2**53) + 1, 2**53 - 1),
    clients=st.lists(text, max_size=4),
)
def test_row_template_is_rfc8785_for_every_field(
    texts: dict[str, str | None],
    event_id: uuid.UUID | str,
    practice: uuid.UUID | str | None,
    actor: uuid.UUID | str | None,
    at: datetime,
    status: int,
    clients: list[str],
) -> None:
    stored = row(
        **texts,
        id=event_id,
        practice_id=practice,
        actor_id=actor,
        occurred_at=at,
        http_status=status,
        client_ids=clients,
    )
    reference = rfc8785.dumps(events.event_body(stored))
    assert events._row_canonical(stored).encode("utf-8") == reference
    assert events.row_leaf_hash(stored) == merkle.leaf_hash(reference)


@pytest.mark.parametrize(
    "odd",
    [
        {"http_status": True},
        {"http_status": 2**60},
        {"http_status": 200.0},
        {"client_ids": {"a": "b"}},
        {"client_ids": ["a", 1]},
        {"actor_role": 5},
        {"route": "\ud800"},
    ],
)
def test_rows_the_template_cannot_write_take_the_reference_path(odd: dict[str, Any]) -> None:
    stored = row(**odd)
    body = events.event_body(stored)
    try:
        reference = rfc8785.dumps(body)
    except rfc8785.CanonicalizationError:
        # Refused by RFC 8785: the fallback form, flagged, so that the sequencer goes on.
        assert events.row_leaf(stored) == (merkle.leaf_hash(events.fallback_json(body)), False)
        return
    assert events.row_leaf_hash(stored) == merkle.leaf_hash(reference)


@settings(max_examples=500)
@given(
    texts=st.fixed_dictionaries(dict.fromkeys(TEXT_FIELDS, maybe_text)),
    event_id=any_uuid | st.uuids().map(str),
    practice=ids,
    actor=ids,
    at=instants,
    status=st.integers(-(2**63), 2**63),
    clients=st.lists(text, max_size=4),
    seq=st.none() | st.integers(0, 2**40),
    leaf=st.none() | st.binary(min_size=32, max_size=32),
)
def test_export_line_is_json_dumps_of_the_event(
    texts: dict[str, str | None],
    event_id: uuid.UUID | str,
    practice: uuid.UUID | str | None,
    actor: uuid.UUID | str | None,
    at: datetime,
    status: int,
    clients: list[str],
    seq: int | None,
    leaf: bytes | None,
) -> None:
    stored = row(
        **texts,
        id=event_id,
        practice_id=practice,
        actor_id=actor,
        occurred_at=at,
        http_status=status,
        client_ids=clients,
    )
    reference = json.dumps(
        events.event_json(stored, seq=seq, leaf_hash=leaf), separators=(",", ":")
    )
    assert events._row_line(stored, seq, leaf) == reference
    assert events.export_line(stored, seq=seq, leaf_hash=leaf) == reference


@pytest.mark.parametrize(
    "odd",
    [
        {"http_status": True},
        {"http_status": 200.0},
        {"client_ids": None},
        {"client_ids": ["a", 1]},
        {"actor_role": 5},
        {"id": 7},
        {"practice_id": 12},
    ],
)
def test_rows_the_export_template_cannot_write_take_json_dumps(odd: dict[str, Any]) -> None:
    stored = row(**odd)
    with pytest.raises(events._NotPlain):
        events._row_line(stored, 1, None)
    reference = json.dumps(events.event_json(stored, seq=1), separators=(",", ":"))
    assert events.export_line(stored, seq=1) == reference
