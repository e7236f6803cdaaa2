"""Standard Webhooks signatures checked by hand (HMAC-SHA256 over id.timestamp.body), and
through a secret rotation: both secrets verify during the grace period."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import AsyncIterator

import httpx
import pytest
from standardwebhooks import Webhook

from app.state import AppState
from bench.webhook_receiver import Receiver
from tests.conftest import World
from tests.factories import create_client
from tests.webhooks.support import deliverer, make_endpoint, run_passes


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    made = await Receiver().start()
    yield made
    await made.stop()


def by_hand(secret: str, headers: dict[str, str], body: bytes) -> set[str]:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    return {"v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()}


async def test_signature_by_hand_and_through_rotation(
    client: httpx.AsyncClient, state: AppState, world: World, receiver: Receiver
) -> None:
    admin = world["admin"].headers
    endpoint = await make_endpoint(client, admin, receiver.url)
    await create_client(client, world["therapist"].headers)
    rotated = await client.post(
        f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", headers=admin
    )
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    d = deliverer(state)
    await run_passes(d)
    await d.close()
    assert len(receiver.requests) == 1
    req = receiver.requests[0]
    sigs = set(req.headers["webhook-signature"].split(" "))
    assert by_hand(endpoint["secret"], req.headers, req.body) <= sigs
    assert by_hand(new, req.headers, req.body) <= sigs
    Webhook(endpoint["secret"]).verify(req.body, req.headers)
    Webhook(new.removeprefix("whsec_")).verify(req.body, req.headers)
