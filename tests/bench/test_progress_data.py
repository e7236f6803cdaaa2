"""The benchmark data builder loads a consistent caseload and episode (small sizes here)."""

from __future__ import annotations

import httpx

from app.state import AppState
from bench.progress_data import Sizes, build
from tests.conftest import World


async def test_benchdata_builds_a_readable_episode(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    sizes = Sizes(clients=4, sessions=40, observations=120, relationship_episodes=12, measures=6)
    async with state.sessionmaker() as db:
        data = await build(
            session=db,
            ring=state.secrets.key_ring,
            practice_id=world.practice_id,
            therapist_id=world["therapist"].id,
            sizes=sizes,
        )
        await db.commit()
    headers = world["therapist"].headers
    progress = await client.get(f"/v1/episodes/{data.big_episode_id}/progress", headers=headers)
    assert progress.status_code == 200, progress.text
    phases = progress.json()["phases"]
    assert sum(p["sessions"]["total"] for p in phases) == 40
    assert sum(p["ccrt"]["relationship_episodes"] for p in phases) == 12
    observed = sum(t["count"] for p in phases for t in p["themes"])
    assert observed == 120
    caseload = await client.get("/v1/reports/caseload", headers=headers)
    assert caseload.json()["summary"]["clients"] == 4
