"""The demo findings tell a believable course: defenses mature, PHQ-9 falls, alliance grows."""

from __future__ import annotations

import httpx
from sqlmodel import col, select

from app.demo.clinical import seed_clinical
from app.demo.progress import seed_progress
from app.models import User
from app.state import AppState
from tests.conftest import World


async def test_demo_progress_story(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    async with state.sessionmaker() as db:
        rows = (
            await db.execute(select(User).where(col(User.practice_id) == world.practice_id))
        ).scalars()
        by_id = {user.id: user for user in rows}
        users = {name: by_id[member.id] for name, member in world.members.items()}
        ring = state.secrets.key_ring
        visits = await seed_clinical(
            session=db, practice_id=world.practice_id, users=users, ring=ring
        )
        assert await seed_progress(session=db, visits=visits, ring=ring) > 200
        assert await seed_progress(session=db, visits=visits, ring=ring) == 0  # idempotent
        await db.commit()
    me = world["therapist"].headers
    clients = (await client.get("/v1/clients?q=Wu", headers=me)).json()["items"]
    response = await client.get(f"/v1/clients/{clients[0]['id']}/progress", headers=me)
    assert response.status_code == 200, response.text
    phases = {p["phase"]: p for p in response.json()["phases"]}
    assert list(phases) == ["initial", "exploration", "working_through", "termination"]
    odf = [p["defensive_functioning"]["odf"] for p in phases.values()]
    assert odf == sorted(odf)
    assert odf[0] < 3.5 < 6 < odf[-1]

    def measure(phase: str, instrument: str) -> dict[str, object]:
        return next(m for m in phases[phase]["measures"] if m["instrument"] == instrument)

    first, last = measure("initial", "phq9"), measure("termination", "phq9")
    assert first["first"] == 19
    assert isinstance(last["last"], int)
    assert last["last"] <= 9
    assert last["last_severity"] in ("minimal", "mild")
    assert all(p["ccrt"]["relationship_episodes"] for p in phases.values())
    positive = phases["termination"]["ccrt"]["response_of_self"]
    assert all(r["negative"] == 0 for r in positive)
