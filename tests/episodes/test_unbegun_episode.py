"""An episode opened by booking an intake ahead (SPEC §9) starts earlier with an earlier first
session, so that a cancelled or brought-forward intake never locks the client out until the
booked date; an episode that has begun keeps its start (422)."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.conftest import World
from tests.factories import at, create_client, create_session, days_ago, with_if_match

BOOKING = {"status": "scheduled", "duration_minutes": 50, "modality": "in_person"}


async def _episode(client: httpx.AsyncClient, me: dict[str, str], client_id: str) -> dict:  # type: ignore[type-arg]
    [episode] = (await client.get(f"/v1/clients/{client_id}/episodes", headers=me)).json()["items"]
    return episode  # type: ignore[no-any-return]


async def test_a_cancelled_intake_ahead_gives_way_to_an_earlier_one(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    made = await create_client(client, me)
    intake = await create_session(client, me, made["id"], on=days_ago(-30), status="scheduled")
    assert intake["episode_opened"] is True
    before = await _episode(client, me, made["id"])
    cancelled = await client.patch(
        f"/v1/sessions/{intake['id']}",
        json={"status": "cancelled"},
        headers=with_if_match(me, intake["etag"]),
    )
    assert cancelled.status_code == 200, cancelled.text
    earlier = await client.post(
        "/v1/sessions",
        json={"client_id": made["id"], "starts_at": at(days_ago(-2)), **BOOKING},
        headers=me,
    )
    assert earlier.status_code == 201, earlier.text
    after = await _episode(client, me, made["id"])
    assert after["id"] == before["id"]
    assert after["started_on"] == days_ago(-2).isoformat()
    transitions = await client.get(f"/v1/episodes/{after['id']}/phase-transitions", headers=me)
    assert [t["effective_on"] for t in transitions.json()["items"]] == [after["started_on"]]


async def test_a_booked_ahead_intake_can_be_brought_forward(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    made = await create_client(client, me)
    intake = await create_session(client, me, made["id"], on=days_ago(-30), status="scheduled")
    moved = await client.patch(
        f"/v1/sessions/{intake['id']}",
        json={"starts_at": at(days_ago(-1))},
        headers=with_if_match(me, intake["etag"]),
    )
    assert moved.status_code == 200, moved.text
    assert (await _episode(client, me, made["id"]))["started_on"] == days_ago(-1).isoformat()


async def test_an_episode_that_has_begun_keeps_its_start(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    made = await create_client(client, me)
    first = await create_session(client, me, made["id"], on=days_ago(3), status="attended")
    assert first["episode_opened"] is True
    earlier = await client.post(
        "/v1/sessions",
        json={"client_id": made["id"], "starts_at": at(days_ago(3) - timedelta(days=7)), **BOOKING},
        headers=me,
    )
    assert earlier.status_code == 422, earlier.text
    assert (await _episode(client, me, made["id"]))["started_on"] == days_ago(3).isoformat()
