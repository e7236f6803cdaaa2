"""A review's finding is committed to by its own event: changing the row fails verify."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.audit.ledger.tree import EVENT
from app.config import Settings
from app.main import create_app
from app.state import AppState
from tests.audit.conftest import Spec, seed, sequence_now
from tests.conftest import World, build_world


@pytest.fixture
async def fresh_state(
    fresh_settings: Settings,
) -> AsyncIterator[tuple[AppState, httpx.AsyncClient]]:
    application = create_app(fresh_settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield application.state.services, c


async def _update_review(engine: AsyncEngine, backend: str, review_id: str, decision: str) -> None:
    """A superuser's UPDATE that the append-only triggers would refuse."""
    update = sa.text("UPDATE audit_review SET decision = :d, comment = 'ok' WHERE id = :id")
    async with engine.begin() as conn:
        if backend == "postgresql":
            await conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            await conn.execute(update, {"d": decision, "id": uuid.UUID(review_id)})
            return
        trigger = (
            await conn.execute(
                sa.text("SELECT sql FROM sqlite_master WHERE name = 'audit_review_no_update'")
            )
        ).scalar_one()
        await conn.execute(sa.text("DROP TRIGGER audit_review_no_update"))
        await conn.execute(update, {"d": decision, "id": uuid.UUID(review_id).hex})
        await conn.execute(sa.text(trigger))


async def test_an_edited_review_fails_verify(
    fresh_state: tuple[AppState, httpx.AsyncClient], backend: str
) -> None:
    state, client = fresh_state
    world: World = await build_world(state)
    [target] = await seed(
        state,
        world.practice_id,
        [Spec(actor_id=world["therapist2"].id, clients=[uuid.uuid4()], break_glass="on call")],
    )
    h = world["auditor"].headers
    comment = "no emergency on record"
    r = await client.post(
        f"/v1/audit/events/{target}/review",
        json={"decision": "unjustified", "comment": comment},
        headers=h,
    )
    assert r.status_code == 201, r.text
    review = r.json()
    async with state.engine.connect() as conn:
        details = (
            await conn.execute(
                sa.select(EVENT.c.details).where(EVENT.c.id == uuid.UUID(review["review_event_id"]))
            )
        ).scalar_one()
    # The decision and a digest of the comment, never its text.
    assert details == {
        "review_id": review["id"],
        "decision": "unjustified",
        "comment_sha256": hashlib.sha256(comment.encode()).hexdigest(),
    }
    await sequence_now(state)
    assert (await client.get("/v1/audit/verify", headers=h)).json()["ok"] is True

    await _update_review(state.engine, backend, review["id"], "justified")
    report = (await client.get("/v1/audit/verify", headers=h)).json()
    assert report["ok"] is False
    [problem] = report["problems"]
    assert problem["kind"] == "review_mismatch"
    assert problem["event_id"] == review["review_event_id"]
    assert problem["seq"] is not None
