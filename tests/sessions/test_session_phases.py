"""A session's phase is derived on every read: back-dated transitions move sessions' phases."""

from __future__ import annotations

from typing import Any

import httpx

from app.state import AppState
from tests.conftest import World
from tests.factories import (
    create_client,
    create_session,
    days_ago,
    make_api_key,
    move_phase,
    open_episode,
    problem,
)


async def _phases(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> dict[str, str]:
    response = await client.get("/v1/sessions", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return {s["id"]: s["phase"] for s in response.json()["items"]}


async def test_back_dated_transition_changes_sessions_phase_in_reads_and_filters(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    created = await create_client(client, me)
    episode = await open_episode(client, me, created["id"], started_on=days_ago(70))
    weekly = [
        await create_session(client, me, created["id"], on=days_ago(63 - 7 * week))
        for week in range(9)
    ]
    ids = [s["id"] for s in weekly]
    assert all(s["phase"] == "initial" for s in weekly)
    assert set((await _phases(client, me, client_id=created["id"])).values()) == {"initial"}

    # Recorded today, effective five weeks ago: the last five sessions move to exploration.
    await move_phase(client, me, episode["id"], "exploration", days_ago(35))
    phases = await _phases(client, me, client_id=created["id"])
    assert [phases[i] for i in ids] == ["initial"] * 4 + ["exploration"] * 5
    single = await client.get(f"/v1/sessions/{ids[4]}", headers=me)
    assert single.json()["phase"] == "exploration"
    assert set(await _phases(client, me, phase="exploration")) == set(ids[4:])
    assert set(await _phases(client, me, phase="initial")) == set(ids[:4])

    # A later correction back-dated to the same day as the last: the newest one wins.
    await move_phase(client, me, episode["id"], "working_through", days_ago(14), rationale=None)
    phases = await _phases(client, me, episode_id=episode["id"])
    assert [phases[i] for i in ids] == ["initial"] * 4 + ["exploration"] * 3 + [
        "working_through"
    ] * 2
    assert set(await _phases(client, me, phase="working_through")) == set(ids[7:])
    assert await _phases(client, me, phase="termination") == {}


async def test_phase_is_clinical_and_hidden_from_scheduling_readers(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    me = world["therapist"].headers
    created = await create_client(client, me)
    await open_episode(client, me, created["id"])
    visit = await create_session(client, me, created["id"])
    path = f"/v1/sessions/{visit['id']}"
    admin = world["admin"].headers
    assert "phase" not in (await client.get(path, headers=admin)).json()
    assert "phase" not in (await client.get("/v1/sessions", headers=admin)).json()["items"][0]
    problem(await client.get("/v1/sessions", params={"phase": "initial"}, headers=admin), 403)
    scheduler = await make_api_key(state, world, ["sessions:read"])
    assert "phase" not in (await client.get(path, headers=scheduler)).json()
    problem(await client.get("/v1/sessions", params={"phase": "initial"}, headers=scheduler), 403)
    both = await make_api_key(state, world, ["sessions:read", "progress:read"])
    assert (await client.get(path, headers=both)).json()["phase"] == "initial"
    listed = await client.get("/v1/sessions", params={"phase": "initial"}, headers=both)
    assert [s["id"] for s in listed.json()["items"]] == [visit["id"]]
    problem(await client.get("/v1/sessions", params={"phase": "limbo"}, headers=me), 422)
