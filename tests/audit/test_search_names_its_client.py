"""An auditor's search for a client's events names that client, whatever it finds (SPEC §6)."""

from __future__ import annotations

import httpx

from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.notes.support import make_case


async def _search(client: httpx.AsyncClient, world: World, client_id: str) -> httpx.Response:
    params = {"client_id": client_id, "actor_id": str(world["therapist2"].id)}
    answer = await client.get("/v1/audit/events", params=params, headers=world["auditor"].headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["items"] == []
    return answer


async def test_an_empty_search_for_a_client_names_it(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await make_case(client, world)
    answer = await _search(client, world, str(case.client_id))
    [event] = await events_of_request(state, answer.headers["x-request-id"])
    assert event.client_ids == [str(case.client_id)]


async def test_a_search_for_another_practices_client_names_none(
    client: httpx.AsyncClient, world: World, other_world: World, state: AppState
) -> None:
    theirs = await make_case(client, other_world)
    answer = await _search(client, world, str(theirs.client_id))
    [event] = await events_of_request(state, answer.headers["x-request-id"])
    assert event.client_ids == []
