"""A narrowed endpoint keeps no queued message of the types it dropped (docs/integrations.md).

Otherwise a manager who may not read those types (an admin, for note events) could point the
narrowed endpoint's URL at themselves and receive them, or read them in its delivery log.
"""

from __future__ import annotations

import uuid

import httpx
import sqlalchemy as sa
from sqlmodel import col

from app.models import WebhookDelivery
from app.state import AppState
from bench.webhook_receiver import Receiver
from tests.conftest import World
from tests.factories import clinical_case, create_client, make_api_key
from tests.notes.support import NotesApi
from tests.webhooks.support import deliverer, make_endpoint, run_passes


async def _statuses(state: AppState, endpoint_id: str) -> dict[str, str]:
    async with state.sessionmaker() as db:
        rows = await db.execute(
            sa.select(col(WebhookDelivery.event_type), col(WebhookDelivery.status)).where(
                col(WebhookDelivery.endpoint_id) == uuid.UUID(endpoint_id)
            )
        )
        return dict(rows.all())


async def test_dropped_types_are_withdrawn_and_hidden_from_a_manager_who_may_not_read_them(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    case = await clinical_case(client, world)
    ehr = await make_api_key(state, world, ["webhooks:manage", "notes:read", "clients:read"])
    made = await make_endpoint(client, ehr, "http://127.0.0.1:9/ehr", ["client.*", "note.*"])
    base = f"/v1/webhook-endpoints/{made['id']}"
    await NotesApi(client).signed(world["therapist"].headers, uuid.UUID(case.session_id))
    d = deliverer(state)
    await d.fan_out()  # note.signed is queued, not sent
    await d.close()
    assert (await _statuses(state, made["id"]))["note.signed"] == "pending"
    admin = world["admin"].headers
    assert (await client.get(f"{base}/deliveries", headers=admin)).status_code == 403

    narrowed = await client.patch(base, json={"event_types": ["client.*"]}, headers=ehr)
    assert narrowed.status_code == 200, narrowed.text
    assert (await _statuses(state, made["id"]))["note.signed"] == "cancelled"

    log = await client.get(f"{base}/deliveries", headers=admin)
    assert log.status_code == 200, log.text
    assert not [i for i in log.json()["items"] if i["event_type"].startswith("note.")]
    # The integration still sees its own history.
    own = await client.get(f"{base}/deliveries", headers=ehr)
    note = next(i for i in own.json()["items"] if i["event_type"] == "note.signed")
    assert note["status"] == "cancelled"
    # Nor can it be queued again to a URL that the endpoint's next manager chooses.
    retried = await client.post(f"/v1/webhook-deliveries/{note['id']}/retry", headers=ehr)
    assert retried.status_code == 409, retried.text

    receiver = await Receiver().start()
    try:
        moved = await client.patch(base, json={"url": receiver.url}, headers=admin)
        assert moved.status_code == 200, moved.text
        await create_client(client, world["therapist"].headers)
        d = deliverer(state)
        await run_passes(d)
        await d.close()
        received = [r.body for r in receiver.requests]
    finally:
        await receiver.stop()
    assert [b"client.created" in body for body in received] == [True], received
