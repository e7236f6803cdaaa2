"""No message leaves once the owner key is revoked, even in the middle of a batch."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.db import utcnow
from app.state import AppState
from app.webhooks.sender import Attempt
from tests.conftest import World
from tests.factories import create_client
from tests.one_path import api_key
from tests.webhooks.support import deliverer, make_endpoint, run_passes


async def test_no_message_leaves_after_the_owner_key_is_revoked(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    key = await api_key(state, world, "webhooks:manage", "clients:read")
    made = await make_endpoint(client, key.headers, "http://127.0.0.1:9/x", ["client.*"])
    ours = uuid.UUID(made["id"])
    for _ in range(3):
        await create_client(client, world["therapist"].headers)
    d = deliverer(state)
    sent_after_revoke: list[str] = []
    revoked = False

    async def send(target: Any, secrets_: Any, delivery: Any) -> Attempt:
        nonlocal revoked
        if delivery.endpoint_id != ours:  # another test's endpoint in this database
            pass
        elif revoked:
            sent_after_revoke.append(delivery.event_type)
        else:
            answer = await client.delete(f"/v1/api-keys/{key.id}", headers=world["admin"].headers)
            assert answer.status_code == 204, answer.text
            revoked = True
        return Attempt(delivery, utcnow(), 1, "success", 204, None)

    d.sender.send = send  # type: ignore[method-assign]
    await run_passes(d)
    await d.close()
    assert sent_after_revoke == [], sent_after_revoke
