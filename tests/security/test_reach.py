"""The facts the authenticating statement finds equal those of the standalone statement.

A request whose route names a client-owned resource for its `{id}` learns that resource,
its client's practice and primary therapist, and the caller's ties to the client in the
statement that authenticates the caller; a resource loaded later takes the same columns in a
statement of its own (`reach.find` with nothing kept). Both must say the same, for every
resource kind and every relation of the caller to the client.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.security import reach
from app.state import AppState
from tests.conftest import World
from tests.factories import create_client, create_session, open_episode
from tests.notes.support import PROGRESS, NotesApi
from tests.observations.support import measure, observe, relationship_episode, tell
from tests.one_path import Key, api_key, only_event, send

ROUTES = {
    "client": "/v1/clients/{}",
    "episode": "/v1/episodes/{}",
    "session": "/v1/sessions/{}",
    "note": "/v1/notes/{}",
    "observation": "/v1/observations/{}",
    "relationship_episode": "/v1/relationship-episodes/{}",
    "measure": "/v1/measures/{}",
}


@dataclass
class Resources:
    """One resource of every kind, all of one client."""

    client_id: str
    ids: dict[str, str]


async def _resources(client: httpx.AsyncClient, world: World, primary: str, team: str) -> Resources:
    headers = world[primary].headers
    made = await create_client(client, headers, care_team=[world[team].id])
    episode = await open_episode(client, headers, made["id"])
    visit = await create_session(client, headers, made["id"])
    note = await NotesApi(client).create(headers, visit["id"], PROGRESS)
    assert note.status_code == 201, note.text
    seen = await observe(client, headers, visit["id"], "defense.denial", 3, "Said x.")
    told = await tell(client, headers, visit["id"], relationship_episode())
    scored = await measure(client, headers, made["id"], "gad7", [0, 1, 0, 1, 0, 1, 0])
    ids = {
        "client": made["id"],
        "episode": episode["id"],
        "session": visit["id"],
        "note": note.json()["id"],
        "observation": seen["id"],
        "relationship_episode": told["id"],
        "measure": scored["id"],
    }
    return Resources(made["id"], ids)


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> list[reach.Found]:
    """Every `Found` the authenticating statement keeps for its route, in order."""
    found: list[reach.Found] = []
    original = reach.keep

    def spy(session: Any, facts: reach.Found) -> None:
        found.append(facts)
        original(session, facts)

    monkeypatch.setattr(reach, "keep", spy)
    return found


async def _standalone(
    state: AppState, kind: str, target: str, caller_id: uuid.UUID | None
) -> reach.Found:
    async with state.sessionmaker() as db:
        assert reach._PRELOADED not in db.info  # nothing kept: the statement of its own
        return await reach.find(db, kind, uuid.UUID(target), caller_id)


def _same(one: reach.Found, two: reach.Found, context: object) -> None:
    assert (one.kind, one.id, one.client, one.author) == (two.kind, two.id, two.client, two.author)
    rows = [None if f.row is None else f.row.model_dump() for f in (one, two)]
    assert rows[0] == rows[1], context


async def _compare(
    client: httpx.AsyncClient,
    state: AppState,
    kept: list[reach.Found],
    kind: str,
    target: str,
    headers: dict[str, str],
    caller_id: uuid.UUID | None,
) -> tuple[reach.Found, httpx.Response]:
    """Request the resource; the kept facts must equal the standalone statement's."""
    kept.clear()
    response = await send(client, "GET", ROUTES[kind].format(target), headers)
    assert len(kept) == 1, (kind, response.text)
    found = kept[0]
    _same(found, await _standalone(state, kind, target, caller_id), (kind, caller_id))
    await only_event(state, response.headers["x-request-id"])
    return found, response


async def test_authenticating_and_standalone_facts_agree(
    client: httpx.AsyncClient, state: AppState, world: World, kept: list[reach.Found]
) -> None:
    mine = await _resources(client, world, "therapist", "trainee")
    theirs = await _resources(client, world, "trainee", "therapist2")
    key: Key = await api_key(state, world, "clients:read", "sessions:read", "progress:read")
    notes_key = await api_key(state, world, "notes:read")
    # (who, resources, in_team, supervises, status of the GET)
    relations: list[tuple[str, Resources, bool, bool, int]] = [
        ("therapist", mine, False, False, 200),  # primary therapist
        ("trainee", mine, True, False, 200),  # care-team member
        ("supervisor", mine, False, True, 200),  # supervises a care-team member only
        ("therapist2", mine, False, False, 404),  # no relation
        ("supervisor", theirs, False, True, 200),  # supervises the primary therapist
        ("therapist2", theirs, True, False, 200),  # care-team member
        ("therapist", theirs, False, False, 404),  # no relation
    ]
    for who, resources, in_team, supervises, status in relations:
        for kind, target in resources.ids.items():
            found, response = await _compare(
                client, state, kept, kind, target, world[who].headers, world[who].id
            )
            assert found.row is not None
            assert found.client is not None
            assert str(found.client.id) == resources.client_id
            assert found.client.practice_id == world.practice_id
            assert (found.client.in_team, found.client.supervises) == (in_team, supervises), (
                who,
                kind,
            )
            assert response.status_code == status, (who, kind, response.text)
            assert (kind == "note") == (found.author is not None)
    for kind, target in mine.ids.items():
        used = notes_key if kind == "note" else key
        found, response = await _compare(client, state, kept, kind, target, used.headers, None)
        assert found.client is not None
        assert (found.client.in_team, found.client.supervises) == (False, False)
        # A key reads a signed note only; everything else its scopes allow.
        assert response.status_code == (404 if kind == "note" else 200), (kind, response.text)


async def test_another_practice_and_missing_ids(
    client: httpx.AsyncClient,
    state: AppState,
    world: World,
    other_world: World,
    kept: list[reach.Found],
) -> None:
    mine = await _resources(client, world, "therapist", "trainee")
    stranger = other_world["therapist"]
    for kind, target in mine.ids.items():
        found, response = await _compare(
            client, state, kept, kind, target, stranger.headers, stranger.id
        )
        assert found.client is not None
        assert found.client.practice_id == world.practice_id
        assert (found.client.in_team, found.client.supervises) == (False, False)
        assert response.status_code == 404, response.text
        missing = str(uuid.uuid4())
        found, response = await _compare(
            client, state, kept, kind, missing, world["therapist"].headers, world["therapist"].id
        )
        assert (found.row, found.client, found.author) == (None, None, None)
        assert response.status_code == 404, response.text


@pytest.mark.parametrize("kind", sorted(ROUTES))
async def test_a_path_id_not_a_uuid_skips_the_resource(
    client: httpx.AsyncClient,
    state: AppState,
    world: World,
    kept: list[reach.Found],
    kind: str,
) -> None:
    kept.clear()
    response = await send(
        client, "GET", ROUTES[kind].format("not-a-uuid"), world["therapist"].headers
    )
    assert response.status_code == 422, response.text
    assert kept == []
    event = await only_event(state, response.headers["x-request-id"])
    assert (event["outcome"], event["actor_id"], event["client_ids"]) == (
        "error",
        world["therapist"].id,
        [],
    )
