"""Attempts on a delivery, anonymous or refused by role, name the client its message names."""

from __future__ import annotations

import uuid

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


@pytest.mark.parametrize("who", ["anonymous", "therapist"])
async def test_refused_retry_names_the_client_too(
    client: httpx.AsyncClient, world: World, state: AppState, who: str
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
