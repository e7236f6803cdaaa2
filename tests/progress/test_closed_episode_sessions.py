"""A closed episode is read-only (SPEC §1.1): its sessions and its report do not change."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import World
from tests.factories import create_client, create_session, days_ago, open_episode, with_if_match
from tests.observations.support import observe


async def _closed_case(
    client: httpx.AsyncClient, world: World
) -> tuple[dict[str, str], dict[str, Any], dict[str, Any], dict[str, Any]]:
    t = world["therapist"].headers
    c = await create_client(client, t)
    ep = await open_episode(client, t, c["id"], started_on=days_ago(40))
    s1 = await create_session(client, t, c["id"], on=days_ago(30))
    s2 = await create_session(client, t, c["id"], on=days_ago(5), status="cancelled")
    r = await client.post(
        f"/v1/episodes/{ep['id']}/close",
        json={"ended_on": str(days_ago(20)), "reason": "completed"},
        headers=with_if_match(t, ep["etag"]),
    )
    assert r.status_code == 200, r.text
    return t, ep, s1, s2


async def test_closed_episode_report_does_not_change(
    client: httpx.AsyncClient, world: World
) -> None:
    t, ep, s1, _ = await _closed_case(client, world)
    before = (await client.get(f"/v1/episodes/{ep['id']}/progress", headers=t)).json()
    r = await client.patch(f"/v1/sessions/{s1['id']}", json={"status": "no_show"}, headers=t)
    assert r.status_code == 409, r.text
    after = (await client.get(f"/v1/episodes/{ep['id']}/progress", headers=t)).json()
    assert before["segments"] == after["segments"]


async def test_closed_episode_session_cannot_be_rescheduled_to_scheduled(
    client: httpx.AsyncClient, world: World
) -> None:
    t, ep, s1, _ = await _closed_case(client, world)
    r = await client.patch(f"/v1/sessions/{s1['id']}", json={"status": "scheduled"}, headers=t)
    # a closed episode "takes no new sessions" and had to have no scheduled session to close
    assert r.status_code == 409, r.text


async def test_closed_episode_no_attended_session_after_end(
    client: httpx.AsyncClient, world: World
) -> None:
    t, ep, _, s2 = await _closed_case(client, world)
    # s2 (cancelled) lies after ended_on; marking it attended puts a held session after the end
    r = await client.patch(f"/v1/sessions/{s2['id']}", json={"status": "attended"}, headers=t)
    assert r.status_code in (409, 422), r.text


async def test_cancelled_session_findings_not_counted(
    client: httpx.AsyncClient, world: World
) -> None:
    t = world["therapist"].headers
    c = await create_client(client, t)
    ep = await open_episode(client, t, c["id"], started_on=days_ago(40))
    s1 = await create_session(client, t, c["id"], on=days_ago(30))
    await observe(client, t, s1["id"], "defense.denial", 3)
    r = await client.patch(f"/v1/sessions/{s1['id']}", json={"status": "cancelled"}, headers=t)
    assert r.status_code == 200, r.text
    doc = (await client.get(f"/v1/episodes/{ep['id']}/progress", headers=t)).json()
    initial = doc["phases"][0]
    assert initial["sessions"]["attended"] == 0
    # A session that did not take place has no observations (the API refuses new ones)
    assert initial["defensive_functioning"]["defense_observations"] == 0, initial


async def test_closed_segment_counts_only_sessions_up_to_end(
    client: httpx.AsyncClient, world: World
) -> None:
    t, ep, s1, s2 = await _closed_case(client, world)  # s2: cancelled, 15 days after ended_on
    doc = (await client.get(f"/v1/episodes/{ep['id']}/progress", headers=t)).json()
    last = doc["segments"][-1]
    assert last["end"] == str(days_ago(20))
    # a session dated after the segment's end is not a session of that segment
    assert last["sessions"]["total"] == 1, last
