"""The clinical demo data: every phase present, weekly past sessions, encrypted fields."""

from __future__ import annotations

import httpx
from sqlmodel import col, select

from app.demo.clinical import seed_clinical
from app.models import User
from app.state import AppState
from tests.conftest import World


async def test_seed_clinical_covers_every_phase(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    async with state.sessionmaker() as db:
        rows = (
            await db.execute(select(User).where(col(User.practice_id) == world.practice_id))
        ).scalars()
        by_id = {user.id: user for user in rows}
        users = {name: by_id[member.id] for name, member in world.members.items()}
        attended = await seed_clinical(
            session=db, practice_id=world.practice_id, users=users, ring=state.secrets.key_ring
        )
        await db.commit()
    assert len(attended) > 60
    assert all(s.status == "attended" for s in attended)
    assert attended == sorted(attended, key=lambda s: s.starts_at)
    me = world["therapist"].headers
    phases = set()
    for phase in ("initial", "exploration", "working_through", "termination"):
        listed = await client.get(
            "/v1/sessions", params={"phase": phase, "limit": "200"}, headers=me
        )
        assert listed.status_code == 200, listed.text
        if listed.json()["items"]:
            phases.add(phase)
    assert phases == {"initial", "exploration", "working_through", "termination"}
    episodes = []
    for item in (await client.get("/v1/clients", headers=me)).json()["items"]:
        episodes += (await client.get(f"/v1/clients/{item['id']}/episodes", headers=me)).json()[
            "items"
        ]
    assert {e["current_phase"] for e in episodes} == set(phases)
    assert all(e["goals"] for e in episodes)
