"""Measures never change a read-only record: a closed episode (by date) or an archived client."""

from __future__ import annotations

import httpx

from tests.conftest import World
from tests.factories import create_client, create_session, days_ago, open_episode, with_if_match

PHQ9 = {"instrument": "phq9", "items": [3, 3, 3, 3, 3, 3, 3, 3, 3]}


async def _closed_episode(http: httpx.AsyncClient, world: World) -> tuple[str, str]:
    me = world["therapist"].headers
    created = await create_client(http, me)
    episode = await open_episode(http, me, created["id"], started_on=days_ago(120))
    closed = await http.post(
        f"/v1/episodes/{episode['id']}/close",
        json={"ended_on": days_ago(30).isoformat(), "reason": "completed"},
        headers=with_if_match(me, episode["etag"]),
    )
    assert closed.status_code == 200, closed.text
    return created["id"], episode["id"]


async def test_a_measure_dated_inside_a_closed_episode_changes_its_record(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    client_id, episode_id = await _closed_episode(client, world)
    before = await client.get(f"/v1/episodes/{episode_id}/progress", headers=me)
    assert before.status_code == 200, before.text
    # A measure dated 60 days ago lies inside the closed episode's span.
    body = {**PHQ9, "administered_on": days_ago(60).isoformat()}
    added = await client.post(f"/v1/clients/{client_id}/measures", json=body, headers=me)
    after = await client.get(f"/v1/episodes/{episode_id}/progress", headers=me)
    # SPEC §1.1: a closed episode is read-only (409 on writes). Either the write is refused,
    # or at least the closed episode's record does not change.
    assert after.json()["phases"] == before.json()["phases"], (
        added.status_code,
        after.json()["phases"][0]["measures"],
    )
    assert added.status_code == 409, (added.status_code, added.text)


async def test_an_archived_client_takes_no_new_measures(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    client_id, _ = await _closed_episode(client, world)
    current = await client.get(f"/v1/clients/{client_id}", headers=me)
    archived = await client.patch(
        f"/v1/clients/{client_id}",
        json={"status": "archived"},
        headers=with_if_match(me, current.headers["ETag"]),
    )
    assert archived.status_code == 200, archived.text
    # docs/clinical-record.md: an archived client is read-only; every change but status is 409.
    added = await client.post(f"/v1/clients/{client_id}/measures", json=PHQ9, headers=me)
    assert added.status_code == 409, (added.status_code, added.text)


async def test_measures_outside_closed_episodes_are_still_recorded(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    client_id, _ = await _closed_episode(client, world)
    # Between episodes (after the close) and inside a new open episode: both allowed.
    between = {**PHQ9, "administered_on": days_ago(20).isoformat()}
    added = await client.post(f"/v1/clients/{client_id}/measures", json=between, headers=me)
    assert added.status_code == 201, added.text
    await open_episode(client, me, client_id, started_on=days_ago(10))
    inside = {**PHQ9, "administered_on": days_ago(5).isoformat()}
    added = await client.post(f"/v1/clients/{client_id}/measures", json=inside, headers=me)
    assert added.status_code == 201, added.text
    # The closed episode's first day and last day are still its own.
    for day in (120, 30):
        body = {**PHQ9, "administered_on": days_ago(day).isoformat()}
        refused = await client.post(f"/v1/clients/{client_id}/measures", json=body, headers=me)
        assert refused.status_code == 409, (day, refused.text)


async def _new_episode_on_close_day(http: httpx.AsyncClient, world: World) -> tuple[str, str]:
    me = world["therapist"].headers
    client_id, _ = await _closed_episode(http, world)
    # Booking an intake on the day the last episode ended opens a new episode that day.
    visit = await create_session(http, me, client_id, on=days_ago(30))
    assert visit["episode_opened"] is True, visit
    return client_id, visit["id"]


async def test_a_measure_of_a_session_on_the_first_day_of_the_open_episode(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    client_id, session_id = await _new_episode_on_close_day(client, world)
    body = {**PHQ9, "session_id": session_id}
    added = await client.post(f"/v1/clients/{client_id}/measures", json=body, headers=me)
    # The session belongs to the open episode: its measure is part of an open record.
    assert added.status_code == 201, (added.status_code, added.text)


async def test_a_measure_dated_the_first_day_of_the_open_episode(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    client_id, _ = await _new_episode_on_close_day(client, world)
    body = {**PHQ9, "administered_on": days_ago(30).isoformat()}
    added = await client.post(f"/v1/clients/{client_id}/measures", json=body, headers=me)
    assert added.status_code == 201, (added.status_code, added.text)


async def test_the_day_two_episodes_share_counts_each_measure_once(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    created = await create_client(client, me)
    client_id = created["id"]
    first = await open_episode(client, me, client_id, started_on=days_ago(120))
    # Recorded while the first episode was open, on what becomes its last day.
    body = {**PHQ9, "administered_on": days_ago(30).isoformat()}
    before = await client.post(f"/v1/clients/{client_id}/measures", json=body, headers=me)
    assert before.status_code == 201, before.text
    closed = await client.post(
        f"/v1/episodes/{first['id']}/close",
        json={"ended_on": days_ago(30).isoformat(), "reason": "completed"},
        headers=with_if_match(me, first["etag"]),
    )
    assert closed.status_code == 200, closed.text
    closed_report = (await client.get(f"/v1/episodes/{first['id']}/progress", headers=me)).json()
    visit = await create_session(client, me, client_id, on=days_ago(30))
    assert visit["episode_opened"] is True, visit
    after = await client.post(f"/v1/clients/{client_id}/measures", json=body, headers=me)
    assert after.status_code == 201, after.text

    def counted(report: dict[str, object]) -> int:
        phases = report["phases"]
        assert isinstance(phases, list)
        return sum(m["n"] for p in phases for m in p["measures"])

    # The closed episode keeps what it held when it closed; the open one takes the rest.
    first_report = (await client.get(f"/v1/episodes/{first['id']}/progress", headers=me)).json()
    assert first_report == closed_report
    assert counted(first_report) == 1
    second = (await client.get(f"/v1/clients/{client_id}/progress", headers=me)).json()
    assert second["episode_id"] == visit["episode_id"], second
    assert counted(second) == 1


async def test_after_an_episode_of_one_day_the_next_takes_that_days_measures(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    client_id = (await create_client(client, me))["id"]
    day = days_ago(30)
    body = {**PHQ9, "administered_on": day.isoformat()}
    first = await open_episode(client, me, client_id, started_on=day)
    early = await client.post(f"/v1/clients/{client_id}/measures", json=body, headers=me)
    assert early.status_code == 201, early.text
    closed = await client.post(
        f"/v1/episodes/{first['id']}/close",
        json={"ended_on": day.isoformat(), "reason": "completed"},
        headers=with_if_match(me, first["etag"]),
    )
    assert closed.status_code == 200, closed.text
    second = await open_episode(client, me, client_id, started_on=day)
    late = await client.post(f"/v1/clients/{client_id}/measures", json=body, headers=me)
    assert late.status_code == 201, late.text

    async def counted(episode_id: str) -> int:
        report = (await client.get(f"/v1/episodes/{episode_id}/progress", headers=me)).json()
        return sum(m["n"] for p in report["phases"] for m in p["measures"])

    # Each measure once: the one day's episode keeps its own, the open one takes the later.
    assert (await counted(first["id"]), await counted(second["id"])) == (1, 1)
