"""An API key that points an endpoint's URL at itself keeps receiving the practice's events
after it is revoked: the endpoint stops only with the key that created or enabled it
(app/webhooks/owners.py: "once the key is revoked or expired, no event may leave for its URL")."""

from __future__ import annotations

import httpx

from app.state import AppState
from bench.webhook_receiver import Receiver
from tests.conftest import World
from tests.factories import create_client
from tests.one_path import api_key
from tests.webhooks.support import deliverer, make_endpoint, run_passes


async def test_revoked_key_that_moved_an_endpoint_url_receives_nothing_more(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    admin = world["admin"].headers
    made = await make_endpoint(client, admin, "http://127.0.0.1:9/practice-own")
    key = await api_key(state, world, "webhooks:manage", "clients:read")
    receiver = await Receiver().start()
    try:
        moved = await client.patch(
            f"/v1/webhook-endpoints/{made['id']}", json={"url": receiver.url}, headers=key.headers
        )
        assert moved.status_code == 200, moved.text
        revoked = await client.delete(f"/v1/api-keys/{key.id}", headers=admin)
        assert revoked.status_code == 204, revoked.text
        await create_client(client, world["therapist"].headers)
        d = deliverer(state)
        await run_passes(d, 2)
        await d.close()
        received = list(receiver.requests)
    finally:
        await receiver.stop()
    assert received == [], [r.body for r in received]
