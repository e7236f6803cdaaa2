"""Clients: creation rules, who sees which fields, caseload lists, care team, archiving."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from app.models import AuditEvent, Client
from app.state import AppState
from tests.conftest import World
from tests.factories import (
    create_client,
    create_session,
    make_api_key,
    open_episode,
    problem,
    with_if_match,
)

CONCERNS = "Panic attacks on the underground since the divorce."


async def test_creator_is_primary_and_fields_follow_the_role(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    therapist = world["therapist"]
    response = await client.post(
        "/v1/clients",
        headers=therapist.headers,
        json={
            "given_name": "Ada",
            "family_name": "Byron",
            "presenting_concerns": CONCERNS,
            "date_of_birth": "1990-02-03",
        },
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["primary_therapist_id"] == str(therapist.id)
    assert created["presenting_concerns"] == CONCERNS
    assert created["status"] == "active"
    assert response.headers["Location"] == f"/v1/clients/{created['id']}"
    assert response.headers["ETag"]

    path = f"/v1/clients/{created['id']}"
    admin = (await client.get(path, headers=world["admin"].headers)).json()
    assert "presenting_concerns" not in admin
    assert admin["given_name"] == "Ada"
    reader = await make_api_key(state, world, ["clients:read"])
    assert "presenting_concerns" not in (await client.get(path, headers=reader)).json()
    clinical_key = await make_api_key(state, world, ["clients:read", "progress:read"])
    assert (await client.get(path, headers=clinical_key)).json()["presenting_concerns"] == CONCERNS
    listed = (await client.get("/v1/clients", headers=world["admin"].headers)).json()["items"]
    assert [c["id"] for c in listed] == [created["id"]]
    assert "presenting_concerns" not in listed[0]


async def test_primary_therapist_rules(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    admin = world["admin"].headers
    body = {"given_name": "B", "family_name": "C"}
    problem(await client.post("/v1/clients", headers=admin, json=body), 422)
    for not_clinician in ("admin", "auditor"):
        named = {**body, "primary_therapist_id": str(world[not_clinician].id)}
        problem(await client.post("/v1/clients", headers=admin, json=named), 422)
    ok = await client.post(
        "/v1/clients",
        headers=admin,
        json={**body, "primary_therapist_id": str(world["therapist2"].id)},
    )
    assert ok.status_code == 201
    assert ok.json()["primary_therapist_id"] == str(world["therapist2"].id)
    # Clinical content is for clinicians to write: admins and API keys get 403.
    concerns = {
        **body,
        "primary_therapist_id": str(world["therapist"].id),
        "presenting_concerns": "x",
    }
    problem(await client.post("/v1/clients", headers=admin, json=concerns), 403)
    writer = await make_api_key(state, world, ["clients:write", "progress:read"])
    problem(await client.post("/v1/clients", headers=writer, json=concerns), 403)
    # A clinician cannot make someone else primary.
    other = {**body, "primary_therapist_id": str(world["therapist2"].id)}
    problem(await client.post("/v1/clients", headers=world["therapist"].headers, json=other), 422)
    problem(await client.post("/v1/clients", headers=world["auditor"].headers, json=body), 403)


async def test_external_id_is_unique_per_practice(
    client: httpx.AsyncClient, world: World, other_world: World, state: AppState
) -> None:
    admin = world["admin"].headers
    primary = {"primary_therapist_id": world["therapist"].id}
    mine = await create_client(client, admin, external_id="ext-42", **primary)
    key = await make_api_key(state, world, ["clients:write"])
    duplicate = await client.post(
        "/v1/clients",
        headers=key,
        json={"given_name": "X", "family_name": "Y", "external_id": "ext-42", **_ids(primary)},
    )
    problem(duplicate, 409)
    await create_client(
        client,
        other_world["admin"].headers,
        external_id="ext-42",
        primary_therapist_id=other_world["therapist"].id,
    )
    found = await client.get("/v1/clients", params={"external_id": "ext-42"}, headers=admin)
    assert [c["id"] for c in found.json()["items"]] == [mine["id"]]
    second = await create_client(client, admin, external_id="ext-43", **primary)
    clash = await client.patch(
        f"/v1/clients/{second['id']}",
        json={"external_id": "ext-42"},
        headers=with_if_match(admin, second["etag"]),
    )
    problem(clash, 409)


async def test_clinicians_do_not_set_external_id(client: httpx.AsyncClient, world: World) -> None:
    """§2.1: a 409 on a clinician's external_id would reveal a client outside their reach."""
    await create_client(
        client,
        world["admin"].headers,
        external_id="ext-hidden",
        primary_therapist_id=world["therapist"].id,
    )
    body = {"given_name": "X", "family_name": "Y"}
    for taken in ("ext-hidden", "ext-free"):
        refused = await client.post(
            "/v1/clients", headers=world["therapist2"].headers, json=body | {"external_id": taken}
        )
        assert problem(refused, 403)["detail"] == "external_id is set by admins and API keys only"
    own = await create_client(client, world["therapist2"].headers)
    patched = await client.patch(
        f"/v1/clients/{own['id']}",
        json={"external_id": "ext-hidden"},
        headers=with_if_match(world["therapist2"].headers, own["etag"]),
    )
    problem(patched, 403)


