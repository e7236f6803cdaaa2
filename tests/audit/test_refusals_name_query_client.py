"""A signed-in caller's refused request names the client its query or body aims at (SPEC §6).

The path's client is named by the caller statement (test_refusals_name_client.py); a list
filtered by `?client_id=` or a booking's body names its client only there.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.notes.support import make_case


async def _client_ids(state: AppState, response: httpx.Response) -> list[str]:
    [event] = await events_of_request(state, response.headers["x-request-id"])
    return list(event.client_ids)


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/v1/notes", {"limit": "500"}),
        ("/v1/notes", {"bogus": "1"}),
        ("/v1/sessions", {"limit": "500"}),
        ("/v1/sessions", {"bogus": "1"}),
    ],
)
async def test_a_refused_list_for_one_client_names_it(
    client: httpx.AsyncClient, world: World, state: AppState, path: str, extra: dict[str, str]
) -> None:
    case = await make_case(client, world)
    params = {"client_id": str(case.client_id), **extra}
    answer = await client.get(path, params=params, headers=world["therapist2"].headers)
    assert answer.status_code == 422, answer.text
    assert await _client_ids(state, answer) == [str(case.client_id)]


async def test_a_refused_booking_for_one_client_names_it(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await make_case(client, world)
    body = {"client_id": str(case.client_id), "starts_at": "2026-11-02T10:00:00"}
    answer = await client.post("/v1/sessions", json=body, headers=world["therapist2"].headers)
    assert answer.status_code == 422, answer.text
    assert await _client_ids(state, answer) == [str(case.client_id)]


async def test_another_practices_client_is_not_named(
    client: httpx.AsyncClient, world: World, other_world: World, state: AppState
) -> None:
    theirs = await make_case(client, other_world)
    params = {"client_id": str(theirs.client_id), "limit": "500"}
    answer = await client.get("/v1/notes", params=params, headers=world["therapist"].headers)
    assert answer.status_code == 422, answer.text
    assert await _client_ids(state, answer) == []


async def test_a_body_the_route_never_read_is_read_once_and_named(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Sign takes no body: the refusal reads it for the client, and does not wait for more."""
    case = await make_case(client, world)
    answer = await client.post(
        f"/v1/notes/{uuid.uuid4()}/sign",
        json={"client_id": str(case.client_id)},
        headers=world["therapist"].headers | {"If-Match": '"x"'},
    )
    assert answer.status_code == 404, answer.text
    assert await _client_ids(state, answer) == [str(case.client_id)]
