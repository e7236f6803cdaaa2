"""SPEC §9: each message is retried with backoff for at least 24 hours (docs: 3 days). A
message queued behind a failing head waits without any attempt; its retry window is counted
from its creation, so once the head gives up, the messages behind it are marked `failed` after
a single attempt: a receiver back a little later has lost them all."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import sqlalchemy as sa
from sqlmodel import col

from app.models import WebhookDelivery
from app.state import AppState
from bench.webhook_receiver import Receiver
from tests.conftest import World
from tests.factories import create_client
from tests.webhooks.support import deliverer, make_endpoint, run_passes


async def test_messages_behind_a_failing_head_get_their_own_retries(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    receiver = await Receiver(status=500).start()  # the receiver is down throughout
    try:
        endpoint = await make_endpoint(client, world["admin"].headers, receiver.url)
        for _ in range(3):
            await create_client(client, world["therapist"].headers)
        # The retry window scaled down: 0.6 s stands for the 3 days.
        d = deliverer(state, webhook_retry_window_seconds=0.6, webhook_disable_after_seconds=60)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 3
        rows: list[tuple[str, int]] = []
        while loop.time() < deadline:
            await run_passes(d)
            async with state.sessionmaker() as db:
                rows = list(
                    (
                        await db.execute(
                            sa.select(col(WebhookDelivery.status), col(WebhookDelivery.attempts))
                            .where(col(WebhookDelivery.endpoint_id) == uuid.UUID(endpoint["id"]))
                            .order_by(col(WebhookDelivery.position))
                        )
                    ).all()
                )
            if rows and all(status == "failed" for status, _ in rows):
                break
            await asyncio.sleep(0.02)
        await d.close()
    finally:
        await receiver.stop()
    assert [s for s, _ in rows] == ["failed"] * 3, rows
    head, *behind = rows
    assert head[1] > 1, rows  # the head was retried
    # Each message behind it must have been retried too, not given up on its first attempt.
    assert all(attempts > 1 for _, attempts in behind), rows
