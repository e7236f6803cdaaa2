"""`users:read` (SPEC §9): a scheduler's key sees clinicians' id, name, role and state only."""

from __future__ import annotations

import uuid

import httpx

from app.state import AppState
from tests.conftest import World
from tests.factories import make_api_key, problem

CLINICIAN_FIELDS = {"id", "display_name", "role", "active"}


async def test_users_read_key_lists_clinicians_briefly(
    client: httpx.AsyncClient, world: World, other_world: World, state: AppState
) -> None:
    key = await make_api_key(state, world, ["users:read"])
    listed = await client.get("/v1/users", headers=key)
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    clinicians = {world[n].id for n in ("therapist", "therapist2", "supervisor", "trainee")}
    assert {uuid.UUID(u["id"]) for u in items} == clinicians
    assert all(set(u) == CLINICIAN_FIELDS for u in items)  # no email, no supervisor, no dates
    therapist = await client.get(f"/v1/users/{world['therapist'].id}", headers=key)
    assert therapist.json() == {
        "id": str(world["therapist"].id),
        "display_name": "Therapist",
        "role": "therapist",
        "active": True,
    }
    # Admins, auditors, other practices' users and missing ids: one answer.
    missing = problem(await client.get(f"/v1/users/{uuid.uuid4()}", headers=key), 404)
    for hidden in (world["admin"].id, world["auditor"].id, other_world["therapist"].id):
        body = problem(await client.get(f"/v1/users/{hidden}", headers=key), 404)
        assert body["detail"] == missing["detail"]


async def test_admins_still_see_the_whole_record(client: httpx.AsyncClient, world: World) -> None:
    listed = await client.get("/v1/users", headers=world["admin"].headers)
    assert len(listed.json()["items"]) == 6
    assert all("email" in u for u in listed.json()["items"])


async def test_users_read_is_read_only_and_needed(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    key = await make_api_key(state, world, ["users:read"])
    other = await make_api_key(state, world, ["clients:write", "sessions:write", "events:read"])
    problem(await client.get("/v1/users", headers=other), 403)
    problem(await client.get(f"/v1/users/{world['therapist'].id}", headers=other), 403)
    change = {"display_name": "Renamed"}
    problem(await client.patch(f"/v1/users/{world['therapist'].id}", headers=key, json=change), 403)
    for who in ("therapist", "supervisor", "auditor"):
        problem(await client.get("/v1/users", headers=world[who].headers), 403)
