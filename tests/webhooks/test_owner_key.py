"""An endpoint stops with the API key that set it up (app/webhooks/owners.py).

Revoked or expired, the key's clinical access ends; so does the event stream it subscribed.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import col

from app.db import utcnow
from app.models import ApiKey, WebhookDelivery
from app.state import AppState
from app.webhooks.owners import REASON
from tests.conftest import World
from tests.factories import clinical_case
from tests.notes.support import NotesApi
from tests.one_path import Key, api_key
from tests.webhooks.support import deliverer, make_endpoint


async def _queued(state: AppState, endpoint_id: str) -> list[str]:
    async with state.sessionmaker() as db:
        rows = await db.execute(
            sa.select(col(WebhookDelivery.event_type)).where(
                col(WebhookDelivery.endpoint_id) == uuid.UUID(endpoint_id)
            )
        )
        return list(rows.scalars())


async def _sign_and_fan_out(
    client: httpx.AsyncClient, world: World, state: AppState, session_id: str
) -> None:
    await NotesApi(client).signed(world["therapist"].headers, uuid.UUID(session_id))
    d = deliverer(state)
    await d.fan_out()
    await d.close()


async def _manager(state: AppState, world: World) -> Key:
    return await api_key(state, world, "webhooks:manage", "notes:read")


async def _endpoint(client: httpx.AsyncClient, key: Key) -> dict[str, Any]:
    return await make_endpoint(client, key.headers, "http://127.0.0.1:9/ehr", ["note.*"])


async def test_revoking_the_key_disables_its_endpoint_at_once(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await clinical_case(client, world)
    key = await api_key(state, world, "webhooks:manage", "notes:read")
    made = await _endpoint(client, key)
    other = await _endpoint(client, await _manager(state, world))
    revoked = await client.delete(f"/v1/api-keys/{key.id}", headers=world["supervisor"].headers)
    assert revoked.status_code == 204, revoked.text
    await _sign_and_fan_out(client, world, state, case.session_id)
    assert await _queued(state, made["id"]) == []
    assert await _queued(state, other["id"]) == ["note.signed"]  # another key's goes on
    # The endpoint shows why, and the feed says so.
    manager = await _manager(state, world)
    shown = await client.get(f"/v1/webhook-endpoints/{made['id']}", headers=manager.headers)
    assert (shown.json()["enabled"], shown.json()["disabled_reason"]) == (False, REASON)
    feed = await client.get("/v1/events", headers=world["admin"].headers)
    disabled = [e for e in feed.json()["items"] if e["type"] == "webhook_endpoint.disabled"]
    assert [e["resource"]["id"] for e in disabled] == [made["id"]]


async def test_an_expired_key_s_endpoint_stops_at_the_next_fan_out(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await clinical_case(client, world)
    key = await api_key(state, world, "webhooks:manage", "notes:read")
    made = await _endpoint(client, key)
    async with state.engine.begin() as conn:
        expired = utcnow() - timedelta(seconds=1)
        await conn.execute(
            sa.update(ApiKey).where(col(ApiKey.id) == key.id).values(expires_at=expired)
        )
    await _sign_and_fan_out(client, world, state, case.session_id)
    assert await _queued(state, made["id"]) == []


async def test_enabling_it_again_makes_it_the_enabling_key_s(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await clinical_case(client, world)
    first = await api_key(state, world, "webhooks:manage", "notes:read")
    made = await _endpoint(client, first)
    await client.delete(f"/v1/api-keys/{first.id}", headers=world["supervisor"].headers)
    second = await api_key(state, world, "webhooks:manage", "notes:read")
    url = f"/v1/webhook-endpoints/{made['id']}"
    enabled = await client.patch(url, json={"enabled": True}, headers=second.headers)
    assert enabled.json()["enabled"] is True, enabled.text
    await _sign_and_fan_out(client, world, state, case.session_id)
    assert await _queued(state, made["id"]) == ["note.signed"]
    await client.delete(f"/v1/api-keys/{second.id}", headers=world["supervisor"].headers)
    shown = await client.get(url, headers=(await _manager(state, world)).headers)
    assert shown.json()["enabled"] is False


async def test_an_admins_endpoint_has_no_owner_key(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    key = await api_key(state, world, "webhooks:manage", "clients:read")
    made = await make_endpoint(client, world["admin"].headers, "http://127.0.0.1:9/a", ["client.*"])
    await client.delete(f"/v1/api-keys/{key.id}", headers=world["admin"].headers)
    shown = await client.get(f"/v1/webhook-endpoints/{made['id']}", headers=world["admin"].headers)
    assert shown.json()["enabled"] is True
