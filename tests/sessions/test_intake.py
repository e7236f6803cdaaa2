"""Booking an intake (SPEC §9): a session for a client without an open episode opens one."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from app.db import utcnow
from app.models import Episode, PhaseTransition
from app.state import AppState
from tests.conftest import World
from tests.factories import at, create_client, days_ago, make_api_key, problem
from tests.notes.support import close_episode
from tests.one_path import only_event, send


def _next_week() -> date:
    return (utcnow() + timedelta(days=7)).date()


async def _episodes(state: AppState, client_id: str) -> list[Episode]:
    async with state.sessionmaker() as db:
        found = await db.execute(
            sa.select(Episode).where(sa.column("client_id") == uuid.UUID(client_id))
        )
        return list(found.scalars())


async def _first_phase(state: AppState, episode_id: uuid.UUID) -> PhaseTransition:
    async with state.sessionmaker() as db:
        found = await db.execute(
            sa.select(PhaseTransition).where(sa.column("episode_id") == episode_id)
        )
        [transition] = found.scalars()
        return transition


async def test_scheduler_key_creates_a_client_and_books_its_intake(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    scheduler = await make_api_key(state, world, ["clients:write", "sessions:write", "users:read"])
    clinicians = (await client.get("/v1/users", headers=scheduler)).json()["items"]
    therapist = next(u for u in clinicians if u["id"] == str(world["therapist"].id))
    created = await create_client(client, scheduler, primary_therapist_id=therapist["id"])
    on = _next_week()
    body = {"client_id": created["id"], "starts_at": at(on, 9, -5), "external_id": "cal-1"}
    booked = await send(client, "POST", "/v1/sessions", scheduler, json=body)
    assert booked.status_code == 201, booked.text
    session = booked.json()
    assert session["episode_opened"] is True
    assert "phase" not in session  # a scheduler sees no clinical fields
    [episode] = await _episodes(state, created["id"])
    assert (episode.status, episode.started_on) == ("open", on)
    assert episode.therapist_id == world["therapist"].id
    # The key reads no sessions: its answer holds what it sent, not the record's therapist
    # or episode (the booking view).
    assert session["view"] == "booking"
    assert not {"episode_id", "therapist_id"} & set(session)
    first = await _first_phase(state, episode.id)
    # A key is no user: the initial phase is recorded under the episode's therapist.
    assert (first.to_phase, first.effective_on) == ("initial", on)
    assert first.recorded_by == world["therapist"].id
    event = await only_event(state, booked.headers["x-request-id"])
    assert (event["action"], event["resource_id"]) == ("session.create", session["id"])
    assert event["details"] == {"episode_opened": True, "episode_id": str(episode.id)}
    assert event["actor_type"] == "api_key"
    assert event["client_ids"] == [created["id"]]
    # The therapist finds the opened episode in the client's record.
    listed = await client.get(
        f"/v1/clients/{created['id']}/episodes", headers=world["therapist"].headers
    )
    assert [e["id"] for e in listed.json()["items"]] == [str(episode.id)]
    follow_up = await send(
        client,
        "POST",
        "/v1/sessions",
        scheduler,
        json={"client_id": created["id"], "starts_at": at(on + timedelta(days=7))},
    )
    assert follow_up.status_code == 201, follow_up.text
    assert follow_up.json()["episode_opened"] is False
    assert len(await _episodes(state, created["id"])) == 1  # booked into the open one
    event = await only_event(state, follow_up.headers["x-request-id"])
    assert event["action"] == "session.create"


async def test_therapist_books_an_intake_with_a_colleague(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    me = world["therapist"].headers
    created = await create_client(client, me)
    body = {
        "client_id": created["id"],
        "starts_at": at(days_ago(2)),
        "therapist_id": str(world["therapist2"].id),
        "status": "attended",
    }
    booked = await send(client, "POST", "/v1/sessions", me, json=body)
    assert booked.status_code == 201, booked.text
    assert (booked.json()["episode_opened"], booked.json()["phase"]) == (True, "initial")
    [episode] = await _episodes(state, created["id"])
    assert (episode.therapist_id, episode.started_on) == (world["therapist2"].id, days_ago(2))
    assert (await _first_phase(state, episode.id)).recorded_by == world["therapist"].id
    event = await only_event(state, booked.headers["x-request-id"])
    assert (event["action"], event["actor_id"]) == ("session.create", world["therapist"].id)
    assert event["details"]["episode_opened"] is True


async def test_a_returning_client_gets_a_new_episode(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    me = world["therapist"].headers
    created = await create_client(client, me)
    first = await client.post(
        "/v1/sessions",
        headers=me,
        json={"client_id": created["id"], "starts_at": at(days_ago(20)), "status": "attended"},
    )
    await close_episode(client, me, first.json()["episode_id"])
    again = await client.post(
        "/v1/sessions", headers=me, json={"client_id": created["id"], "starts_at": at(_next_week())}
    )
    assert again.status_code == 201, again.text
    assert again.json()["episode_opened"] is True
    assert again.json()["episode_id"] != first.json()["episode_id"]
    assert len(await _episodes(state, created["id"])) == 2


async def test_nobody_without_reach_or_scope_opens_an_episode(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    created = await create_client(client, world["therapist"].headers)
    body: dict[str, Any] = {"client_id": created["id"], "starts_at": at(_next_week())}
    reader = await make_api_key(state, world, ["clients:read", "sessions:read", "users:read"])
    for headers, status in (
        (reader, 403),
        (world["auditor"].headers, 403),
        (world["therapist2"].headers, 404),
    ):
        problem(await client.post("/v1/sessions", headers=headers, json=body), status)
    bad_date = {**body, "starts_at": f"{_next_week().isoformat()}T10:00:00"}
    problem(await client.post("/v1/sessions", headers=world["admin"].headers, json=bad_date), 422)
    assert await _episodes(state, created["id"]) == []


async def test_replayed_intake_opens_one_episode(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    key = await make_api_key(state, world, ["clients:write", "sessions:write"])
    created = await create_client(client, key, primary_therapist_id=world["therapist"].id)
    headers = key | {"Idempotency-Key": f"intake-{uuid.uuid4().hex}"}
    body = {"client_id": created["id"], "starts_at": at(_next_week())}
    first = await client.post("/v1/sessions", headers=headers, json=body)
    again = await client.post("/v1/sessions", headers=headers, json=body)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.json()["episode_opened"] is True
    assert len(await _episodes(state, created["id"])) == 1
