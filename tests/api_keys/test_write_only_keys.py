"""A key that may write but not read records gets no record back from a change (SPEC §2)."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.models import AuditEvent
from app.state import AppState
from tests.conftest import World
from tests.factories import at, clinical_case, create_client, days_ago, make_api_key, problem


async def _last_event(state: AppState, world: World) -> AuditEvent:
    async with state.sessionmaker() as db:
        found = await db.execute(
            select(AuditEvent)
            .where(col(AuditEvent.practice_id) == world.practice_id)
            .order_by(col(AuditEvent.occurred_at).desc())
            .limit(1)
        )
        return found.scalar_one()


async def test_a_write_only_key_changes_no_client_to_read_it_back(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await clinical_case(client, world, email="client@example.org")
    path = f"/v1/clients/{case.client_id}"
    before = await client.get(path, headers=world["admin"].headers)
    write_only = await make_api_key(state, world, ["clients:write"])
    assert (await client.get(path, headers=write_only)).status_code == 403
    for body in ({}, {"given_name": "Renamed"}):
        refused = problem(
            await client.patch(path, json=body, headers=write_only | {"If-Match": "*"}), 403
        )
        assert "clients:read" in refused["detail"]
        event = await _last_event(state, world)
        assert (event.action, event.http_status) == ("client.update", 403)
        assert event.client_ids == [str(case.client_id)]  # the attempt names its client
    after = await client.get(path, headers=world["admin"].headers)
    assert after.json() == before.json()
    assert after.headers["ETag"] == before.headers["ETag"]
    # Creating answers only what the key sent and the ids it needs: still allowed.
    made = await create_client(client, write_only, primary_therapist_id=str(world["therapist"].id))
    assert made["id"]
    both = await make_api_key(state, world, ["clients:read", "clients:write"])
    changed = await client.patch(
        path,
        json={"given_name": "Renamed"},
        headers=both | {"If-Match": (await client.get(path, headers=both)).headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["given_name"] == "Renamed"


async def test_a_write_only_key_changes_no_session_to_read_it_back(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await clinical_case(client, world)
    path = f"/v1/sessions/{case.session_id}"
    before = await client.get(path, headers=world["admin"].headers)
    write_only = await make_api_key(state, world, ["sessions:write"])
    assert (await client.get(path, headers=write_only)).status_code == 403
    refused = problem(
        await client.patch(path, json={"duration_minutes": 45}, headers=write_only), 403
    )
    assert "sessions:read" in refused["detail"]
    assert (await client.get(path, headers=world["admin"].headers)).json() == before.json()
    # It books (SPEC §9), and gets back what it sent and the ids it needs: not the treating
    # therapist or the episode, which the client's record decided and sessions:read reads.
    booking = {"client_id": case.client_id, "starts_at": at(days_ago(1))}
    booked = await client.post("/v1/sessions", json=booking, headers=write_only)
    assert booked.status_code == 201, booked.text
    assert not {"therapist_id", "episode_id"} & set(booked.json())
    assert booked.json()["client_id"] == case.client_id
    assert booked.json()["view"] == "booking"
    assert booked.headers["Location"] == f"/v1/sessions/{booked.json()['id']}"
    assert "ETag" not in booked.headers
    both = await make_api_key(state, world, ["sessions:read", "sessions:write"])
    changed = await client.patch(path, json={"duration_minutes": 45}, headers=both)
    assert changed.status_code == 200, changed.text
    assert changed.json()["duration_minutes"] == 45
