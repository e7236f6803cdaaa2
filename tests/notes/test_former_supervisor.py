"""A supervisor made therapist loses what supervising gave: shared psychotherapy notes, cosign."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlmodel import col

from app.models import User
from app.state import AppState
from tests.conftest import World
from tests.notes.support import PROGRESS, NotesApi, make_case

SHARED = {
    "kind": "psychotherapy",
    "body": "Countertransference: felt protective.",
    "share_with_supervisor": True,
}


async def _make_therapist(
    client: httpx.AsyncClient, state: AppState, world: World, name: str
) -> None:
    """The role changes while the trainee's supervisor_id still names them.

    The API refuses that now (409 while a trainee waits on them); a row from before the rule,
    or written by hand, may still say so: access must not follow the stale supervisor_id.
    """
    path = f"/v1/users/{world[name].id}"
    refused = await client.patch(path, json={"role": "therapist"}, headers=world["admin"].headers)
    assert refused.status_code == 409, refused.text
    async with state.sessionmaker() as db:
        await db.execute(
            sa.update(User).where(col(User.id) == world[name].id).values(role="therapist")
        )
        await db.commit()


async def test_a_former_supervisor_no_longer_reads_shared_psychotherapy_notes(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    case = await make_case(client, world, therapist="trainee")
    api = NotesApi(client)
    created = await api.create(world["trainee"].headers, case.session_ids[0], SHARED)
    assert created.status_code == 201, created.text
    note_id = created.json()["id"]
    supervisor = world["supervisor"].headers
    assert (await api.get(supervisor, note_id)).status_code == 200  # shared with them
    await _make_therapist(client, state, world, "supervisor")
    # SPEC §2: a therapist reads psychotherapy notes "own only"; everyone else gets 404.
    assert (await api.get(supervisor, note_id)).status_code == 404
    listed = await client.get("/v1/notes", params={"kind": "psychotherapy"}, headers=supervisor)
    assert listed.status_code == 200, listed.text
    assert listed.json()["items"] == []


async def test_a_former_supervisor_no_longer_cosigns(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    # On the care team, so the client stays in reach after the role change.
    case = await make_case(client, world, therapist="trainee", care_team=("supervisor",))
    api = NotesApi(client)
    note_id = await api.signed(world["trainee"].headers, case.session_ids[0], PROGRESS)
    supervisor = world["supervisor"].headers
    queue = await client.get("/v1/notes", params={"awaiting_my_cosign": "true"}, headers=supervisor)
    assert [n["id"] for n in queue.json()["items"]] == [note_id]
    await _make_therapist(client, state, world, "supervisor")
    queue = await client.get("/v1/notes", params={"awaiting_my_cosign": "true"}, headers=supervisor)
    assert queue.json()["items"] == []
    for action in ("cosign", "return"):
        etag = await api.etag(supervisor, note_id)
        body = {"comment": "Please expand the plan."} if action == "return" else None
        refused = await api.act(supervisor, note_id, action, etag, json=body)
        assert refused.status_code == 403, (action, refused.text)
    assert (await api.get(world["trainee"].headers, note_id)).json()["status"] == "pending_cosign"
