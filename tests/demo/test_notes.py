"""The demo notes: a living record with every lifecycle state, readable by the right people."""

from __future__ import annotations

from collections import Counter

import httpx
from sqlmodel import col, select

from app.demo.clinical import seed_clinical
from app.demo.notes import seed_notes
from app.models import Note, User
from app.state import AppState
from tests.conftest import World


async def test_demo_notes(client: httpx.AsyncClient, world: World, state: AppState) -> None:
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
        written = await seed_notes(session=db, visits=visits, users=users, ring=ring)
        assert written == len(visits) + 2
        assert await seed_notes(session=db, visits=visits, users=users, ring=ring) == 0
        await db.commit()
        notes = (
            (await db.execute(select(Note).where(col(Note.practice_id) == world.practice_id)))
            .scalars()
            .all()
        )
    states = Counter((n.kind, n.status) for n in notes)
    assert states[("progress", "draft")] == 3  # the therapist's open episodes' latest sessions
    assert states[("progress", "pending_cosign")] == 1  # the trainee's open episode
    assert states[("psychotherapy", "signed")] == 2
    trainee_signed = [
        n for n in notes if n.author_id == world["trainee"].id and n.status == "signed"
    ]
    assert trainee_signed
    assert all(
        n.cosigned_by == world["supervisor"].id for n in trainee_signed if n.kind == "progress"
    )
    for note in [
        *notes[:: max(1, len(notes) // 8)],
        *(n for n in notes if n.kind == "psychotherapy"),
    ]:
        author = next(m for m in world.members.values() if m.id == note.author_id)
        response = await client.get(f"/v1/notes/{note.id}", headers=author.headers)
        assert response.status_code == 200, response.text
        assert response.json()["body"]
    shared = next(n for n in notes if n.kind == "psychotherapy" and n.share_with_supervisor)
    supervisor = world["supervisor"].headers
    assert (await client.get(f"/v1/notes/{shared.id}", headers=supervisor)).status_code == 200
