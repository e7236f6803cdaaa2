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
