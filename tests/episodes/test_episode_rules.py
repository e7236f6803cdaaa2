"""SPEC §1.1 one rule at a time: opening, moving between phases, effective dates, closing."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx

from app.models import Episode
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
    with_if_match,
)

GOALS = "Mourn the father; return to work without panic."


async def _episode(client: httpx.AsyncClient, world: World, **fields: Any) -> dict[str, Any]:
    me = world["therapist"].headers
    created = await create_client(client, me, care_team=[world["trainee"].id])
    return await open_episode(client, me, created["id"], **fields)


def _transition(to_phase: str, days: int, rationale: str | None = None) -> dict[str, Any]:
    return {
        "to_phase": to_phase,
        "effective_on": days_ago(days).isoformat(),
        "rationale": rationale,
    }


async def test_an_episode_starts_in_initial_and_a_client_has_one_open(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    me = world["therapist"].headers
    created = await create_client(client, me)
    episode = await open_episode(client, me, created["id"], goals=GOALS)
    assert episode["current_phase"] == "initial"
    assert episode["status"] == "open"
    assert episode["goals"] == GOALS
    assert episode["therapist_id"] == str(world["therapist"].id)
    history = (
        await client.get(f"/v1/episodes/{episode['id']}/phase-transitions", headers=me)
    ).json()["items"]
    assert [
        (t["position"], t["from_phase"], t["to_phase"], t["effective_on"]) for t in history
    ] == [(0, None, "initial", episode["started_on"])]
    again = await client.post(
        f"/v1/clients/{created['id']}/episodes",
        headers=me,
        json={"started_on": days_ago(1).isoformat()},
    )
    problem(again, 409)
    future = (days_ago(0) + timedelta(days=3)).isoformat()
    other = await create_client(client, me)
    problem(
        await client.post(
            f"/v1/clients/{other['id']}/episodes", headers=me, json={"started_on": future}
        ),
        422,
    )
    async with state.sessionmaker() as db:
        row = await db.get(Episode, uuid.UUID(episode["id"]))
        assert row is not None
        assert row.goals is not None
        assert row.goals.startswith("v1.")
        assert "father" not in row.goals


async def test_a_move_to_the_next_phase_needs_no_rationale(
    client: httpx.AsyncClient, world: World
) -> None:
    episode = await _episode(client, world)
    moved = await move_phase(
        client, world["therapist"].headers, episode["id"], "exploration", days_ago(30)
    )
    assert moved["from_phase"] == "initial"
    assert moved["position"] == 1
    assert moved["recorded_by"] == str(world["therapist"].id)
    assert moved["rationale"] is None
    got = await client.get(f"/v1/episodes/{episode['id']}", headers=world["therapist"].headers)
    assert got.json()["current_phase"] == "exploration"
    assert got.headers["ETag"] != episode["etag"]


async def test_skipping_ahead_or_moving_back_needs_a_rationale(
    client: httpx.AsyncClient, world: World
) -> None:
    episode = await _episode(client, world)
    path, me = f"/v1/episodes/{episode['id']}/phase-transitions", world["therapist"].headers
    problem(await client.post(path, headers=me, json=_transition("working_through", 60)), 422)
    problem(await client.post(path, headers=me, json=_transition("working_through", 60, " ")), 422)
    skipped = await client.post(
        path,
        headers=me,
        json=_transition(
            "working_through", 60, "Insight came early; exploration happened in the intake."
        ),
    )
    assert skipped.status_code == 201, skipped.text
    problem(await client.post(path, headers=me, json=_transition("exploration", 30)), 422)
    back = await client.post(
        path,
        headers=me,
        json=_transition("exploration", 30, "New material about the mother reopens exploration."),
    )
    assert back.status_code == 201
    assert back.json()["from_phase"] == "working_through"


async def test_a_move_to_the_current_phase_is_422(client: httpx.AsyncClient, world: World) -> None:
    episode = await _episode(client, world)
    path, me = f"/v1/episodes/{episode['id']}/phase-transitions", world["therapist"].headers
    problem(await client.post(path, headers=me, json=_transition("initial", 10, "because")), 422)
    problem(await client.post(path, headers=me, json=_transition("reflection", 10)), 422)


async def test_effective_on_limits(client: httpx.AsyncClient, world: World) -> None:
    episode = await _episode(client, world, started_on=days_ago(100))
    path, me = f"/v1/episodes/{episode['id']}/phase-transitions", world["therapist"].headers
    problem(await client.post(path, headers=me, json=_transition("exploration", 101)), 422)
    problem(await client.post(path, headers=me, json=_transition("exploration", -3)), 422)
    await move_phase(client, me, episode["id"], "exploration", days_ago(50))
    problem(await client.post(path, headers=me, json=_transition("working_through", 51)), 422)
    # The same day as the last transition is allowed: the later one wins on that day.
    await move_phase(client, me, episode["id"], "working_through", days_ago(50))
    history = (await client.get(path, headers=me)).json()["items"]
    assert [t["to_phase"] for t in history] == ["initial", "exploration", "working_through"]


async def test_transitions_are_append_only(client: httpx.AsyncClient, world: World) -> None:
    episode = await _episode(client, world)
    me = world["therapist"].headers
    moved = await move_phase(client, me, episode["id"], "exploration", days_ago(5))
    path = f"/v1/episodes/{episode['id']}/phase-transitions"
    for method in ("PUT", "PATCH", "DELETE"):
        problem(await client.request(method, path, headers=me), 405)
        problem(await client.request(method, f"{path}/{moved['id']}", headers=me), 404)


async def test_concurrent_moves_record_exactly_one(client: httpx.AsyncClient, world: World) -> None:
    episode = await _episode(client, world)
    path, me = f"/v1/episodes/{episode['id']}/phase-transitions", world["therapist"].headers
    responses = await asyncio.gather(
        *(client.post(path, headers=me, json=_transition("exploration", 3)) for _ in range(6))
    )
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {201, 409, 422}, statuses
    history = (await client.get(path, headers=me)).json()["items"]
    assert [t["position"] for t in history] == [0, 1]


async def test_closing_rules_and_read_only_afterwards(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    episode = await _episode(client, world, started_on=days_ago(60))
    path = f"/v1/episodes/{episode['id']}"
    body = {"ended_on": days_ago(1).isoformat(), "reason": "completed", "summary": "Done well."}
    problem(await client.post(f"{path}/close", json=body, headers=me), 428)
    problem(await client.post(f"{path}/close", json=body, headers=with_if_match(me, '"x-1"')), 412)
    etag = episode["etag"]
    for wrong in (
        {**body, "ended_on": days_ago(61).isoformat()},
        {**body, "ended_on": (days_ago(0) + timedelta(days=2)).isoformat()},
        {**body, "reason": "bored"},
    ):
        problem(
            await client.post(f"{path}/close", json=wrong, headers=with_if_match(me, etag)), 422
        )
    scheduled = await create_session(
        client, me, episode["client_id"], on=days_ago(0), status="scheduled"
    )
    problem(await client.post(f"{path}/close", json=body, headers=with_if_match(me, etag)), 409)
    await client.patch(f"/v1/sessions/{scheduled['id']}", json={"status": "cancelled"}, headers=me)
    closed = await client.post(f"{path}/close", json=body, headers=with_if_match(me, etag))
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert closed.json()["close_summary"] == "Done well."
    assert closed.json()["ended_on"] == body["ended_on"]
    assert closed.json()["close_reason"] == "completed"
    etag = closed.headers["ETag"]
    problem(await client.post(f"{path}/close", json=body, headers=with_if_match(me, etag)), 409)
    problem(await client.patch(path, json={"goals": "more"}, headers=with_if_match(me, etag)), 409)
    problem(
        await client.post(
            f"{path}/phase-transitions", headers=me, json=_transition("exploration", 1)
        ),
        409,
    )
    problem(
        await client.post(
            "/v1/sessions",
            headers=me,
            json={
                "client_id": episode["client_id"],
                "episode_id": episode["id"],
                "starts_at": f"{days_ago(2).isoformat()}T10:00:00+00:00",
            },
        ),
        409,
    )
    # Its sessions do not change either, attendance included: that would rewrite the report.
    for change in ({"status": "no_show"}, {"duration_minutes": 30}):
        problem(await client.patch(f"/v1/sessions/{scheduled['id']}", json=change, headers=me), 409)
    # A new course of treatment may start, but not before the last one ended.
    problem(
        await client.post(
            f"/v1/clients/{episode['client_id']}/episodes",
            headers=me,
            json={"started_on": days_ago(3).isoformat()},
        ),
        422,
    )
    await open_episode(client, me, episode["client_id"], started_on=days_ago(0))


async def test_patch_episode(client: httpx.AsyncClient, world: World) -> None:
    me = world["therapist"].headers
    episode = await _episode(client, world, goals=GOALS)
    path = f"/v1/episodes/{episode['id']}"
    problem(await client.patch(path, json={"goals": "x"}, headers=me), 428)
    problem(
        await client.patch(
            path, json={"started_on": "2020-01-01"}, headers=with_if_match(me, episode["etag"])
        ),
        422,
    )
    problem(
        await client.patch(
            path,
            json={"therapist_id": str(world["auditor"].id)},
            headers=with_if_match(me, episode["etag"]),
        ),
        422,
    )
    changed = await client.patch(
        path,
        json={"goals": "Work.", "therapist_id": str(world["trainee"].id)},
        headers=with_if_match(me, episode["etag"]),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["goals"] == "Work."
    assert changed.json()["version"] == 2
    problem(
        await client.patch(path, json={"goals": "y"}, headers=with_if_match(me, episode["etag"])),
        412,
    )


async def test_who_may_read_and_move_phases(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    episode = await _episode(client, world)
    path = f"/v1/episodes/{episode['id']}"
    move = _transition("exploration", 2)
    reader = await make_api_key(state, world, ["progress:read"])
    assert (await client.get(path, headers=reader)).json()["goals"] is None
    problem(await client.post(f"{path}/phase-transitions", json=move, headers=reader), 403)
    supervisor = world["supervisor"].headers
    assert (await client.get(f"{path}/phase-transitions", headers=supervisor)).status_code == 200
    problem(await client.post(f"{path}/phase-transitions", json=move, headers=supervisor), 403)
    problem(await client.get(path, headers=world["admin"].headers), 403)
    problem(await client.get(path, headers=world["therapist2"].headers), 404)
    trainee = await client.post(
        f"{path}/phase-transitions", json=move, headers=world["trainee"].headers
    )
    assert trainee.status_code == 201, trainee.text
