"""The demo's webhook endpoint: present, pointing nowhere, disabled."""

from __future__ import annotations

import httpx

from app.demo.seed import DEMO_WEBHOOK_URL, seed_webhook
from app.state import AppState
from tests.conftest import World


async def test_the_demo_endpoint_points_nowhere_and_is_disabled(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    async with state.sessionmaker() as db:
        await seed_webhook(session=db, practice_id=world.practice_id, ring=state.secrets.key_ring)
        await db.commit()
    listed = await client.get("/v1/webhook-endpoints", headers=world["admin"].headers)
    [endpoint] = listed.json()["items"]
    assert (endpoint["url"], endpoint["enabled"]) == (DEMO_WEBHOOK_URL, False)
    assert endpoint["disabled_reason"]
    assert "session.created" in endpoint["event_types"]
