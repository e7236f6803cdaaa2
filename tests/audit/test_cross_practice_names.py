"""A refusal on another practice's client names no client in the caller's practice's log:
that id is none of its log, and its auditor never finds it (SPEC §2.1, §6)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case
from tests.one_path import only_event


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/clients/{c}"),
        ("PATCH", "/v1/clients/{c}"),
        ("PUT", "/v1/clients/{c}/care-team"),
        ("GET", "/v1/clients/{c}/measures"),
        ("POST", "/v1/clients/{c}/measures"),
    ],
)
async def test_another_practices_client_is_named_in_no_event_of_the_caller(
    client: httpx.AsyncClient,
    world: World,
    other_world: World,
    state: AppState,
    method: str,
    path: str,
) -> None:
    case = await clinical_case(client, world)  # a client of the first practice
    stranger = other_world["therapist"]  # a therapist of another
    rid = uuid.uuid4().hex
    body = {
        "PATCH": {"phone": "+1 555 0100"},
        "PUT": {"user_ids": []},
        "POST": {"instrument": "gad7", "items": [0] * 7},
    }.get(method)
    response = await client.request(
        method,
        path.format(c=case.client_id),
        json=body,
        headers={**stranger.headers, "X-Request-ID": rid, "If-Match": case.client_etag},
    )
    assert response.status_code == 404, response.text
    event = await only_event(state, rid)
    assert (event["practice_id"], event["client_ids"]) == (other_world.practice_id, [])
    found = await client.get(
        f"/v1/audit/events?client_id={case.client_id}", headers=other_world["auditor"].headers
    )
    assert found.status_code == 200, found.text
    assert found.json()["items"] == []
    # A missing id of its own practice's kind is still named: an attempt, found or not.
    missing = uuid.uuid4()
    rid = uuid.uuid4().hex
    answer = await client.get(
        f"/v1/clients/{missing}", headers={**stranger.headers, "X-Request-ID": rid}
    )
    assert answer.status_code == 404
    assert (await only_event(state, rid))["client_ids"] == [str(missing)]
