"""Progress edge cases: same-day corrections, closed episodes, no episode, and access."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.episodes.phases import phase_at
from app.models import TherapySession
from app.progress import queries
from app.state import AppState
from tests.conftest import World
from tests.factories import (
    clinical_case,
    create_client,
    create_session,
    days_ago,
    make_api_key,
    move_phase,
    open_episode,
    problem,
    with_if_match,
)
from tests.observations.support import measure, observe


async def test_same_day_correction_and_closing(client: httpx.AsyncClient, world: World) -> None:
    headers = world["therapist"].headers
    created = await create_client(client, headers)
    episode = await open_episode(client, headers, created["id"], started_on=days_ago(40))
    visit = await create_session(client, headers, created["id"], on=days_ago(20))
    await observe(client, headers, visit["id"], "defense.humor", 2)
    await measure(
        client, headers, created["id"], "gad7", [0] * 7, administered_on=str(days_ago(45))
    )
    # A move recorded by mistake and corrected the same day never takes effect.
    await move_phase(client, headers, episode["id"], "exploration", days_ago(30))
    await move_phase(
        client, headers, episode["id"], "initial", days_ago(30), "Recorded by mistake."
    )
    etag = (await client.get(f"/v1/episodes/{episode['id']}", headers=headers)).headers["ETag"]
    closed = await client.post(
        f"/v1/episodes/{episode['id']}/close",
        json={"ended_on": str(days_ago(10)), "reason": "completed", "summary": "Ended well."},
        headers=with_if_match(headers, etag),
    )
    assert closed.status_code == 200, closed.text
    # A closed episode is read-only: no new findings, no measures tied to its sessions.
    body = {"theme_code": "defense.humor", "intensity": 3}
    url = f"/v1/sessions/{visit['id']}/observations"
    problem(await client.post(url, json=body, headers=headers), 409)
    body = {"instrument": "gad7", "items": [0] * 7, "session_id": visit["id"]}
    problem(
        await client.post(f"/v1/clients/{created['id']}/measures", json=body, headers=headers), 409
    )
    response = await client.get(f"/v1/clients/{created['id']}/progress", headers=headers)
    assert response.status_code == 200, response.text
    doc = response.json()
    assert (doc["status"], doc["ended_on"], doc["current_phase"]) == (
        "closed",
        str(days_ago(10)),
        "initial",
    )
    assert [(s["phase"], s["start"], s["end"], s["days"]) for s in doc["segments"]] == [
        ("initial", str(days_ago(40)), str(days_ago(10)), 31)
    ]
    (initial,) = doc["phases"]
    assert initial["defensive_functioning"]["odf"] == 7.0
    assert initial["measures"] == []  # administered before the episode began
    assert initial["ccrt"] == {
        "relationship_episodes": 0,
        "wish": [],
        "response_of_other": [],
        "response_of_self": [],
    }


async def test_no_episode_and_bad_filters(client: httpx.AsyncClient, world: World) -> None:
    headers = world["therapist"].headers
    created = await create_client(client, headers)
    problem(await client.get(f"/v1/clients/{created['id']}/progress", headers=headers), 404)
    case = await clinical_case(client, world)
    url = f"/v1/episodes/{case.episode_id}/progress"
    problem(await client.get(f"{url}?themes=Not A Code", headers=headers), 422)
    empty = await client.get(f"{url}?themes=", headers=headers)
    assert empty.status_code == 200
    assert empty.json()["theme_trajectories"] == []


async def test_progress_access(client: httpx.AsyncClient, world: World, state: AppState) -> None:
    case = await clinical_case(client, world)
    for url in (
        f"/v1/episodes/{case.episode_id}/progress",
        f"/v1/clients/{case.client_id}/progress",
    ):
        for name in ("therapist", "trainee", "supervisor"):
            assert (await client.get(url, headers=world[name].headers)).status_code == 200
        for name, status in (("admin", 403), ("auditor", 403), ("therapist2", 404)):
            problem(await client.get(url, headers=world[name].headers), status)
        reader = await make_api_key(state, world, ["progress:read"])
        assert (await client.get(url, headers=reader)).status_code == 200
        notes_key = await make_api_key(state, world, ["notes:read"])
        problem(await client.get(url, headers=notes_key), 403)


async def test_segment_join_agrees_with_phase_at(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    headers = world["therapist"].headers
    created = await create_client(client, headers)
    episode = await open_episode(client, headers, created["id"], started_on=days_ago(40))
    for days in (40, 31, 30, 21, 20, 19, 10, 9, 1):
        await create_session(client, headers, created["id"], on=days_ago(days))
    moves = (
        ("exploration", 30, None),
        ("working_through", 20, None),
        ("exploration", 20, "Corrected: still exploring."),
        ("termination", 10, "Ending brought forward by a move abroad."),
    )
    for phase, days, rationale in moves:
        await move_phase(client, headers, episode["id"], phase, days_ago(days), rationale)
    episode_id = uuid.UUID(episode["id"])
    sp = queries.session_phases(episode_id)
    async with state.sessionmaker() as db:
        joined = dict((await db.execute(select(sp.c.session_id, sp.c.phase))).all())
        direct = dict(
            (
                await db.execute(
                    select(
                        col(TherapySession.id), phase_at(episode_id, TherapySession.starts_on)
                    ).where(col(TherapySession.episode_id) == episode_id)
                )
            ).all()
        )
    assert joined == direct
    assert sorted(joined.values()) == sorted(
        ["initial"] * 2 + ["exploration"] * 4 + ["termination"] * 3
    )
