"""Users, themes and webhook endpoints carry ETags; a sent If-Match is honoured (412 if stale)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest

from app.errors import PreconditionFailed
from app.etag import bump_version
from app.models import User
from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.factories import problem
from tests.webhooks.support import make_endpoint


@dataclass(frozen=True)
class Kind:
    """How to create one resource of a kind, and which text field a PATCH changes."""

    caller: str
    create: Callable[[httpx.AsyncClient, dict[str, str]], Awaitable[str]]
    field: str


async def _user(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    body = {"display_name": "E Tag", "role": "therapist", "email": f"e-{uuid.uuid4().hex[:8]}@x.io"}
    created = await client.post("/v1/users", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.headers["etag"]
    return f"/v1/users/{created.json()['id']}"


async def _theme(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    code = f"relational_pattern.etag_{uuid.uuid4().hex[:8]}"
    body = {"code": code, "label": "Tagged", "category": "relational_pattern"}
    created = await client.post("/v1/themes", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.headers["etag"]
    return f"/v1/themes/{code}"


async def _endpoint(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    made = await make_endpoint(client, headers, "http://127.0.0.1:9/hooks")
    return f"/v1/webhook-endpoints/{made['id']}"


@pytest.fixture
async def made(client: httpx.AsyncClient) -> AsyncIterator[list[tuple[str, dict[str, str]]]]:
    """What a test created; webhook endpoints are deleted after it (the app's database is
    shared, and a failing endpoint takes a deliverer's turn in later tests)."""
    created: list[tuple[str, dict[str, str]]] = []
    yield created
    for path, headers in created:
        if path.startswith("/v1/webhook-endpoints/"):
            assert (await client.delete(path, headers=headers)).status_code == 204


KINDS = {
    "user": Kind("admin", _user, "display_name"),
    "theme": Kind("therapist", _theme, "label"),
    "webhook_endpoint": Kind("admin", _endpoint, "description"),
}


@pytest.mark.parametrize("kind", KINDS)
async def test_etag_if_none_match_and_if_match(
    client: httpx.AsyncClient,
    state: AppState,
    world: World,
    kind: str,
    made: list[tuple[str, dict[str, str]]],
) -> None:
    spec = KINDS[kind]
    me = world[spec.caller].headers
    path = await spec.create(client, me)
    made.append((path, me))
    first = await client.get(path, headers=me)
    etag = first.headers["etag"]
    assert etag.endswith('-1"')
    assert (await client.get(path, headers={**me, "If-None-Match": etag})).status_code == 304

    changed = await client.patch(path, json={spec.field: "A"}, headers={**me, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json()[spec.field] == "A"
    current = changed.headers["etag"]
    assert current != etag

    # The ETag it was read with is stale now: nothing changes, and the event says so.
    stale = await client.patch(path, json={spec.field: "B"}, headers={**me, "If-Match": etag})
    problem(stale, 412)
    after = await client.get(path, headers=me)
    assert after.json()[spec.field] == "A"
    assert after.headers["etag"] == current
    (event,) = await events_of_request(state, stale.headers["x-request-id"])
    assert (event.http_status, event.outcome) == (412, "error")
    weak = await client.patch(
        path, json={spec.field: "B"}, headers={**me, "If-Match": f"W/{current}"}
    )
    problem(weak, 412)  # If-Match compares strongly

    # If-Match is optional here (SPEC §4 requires it for clients, episodes and notes only).
    unconditional = await client.patch(path, json={spec.field: "C"}, headers=me)
    assert unconditional.status_code == 200
    assert unconditional.headers["etag"] not in (etag, current)
    assert (await client.get(path, headers={**me, "If-None-Match": current})).status_code == 200


@pytest.mark.parametrize("kind", KINDS)
async def test_concurrent_changes_with_one_etag_have_one_winner(
    client: httpx.AsyncClient, world: World, kind: str, made: list[tuple[str, dict[str, str]]]
) -> None:
    spec = KINDS[kind]
    me = world[spec.caller].headers
    path = await spec.create(client, me)
    made.append((path, me))
    etag = (await client.get(path, headers=me)).headers["etag"]
    results = await asyncio.gather(
        *(
            client.patch(path, json={spec.field: f"v{i}"}, headers={**me, "If-Match": etag})
            for i in range(3)
        )
    )
    assert sorted(r.status_code for r in results) == [200, 412, 412]
    winner = next(r for r in results if r.status_code == 200)
    shown = await client.get(path, headers=me)
    assert shown.json()[spec.field] == winner.json()[spec.field]
    assert shown.headers["etag"] == winner.headers["etag"]


async def test_compare_and_set_lets_one_of_two_readers_win(state: AppState, world: World) -> None:
    # Both read version v; the second's change, conditional on v, finds v gone: 412, and
    # nothing of it lands. Without a condition it moves on from whatever version is there.
    user_id = world["therapist"].id
    async with state.sessionmaker() as first, state.sessionmaker() as second:
        mine, theirs = await first.get(User, user_id), await second.get(User, user_id)
        assert mine is not None
        assert theirs is not None
        seen = mine.version
        assert theirs.version == seen
        mine.display_name = "First"
        await bump_version(first, mine, seen)
        await first.commit()
        theirs.display_name = "Second"
        with pytest.raises(PreconditionFailed):
            await bump_version(second, theirs, seen)
        await second.rollback()
        theirs = await second.get(User, user_id, populate_existing=True)
        assert theirs is not None
        assert (theirs.display_name, theirs.version) == ("First", seen + 1)
        theirs.display_name = "Third"
        await bump_version(second, theirs, None)
        await second.commit()
    async with state.sessionmaker() as check:
        row = await check.get(User, user_id)
        assert row is not None
        assert (row.display_name, row.version) == ("Third", seen + 2)
