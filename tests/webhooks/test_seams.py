"""Seams of the feed and webhooks: idempotent replays, the body limit, ETags, retries."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import col

from app.models import FeedEvent, WebhookDelivery
from app.state import AppState
from tests.conftest import World
from tests.factories import at, create_client, days_ago, make_api_key
from tests.one_path import only_event, send
from tests.webhooks.support import deliverer, make_endpoint


async def _types(state: AppState, world: World) -> list[str]:
    async with state.sessionmaker() as db:
        rows = await db.execute(
            sa.select(col(FeedEvent.type))
            .where(col(FeedEvent.practice_id) == world.practice_id)
            .where(~col(FeedEvent.type).startswith("user."))
            .order_by(col(FeedEvent.position))
        )
        return list(rows.scalars())


async def test_replayed_intake_booking_writes_its_events_once(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    made = await create_client(client, world["therapist"].headers)
    scheduler = await make_api_key(state, world, ["sessions:write", "sessions:read"])
    body: dict[str, Any] = {
        "client_id": made["id"],
        "starts_at": at(days_ago(-3)),
        "status": "scheduled",
        "duration_minutes": 50,
        "modality": "in_person",
        "therapist_id": str(world["therapist"].id),
    }
    headers = {**scheduler, "Idempotency-Key": "intake-1"}
    first = await client.post("/v1/sessions", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = await client.post("/v1/sessions", json=body, headers=headers)
    assert again.status_code == 201, again.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert await _types(state, world) == ["client.created", "episode.opened", "session.created"]


async def test_oversized_endpoint_create_is_413_and_attributed(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    big = {
        "url": "http://127.0.0.1:9/h",
        "event_types": ["client.*"],
        "description": "x" * (1 << 21),
    }
    response = await send(client, "POST", "/v1/webhook-endpoints", world["admin"].headers, json=big)
    assert response.status_code == 413, response.text
    event = await only_event(state, response.headers["x-request-id"])
    assert (event["action"], event["actor_id"]) == ("webhook_endpoint.create", world["admin"].id)


async def test_stale_and_weak_if_match_on_endpoint_patch_are_412(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world["admin"].headers
    made = await make_endpoint(client, admin, "http://127.0.0.1:9/h")
    url = f"/v1/webhook-endpoints/{made['id']}"
    etag = (await client.get(url, headers=admin)).headers["ETag"]
    ok = await client.patch(url, json={"description": "a"}, headers={**admin, "If-Match": etag})
    assert ok.status_code == 200, ok.text
    stale = await client.patch(url, json={"description": "b"}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 412, stale.text
    weak = await client.patch(
        url, json={"description": "c"}, headers={**admin, "If-Match": "W/" + ok.headers["ETag"]}
    )
    assert weak.status_code == 412, weak.text


async def test_admin_may_not_retry_deliveries_of_a_clinical_endpoint(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    """docs/integrations.md: retrying an endpoint's deliveries is for a manager that may read
    every type the endpoint delivers (403 otherwise), as for its log, ping and secret."""
    ehr = await make_api_key(state, world, ["webhooks:manage", "clients:read", "notes:read"])
    made = await make_endpoint(client, ehr, "http://127.0.0.1:9/ehr", ["client.*", "note.*"])
    await create_client(client, world["therapist"].headers)
    d = deliverer(state)
    await d.fan_out()
    await d.close()
    async with state.sessionmaker() as db:
        delivery_id = (
            await db.execute(
                sa.select(col(WebhookDelivery.id)).where(
                    col(WebhookDelivery.endpoint_id) == uuid.UUID(made["id"])
                )
            )
        ).scalar_one()
    admin = world["admin"].headers
    base = f"/v1/webhook-endpoints/{made['id']}"
    assert (await client.get(f"{base}/deliveries", headers=admin)).status_code == 403
    assert (await client.post(f"{base}/test", headers=admin)).status_code == 403
    retried = await client.post(f"/v1/webhook-deliveries/{delivery_id}/retry", headers=admin)
    assert retried.status_code == 403, retried.text
