"""A message withdrawn by narrowing while its send is under way stays withdrawn."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import col

from app.db import utcnow
from app.models import WebhookDelivery
from app.state import AppState
from app.webhooks.sender import Attempt
from bench.webhook_receiver import Receiver
from tests.conftest import World
from tests.factories import clinical_case, make_api_key
from tests.notes.support import NotesApi
from tests.webhooks.support import deliverer, make_endpoint, run_passes


async def _status(state: AppState, endpoint_id: str, kind: str) -> str:
    async with state.sessionmaker() as db:
        rows = await db.execute(
            sa.select(col(WebhookDelivery.status)).where(
                col(WebhookDelivery.endpoint_id) == uuid.UUID(endpoint_id),
                col(WebhookDelivery.event_type) == kind,
            )
        )
        return rows.scalar_one()


async def test_narrowing_during_a_send_keeps_the_message_withdrawn(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    case = await clinical_case(client, world)
    ehr = await make_api_key(state, world, ["webhooks:manage", "notes:read", "clients:read"])
    made = await make_endpoint(client, ehr, "http://127.0.0.1:9/ehr", ["client.*", "note.*"])
    base = f"/v1/webhook-endpoints/{made['id']}"
    await NotesApi(client).signed(world["therapist"].headers, uuid.UUID(case.session_id))
    d = deliverer(state)
    await d.fan_out()
    assert await _status(state, made["id"], "note.signed") == "pending"

    async def send(target: Any, secrets_: Any, delivery: Any) -> Attempt:  # narrowed meanwhile
        if delivery.event_type == "note.signed":
            narrowed = await client.patch(base, json={"event_types": ["client.*"]}, headers=ehr)
            assert narrowed.status_code == 200, narrowed.text
            assert await _status(state, made["id"], "note.signed") == "cancelled"
        return Attempt(delivery, utcnow(), 1, "error", None, "connect failed")

    d.sender.send = send  # type: ignore[method-assign]
    await run_passes(d)
    await d.close()
    # Withdrawn stays withdrawn (docs: narrowing withdraws queued messages of dropped types).
    after_send = await _status(state, made["id"], "note.signed")

    # Otherwise: an admin, who may not read note events, now manages the narrowed endpoint,
    # points it at themselves and receives the note message.
    receiver = await Receiver().start()
    try:
        moved = await client.patch(base, json={"url": receiver.url}, headers=world["admin"].headers)
        assert moved.status_code == 200, moved.text
        d = deliverer(state)
        import asyncio

        await asyncio.sleep(0.1)
        await run_passes(d, 3)
        await d.close()
        received = [r.body for r in receiver.requests]
    finally:
        await receiver.stop()
    assert not [b for b in received if b"note.signed" in b], (after_send, received)
    assert after_send == "cancelled"
