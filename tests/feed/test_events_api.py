"""GET /v1/events: who may read it, what each caller sees, paging, and its audit event."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.models import AuditEvent
from app.state import AppState
from tests.conftest import World
from tests.factories import (
    clinical_case,
    create_client,
    make_api_key,
    problem,
    with_if_match,
)
from tests.notes.support import PROGRESS, NotesApi


async def story(client: httpx.AsyncClient, world: World) -> dict[str, Any]:
    """Client, episode, session, a signed progress note and a measure."""
    case = await clinical_case(client, world)
    therapist = world["therapist"].headers
    notes = NotesApi(client)
    created = await notes.create(therapist, uuid.UUID(case.session_id), PROGRESS)
    signed = await notes.act(therapist, created.json()["id"], "sign", created.headers["ETag"])
    assert signed.status_code == 200, signed.text
    measure = await client.post(
        f"/v1/clients/{case.client_id}/measures",
        json={"instrument": "phq9", "items": [1, 1, 1, 1, 1, 1, 1, 1, 0]},
        headers=therapist,
    )
    assert measure.status_code == 201, measure.text
    return {"case": case, "note_id": created.json()["id"]}


async def read(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> Any:
    """GET /v1/events, asserting 200."""
    response = await client.get("/v1/events", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_each_caller_sees_only_what_its_scopes_read(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    await story(client, world)
    scheduler = await make_api_key(state, world, ["events:read", "sessions:read"])
    records = await make_api_key(state, world, ["events:read", "notes:read", "progress:read"])

    seen = {e["type"] for e in (await read(client, scheduler))["items"]}
    assert seen == {"session.created"}
    clinical = {e["type"] for e in (await read(client, records))["items"]}
    assert clinical == {"episode.opened", "note.signed", "measure.created"}
    admin = {e["type"] for e in (await read(client, world["admin"].headers, limit=200))["items"]}
    assert admin == {"client.created", "session.created", "user.created"}


async def test_readers_without_the_feed_are_refused(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    no_feed = await make_api_key(state, world, ["sessions:read", "clients:read"])
    for headers in (no_feed, world["therapist"].headers, world["auditor"].headers):
        problem(await client.get("/v1/events", headers=headers), 403)
    problem(await client.get("/v1/events"), 401)


async def test_pages_walk_the_feed_in_position_order(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    therapist = world["therapist"].headers
    made = [await create_client(client, therapist, given_name=f"N{i}") for i in range(5)]
    reader = await make_api_key(state, world, ["events:read", "clients:read"])
    first = await read(client, reader, limit=2)
    assert [e["resource"]["id"] for e in first["items"]] == [c["id"] for c in made[:2]]
    positions = [e["position"] for e in first["items"]]
    assert positions == sorted(positions)
    second = await read(client, reader, limit=2, after=first["next_cursor"])
    third = await read(client, reader, limit=2, after=second["next_cursor"])
    walked = first["items"] + second["items"] + third["items"]
    assert [e["resource"]["id"] for e in walked] == [c["id"] for c in made]
    assert third["next_cursor"] is None
    assert (await read(client, reader, after=walked[-1]["position"]))["items"] == []
    event = walked[0]
    assert set(event) == {"id", "position", "type", "occurred_at", "resource", "client_id", "actor"}
    assert event["actor"] == {"type": "user", "id": str(world["therapist"].id)}
    assert event["client_id"] == made[0]["id"]


async def test_types_filter_and_its_errors(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    await story(client, world)
    reader = await make_api_key(
        state, world, ["events:read", "sessions:read", "clients:read", "progress:read"]
    )
    assert {e["type"] for e in (await read(client, reader, types="episode.*"))["items"]} == {
        "episode.opened"
    }
    both = await read(client, reader, types="client.created,session.created")
    assert [e["type"] for e in both["items"]] == ["client.created", "session.created"]
    # A type the caller may not read is simply absent, never an error that confirms it.
    assert (await read(client, reader, types="note.signed"))["items"] == []
    problem(await client.get("/v1/events", params={"types": "note.read"}, headers=reader), 422)
    problem(await client.get("/v1/events", params={"limit": 201}, headers=reader), 422)
    problem(await client.get("/v1/events", params={"after": -1}, headers=reader), 422)


async def test_reading_the_feed_is_audited_with_the_clients_it_names(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    made = await create_client(client, world["therapist"].headers)
    reader = await make_api_key(state, world, ["events:read", "clients:read"])
    response = await client.get("/v1/events", headers={**reader, "X-Request-ID": "feed-read-1"})
    assert response.status_code == 200
    async with state.sessionmaker() as db:
        found = await db.execute(
            select(AuditEvent).where(
                col(AuditEvent.request_id) == "feed-read-1",
                col(AuditEvent.practice_id) == world.practice_id,
            )
        )
        events = list(found.scalars())
    assert [(e.action, e.outcome, e.actor_type) for e in events] == [
        ("event.list", "success", "api_key")
    ]
    assert events[0].client_ids == [made["id"]]


async def test_client_and_session_lists_take_updated_since_and_order(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    therapist = world["therapist"].headers
    older = await create_client(client, therapist, given_name="Older")
    newer = await create_client(client, therapist, given_name="Newer")
    cut = datetime.now(UTC)
    patched = await client.patch(
        f"/v1/clients/{older['id']}",
        json={"phone": "+1 555 0101"},
        headers=with_if_match(therapist, older["etag"]),
    )
    assert patched.status_code == 200, patched.text
    since = await client.get(
        "/v1/clients", params={"updated_since": cut.isoformat()}, headers=therapist
    )
    assert [c["id"] for c in since.json()["items"]] == [older["id"]]
    ordered = await client.get("/v1/clients", params={"order": "updated_at"}, headers=therapist)
    assert [c["id"] for c in ordered.json()["items"]] == [newer["id"], older["id"]]
    page = await client.get(
        "/v1/clients", params={"order": "updated_at", "limit": 1}, headers=therapist
    )
    rest = await client.get(
        "/v1/clients",
        params={"order": "updated_at", "limit": 1, "cursor": page.json()["next_cursor"]},
        headers=therapist,
    )
    assert [c["id"] for c in rest.json()["items"]] == [older["id"]]
    naive = (cut - timedelta(days=1)).replace(tzinfo=None).isoformat()
    problem(
        await client.get("/v1/clients", params={"updated_since": naive}, headers=therapist), 422
    )
    problem(await client.get("/v1/clients", params={"order": "name"}, headers=therapist), 422)

    case = await clinical_case(client, world)
    cut = datetime.now(UTC)
    assert (
        await client.get(
            "/v1/sessions", params={"updated_since": cut.isoformat()}, headers=therapist
        )
    ).json()["items"] == []
    visit = await client.get(f"/v1/sessions/{case.session_id}", headers=therapist)
    moved = await client.patch(
        f"/v1/sessions/{case.session_id}",
        json={"status": "no_show"},
        headers=with_if_match(therapist, visit.headers["ETag"]),
    )
    assert moved.status_code == 200, moved.text
    changed = await client.get(
        "/v1/sessions",
        params={"updated_since": cut.isoformat(), "order": "updated_at"},
        headers=therapist,
    )
    assert [s["id"] for s in changed.json()["items"]] == [case.session_id]