def _ids(fields: Mapping[str, object]) -> dict[str, str]:
    return {k: str(v) for k, v in fields.items()}


async def test_caseloads_and_filters(client: httpx.AsyncClient, world: World) -> None:
    own = await create_client(
        client, world["therapist"].headers, given_name="Ümit", family_name="Percent%Name"
    )
    trainees = await create_client(
        client, world["trainee"].headers, given_name="Tess", family_name="Trainee"
    )
    shared = await create_client(
        client,
        world["therapist2"].headers,
        given_name="Sam",
        family_name="Shared",
        care_team=[world["therapist"].id],
    )

    async def ids(member: str, **params: str) -> set[str]:
        response = await client.get("/v1/clients", params=params, headers=world[member].headers)
        assert response.status_code == 200, response.text
        return {c["id"] for c in response.json()["items"]}

    assert await ids("therapist") == {own["id"], shared["id"]}
    assert await ids("therapist2") == {shared["id"]}
    assert await ids("supervisor") == {trainees["id"]}
    assert await ids("admin") == {own["id"], trainees["id"], shared["id"]}
    assert await ids("admin", therapist_id=str(world["therapist"].id)) == {own["id"], shared["id"]}
    assert await ids("admin", q="percent%") == {own["id"]}
    assert await ids("admin", q="%") == {own["id"]}
    assert await ids("admin", q="TESS") == {trainees["id"]}
    # Beyond ASCII too, on either database: as spelled, and in another case.
    for q in ("Ümit", "ümit", "ÜMIT", "Üm"):
        assert await ids("admin", q=q) == {own["id"]}, q
    assert await ids("admin", status="discharged") == set()
    problem(
        await client.get(
            "/v1/clients", params={"status": "deleted"}, headers=world["admin"].headers
        ),
        422,
    )
    problem(await client.get("/v1/clients", headers=world["auditor"].headers), 403)


