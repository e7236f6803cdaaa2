"""`user.*` events reach keys and webhooks for clinicians only: the staff `users:read` reads.

An admin's or auditor's account appearing in an integration's feed would hand it ids and
timings of staff whose records its key cannot read (SPEC §9). Decided when each event is
written: a clinician's move out of the clinician roles still reaches the key, and the feed's
history does not change when a role changes later.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.state import AppState
from bench.webhook_receiver import Receiver
from tests.conftest import World
from tests.factories import make_api_key
from tests.webhooks.support import deliverer, make_endpoint, run_passes


async def _add_staff(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    """A therapist, an auditor and an admin added by the admin: role → user id."""
    made = {}
    for role in ("therapist", "auditor", "admin"):
        body = {"display_name": f"New {role}", "role": role}
        body["email"] = f"{role}-{uuid.uuid4().hex[:8]}@test.example"
        created = await client.post("/v1/users", json=body, headers=world["admin"].headers)
        assert created.status_code == 201, created.text
        made[role] = created.json()["id"]
    return made


def _user_ids(items: list[dict[str, object]]) -> set[str]:
    return {e["resource"]["id"] for e in items if e["type"] == "user.created"}  # type: ignore[index]


async def test_a_key_reads_user_events_of_clinicians_only(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    staff = await _add_staff(client, world)
    key = await make_api_key(state, world, ["events:read", "users:read"])
    page = await client.get("/v1/events", params={"types": "user.*"}, headers=key)
    assert page.status_code == 200, page.text
    seen = _user_ids(page.json()["items"])
    assert staff["therapist"] in seen
    assert not {staff["auditor"], staff["admin"]} & seen
    # What the key sees matches what it may read of each user.
    for role, user_id in staff.items():
        read = await client.get(f"/v1/users/{user_id}", headers=key)
        assert (read.status_code == 200) == (user_id in seen), (role, read.status_code)
    # An admin reads every user, and every user event.
    admin = await client.get(
        "/v1/events", params={"types": "user.*"}, headers=world["admin"].headers
    )
    assert set(staff.values()) <= _user_ids(admin.json()["items"])


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A receiver on 127.0.0.1 that answers 204."""
    made = await Receiver().start()
    yield made
    await made.stop()


async def _deliver(state: AppState, receiver: Receiver) -> list[dict[str, Any]]:
    """Run a deliverer until quiet; the events the receiver got, in order."""
    d = deliverer(state)
    await run_passes(d, 2)
    await d.close()
    return [json.loads(r.body) for r in receiver.requests]


async def test_webhooks_deliver_user_events_of_clinicians_only(
    client: httpx.AsyncClient, state: AppState, world: World, receiver: Receiver
) -> None:
    await make_endpoint(client, world["admin"].headers, receiver.url, ["user.*"])
    staff = await _add_staff(client, world)
    delivered = {e["resource"]["id"] for e in await _deliver(state, receiver)}
    assert delivered == {staff["therapist"]}


async def _therapist_made_admin(client: httpx.AsyncClient, world: World) -> str:
    admin = world["admin"].headers
    body = {
        "display_name": "Soon admin",
        "role": "therapist",
        "email": f"t-{uuid.uuid4().hex[:8]}@test.example",
    }
    created = await client.post("/v1/users", json=body, headers=admin)
    assert created.status_code == 201, created.text
    user_id: str = created.json()["id"]
    for change in ({"role": "admin"}, {"display_name": "Now admin"}):
        changed = await client.patch(f"/v1/users/{user_id}", json=change, headers=admin)
        assert changed.status_code == 200, changed.text
    return user_id


def _events_of(items: list[dict[str, Any]], user_id: str) -> list[str]:
    return [str(e["type"]) for e in items if e["resource"]["id"] == user_id]


async def test_a_key_learns_that_a_clinician_left_the_clinician_roles(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    key = await make_api_key(state, world, ["events:read", "users:read"])
    user_id = await _therapist_made_admin(client, world)
    page = await client.get("/v1/events", params={"types": "user.*"}, headers=key)
    assert page.status_code == 200, page.text
    # Created as a therapist, then made admin: both shown, the later admin's change is not.
    assert _events_of(page.json()["items"], user_id) == ["user.created", "user.updated"]


async def test_a_webhook_delivers_the_role_change_of_a_clinician(
    client: httpx.AsyncClient, state: AppState, world: World, receiver: Receiver
) -> None:
    await make_endpoint(client, world["admin"].headers, receiver.url, ["user.*"])
    user_id = await _therapist_made_admin(client, world)
    delivered = await _deliver(state, receiver)
    assert _events_of(delivered, user_id) == ["user.created", "user.updated"], delivered
