"""The outbox: every change writes its feed event in its own transaction, gapless per practice."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.feed import outbox
from app.models import Client, FeedEvent, Practice
from app.state import AppState
from tests.conftest import World
from tests.factories import (
    clinical_case,
    create_client,
    create_session,
    days_ago,
    make_api_key,
    with_if_match,
)
from tests.notes.support import PROGRESS, PSYCHOTHERAPY, NotesApi


async def feed_rows(state: AppState, practice_id: uuid.UUID) -> list[Any]:
    """Every feed event of a practice, in position order."""
    async with state.sessionmaker() as db:
        result = await db.execute(
            select(FeedEvent)
            .where(col(FeedEvent.practice_id) == practice_id)
            .order_by(col(FeedEvent.position))
        )
        return list(result.scalars())


def changes(rows: list[Any]) -> list[str]:
    """The event types other than the world's own users being created."""
    return [r.type for r in rows if r.type != "user.created"]


async def test_a_clinical_story_writes_one_event_per_change(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    case = await clinical_case(client, world)
    therapist, trainee = world["therapist"].headers, world["trainee"].headers
    notes = NotesApi(client)
    created = await notes.create(therapist, uuid.UUID(case.session_id), PROGRESS)
    note = created.json()
    signed = await notes.act(therapist, note["id"], "sign", created.headers["ETag"])
    assert signed.status_code == 200, signed.text
    private = await notes.create(therapist, uuid.UUID(case.session_id), PSYCHOTHERAPY)
    private_signed = await notes.act(
        therapist, private.json()["id"], "sign", private.headers["ETag"]
    )
    assert private_signed.status_code == 200, private_signed.text
    second = await create_session(client, trainee, case.client_id, on=days_ago(2))
    trainee_note = await notes.create(trainee, uuid.UUID(second["id"]), PROGRESS)
    pending = await notes.act(
        trainee, trainee_note.json()["id"], "sign", trainee_note.headers["ETag"]
    )
    supervisor = world["supervisor"].headers
    cosigned = await notes.act(
        supervisor, trainee_note.json()["id"], "cosign", pending.headers["ETag"]
    )
    assert cosigned.status_code == 200, cosigned.text
    patched = await client.patch(
        f"/v1/clients/{case.client_id}",
        json={"phone": "+1 555 0100"},
        headers=with_if_match(therapist, case.client_etag),
    )
    assert patched.status_code == 200, patched.text

    rows = await feed_rows(state, world.practice_id)
    assert changes(rows) == [
        "client.created",
        "episode.opened",
        "session.created",
        "note.signed",
        "session.created",
        "note.signed",
        "note.cosigned",
        "client.updated",
    ]
    assert [r.position for r in rows] == list(range(1, len(rows) + 1))
    signed_events = [r for r in rows if r.type.startswith("note.")]
    assert {r.resource_id for r in signed_events} == {
        uuid.UUID(note["id"]),
        uuid.UUID(trainee_note.json()["id"]),
    }, "a psychotherapy note never appears in the feed"
    first = rows[len(rows) - len(changes(rows))]
    assert (first.resource_type, first.client_id) == ("client", uuid.UUID(case.client_id))
    assert (first.actor_type, first.actor_id) == ("user", world["therapist"].id)


async def test_an_idempotent_replay_writes_no_second_event(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    headers = {**world["admin"].headers, "Idempotency-Key": uuid.uuid4().hex}
    body = {
        "given_name": "Re",
        "family_name": "Play",
        "primary_therapist_id": str(world["therapist"].id),
    }
    first = await client.post("/v1/clients", json=body, headers=headers)
    again = await client.post("/v1/clients", json=body, headers=headers)
    assert (first.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")
    assert changes(await feed_rows(state, world.practice_id)) == ["client.created"]


@pytest.fixture
def failing_commit() -> Iterator[None]:
    """Every commit fails after the outbox wrote its rows (listeners run in order)."""

    def boom(session: Session) -> None:
        raise RuntimeError("forced failure between the outbox write and the commit")

    event.listen(Session, "before_commit", boom)
    yield
    event.remove(Session, "before_commit", boom)


async def test_a_failure_after_the_outbox_write_leaves_neither_change_nor_event(
    state: AppState, world: World, failing_commit: None
) -> None:
    client_id = uuid.uuid4()
    async with state.sessionmaker() as db:
        db.add(
            Client(
                id=client_id,
                practice_id=world.practice_id,
                given_name="Never",
                family_name="Committed",
                primary_therapist_id=world["therapist"].id,
            )
        )
        await db.flush()
        outbox.record(
            db,
            type="client.created",
            practice_id=world.practice_id,
            resource_id=client_id,
            client_id=client_id,
        )
        with pytest.raises(RuntimeError, match="forced failure"):
            await db.commit()
    async with state.sessionmaker() as db:
        assert await db.get(Client, client_id) is None
    assert changes(await feed_rows(state, world.practice_id)) == []


async def test_a_request_whose_commit_fails_leaves_no_event(
    client: httpx.AsyncClient, state: AppState, world: World, failing_commit: None
) -> None:
    body = {"given_name": "Lost", "family_name": "Write"}
    response = await client.post("/v1/clients", json=body, headers=world["therapist"].headers)
    assert response.status_code == 503
    assert changes(await feed_rows(state, world.practice_id)) == []


async def test_a_rolled_back_session_drops_its_queued_events(state: AppState, world: World) -> None:
    async with state.sessionmaker() as db:
        outbox.record(
            db, type="user.updated", practice_id=world.practice_id, resource_id=world["admin"].id
        )
        await db.rollback()
        await db.commit()  # nothing queued survives the rollback
    assert changes(await feed_rows(state, world.practice_id)) == []


async def test_parallel_writers_get_gapless_positions(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    therapist = world["therapist"].headers
    created = await asyncio.gather(
        *(create_client(client, therapist, given_name=f"P{i}") for i in range(12))
    )

    async def direct(i: int) -> None:
        async with state.sessionmaker() as db:
            outbox.act_as(db, "operator", None)
            outbox.record(
                db, type="user.updated", practice_id=world.practice_id, resource_id=uuid.uuid4()
            )
            if i % 2:
                outbox.record(
                    db, type="user.updated", practice_id=world.practice_id, resource_id=uuid.uuid4()
                )
            await db.commit()

    await asyncio.gather(*(direct(i) for i in range(12)))
    rows = await feed_rows(state, world.practice_id)
    assert [r.position for r in rows] == list(range(1, len(rows) + 1))
    clients = {r.resource_id for r in rows if r.type == "client.created"}
    assert clients == {uuid.UUID(c["id"]) for c in created}
    assert sum(r.type == "user.updated" for r in rows) == 18


async def test_practices_count_their_own_positions(
    state: AppState, world: World, other_world: World
) -> None:
    async with state.sessionmaker() as db:
        for practice in (world.practice_id, other_world.practice_id, world.practice_id):
            outbox.record(db, type="user.updated", practice_id=practice, resource_id=uuid.uuid4())
        await db.commit()
    for practice, expected in ((world.practice_id, 2), (other_world.practice_id, 1)):
        rows = await feed_rows(state, practice)
        assert [r.position for r in rows if r.type == "user.updated"] == [
            len(rows) - expected + 1 + i for i in range(expected)
        ]
    async with state.sessionmaker() as db:
        counted = await db.execute(select(func.count()).select_from(Practice).where(sa.true()))
        assert counted.scalar_one() >= 2


async def test_an_unknown_type_is_refused(state: AppState, world: World) -> None:
    async with state.sessionmaker() as db:
        with pytest.raises(ValueError, match="unknown feed event type"):
            outbox.record(
                db, type="note.read", practice_id=world.practice_id, resource_id=world.practice_id
            )


async def test_operator_commands_are_attributed(state: AppState, world: World) -> None:
    headers = await make_api_key(state, world, ["clients:read"])
    assert headers  # created straight in the database: no outbox call, hence no event
    assert changes(await feed_rows(state, world.practice_id)) == []


async def test_refused_writes_and_reads_leave_no_event(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    therapist = world["therapist"].headers
    made = await create_client(client, therapist)
    stale = with_if_match(therapist, made["etag"].replace('"', '"x', 1))
    refused = await client.patch(
        f"/v1/clients/{made['id']}", json={"phone": "+1 555 0102"}, headers=stale
    )
    assert refused.status_code == 412
    glass = {**world["therapist2"].headers, "X-Break-Glass-Reason": "covering an emergency tonight"}
    read = await client.get(f"/v1/clients/{made['id']}", headers=glass)
    assert read.status_code == 200, "a read under break-the-glass changes nothing"
    assert changes(await feed_rows(state, world.practice_id)) == ["client.created"]
