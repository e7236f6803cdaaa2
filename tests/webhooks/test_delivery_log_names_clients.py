"""Reading an endpoint's delivery log shows which events (ids, positions, types) went out
for which client: its audit event must name those clients (SPEC §6), as the feed read does."""

from __future__ import annotations

import httpx

from app.state import AppState
from tests.conftest import World
from tests.factories import create_client
from tests.one_path import only_event, send
from tests.webhooks.support import deliverer, make_endpoint


async def test_delivery_log_read_names_the_clients_of_the_listed_deliveries(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    endpoint = await make_endpoint(client, world["admin"].headers, "http://127.0.0.1:9/hook")
    made = await create_client(client, world["therapist"].headers)
    d = deliverer(state)
    await d.fan_out()
    await d.close()

    feed = await send(client, "GET", "/v1/events", world["admin"].headers)
    assert (await only_event(state, feed.headers["x-request-id"]))["client_ids"] == [made["id"]]

    log = await send(
        client, "GET", f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", world["admin"].headers
    )
    assert log.status_code == 200, log.text
    items = log.json()["items"]
    assert [i["event_type"] for i in items] == ["client.created"]
    # The listed delivery's event_id is the client.created event of `made` (same as the feed's).
    created = [e for e in feed.json()["items"] if e["type"] == "client.created"]
    assert items[0]["event_id"] == created[0]["id"]
    event = await only_event(state, log.headers["x-request-id"])
    assert event["client_ids"] == [made["id"]], event["client_ids"]
