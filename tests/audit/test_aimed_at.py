"""Events name the client a request aimed at, and every break-the-glass attempt is listed
for the auditor's review, whatever refused it (SPEC §2, §6)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.factories import create_client, create_session, open_episode

GLASS = "Client in crisis; primary therapist unreachable"


async def test_a_session_list_by_an_episode_out_of_reach_names_its_client(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    t = world["therapist"].headers
    made = await create_client(client, t)
    episode = await open_episode(client, t, made["id"])
    await create_session(client, t, made["id"])
    rid = uuid.uuid4().hex
    answer = await client.get(
        "/v1/sessions",
        params={"episode_id": episode["id"]},
        headers=world["therapist2"].headers | {"X-Request-ID": rid},
    )
    assert answer.status_code == 200
    assert answer.json()["items"] == []
    [event] = await events_of_request(state, rid)
    assert event.client_ids == [made["id"]]


@pytest.mark.parametrize(
    ("who", "headers", "status"),
    [
        ("admin", {"X-Break-Glass-Reason": GLASS}, 403),  # not a clinical role
        ("therapist2", {"X-Break-Glass-Reason": "too short"}, 422),
        ("therapist2", {"X-Break-Glass-Reason": GLASS, "X-Purpose-Of-Use": "NOPE"}, 422),
    ],
    ids=["admin", "short-reason", "bad-purpose"],
)
async def test_a_refused_break_the_glass_attempt_is_listed_for_review(
    client: httpx.AsyncClient,
    world: World,
    state: AppState,
    who: str,
    headers: dict[str, str],
    status: int,
) -> None:
    made = await create_client(client, world["therapist"].headers)
    rid = uuid.uuid4().hex
    answer = await client.get(
        f"/v1/clients/{made['id']}/episodes",
        headers=world[who].headers | headers | {"X-Request-ID": rid},
    )
    assert answer.status_code == status, answer.text
    [event] = await events_of_request(state, rid)
    assert (event.purpose_of_use, event.break_glass_reason) == (
        "ETREAT",
        headers["X-Break-Glass-Reason"],
    )
    listed = await client.get("/v1/audit/break-glass", headers=world["auditor"].headers)
    assert str(event.id) in [item["event"]["id"] for item in listed.json()["items"]]


async def _episode(client: httpx.AsyncClient, world: World) -> tuple[str, str]:
    t = world["therapist"].headers
    made = await create_client(client, t)
    episode = await open_episode(client, t, made["id"])
    await create_session(client, t, made["id"])
    return made["id"], episode["id"]


async def test_an_anonymous_session_list_by_episode_is_attributed(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    client_id, episode_id = await _episode(client, world)
    rid = uuid.uuid4().hex
    answer = await client.get(
        "/v1/sessions",
        params={"episode_id": episode_id},
        headers={"Authorization": "Bearer expired-or-stolen", "X-Request-ID": rid},
    )
    assert answer.status_code == 401
    [logged] = await events_of_request(state, rid)
    assert logged.practice_id == world.practice_id
    assert logged.client_ids == [client_id]


async def test_a_session_list_by_episode_refused_for_its_query_names_the_client(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    client_id, episode_id = await _episode(client, world)
    rid = uuid.uuid4().hex
    answer = await client.get(
        "/v1/sessions",
        params={"episode_id": episode_id, "staus": "attended"},  # a misspelt filter: 422
        headers={**world["therapist2"].headers, "X-Request-ID": rid},
    )
    assert answer.status_code == 422
    [logged] = await events_of_request(state, rid)
    # The same request without the typo names the client (tests/audit/test_aimed_at.py).
    assert logged.client_ids == [client_id]


async def test_an_unauthenticated_break_the_glass_attempt_is_listed_for_review(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    made = await create_client(client, world["therapist"].headers)
    rid = uuid.uuid4().hex
    answer = await client.get(
        f"/v1/clients/{made['id']}",
        headers={
            "Authorization": "Bearer revoked-or-expired-token",
            "X-Break-Glass-Reason": GLASS,
            "X-Request-ID": rid,
        },
    )
    assert answer.status_code == 401
    [event] = await events_of_request(state, rid)
    assert event.practice_id == world.practice_id  # attributed (SPEC §2.1) ...
    assert event.client_ids == [made["id"]]
    # ... and as the break-the-glass attempt it was:
    assert (event.purpose_of_use, event.break_glass_reason) == ("ETREAT", GLASS)
    listed = await client.get("/v1/audit/break-glass", headers=world["auditor"].headers)
    assert str(event.id) in [item["event"]["id"] for item in listed.json()["items"]]
