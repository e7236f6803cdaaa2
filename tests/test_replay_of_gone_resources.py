"""SPEC §2.1 "Replays re-check reach. An idempotent replay returns the stored response only when
the caller can still reach the resource now; otherwise the same 404 as a read." (ADR 0015:
"A resource deleted since is 404".) Resources outside any client too: a replay finds them
as a read would, or answers its 404."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import World

URL = "http://127.0.0.1:9/hooks"


async def test_replayed_webhook_endpoint_create_after_delete_is_404(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world["admin"].headers
    keyed = admin | {"Idempotency-Key": uuid.uuid4().hex}
    body = {"url": URL, "event_types": ["client.*"]}
    first = await client.post("/v1/webhook-endpoints", json=body, headers=keyed)
    assert first.status_code == 201
    assert (await client.delete(first.headers["Location"], headers=admin)).status_code == 204
    assert (await client.get(first.headers["Location"], headers=admin)).status_code == 404
    again = await client.post("/v1/webhook-endpoints", json=body, headers=keyed)
    # Not a 201 with a Location that is gone: the integrator would believe its subscription
    # exists and silently receive nothing.
    assert again.status_code == 404, (again.status_code, again.headers.get("idempotent-replayed"))


async def test_replayed_api_key_create_after_revoke_is_404(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world["admin"].headers
    keyed = admin | {"Idempotency-Key": uuid.uuid4().hex}
    body = {"name": "Scheduler", "scopes": ["sessions:read"]}
    first = await client.post("/v1/api-keys", json=body, headers=keyed)
    assert first.status_code == 201
    assert (await client.delete(first.headers["Location"], headers=admin)).status_code == 204
    assert (await client.get(first.headers["Location"], headers=admin)).status_code == 404
    again = await client.post("/v1/api-keys", json=body, headers=keyed)
    # Not a 201 with `"status": "active"` for a key that is revoked.
    assert again.status_code == 404, (again.status_code, again.json().get("status"))
