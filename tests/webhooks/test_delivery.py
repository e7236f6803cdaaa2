"""The deliverer in process: signed, ordered, retried, disabled; several share the work."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col
from standardwebhooks import Webhook, WebhookVerificationError

from app.db import utcnow
from app.models import FeedEvent, WebhookDelivery, WebhookEndpoint
from app.state import AppState
from bench.webhook_receiver import Receiver
from tests.conftest import World
from tests.factories import create_client, problem
from tests.waiting import eventually
from tests.webhooks.support import deliverer, make_endpoint, run_passes


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A receiver on 127.0.0.1 that answers 204."""
    made = await Receiver().start()
    yield made
    await made.stop()


async def test_deliveries_verify_with_the_reference_library(
    client: httpx.AsyncClient, state: AppState, world: World, receiver: Receiver
) -> None:
    endpoint = await make_endpoint(client, world["admin"].headers, receiver.url)
    assert endpoint["secret"].startswith("whsec_")
    made = await create_client(client, world["therapist"].headers)
    d = deliverer(state)
    await run_passes(d)
    await d.close()
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    event = Webhook(endpoint["secret"]).verify(request.body, request.headers)
    assert event["type"] == "client.created"
    assert event["resource"] == {"type": "client", "id": made["id"]}
    assert set(event) == {"id", "position", "type", "occurred_at", "resource", "client_id", "actor"}
    assert request.headers["webhook-id"].startswith("msg_")
    assert request.headers["webhook-signature"].startswith("v1,")

    wrong = Webhook("whsec_" + "A" * 43)
    with pytest.raises(WebhookVerificationError):
        wrong.verify(request.body, request.headers)
    altered = request.body.replace(b"client.created", b"client.updated")
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(altered, request.headers)
    old = {**request.headers, "webhook-timestamp": str(int(request.at) - 3600)}
    stale = dict(old, **{"webhook-timestamp": str(int(utcnow().timestamp()) - 3600)})
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(request.body, stale)


