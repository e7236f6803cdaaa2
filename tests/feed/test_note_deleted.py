"""A progress note the feed announced and that is deleted shows as `note.deleted` (SPEC §9)."""

from __future__ import annotations

import uuid

import httpx

from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case
from tests.notes.support import PROGRESS, NotesApi
from tests.one_path import api_key


async def _about(
    client: httpx.AsyncClient, state: AppState, world: World, note_id: str
) -> list[str]:
    key = await api_key(state, world, "events:read", "notes:read")
    feed = await client.get("/v1/events", params={"types": "note.*"}, headers=key.headers)
    assert feed.status_code == 200, feed.text
    return [e["type"] for e in feed.json()["items"] if e["resource"]["id"] == note_id]


async def test_a_returned_note_deleted_as_a_draft_appears_as_deleted(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await clinical_case(client, world)
    notes = NotesApi(client)
    trainee, supervisor = world["trainee"].headers, world["supervisor"].headers
    created = await notes.create(trainee, uuid.UUID(case.session_id), PROGRESS)
    note_id = created.json()["id"]
    signed = await notes.act(trainee, note_id, "sign", created.headers["ETag"])
    assert signed.json()["status"] == "pending_cosign", signed.text
    comment = {"comment": "Redo the plan."}
    returned = await notes.act(supervisor, note_id, "return", signed.headers["ETag"], comment)
    assert returned.status_code == 200, returned.text
    deleted = await notes.delete(trainee, note_id, returned.headers["ETag"])
    assert deleted.status_code == 204, deleted.text
    about = await _about(client, state, world, note_id)
    assert about == ["note.signed", "note.returned", "note.deleted"]


async def test_a_draft_never_signed_is_never_announced(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await clinical_case(client, world)
    notes = NotesApi(client)
    created = await notes.create(world["trainee"].headers, uuid.UUID(case.session_id), PROGRESS)
    note_id = created.json()["id"]
    deleted = await notes.delete(world["trainee"].headers, note_id, created.headers["ETag"])
    assert deleted.status_code == 204, deleted.text
    assert await _about(client, state, world, note_id) == []
