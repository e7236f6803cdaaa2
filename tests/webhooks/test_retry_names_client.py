"""A manual retry sends a client's event to an outside URL again: its audit event names that
client (SPEC §6), as reading the same event from the feed does."""

from __future__ import annotations

import uuid

import httpx
import sqlalchemy as sa
from sqlmodel import col

from app.models import WebhookDelivery
from app.state import AppState
from tests.conftest import World
from tests.factories import create_client
from tests.one_path import only_event, send
from tests.webhooks.support import deliverer, make_endpoint


async def test_retry_event_names_the_client(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
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
    # Control: reading the same event from the feed names the client.
    feed = await send(client, "GET", "/v1/events", world["admin"].headers)
    assert (await only_event(state, feed.headers["x-request-id"]))["client_ids"] == [made["id"]]
    retried = await send(
        client, "POST", f"/v1/webhook-deliveries/{delivery_id}/retry", world["admin"].headers
    )
    assert retried.status_code == 202, retried.text
    event = await only_event(state, retried.headers["x-request-id"])
    assert event["client_ids"] == [made["id"]], event["client_ids"]
