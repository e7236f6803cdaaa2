"""Observations of a session: active themes only, encrypted evidence, locked once signed."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import update
from sqlmodel import col

from app.models import Note, Observation
from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case, create_session, make_api_key, problem
from tests.observations.support import observe, write_progress_note

EVIDENCE = "Spoke of the father's death in general terms, without feeling."


async def test_observe_list_and_delete(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await clinical_case(client, world)
    headers = world["trainee"].headers
    created = await observe(
        client, headers, case.session_id, "defense.intellectualization", 3, EVIDENCE
    )
    assert created["theme_label"] == "Intellectualization"
    assert created["dmrs_level"] == 6
    assert created["category"] == "defense"
    assert created["evidence"] == EVIDENCE
    assert created["phase"] == "initial"
    assert created["observed_by"] == str(world["trainee"].id)
    await observe(client, headers, case.session_id, "affect.grief", 4)
    listed = await client.get(
        f"/v1/sessions/{case.session_id}/observations?limit=1", headers=headers
    )
    assert listed.status_code == 200
    assert [o["id"] for o in listed.json()["items"]] == [created["id"]]
    cursor = listed.json()["next_cursor"]
    second = await client.get(
        f"/v1/sessions/{case.session_id}/observations?cursor={cursor}", headers=headers
    )
    assert [o["theme_code"] for o in second.json()["items"]] == ["affect.grief"]
    assert second.json()["next_cursor"] is None
    async with state.sessionmaker() as db:
        stored = await db.get(Observation, uuid.UUID(created["id"]))
        assert stored is not None
        assert stored.evidence is not None
        assert "father" not in stored.evidence
        assert stored.evidence.startswith("v1.")
    deleted = await client.delete(f"/v1/observations/{created['id']}", headers=headers)
    assert deleted.status_code == 204
    problem(await client.delete(f"/v1/observations/{created['id']}", headers=headers), 404)


async def test_unknown_inactive_and_out_of_range(client: httpx.AsyncClient, world: World) -> None:
    case = await clinical_case(client, world)
    headers = world["therapist"].headers
    url = f"/v1/sessions/{case.session_id}/observations"
    for body in (
        {"theme_code": "defense.nonexistent", "intensity": 3},
        {"theme_code": "defense.denial", "intensity": 0},
        {"theme_code": "defense.denial", "intensity": 6},
        {"theme_code": "defense.denial", "intensity": 2.5},
        {"theme_code": "Defense.Denial", "intensity": 2},
        {"theme_code": "defense.denial", "intensity": 2, "evidence": "x" * 10_001},
    ):
        problem(await client.post(url, json=body, headers=headers), 422)
    custom = {"code": "somatic.tics", "label": "Tics", "category": "somatic"}
    assert (await client.post("/v1/themes", json=custom, headers=headers)).status_code == 201
    await observe(client, headers, case.session_id, "somatic.tics", 2)
    patched = await client.patch("/v1/themes/somatic.tics", json={"active": False}, headers=headers)
    assert patched.status_code == 200
    refused = problem(
        await client.post(
            url, json={"theme_code": "somatic.tics", "intensity": 2}, headers=headers
        ),
        422,
    )
    assert "deactivated" in refused["detail"]
    # Observations recorded before the deactivation stay.
    listed = await client.get(url, headers=headers)
    assert [o["theme_code"] for o in listed.json()["items"]] == ["somatic.tics"]


async def test_other_practices_theme_cannot_be_observed(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    custom = {"code": "somatic.tics", "label": "Tics", "category": "somatic"}
    theirs = await client.post("/v1/themes", json=custom, headers=other_world["admin"].headers)
    assert theirs.status_code == 201
    case = await clinical_case(client, world)
    response = await client.post(
        f"/v1/sessions/{case.session_id}/observations",
        json={"theme_code": "somatic.tics", "intensity": 2},
        headers=world["therapist"].headers,
    )
    assert "no such theme" in problem(response, 422)["detail"]


async def test_locked_once_progress_note_signed_by_its_author(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await clinical_case(client, world)
    headers = world["therapist"].headers
    kept = await observe(client, headers, case.session_id, "affect.guilt", 2)
    await write_progress_note(state, case.session_id, status="pending_cosign")
    url = f"/v1/sessions/{case.session_id}/observations"
    body = {"theme_code": "affect.shame", "intensity": 2}

    async def note_status(status: str) -> None:
        async with state.sessionmaker() as db:
            await db.execute(
                update(Note)
                .where(col(Note.session_id) == uuid.UUID(case.session_id))
                .values(status=status)
            )
            await db.commit()

    # Signed by its trainee author and awaiting cosignature: locked for the supervisor's review.
    problem(await client.post(url, json=body, headers=headers), 409)
    await note_status("draft")  # returned: open again
    await observe(client, headers, case.session_id, "affect.anger", 2)
    await note_status("signed")
    problem(await client.post(url, json=body, headers=headers), 409)
    problem(await client.delete(f"/v1/observations/{kept['id']}", headers=headers), 409)
    assert len((await client.get(url, headers=headers)).json()["items"]) == 2


async def test_session_that_did_not_take_place(client: httpx.AsyncClient, world: World) -> None:
    case = await clinical_case(client, world)
    headers = world["therapist"].headers
    missed = await create_session(client, headers, case.client_id, status="no_show")
    response = await client.post(
        f"/v1/sessions/{missed['id']}/observations",
        json={"theme_code": "resistance.missed_sessions", "intensity": 3},
        headers=headers,
    )
    problem(response, 409)


async def test_access_per_role(client: httpx.AsyncClient, world: World, state: AppState) -> None:
    # The trainee is on the care team: the supervisor reads through supervision, never writes.
    trainee = world["trainee"].headers
    case = await clinical_case(client, world)
    mine = await observe(client, trainee, case.session_id, "affect.grief", 3)
    url = f"/v1/sessions/{case.session_id}/observations"
    body = {"theme_code": "affect.grief", "intensity": 2}
    supervisor = world["supervisor"].headers
    assert (await client.get(url, headers=supervisor)).status_code == 200
    problem(await client.post(url, json=body, headers=supervisor), 403)
    reader = await make_api_key(state, world, ["progress:read"])
    assert (await client.get(url, headers=reader)).status_code == 200
    problem(await client.post(url, json=body, headers=reader), 403)
    problem(await client.delete(f"/v1/observations/{mine['id']}", headers=reader), 403)
    for name, status in (("admin", 403), ("auditor", 403), ("therapist2", 404)):
        headers = world[name].headers
        problem(await client.get(url, headers=headers), status)
        problem(await client.post(url, json=body, headers=headers), status)
        problem(await client.delete(f"/v1/observations/{mine['id']}", headers=headers), status)
    problem(await client.get(f"/v1/sessions/{uuid.uuid4()}/observations", headers=trainee), 404)
    glass = {**world["therapist2"].headers, "X-Break-Glass-Reason": "Covering an emergency"}
    assert (await client.get(url, headers=glass)).status_code == 200
