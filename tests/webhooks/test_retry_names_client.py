"""A retry sends a client's event to an outside URL again: its audit event names that client
(SPEC §6), as reading the event from the feed does; so do attempts refused without a key or
by role (§2.1)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import col

from app.models import WebhookDelivery
from app.state import AppState
from tests.conftest import World
from tests.factories import create_client
from tests.one_path import only_event, send
from tests.webhooks.support import deliverer, make_endpoint


async def _queued(
    client: httpx.AsyncClient, world: World, state: AppState
) -> tuple[uuid.UUID, dict[str, Any]]:
    """A delivery of a new client's `client.created`, and the client."""
    endpoint = await make_endpoint(client, world["admin"].headers, "http://127.0.0.1:9/hook")
    made = await create_client(client, world["therapist"].headers)
    d = deliverer(state)
    await d.fan_out()
    await d.close()
    async with state.sessionmaker() as db:
        delivery_id = (
            await db.execute(
                sa.select(col(WebhookDelivery.id)).where(
                    col(WebhookDelivery.endpoint_id) == uuid.UUID(endpoint["id"])
                )
            )
        ).scalar_one()
    return delivery_id, made


async def test_retry_event_names_the_client(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    delivery_id, made = await _queued(client, world, state)
    feed = await send(client, "GET", "/v1/events", world["admin"].headers)
    assert (await only_event(state, feed.headers["x-request-id"]))["client_ids"] == [made["id"]]
    retried = await send(
        client, "POST", f"/v1/webhook-deliveries/{delivery_id}/retry", world["admin"].headers
    )
    assert retried.status_code == 202, retried.text
    event = await only_event(state, retried.headers["x-request-id"])
    assert event["client_ids"] == [made["id"]], event["client_ids"]


@pytest.mark.parametrize("who", ["anonymous", "therapist"])
async def test_a_refused_retry_names_the_client_too(
    client: httpx.AsyncClient, world: World, state: AppState, who: str
) -> None:
    delivery_id, made = await _queued(client, world, state)
    headers = (
        {"Authorization": "Bearer nsk_not-a-real-key"}
        if who == "anonymous"
        else world["therapist"].headers
    )
    refused = await send(client, "POST", f"/v1/webhook-deliveries/{delivery_id}/retry", headers)
    assert refused.status_code in (401, 403), refused.text
    event = await only_event(state, refused.headers["x-request-id"])
    assert event["practice_id"] == world.practice_id
    assert event["client_ids"] == [made["id"]], event["client_ids"]