async def test_care_team_grants_access(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    created = await create_client(client, world["therapist"].headers)
    path = f"/v1/clients/{created['id']}"
    colleague = world["therapist2"]
    problem(await client.get(path, headers=colleague.headers), 404)
    team_path = f"{path}/care-team"
    body = {"user_ids": [str(colleague.id)]}
    problem(await client.put(team_path, json=body, headers=world["therapist"].headers), 428)
    for wrong in (world["auditor"].id, world["admin"].id, other_world["therapist"].id):
        response = await client.put(
            team_path,
            json={"user_ids": [str(wrong)]},
            headers=with_if_match(world["therapist"].headers, created["etag"]),
        )
        problem(response, 422)
    updated = await client.put(
        team_path, json=body, headers=with_if_match(world["therapist"].headers, created["etag"])
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["care_team"] == [str(colleague.id)]
    assert updated.headers["ETag"] != created["etag"]
    seen = await client.get(path, headers=colleague.headers)
    assert seen.status_code == 200
    assert seen.json()["presenting_concerns"] is None


async def test_patch_archive_and_read_only(client: httpx.AsyncClient, world: World) -> None:
    me = world["therapist"].headers
    created = await create_client(client, me)
    path = f"/v1/clients/{created['id']}"
    problem(await client.patch(path, json={"phone": "+1 555 0100"}, headers=me), 428)
    problem(
        await client.patch(
            path, json={"phone": "+1 555 0100"}, headers=with_if_match(me, '"stale-1"')
        ),
        412,
    )
    changed = await client.patch(
        path,
        json={"phone": "+1 555 0100", "preferred_name": "Al"},
        headers=with_if_match(me, created["etag"]),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["phone"] == "+1 555 0100"
    assert changed.json()["version"] == 2
    etag = changed.headers["ETag"]
    problem(
        await client.patch(path, json={"given_name": None}, headers=with_if_match(me, etag)), 422
    )

    episode = await open_episode(client, me, created["id"])
    problem(
        await client.patch(path, json={"status": "archived"}, headers=with_if_match(me, etag)), 409
    )
    closed = await client.post(
        f"/v1/episodes/{episode['id']}/close",
        json={"ended_on": episode["started_on"], "reason": "other"},
        headers=with_if_match(me, episode["etag"]),
    )
    assert closed.status_code == 200, closed.text
    archived = await client.patch(
        path, json={"status": "archived"}, headers=with_if_match(me, etag)
    )
    assert archived.status_code == 200
    assert archived.json()["status"] == "archived"
    etag = archived.headers["ETag"]
    problem(
        await client.patch(path, json={"phone": "+1 555 0111"}, headers=with_if_match(me, etag)),
        409,
    )
    problem(
        await client.post(
            f"{path}/episodes", json={"started_on": episode["started_on"]}, headers=me
        ),
        409,
    )
    problem(
        await client.post(
            "/v1/sessions",
            headers=me,
            json={
                "client_id": created["id"],
                "episode_id": episode["id"],
                "starts_at": "2026-01-01T10:00:00+00:00",
            },
        ),
        409,
    )
    assert (await client.get(path, headers=me)).json()["status"] == "archived"
    restored = await client.patch(path, json={"status": "active"}, headers=with_if_match(me, etag))
    assert restored.status_code == 200
    assert restored.json()["status"] == "active"


async def test_bad_input_is_problem_json_and_writes_nothing(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    me = world["therapist"].headers
    base = {"given_name": "A", "family_name": "B"}
    bad_bodies = [
        {**base, "practice_id": str(world.practice_id)},
        {**base, "status": "archived"},
        {**base, "author_id": str(world["therapist"].id)},
        {**base, "given_name": "x" * 101},
        {**base, "presenting_concerns": "y" * 10_001},
        {**base, "given_name": "nul\u0000byte"},
        {**base, "date_of_birth": "2999-01-01"},
        {**base, "email": "not-an-email"},
        {**base, "care_team": ["not-a-uuid"]},
    ]
    for body in bad_bodies:
        body_problem = problem(await client.post("/v1/clients", headers=me, json=body), 422)
        assert "y" * 50 not in str(body_problem)
    async with state.sessionmaker() as db:
        count = await db.execute(
            select(func.count()).where(col(Client.practice_id) == world.practice_id)
        )
        assert count.scalar_one() == 0


async def test_presenting_concerns_are_ciphertext_in_the_database(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    created = await create_client(client, world["therapist"].headers, presenting_concerns=CONCERNS)
    async with state.sessionmaker() as db:
        stored = await db.get(Client, uuid.UUID(created["id"]))
        assert stored is not None
        assert stored.presenting_concerns is not None
        assert stored.presenting_concerns.startswith("v1.")
        assert "Panic" not in stored.presenting_concerns


async def test_break_the_glass_reaches_one_client_and_is_recorded(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    created = await create_client(client, world["therapist"].headers, presenting_concerns=CONCERNS)
    await open_episode(client, world["therapist"].headers, created["id"])
    path = f"/v1/clients/{created['id']}"
    outsider = world["therapist2"].headers
    problem(await client.get(path, headers=outsider), 404)
    problem(await client.get(path, headers={**outsider, "X-Break-Glass-Reason": "short"}), 422)
    problem(
        await client.get(
            path,
            headers={**world["admin"].headers, "X-Break-Glass-Reason": "emergency cover today"},
        ),
        403,
    )
    glass = {
        **outsider,
        "X-Break-Glass-Reason": "Covering for an absent colleague in crisis",
        "X-Request-ID": "break-glass-test-" + created["id"][:8],
    }
    seen = await client.get(path, headers=glass)
    assert seen.status_code == 200
    assert seen.json()["presenting_concerns"] == CONCERNS
    episodes = await client.get(f"{path}/episodes", headers=glass)
    assert episodes.status_code == 200
    assert len(episodes.json()["items"]) == 1
    # Lists never widen: break-the-glass is for one named client.
    listed = await client.get("/v1/clients", headers=glass)
    assert created["id"] not in {c["id"] for c in listed.json()["items"]}
    async with state.sessionmaker() as db:
        event = (
            (
                await db.execute(
                    select(AuditEvent)
                    .where(col(AuditEvent.request_id) == glass["X-Request-ID"])
                    .order_by(col(AuditEvent.occurred_at))
                )
            )
            .scalars()
            .first()
        )
    assert event is not None
    assert event.purpose_of_use == "ETREAT"
    assert event.break_glass_reason == glass["X-Break-Glass-Reason"]
    assert created["id"] in event.client_ids


async def test_sessions_of_an_archived_client_stay_readable(
    client: httpx.AsyncClient, world: World
) -> None:
    me = world["therapist"].headers
    created = await create_client(client, me)
    episode = await open_episode(client, me, created["id"])
    visit = await create_session(client, me, created["id"])
    await client.post(
        f"/v1/episodes/{episode['id']}/close",
        json={"ended_on": visit["starts_on"], "reason": "completed"},
        headers=with_if_match(me, episode["etag"]),
    )
    current = await client.get(f"/v1/clients/{created['id']}", headers=me)
    archived = await client.patch(
        f"/v1/clients/{created['id']}",
        json={"status": "archived"},
        headers=with_if_match(me, current.headers["ETag"]),
    )
    assert archived.status_code == 200, archived.text
    assert (await client.get(f"/v1/sessions/{visit['id']}", headers=me)).status_code == 200


async def test_presenting_concerns_are_written_by_the_care_team_only(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    created = await create_client(client, world["trainee"].headers)
    path = f"/v1/clients/{created['id']}"
    change = {"presenting_concerns": "Changed by someone"}
    writer = await make_api_key(state, world, ["clients:write", "clients:read"])
    for actor in (world["admin"].headers, world["supervisor"].headers, writer):
        current = await client.get(path, headers=world["trainee"].headers)
        denied = await client.patch(
            path, json=change, headers=with_if_match(actor, current.headers["ETag"])
        )
        problem(denied, 403)
    current = await client.get(path, headers=world["trainee"].headers)
    demographics = await client.patch(
        path,
        json={"phone": "+44 20 7946 0000"},
        headers=with_if_match(world["supervisor"].headers, current.headers["ETag"]),
    )
    assert demographics.status_code == 200, demographics.text
    assert demographics.json()["presenting_concerns"] is None
    own = await client.patch(
        path,
        json=change,
        headers=with_if_match(world["trainee"].headers, demographics.headers["ETag"]),
    )
    assert own.status_code == 200, own.text
    assert own.json()["presenting_concerns"] == "Changed by someone"


async def test_nul_in_text_filters_is_422(client: httpx.AsyncClient, world: World) -> None:
    headers = world["therapist"].headers
    for path, params in (
        ("/v1/clients", {"q": "a\x00b"}),
        ("/v1/clients", {"external_id": "\x00"}),
        ("/v1/sessions", {"external_id": "x\x00"}),
    ):
        response = await client.get(path, params=params, headers=headers)
        assert response.status_code == 422, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