async def test_failures_are_retried_in_order_and_logged(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    receiver = await Receiver(fail_first=3).start()
    try:
        endpoint = await make_endpoint(client, world["admin"].headers, receiver.url)
        made = [await create_client(client, world["therapist"].headers) for _ in range(4)]
        d = deliverer(state)

        async def all_delivered() -> bool:
            await run_passes(d)
            return len({r.headers["webhook-id"] for r in receiver.requests}) == 4 and all(
                r["status"] == "succeeded" for r in await deliveries()
            )

        async def deliveries() -> list[dict[str, Any]]:
            page = await client.get(
                f"/v1/webhook-endpoints/{endpoint['id']}/deliveries",
                headers=world["admin"].headers,
            )
            assert page.status_code == 200, page.text
            items: list[dict[str, Any]] = page.json()["items"]
            return items

        await eventually(all_delivered)
        await d.close()
    finally:
        await receiver.stop()
    # The first message failed three times before anything else was sent: order holds.
    assert len(receiver.requests) == 7
    ids = [json.loads(r.body)["resource"]["id"] for r in receiver.requests]
    assert ids == [made[0]["id"]] * 4 + [c["id"] for c in made[1:]]
    log = await deliveries()
    first = log[0]
    assert first["attempt_count"] == 4
    assert [a["outcome"] for a in first["attempts"]] == ["http_error"] * 3 + ["success"]
    assert [a["response_status"] for a in first["attempts"]] == [500, 500, 500, 204]
    assert all(a["duration_ms"] >= 0 for a in first["attempts"])


async def test_an_endpoint_failing_too_long_is_disabled_with_an_event(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    receiver = await Receiver(status=503).start()
    try:
        endpoint = await make_endpoint(client, world["admin"].headers, receiver.url)
        path = f"/v1/webhook-endpoints/{endpoint['id']}"
        before = (await client.get(path, headers=world["admin"].headers)).headers["etag"]
        await create_client(client, world["therapist"].headers)
        d = deliverer(state, webhook_disable_after_seconds=0.2, webhook_retry_window_seconds=60)
        await run_passes(d)
        failing = await client.get(path, headers=world["admin"].headers)
        assert failing.json()["failing_since"] is not None
        assert failing.headers["etag"] != before  # marked failing: what it shows changed

        async def disabled() -> bool:
            await run_passes(d)
            async with state.sessionmaker() as db:
                row = await db.get(WebhookEndpoint, uuid.UUID(endpoint["id"]))
                return row is not None and not row.enabled

        await eventually(disabled)
        await d.close()
    finally:
        await receiver.stop()
    shown = await client.get(
        f"/v1/webhook-endpoints/{endpoint['id']}", headers=world["admin"].headers
    )
    assert shown.json()["enabled"] is False
    assert shown.json()["disabled_reason"]
    async with state.sessionmaker() as db:
        found = await db.execute(
            select(FeedEvent).where(
                col(FeedEvent.practice_id) == world.practice_id,
                col(FeedEvent.type) == "webhook_endpoint.disabled",
            )
        )
        events = list(found.scalars())
        assert [(e.resource_id, e.actor_type) for e in events] == [
            (uuid.UUID(endpoint["id"]), "system")
        ]
        failed = await db.execute(
            select(col(WebhookDelivery.status)).where(
                col(WebhookDelivery.endpoint_id) == uuid.UUID(endpoint["id"])
            )
        )
        assert set(failed.scalars()) == {"pending"}, "kept for when it is enabled again"
    # What the API shows changed: so did the ETag, and a change based on the old view is stale.
    assert shown.headers["etag"] not in (before, failing.headers["etag"])
    stale = {**world["admin"].headers, "If-Match": before}
    problem(await client.patch(path, json={"enabled": True}, headers=stale), 412)
    current = {**world["admin"].headers, "If-Match": shown.headers["etag"]}
    enabled = await client.patch(path, json={"enabled": True}, headers=current)
    assert (enabled.json()["enabled"], enabled.json()["failing_since"]) == (True, None)


async def test_a_slow_endpoint_does_not_hold_back_another(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    slow = await Receiver(delay=2.0).start()
    fast = await Receiver().start()
    try:
        await make_endpoint(client, world["admin"].headers, slow.url)
        await make_endpoint(client, world["admin"].headers, fast.url)
        for _ in range(3):
            await create_client(client, world["therapist"].headers)
        d = deliverer(state)
        await d.pass_once()
        await eventually(lambda: _count(fast, 3), timeout=1.5, interval=0.01)
        assert len(slow.requests) <= 1, "the slow one is still on its first message"
        await d.close()
    finally:
        await slow.stop()
        await fast.stop()


async def _count(receiver: Receiver, n: int) -> bool:
    return len(receiver.requests) >= n


async def test_two_deliverers_share_the_work_without_double_sending(
    client: httpx.AsyncClient, state: AppState, world: World, backend: str
) -> None:
    receivers = [await Receiver().start() for _ in range(4)]
    try:
        for r in receivers:
            await make_endpoint(client, world["admin"].headers, r.url)
        for _ in range(5):
            await create_client(client, world["therapist"].headers)
        first, second = deliverer(state), deliverer(state)
        stop = asyncio.Event()
        runs = [asyncio.create_task(x.run(stop)) for x in (first, second)]
        await eventually(lambda: _all(receivers, 5), interval=0.02)
        stop.set()
        await asyncio.gather(*runs)
    finally:
        for r in receivers:
            await r.stop()
    for r in receivers:
        ids = [q.headers["webhook-id"] for q in r.requests]
        assert len(ids) == len(set(ids)) == 5


async def _all(receivers: list[Receiver], n: int) -> bool:
    return all(len(r.requests) >= n for r in receivers)


async def test_rotation_signs_with_both_secrets_during_the_grace_period(
    client: httpx.AsyncClient, state: AppState, world: World, receiver: Receiver
) -> None:
    admin = world["admin"].headers
    endpoint = await make_endpoint(client, admin, receiver.url)
    rotated = await client.post(
        f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", headers=admin
    )
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret != endpoint["secret"]
    ping = await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=admin)
    assert ping.status_code == 202, ping.text
    d = deliverer(state)
    await run_passes(d)
    request = receiver.requests[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (endpoint["secret"], new_secret):
        assert Webhook(secret).verify(request.body, request.headers)["type"] == "webhook.test"
    async with state.sessionmaker() as db:
        row = await db.get(WebhookEndpoint, uuid.UUID(endpoint["id"]))
        assert row is not None
        row.previous_secret_expires_at = utcnow() - timedelta(seconds=1)
        await db.commit()
    await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=admin)
    await run_passes(d)
    await d.close()
    request = receiver.requests[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 1
    Webhook(new_secret).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(request.body, request.headers)


async def test_manual_retry_sends_again_with_the_same_webhook_id(
    client: httpx.AsyncClient, state: AppState, world: World, receiver: Receiver
) -> None:
    admin = world["admin"].headers
    endpoint = await make_endpoint(client, admin, receiver.url)
    ping = await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=admin)
    d = deliverer(state)
    await run_passes(d)
    again = await client.post(f"/v1/webhook-deliveries/{ping.json()['id']}/retry", headers=admin)
    assert (again.status_code, again.json()["status"]) == (202, "pending")
    await run_passes(d)
    await d.close()
    assert [r.headers["webhook-id"] for r in receiver.requests] == [ping.json()["webhook_id"]] * 2


async def test_a_lease_that_runs_out_mid_send_starts_no_second_drain(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    slow = await Receiver(delay=1.0).start()
    try:
        await make_endpoint(client, world["admin"].headers, slow.url)
        for _ in range(2):
            await create_client(client, world["therapist"].headers)
        # No pacing: a busy machine must not hold a send past this short lease's deadline.
        d = deliverer(state, webhook_lease_seconds=0.5, webhook_busy_per_second=0)
        await d.pass_once()
        await eventually(lambda: _count(slow, 1), timeout=2, interval=0.01)
        # The lease has run out while the first send waits for its answer: this deliverer
        # must not claim the endpoint again and resend what it has not recorded yet.
        await asyncio.sleep(0.6)
        await d.pass_once()
        await d.settle()
        await run_passes(d, 3)
        await d.close()
    finally:
        await slow.stop()
    ids = [q.headers["webhook-id"] for q in slow.requests]
    assert len(ids) == len(set(ids)) == 2, ids
