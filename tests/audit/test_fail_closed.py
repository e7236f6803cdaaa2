"""Atomic and fail-closed: a change commits with its event, or nothing happens and 503."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models import User
from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.notes.support import PROGRESS, NotesApi, make_case

FAIL_PREFIX = "failaudit-"


@pytest.fixture
async def broken_audit(state: AppState, backend: str) -> AsyncIterator[str]:
    """Make every audit write of requests whose id starts with FAIL_PREFIX fail."""
    async with state.engine.begin() as conn:
        # A teardown that lost a race with the sequencer's write lock must not break setup.
        await _drop_trigger(conn, backend)
        if backend == "postgresql":
            await conn.execute(
                sa.text(
                    "CREATE OR REPLACE FUNCTION test_fail_audit() RETURNS trigger "
                    "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store down'; END $$"
                )
            )
            await conn.execute(
                sa.text(
                    "CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_event FOR EACH ROW "
                    f"WHEN (NEW.request_id LIKE '{FAIL_PREFIX}%') "
                    "EXECUTE FUNCTION test_fail_audit()"
                )
            )
        else:
            await conn.execute(
                sa.text(
                    "CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_event "
                    f"WHEN NEW.request_id LIKE '{FAIL_PREFIX}%' "
                    "BEGIN SELECT RAISE(ABORT, 'audit store down'); END"
                )
            )
    try:
        yield FAIL_PREFIX + uuid.uuid4().hex
    finally:
        async with state.engine.begin() as conn:
            await _drop_trigger(conn, backend)


async def _drop_trigger(conn: AsyncConnection, backend: str) -> None:
    """Remove the failure trigger if it is there."""
    if backend == "postgresql":
        await conn.execute(sa.text("DROP TRIGGER IF EXISTS test_fail_audit ON audit_event"))
        await conn.execute(sa.text("DROP FUNCTION IF EXISTS test_fail_audit()"))
    else:
        await conn.execute(sa.text("DROP TRIGGER IF EXISTS test_fail_audit"))


async def user_exists(state: AppState, email: str) -> bool:
    async with state.sessionmaker() as session:
        found = await session.execute(sa.select(User).where(User.email == email))  # type: ignore[arg-type]
        return found.first() is not None


def new_user(email: str) -> dict[str, object]:
    return {
        "email": email,
        "display_name": "New Person",
        "role": "therapist",
    }


async def test_change_is_not_committed_without_its_event(
    state: AppState, client: httpx.AsyncClient, world: World, broken_audit: str
) -> None:
    email = f"nobody-{uuid.uuid4().hex[:8]}@test.example"
    response = await client.post(
        "/v1/users",
        json=new_user(email),
        headers={**world["admin"].headers, "X-Request-ID": broken_audit},
    )
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"]
    assert email not in response.text
    assert not await user_exists(state, email)
    assert await events_of_request(state, broken_audit) == []


async def test_read_returns_nothing_without_its_event(
    state: AppState, client: httpx.AsyncClient, world: World, broken_audit: str
) -> None:
    target = world["therapist"]
    headers = {**world["admin"].headers, "X-Request-ID": broken_audit}
    response = await client.get(f"/v1/users/{target.id}", headers=headers)
    assert response.status_code == 503
    assert target.email not in response.text
    assert str(target.id) not in response.text.replace(f"/v1/users/{target.id}", "")
    listed = await client.get("/v1/users", headers=headers)
    assert listed.status_code == 503
    assert target.email not in listed.text
    denied = await client.get(
        "/v1/users", headers={**world["therapist"].headers, "X-Request-ID": broken_audit}
    )
    assert denied.status_code == 503  # even a refusal is not answered unlogged


async def test_change_and_event_commit_together(
    state: AppState, client: httpx.AsyncClient, world: World, rid: str
) -> None:
    email = f"someone-{uuid.uuid4().hex[:8]}@test.example"
    response = await client.post(
        "/v1/users", json=new_user(email), headers={**world["admin"].headers, "X-Request-ID": rid}
    )
    assert response.status_code == 201
    [event] = await events_of_request(state, rid)
    assert (event.action, event.outcome, event.resource_id) == (
        "user.create",
        "success",
        response.json()["id"],
    )
    assert await user_exists(state, email)
    again = uuid.uuid4().hex
    duplicate = await client.post(
        "/v1/users", json=new_user(email), headers={**world["admin"].headers, "X-Request-ID": again}
    )
    assert duplicate.status_code == 409
    [failed] = await events_of_request(state, again)
    assert (failed.outcome, failed.http_status) == ("error", 409)


async def test_note_read_and_observation_write_fail_closed(
    state: AppState, client: httpx.AsyncClient, world: World, broken_audit: str
) -> None:
    """The hottest read and write answer 503 and keep nothing when their event fails."""
    therapist = world["therapist"].headers
    case = await make_case(client, world)
    note = (await NotesApi(client).create(therapist, case.session_ids[0], PROGRESS)).json()
    failing = {**therapist, "X-Request-ID": broken_audit}
    read = await client.get(f"/v1/notes/{note['id']}", headers=failing)
    assert read.status_code == 503
    assert PROGRESS["body"] not in read.text
    assert note["client_id"] not in read.text
    url = f"/v1/sessions/{case.session_ids[0]}/observations"
    body = {"theme_code": "defense.denial", "intensity": 3, "evidence": "Unlogged evidence."}
    written = await client.post(url, json=body, headers=failing)
    assert written.status_code == 503
    assert "Unlogged evidence" not in written.text
    assert (await client.get(url, headers=therapist)).json()["items"] == []
    assert await events_of_request(state, broken_audit) == []
    # And the same requests, logged, succeed.
    assert (await client.get(f"/v1/notes/{note['id']}", headers=therapist)).status_code == 200
    assert (await client.post(url, json=body, headers=therapist)).status_code == 201
