"""A trainee's note awaiting cosignature can always be finished (SPEC §1.2: the supervisor
cosigns or returns it): neither closing the episode nor taking the trainee off the client
may leave it waiting for good."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.clients import service as clients_service
from app.errors import Conflict, NotFound
from app.models import Client, Note
from app.notes import service as notes_service
from app.security.caller import Caller
from app.state import AppState
from tests.conftest import World
from tests.notes.support import PROGRESS, NotesApi, close_episode, make_case, try_close_episode


async def test_an_episode_with_a_note_awaiting_cosign_does_not_close(
    client: httpx.AsyncClient, world: World
) -> None:
    case = await make_case(client, world, therapist="trainee")
    api, trainee, sup = NotesApi(client), world["trainee"].headers, world["supervisor"].headers
    note_id = await api.signed(trainee, case.session_ids[0], PROGRESS)
    assert (await api.get(trainee, note_id)).json()["status"] == "pending_cosign"
    assert (await try_close_episode(client, trainee, str(case.episode_id))).status_code == 409
    cosigned = await api.act(sup, note_id, "cosign", await api.etag(sup, note_id))
    assert cosigned.status_code == 200, cosigned.text
    await close_episode(client, trainee, str(case.episode_id))


async def test_the_trainee_stays_on_the_client_while_their_note_awaits_cosign(
    client: httpx.AsyncClient, world: World
) -> None:
    case = await make_case(client, world, care_team=("trainee",))
    api, sup = NotesApi(client), world["supervisor"].headers
    note_id = await api.signed(world["trainee"].headers, case.session_ids[0], PROGRESS)
    path = f"/v1/clients/{case.client_id}"
    me = world["therapist"].headers

    async def leave_team() -> httpx.Response:
        etag = (await client.get(path, headers=me)).headers["ETag"]
        return await client.put(
            f"{path}/care-team", json={"user_ids": []}, headers=me | {"If-Match": etag}
        )

    refused = await leave_team()
    assert refused.status_code == 409, refused.text
    assert (await api.get(sup, note_id)).status_code == 200  # still within the supervisor's reach
    returned = await api.act(
        sup, note_id, "return", await api.etag(sup, note_id), {"comment": "Add the risk."}
    )
    assert returned.status_code == 200, returned.text
    assert (await leave_team()).status_code == 200


async def test_a_new_primary_therapist_keeps_the_trainee_if_a_note_awaits_cosign(
    client: httpx.AsyncClient, world: World
) -> None:
    case = await make_case(client, world, therapist="trainee")
    api = NotesApi(client)
    await api.signed(world["trainee"].headers, case.session_ids[0], PROGRESS)
    path = f"/v1/clients/{case.client_id}"
    admin = world["admin"].headers
    etag = (await client.get(path, headers=admin)).headers["ETag"]
    moved = await client.patch(
        path,
        json={"primary_therapist_id": str(world["therapist"].id)},
        headers=admin | {"If-Match": etag},
    )
    assert moved.status_code == 409, moved.text
    # With the trainee kept on the care team, the move is fine.
    etag = (await client.get(path, headers=admin)).headers["ETag"]
    team = await client.put(
        f"{path}/care-team",
        json={"user_ids": [str(world["trainee"].id)]},
        headers=admin | {"If-Match": etag},
    )
    assert team.status_code == 200, team.text
    etag = team.headers.get("ETag") or (await client.get(path, headers=admin)).headers["ETag"]
    moved = await client.patch(
        path,
        json={"primary_therapist_id": str(world["therapist"].id)},
        headers=admin | {"If-Match": etag},
    )
    assert moved.status_code == 200, moved.text


def _trainee(world: World) -> Caller:
    return Caller(
        kind="user",
        id=world["trainee"].id,
        practice_id=world.practice_id,
        role="therapist",
        scopes=frozenset(),
        supervisor_id=world["supervisor"].id,
        requires_cosign=True,
        purpose="TREAT",
        break_glass_reason=None,
    )


async def _draft(client: httpx.AsyncClient, world: World) -> tuple[uuid.UUID, uuid.UUID]:
    case = await make_case(client, world, care_team=("trainee",))
    created = await NotesApi(client).create(world["trainee"].headers, case.session_ids[0], PROGRESS)
    assert created.status_code == 201, created.text
    return case.client_id, uuid.UUID(created.json()["id"])


async def _leave(db: AsyncSession, client_id: uuid.UUID) -> list[uuid.UUID]:
    """The service's care-team replacement taking everyone off the client, in `db`."""
    row = await db.get(Client, client_id)
    assert row is not None
    return await clients_service.replace_care_team(
        session=db, client=row, user_ids=[], expected_version=row.version
    )


async def _sign(db: AsyncSession, world: World, note_id: uuid.UUID) -> Note:
    """The service's signing of the trainee's note, in `db`."""
    note = await db.get(Note, note_id)
    assert note is not None
    return await notes_service.sign_note(
        session=db, caller=_trainee(world), note=note, expected=note.version
    )


async def test_a_sign_beside_the_trainees_leaving_waits_and_is_refused(
    client: httpx.AsyncClient, world: World, state: AppState, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("row locks: SQLite's write lock runs the two one after the other")
    client_id, note_id = await _draft(client, world)
    leaving, signing = state.sessionmaker(), state.sessionmaker()
    try:
        await _leave(leaving, client_id)
        sign = asyncio.create_task(_sign(signing, world, note_id))
        await asyncio.sleep(0.5)
        assert not sign.done()  # it waits for the care-team change
        await leaving.commit()
        with pytest.raises(NotFound):
            await asyncio.wait_for(sign, timeout=10)
    finally:
        await signing.close()
        await leaving.close()
    async with state.sessionmaker() as db:
        assert await db.scalar(select(col(Note.status)).where(col(Note.id) == note_id)) == "draft"


async def test_the_trainees_leaving_beside_a_sign_waits_and_is_refused(
    client: httpx.AsyncClient, world: World, state: AppState, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("row locks: SQLite's write lock runs the two one after the other")
    client_id, note_id = await _draft(client, world)
    leaving, signing = state.sessionmaker(), state.sessionmaker()
    try:
        await _sign(signing, world, note_id)
        leave = asyncio.create_task(_leave(leaving, client_id))
        await asyncio.sleep(0.5)
        assert not leave.done()  # it waits for the signature
        await signing.commit()
        with pytest.raises(Conflict):
            await asyncio.wait_for(leave, timeout=10)
    finally:
        await leaving.close()
        await signing.close()
