"""Revoking a key disables its own endpoints only: never another practice's, never in its name."""

from __future__ import annotations

from datetime import timedelta

import httpx
import sqlalchemy as sa
from sqlmodel import col

from app.db import utcnow
from app.models import ApiKey
from app.state import AppState
from tests.conftest import World
from tests.one_path import api_key
from tests.webhooks.support import make_endpoint


async def test_revoke_in_one_practice_touches_no_other_practice(
    client: httpx.AsyncClient, world: World, other_world: World, state: AppState
) -> None:
    b_key = await api_key(state, other_world, "webhooks:manage", "clients:read")
    await make_endpoint(client, b_key.headers, "http://127.0.0.1:9/b", ["client.*"])
    async with state.engine.begin() as conn:
        await conn.execute(
            sa.update(ApiKey)
            .where(col(ApiKey.id) == b_key.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    before = await client.get("/v1/events", headers=other_world["admin"].headers)
    n_before = len(before.json()["items"])
    # An admin of practice A revokes one of practice A's own keys.
    a_key = await api_key(state, world, "clients:read")
    revoked = await client.delete(f"/v1/api-keys/{a_key.id}", headers=world["admin"].headers)
    assert revoked.status_code == 204, revoked.text
    feed = await client.get("/v1/events", headers=other_world["admin"].headers)
    new = feed.json()["items"][n_before:]
    actors = [e["actor"] for e in new]
    # Nothing crosses practices: no event of practice B names practice A's admin.
    assert all(a.get("id") != str(world["admin"].id) for a in actors), new
