"""Sessions: local dates and offsets, episode rules, filters, pagination, idempotency, input."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from app.models import TherapySession
from app.state import AppState
from tests.conftest import World
from tests.factories import (
    at,
    create_client,
    create_session,
    days_ago,
    make_api_key,
    open_episode,
    problem,
    with_if_match,
)


async def _client_with_episode(client: httpx.AsyncClient, world: World) -> tuple[str, str]:
    me = world["therapist"].headers
    created = await create_client(client, me)
    episode = await open_episode(client, me, created["id"], started_on=days_ago(60))
    return created["id"], episode["id"]


async def test_local_date_and_offset_are_kept(client: httpx.AsyncClient, world: World) -> None:
    client_id, episode_id = await _client_with_episode(client, world)
    evening = at(days_ago(10), hour=23, offset_hours=-5)  # already tomorrow in UTC
    created = await create_session(
        client,
        world["therapist"].headers,
        client_id,
        starts_at=evening,
        status="scheduled",
    )
    assert created["starts_on"] == days_ago(10).isoformat()
    assert created["starts_at"].endswith("-05:00")
    assert created["starts_at"].startswith(days_ago(10).isoformat())
    assert created["episode_id"] == episode_id
    assert created["therapist_id"] == str(world["therapist"].id)
    assert created["status"] == "scheduled"
    assert created["phase"] == "initial"
    moved = await client.patch(
        f"/v1/sessions/{created['id']}",
        headers=world["therapist"].headers,
        json={"starts_at": at(days_ago(9), hour=1, offset_hours=9)},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["starts_on"] == days_ago(9).isoformat()
    assert moved.json()["starts_at"].endswith("+09:00")


async def test_episode_rules_for_new_sessions(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    me = world["therapist"].headers
    client_id, episode_id = await _client_with_episode(client, world)
    other_id, other_episode = await _client_with_episode(client, world)
    foreign = await create_client(client, other_world["therapist"].headers)
    foreign_episode = await open_episode(client, other_world["therapist"].headers, foreign["id"])
    base = {"client_id": client_id, "starts_at": at(days_ago(3))}
    problem(
        await client.post("/v1/sessions", headers=me, json={**base, "episode_id": other_episode}),
        422,
    )
    problem(
        await client.post(
            "/v1/sessions", headers=me, json={**base, "episode_id": foreign_episode["id"]}
        ),
        422,
    )
    problem(
        await client.post("/v1/sessions", headers=me, json={**base, "starts_at": at(days_ago(61))}),
        422,
    )
    problem(
        await client.post("/v1/sessions", headers=me, json={**base, "client_id": foreign["id"]}),
        404,
    )
    without_episode = await create_client(client, me)
    intake = await client.post(
        "/v1/sessions", headers=me, json={**base, "client_id": without_episode["id"]}
    )
    assert intake.status_code == 201, intake.text  # an intake opens the episode (SPEC §9)
    assert intake.json()["episode_opened"] is True
    problem(
        await client.post(
            "/v1/sessions", headers=me, json={**base, "therapist_id": str(world["admin"].id)}
        ),
        422,
    )
    ok = await client.post("/v1/sessions", headers=me, json={**base, "episode_id": episode_id})
    assert ok.status_code == 201, ok.text
    assert other_id != client_id


async def test_bad_session_input(client: httpx.AsyncClient, world: World, state: AppState) -> None:
    me = world["therapist"].headers
    client_id, _ = await _client_with_episode(client, world)
    base: dict[str, Any] = {"client_id": client_id, "starts_at": at(days_ago(3))}
    bad = [
        {**base, "starts_at": f"{days_ago(3).isoformat()}T10:00:00"},
        {**base, "starts_at": "0001-01-01T00:30:00+01:00"},
        {**base, "modality": "telepathy"},
        {**base, "status": "maybe"},
        {**base, "duration_minutes": 0},
        {**base, "duration_minutes": 601},
        {**base, "practice_id": "x"},
        {**base, "phase": "termination"},
        {**base, "external_id": "e" * 101},
        {"starts_at": base["starts_at"]},
    ]
    for body in bad:
        problem(await client.post("/v1/sessions", headers=me, json=body), 422)
    async with state.sessionmaker() as db:
        count = await db.execute(
            select(func.count()).where(col(TherapySession.client_id) == uuid.UUID(client_id))
        )
        assert count.scalar_one() == 0


async def test_filters(client: httpx.AsyncClient, world: World) -> None:
    me = world["therapist"].headers
    client_id, episode_id = await _client_with_episode(client, world)
    second_id, _ = await _client_with_episode(client, world)
    # external_id is the integration's: set by admins and API keys only (SPEC §2.1).
    admin = world["admin"].headers
    early = await create_session(client, admin, client_id, on=days_ago(20), external_id="f-1")
    late = await create_session(
        client,
        me,
        client_id,
        on=days_ago(5),
        status="no_show",
        therapist_id=str(world["trainee"].id),
    )
    evening = await create_session(
        client, me, second_id, starts_at=at(days_ago(5), hour=22, offset_hours=-8)
    )

    async def ids(**params: str) -> list[str]:
        response = await client.get("/v1/sessions", params=params, headers=me)
        assert response.status_code == 200, response.text
        return [s["id"] for s in response.json()["items"]]

    assert await ids(client_id=client_id) == [early["id"], late["id"]]
    assert await ids(episode_id=episode_id) == [early["id"], late["id"]]
    assert await ids(status="no_show") == [late["id"]]
    assert await ids(therapist_id=str(world["trainee"].id)) == [late["id"]]
    assert await ids(external_id="f-1") == [early["id"]]
    # Dates compare with the session's local date; datetimes with the instant.
    assert await ids(**{"from": days_ago(5).isoformat()}) == [late["id"], evening["id"]]
    assert await ids(**{"to": days_ago(6).isoformat()}) == [early["id"]]
    cut = at(days_ago(4), hour=0)
    assert await ids(**{"from": cut}) == [evening["id"]]
    assert await ids(**{"to": cut, "from": at(days_ago(6))}) == [late["id"]]
    problem(
        await client.get("/v1/sessions", params={"from": "2026-01-01T10:00:00"}, headers=me), 422
    )
    problem(await client.get("/v1/sessions", params={"to": "soon"}, headers=me), 422)
    problem(
        await client.get(
            "/v1/sessions", params={"client_id": client_id}, headers=world["therapist2"].headers
        ),
        404,
    )
    assert await ids(client_id=client_id) != []
    outsider = await client.get("/v1/sessions", headers=world["therapist2"].headers)
    assert outsider.json()["items"] == []


async def test_page_walk_idempotency_and_if_match(client: httpx.AsyncClient, world: World) -> None:
    me = world["therapist"].headers
    client_id, _ = await _client_with_episode(client, world)
    existing = [
        (await create_session(client, me, client_id, on=days_ago(40 - i)))["id"] for i in range(7)
    ]
    seen: list[str] = []
    cursor: str | None = None
    for round_ in range(10):
        params = {"limit": "3", "client_id": client_id, **({"cursor": cursor} if cursor else {})}
        page, _ = await asyncio.gather(
            client.get("/v1/sessions", params=params, headers=me),
            create_session(client, me, client_id, on=days_ago(45 + round_)),
        )
        seen += [s["id"] for s in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert set(existing) <= set(seen)
    problem(await client.get("/v1/sessions", params={"cursor": "x" * 40}, headers=me), 400)

    body = {"client_id": client_id, "starts_at": at(days_ago(1)), "external_id": "idem-s"}
    admin = world["admin"].headers  # external_id: admins and API keys only
    keyed = {**admin, "Idempotency-Key": "session-key-1"}
    first = await client.post("/v1/sessions", json=body, headers=keyed)
    replay = await client.post("/v1/sessions", json=body, headers=keyed)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    problem(
        await client.post("/v1/sessions", json={**body, "duration_minutes": 45}, headers=keyed), 422
    )
    problem(await client.post("/v1/sessions", json=body, headers=admin), 409)  # external_id taken

    path = f"/v1/sessions/{first.json()['id']}"
    problem(
        await client.patch(
            path, json={"status": "attended"}, headers=with_if_match(me, '"nope-1"')
        ),
        412,
    )
    done = await client.patch(
        path, json={"status": "attended"}, headers=with_if_match(me, first.headers["ETag"])
    )
    assert done.status_code == 200
    assert done.json()["version"] == 2
    problem(await client.patch(path, json={"episode_id": None}, headers=me), 422)
    problem(await client.patch(path, json={"status": None}, headers=me), 422)


async def _episode_of(client: httpx.AsyncClient, headers: dict[str, str]) -> tuple[str, str]:
    """A client of this therapist, with an open episode: (client id, episode id)."""
    created = await create_client(client, headers)
    episode = await open_episode(client, headers, created["id"], started_on=days_ago(60))
    return created["id"], episode["id"]


def _answer(body: dict[str, Any]) -> tuple[Any, ...]:
    """What a problem says, without what differs per request."""
    return body["status"], body["title"], body["detail"], body.get("errors")


async def test_external_id_is_set_by_admins_and_keys_only_and_reveals_nothing(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    # SPEC §2.1: a uniqueness conflict never reveals a record the caller cannot reach.
    hidden_client, _ = await _episode_of(client, world["therapist2"].headers)
    admin = world["admin"].headers
    await create_session(client, admin, hidden_client, external_id="cal-hidden")
    mine, _ = await _client_with_episode(client, world)
    me = world["therapist"].headers
    base = {"client_id": mine, "starts_at": at(days_ago(2))}
    taken = await client.post(
        "/v1/sessions", json={**base, "external_id": "cal-hidden"}, headers=me
    )
    free = await client.post("/v1/sessions", json={**base, "external_id": "cal-free"}, headers=me)
    assert _answer(problem(taken, 403)) == _answer(problem(free, 403))
    own = await create_session(client, me, mine)
    for value in ("cal-hidden", "cal-free"):
        changed = await client.patch(
            f"/v1/sessions/{own['id']}", json={"external_id": value}, headers=me
        )
        assert _answer(problem(changed, 403)) == _answer(problem(free, 403))
    async with state.sessionmaker() as db:
        count = await db.execute(
            select(func.count()).where(col(TherapySession.client_id) == uuid.UUID(mine))
        )
        assert count.scalar_one() == 1  # only the one booked without external_id
    # The integration's own identifier: an API key and an admin set it.
    key = await make_api_key(state, world, ["sessions:write"])
    made = await client.post("/v1/sessions", json={**base, "external_id": "cal-key"}, headers=key)
    assert made.status_code == 201, made.text
    assert made.json()["external_id"] == "cal-key"
    problem(
        await client.post("/v1/sessions", json={**base, "external_id": "cal-key"}, headers=key), 409
    )
    moved = await client.patch(
        f"/v1/sessions/{own['id']}", json={"external_id": "cal-admin"}, headers=admin
    )
    assert moved.status_code == 200, moved.text


async def test_another_clients_episode_answers_like_a_missing_one(
    client: httpx.AsyncClient, world: World
) -> None:
    _, hidden_episode = await _episode_of(client, world["therapist2"].headers)
    mine, _ = await _client_with_episode(client, world)
    me = world["therapist"].headers
    base = {"client_id": mine, "starts_at": at(days_ago(2))}
    other = await client.post(
        "/v1/sessions", json={**base, "episode_id": hidden_episode}, headers=me
    )
    missing = await client.post(
        "/v1/sessions", json={**base, "episode_id": str(uuid.uuid4())}, headers=me
    )
    assert _answer(problem(other, 422)) == _answer(problem(missing, 422))
