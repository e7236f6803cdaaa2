"""GET /v1/notes: the caseload's notes by status and kind, paged, audited, with clear errors."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.models import AuditEvent
from app.state import AppState
from tests.conftest import World, add_members
from tests.notes.support import PROGRESS, NotesApi, make_case


async def test_the_cosign_queue_pages_and_names_its_clients(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await make_case(client, world, therapist="trainee", sessions=3)
    api = NotesApi(client)
    trainee = world["trainee"].headers
    waiting = [await api.signed(trainee, s, PROGRESS) for s in case.session_ids]
    supervisor = world["supervisor"].headers
    first = await client.get(
        "/v1/notes", params={"status": "pending_cosign", "limit": 2}, headers=supervisor
    )
    assert first.status_code == 200, first.text
    assert [n["id"] for n in first.json()["items"]] == waiting[:2]
    rest = await client.get(
        "/v1/notes",
        params={"status": "pending_cosign", "limit": 2, "cursor": first.json()["next_cursor"]},
        headers=supervisor,
    )
    assert [n["id"] for n in rest.json()["items"]] == waiting[2:]
    assert rest.json()["next_cursor"] is None
    async with state.sessionmaker() as session:
        events = (
            (
                await session.execute(
                    select(AuditEvent).where(
                        col(AuditEvent.action) == "note.search",
                        col(AuditEvent.practice_id) == world.practice_id,
                    )
                )
            )
            .scalars()
            .all()
        )
    assert len(events) == 2
    assert all(e.client_ids == [str(case.client_id)] for e in events)
    signed = await client.get("/v1/notes", params={"status": "signed"}, headers=supervisor)
    assert signed.json()["items"] == []


async def test_a_supervisor_sees_the_notes_awaiting_their_own_cosignature(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """`awaiting_my_cosign` keeps what the caller may cosign: their supervisees' waiting notes."""
    await add_members(state, world, "supervisor2")
    case = await make_case(
        client, world, therapist="trainee", care_team=("supervisor2",), sessions=2
    )
    api = NotesApi(client)
    waiting = [await api.signed(world["trainee"].headers, s, PROGRESS) for s in case.session_ids]

    async def listed(name: str, **params: str) -> list[str]:
        answer = await client.get("/v1/notes", params=params, headers=world[name].headers)
        assert answer.status_code == 200, answer.text
        return [n["id"] for n in answer.json()["items"]]

    # The care team's supervisor reads the trainee's waiting notes, but may not cosign them.
    assert await listed("supervisor2", status="pending_cosign") == waiting
    seen = await client.get(f"/v1/notes/{waiting[0]}", headers=world["supervisor2"].headers)
    refused = await api.act(
        world["supervisor2"].headers, waiting[0], "cosign", seen.headers["ETag"]
    )
    assert refused.status_code == 403, refused.text
    assert await listed("supervisor2", awaiting_my_cosign="true") == []
    assert await listed("trainee", awaiting_my_cosign="true") == []
    assert await listed("supervisor", awaiting_my_cosign="true") == waiting
    note = await client.get(f"/v1/notes/{waiting[0]}", headers=world["supervisor"].headers)
    cosigned = await api.act(
        world["supervisor"].headers, waiting[0], "cosign", note.headers["ETag"]
    )
    assert cosigned.status_code == 200, cosigned.text
    assert await listed("supervisor", awaiting_my_cosign="true") == waiting[1:]
    assert await listed("supervisor", awaiting_my_cosign="false", status="signed") == waiting[:1]


async def test_bad_filters_are_clear_problems(client: httpx.AsyncClient, world: World) -> None:
    headers = world["therapist"].headers
    for params, status in (
        ({"status": "lost"}, 422),
        ({"kind": "diary"}, 422),
        ({"awaiting_my_cosign": "perhaps"}, 422),
        ({"client_id": str(uuid.uuid4())}, 404),
        ({"cursor": "tampered"}, 400),
    ):
        answer = await client.get("/v1/notes", params=params, headers=headers)
        assert answer.status_code == status, (params, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    assert (await client.get("/v1/notes")).status_code == 401
    assert (await client.get("/v1/notes", headers=world["auditor"].headers)).status_code == 403
