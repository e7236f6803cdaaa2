"""Anonymous attempts on a webhook endpoint are attributed to its practice (SPEC §2.1)."""

from __future__ import annotations

import httpx

from app.state import AppState
from tests.conftest import World
from tests.one_path import only_event, send
from tests.webhooks.support import make_endpoint

BAD = {"Authorization": "Bearer nsk_not-a-real-key"}


async def test_anonymous_attempt_on_api_key_is_attributed(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Control: the same attempt on an API key's id names the practice (passes today)."""
    created = await send(
        client,
        "POST",
        "/v1/api-keys",
        world["admin"].headers,
        json={"name": "k", "scopes": ["clients:read"]},
    )
    refused = await send(client, "DELETE", f"/v1/api-keys/{created.json()['id']}", BAD)
    assert refused.status_code == 401
    event = await only_event(state, refused.headers["x-request-id"])
    assert event["practice_id"] == world.practice_id


async def test_anonymous_attempt_on_webhook_endpoint_is_attributed(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    endpoint = await make_endpoint(client, world["admin"].headers, "http://127.0.0.1:9/hook")
    for method, path in (
        ("DELETE", f"/v1/webhook-endpoints/{endpoint['id']}"),
        ("POST", f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret"),
        ("GET", f"/v1/webhook-endpoints/{endpoint['id']}"),
    ):
        refused = await send(client, method, path, BAD)
        assert refused.status_code == 401
        event = await only_event(state, refused.headers["x-request-id"])
        assert event["practice_id"] == world.practice_id, (method, path, event["practice_id"])
