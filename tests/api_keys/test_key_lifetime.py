"""Key expiry and rotation with a grace period (SPEC §9), decided in the caller's statement."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col

from app.db import utcnow
from app.models import ApiKey
from app.state import AppState
from tests.conftest import World
from tests.factories import problem
from tests.one_path import only_event, send


async def _key(
    client: httpx.AsyncClient, world: World, who: str = "admin", **fields: Any
) -> dict[str, Any]:
    scopes = ["audit:read"] if who == "auditor" else ["clients:read"]
    body = {"name": "Scheduler", "scopes": scopes, **fields}
    created = await client.post("/v1/api-keys", headers=world[who].headers, json=body)
    assert created.status_code == 201, created.text
    key: dict[str, Any] = created.json()
    return key


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def _set(state: AppState, key_id: str, **values: Any) -> None:
    async with state.engine.begin() as conn:
        await conn.execute(
            update(ApiKey).where(col(ApiKey.id) == uuid.UUID(key_id)).values(**values)
        )


def _same(a: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in a.items() if k not in ("request_id", "instance")}


async def _unknown_key_body(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/v1/me", headers=_bearer("nsk_" + "A" * 43))
    return _same(problem(response, 401))


async def test_expired_key_is_an_unknown_key(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    expires = (utcnow() + timedelta(hours=1)).isoformat()
    key = await _key(client, world, expires_at=expires)
    assert key["expires_at"] is not None
    assert (await client.get("/v1/me", headers=_bearer(key["key"]))).status_code == 200
    await _set(state, key["id"], expires_at=utcnow() - timedelta(seconds=1))
    expired = await client.get("/v1/clients", headers=_bearer(key["key"]))
    assert _same(problem(expired, 401)) == await _unknown_key_body(client)
    listed = await client.get(f"/v1/api-keys/{key['id']}", headers=world["admin"].headers)
    assert listed.json()["status"] == "expired"


@pytest.mark.parametrize("expires_at", ["2001-01-01T00:00:00Z", "2030-01-01T00:00:00"])
async def test_expiry_must_be_a_future_instant(
    client: httpx.AsyncClient, world: World, expires_at: str
) -> None:
    body = {"name": "x", "scopes": ["clients:read"], "expires_at": expires_at}
    problem(await client.post("/v1/api-keys", headers=world["admin"].headers, json=body), 422)


async def test_rotation_keeps_the_old_secret_for_its_grace_only(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    key = await _key(client, world)
    old = _bearer(key["key"])
    rotated = await send(client, "POST", f"/v1/api-keys/{key['id']}/rotate", world["admin"].headers)
    assert rotated.status_code == 200, rotated.text
    new = _bearer(rotated.json()["key"])
    assert rotated.json()["key"] != key["key"]
    assert rotated.json()["id"] == key["id"]
    grace = rotated.json()["previous_secret_expires_at"]
    assert grace is not None
    event = await only_event(state, rotated.headers["x-request-id"])
    assert (event["action"], event["resource_id"]) == ("api_key.rotate", key["id"])
    assert event["actor_id"] == world["admin"].id
    for headers in (old, new):  # within the grace period (24 hours by default)
        assert (await client.get("/v1/clients", headers=headers)).status_code == 200
    await _set(state, key["id"], previous_secret_expires_at=utcnow() - timedelta(seconds=1))
    after = await client.get("/v1/clients", headers=old)
    assert _same(problem(after, 401)) == await _unknown_key_body(client)
    assert (await client.get("/v1/clients", headers=new)).status_code == 200


async def test_rotation_grace_is_bounded_and_chosen_in_the_body(
    client: httpx.AsyncClient, world: World
) -> None:
    key = await _key(client, world)
    url = f"/v1/api-keys/{key['id']}/rotate"
    admin = world["admin"].headers
    for grace in (-1, 7 * 24 * 3600 + 1):
        problem(await client.post(url, headers=admin, json={"grace_seconds": grace}), 422)
    at_once = await client.post(url, headers=admin, json={"grace_seconds": 0})
    assert at_once.status_code == 200, at_once.text
    assert (await client.get("/v1/me", headers=_bearer(key["key"]))).status_code == 401
    week = await client.post(url, headers=admin, json={"grace_seconds": 7 * 24 * 3600})
    assert week.status_code == 200, week.text
    # A second rotation ends the grace of the secret replaced before: two secrets at most.
    last = await client.post(url, headers=admin)
    assert last.status_code == 200, last.text
    assert (await client.get("/v1/me", headers=_bearer(at_once.json()["key"]))).status_code == 401
    for secret in (week.json()["key"], last.json()["key"]):
        assert (await client.get("/v1/me", headers=_bearer(secret))).status_code == 200


async def test_revocation_ends_both_secrets(client: httpx.AsyncClient, world: World) -> None:
    key = await _key(client, world)
    rotated = await client.post(f"/v1/api-keys/{key['id']}/rotate", headers=world["admin"].headers)
    revoked = await client.delete(f"/v1/api-keys/{key['id']}", headers=world["admin"].headers)
    assert revoked.status_code == 204
    for secret in (key["key"], rotated.json()["key"]):
        assert (await client.get("/v1/me", headers=_bearer(secret))).status_code == 401


@pytest.mark.parametrize(
    ("who", "maker", "status"),
    [
        ("admin", "admin", 200),
        ("auditor", "auditor", 200),
        ("admin", "auditor", 403),  # an auditor's key
        ("auditor", "admin", 404),  # not an auditor's to see
        ("supervisor", "admin", 403),
        ("therapist", "admin", 403),
    ],
)
async def test_who_rotates(
    client: httpx.AsyncClient, world: World, state: AppState, who: str, maker: str, status: int
) -> None:
    key = await _key(client, world, maker)
    rotated = await send(client, "POST", f"/v1/api-keys/{key['id']}/rotate", world[who].headers)
    assert rotated.status_code == status, rotated.text
    event = await only_event(state, rotated.headers["x-request-id"])
    assert (event["action"], event["actor_id"]) == ("api_key.rotate", world[who].id)


async def test_rotating_a_pending_key_keeps_it_pending(
    client: httpx.AsyncClient, world: World
) -> None:
    body = {"name": "EHR", "scopes": ["notes:read"]}
    created = await client.post("/v1/api-keys", headers=world["admin"].headers, json=body)
    rotated = await client.post(
        f"/v1/api-keys/{created.json()['id']}/rotate", headers=world["admin"].headers
    )
    assert rotated.json()["status"] == "pending_approval"
    assert (await client.get("/v1/me", headers=_bearer(rotated.json()["key"]))).status_code == 403


async def test_an_expired_key_is_not_rotated(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    key = await _key(client, world, expires_at=(utcnow() + timedelta(hours=1)).isoformat())
    await _set(state, key["id"], expires_at=utcnow() - timedelta(seconds=1))
    refused = await client.post(f"/v1/api-keys/{key['id']}/rotate", headers=world["admin"].headers)
    problem(refused, 409)


async def test_replayed_rotation_rotates_once_and_shows_no_secret(
    client: httpx.AsyncClient, world: World
) -> None:
    """A retried rotation after a lost response must not rotate twice; the secret it showed
    is stored nowhere, so the replay answers without it (SPEC §3: shown once)."""
    key = await _key(client, world)
    headers = world["admin"].headers | {"Idempotency-Key": f"rotate-{uuid.uuid4().hex}"}
    url = f"/v1/api-keys/{key['id']}/rotate"
    first = await client.post(url, headers=headers, json={"grace_seconds": 60})
    again = await client.post(url, headers=headers, json={"grace_seconds": 60})
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json() | {"key": None}
    assert (await client.get("/v1/me", headers=_bearer(key["key"]))).status_code == 200
    assert (await client.get("/v1/me", headers=_bearer(first.json()["key"]))).status_code == 200


async def _approved_clinical_key(
    client: httpx.AsyncClient, world: World
) -> tuple[str, dict[str, str]]:
    body = {"name": "EHR", "scopes": ["notes:read", "clients:read"]}
    created = await client.post("/v1/api-keys", headers=world["admin"].headers, json=body)
    key_id = created.json()["id"]
    approved = await client.post(
        f"/v1/api-keys/{key_id}/approve", headers=world["supervisor"].headers
    )
    assert approved.status_code == 200, approved.text
    return key_id, _bearer(created.json()["key"])


async def test_an_admins_rotation_of_a_clinical_key_awaits_approval_again(
    client: httpx.AsyncClient, world: World
) -> None:
    """The new secret is a new clinical credential in an admin's hands (SPEC §2.1)."""
    key_id, old = await _approved_clinical_key(client, world)
    url = f"/v1/api-keys/{key_id}"
    rotated = await client.post(f"{url}/rotate", headers=world["admin"].headers)
    assert rotated.json()["status"] == "pending_approval"
    assert rotated.json()["approved_by"] is None
    new = _bearer(rotated.json()["key"])
    problem(await client.get("/v1/clients", headers=new), 403)
    # The integration keeps working on the replaced secret while a supervisor looks.
    assert (await client.get("/v1/clients", headers=old)).status_code == 200
    approved = await client.post(f"{url}/approve", headers=world["supervisor"].headers)
    assert approved.json()["status"] == "active"
    assert (await client.get("/v1/clients", headers=new)).status_code == 200


async def test_a_secret_that_awaited_approval_gets_no_grace(
    client: httpx.AsyncClient, world: World
) -> None:
    """Rotating twice must not turn the unapproved middle secret into a working one."""
    key_id, first = await _approved_clinical_key(client, world)
    url = f"/v1/api-keys/{key_id}/rotate"
    second = _bearer((await client.post(url, headers=world["admin"].headers)).json()["key"])
    third = _bearer((await client.post(url, headers=world["admin"].headers)).json()["key"])
    unknown = await _unknown_key_body(client)
    for replaced in (first, second):
        assert _same(problem(await client.get("/v1/clients", headers=replaced), 401)) == unknown
    problem(await client.get("/v1/clients", headers=third), 403)
