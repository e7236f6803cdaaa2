"""SPEC §4: If-Match with the note's ETag; a tag read for another note must not match.

etag_for() kept only the first 12 hex digits of the row id; for a UUIDv7 those are exactly
the 48-bit millisecond timestamp. Two notes created in the same millisecond (bulk imports,
the demo seed, concurrent writers) at the same version carried the same ETag, so an If-Match
meant for one note authorised a change of the other.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, tzinfo

import httpx
import pytest

import app.db
from app.etag import etag_for
from tests.conftest import World
from tests.notes.support import PROGRESS, NotesApi, make_case

_FROZEN = datetime.now(UTC)


class _SameMillisecond(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _SameMillisecond:
        return cls.fromtimestamp(_FROZEN.timestamp(), tz or UTC)


async def test_etag_of_one_note_matches_another(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = await make_case(client, world, sessions=2)
    api, me = NotesApi(client), world["therapist"].headers
    monkeypatch.setattr(app.db, "datetime", _SameMillisecond)
    a = await api.create(me, case.session_ids[0], PROGRESS)
    b = await api.create(me, case.session_ids[1], PROGRESS)
    monkeypatch.undo()
    assert a.status_code == b.status_code == 201, (a.text, b.text)
    assert a.json()["id"] != b.json()["id"]
    # Signing note B with the ETag the caller read for note A must be refused (412).
    signed = await api.act(me, b.json()["id"], "sign", a.headers["ETag"])
    assert signed.status_code == 412, (a.headers["ETag"], b.headers["ETag"], signed.text)


def test_the_tag_names_the_whole_row_id() -> None:
    first, second = uuid.UUID(int=1 << 100), uuid.UUID(int=(1 << 100) + 1)  # one millisecond
    assert etag_for(first, 1) != etag_for(second, 1)
