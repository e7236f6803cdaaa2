"""Idempotency-Key on every POST (SPEC §4): a retried action gets its original answer."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlmodel import col

from app.idempotency import EXEMPT_PREFIXES, idempotency
from app.models import AuditEvent, User
from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.factories import clinical_case, create_session, days_ago, problem, with_if_match
from tests.notes.support import PROGRESS, NotesApi


def _declares_idempotency(route: APIRoute) -> bool:
    return any(d.call is idempotency for d in route.dependant.dependencies)


def test_every_post_takes_an_idempotency_key_but_credential_exchanges(app: FastAPI) -> None:
    posts = [r for r in app.routes if isinstance(r, APIRoute) and "POST" in (r.methods or ())]
    missing = [
        r.path
        for r in posts
        if r.path.startswith("/v1/")
        and not r.path.startswith(EXEMPT_PREFIXES)
        and not _declares_idempotency(r)
    ]
    assert missing == []
    exempt = [r.path for r in posts if r.path.startswith(EXEMPT_PREFIXES)]
    assert "/v1/auth/token" in exempt
    assert not any(_declares_idempotency(r) for r in posts if r.path in exempt)


async def _retry(
    http: httpx.AsyncClient, path: str, body: dict[str, Any] | None, headers: dict[str, str]
) -> tuple[httpx.Response, httpx.Response]:
    """The same POST twice with one Idempotency-Key: the original and its retry."""
    keyed = {**headers, "Idempotency-Key": f"retry-{uuid.uuid4().hex}"}
    first = await http.post(path, json=body, headers=keyed)
    again = await http.post(path, json=body, headers=keyed)
    assert first.status_code < 300, first.text
    assert (again.status_code, again.headers["Idempotent-Replayed"]) == (first.status_code, "true")
    assert again.json() == first.json()
    assert "Idempotent-Replayed" not in first.headers
    return first, again


async def test_retried_sign_gets_the_original_200_not_412(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    case = await clinical_case(client, world)
    api, me = NotesApi(client), world["therapist"].headers
    created = await api.create(me, uuid.UUID(case.session_id), PROGRESS)
    note_id, etag = created.json()["id"], created.headers["ETag"]
    path = f"/v1/notes/{note_id}/sign"
    signed, again = await _retry(client, path, None, {**me, "If-Match": etag})
    assert signed.json()["status"] == "signed"
    assert again.headers["ETag"] == signed.headers["ETag"] != etag
    # Without the key the same retry is stale: the replay is what saves it.
    problem(await client.post(path, headers={**me, "If-Match": etag}), 412)
    # The replay is a request of its own with exactly one event.
    rid = uuid.uuid4().hex
    keyed = {**me, "If-Match": etag, "X-Request-ID": rid}
    assert (await client.post(path, headers=keyed)).status_code == 412
    assert len(await events_of_request(state, rid)) == 1


async def test_retried_return_and_cosign(client: httpx.AsyncClient, world: World) -> None:
    case = await clinical_case(client, world)
    api = NotesApi(client)
    trainee, supervisor = world["trainee"].headers, world["supervisor"].headers
    created = await api.create(trainee, uuid.UUID(case.session_id), PROGRESS)
    note_id = created.json()["id"]
    pending = await api.act(trainee, note_id, "sign", created.headers["ETag"])
    returned, _ = await _retry(
        client,
        f"/v1/notes/{note_id}/return",
        {"comment": "Add the risk assessment."},
        {**supervisor, "If-Match": pending.headers["ETag"]},
    )
    assert returned.json()["status"] == "draft"
    resigned = await api.act(trainee, note_id, "sign", returned.headers["ETag"])
    cosigned, _ = await _retry(
        client,
        f"/v1/notes/{note_id}/cosign",
        None,
        {**supervisor, "If-Match": resigned.headers["ETag"]},
    )
    assert cosigned.json()["status"] == "signed"


async def test_retried_transition_and_close(client: httpx.AsyncClient, world: World) -> None:
    case = await clinical_case(client, world)
    me = world["therapist"].headers
    moved, _ = await _retry(
        client,
        f"/v1/episodes/{case.episode_id}/phase-transitions",
        {"to_phase": "exploration", "effective_on": days_ago(3).isoformat()},
        me,
    )
    assert moved.status_code == 201
    current = await client.get(f"/v1/episodes/{case.episode_id}", headers=me)
    closed, again = await _retry(
        client,
        f"/v1/episodes/{case.episode_id}/close",
        {"ended_on": days_ago(0).isoformat(), "reason": "completed"},
        {**me, "If-Match": current.headers["ETag"]},
    )
    assert closed.json()["status"] == "closed"
    assert again.headers["ETag"] == closed.headers["ETag"]


async def test_a_key_reused_with_another_body_or_path_is_422(
    client: httpx.AsyncClient, world: World
) -> None:
    case = await clinical_case(client, world)
    me = {**world["therapist"].headers, "Idempotency-Key": "one-key"}
    first = await client.post(f"/v1/sessions/{case.session_id}/notes", json=PROGRESS, headers=me)
    assert first.status_code == 201, first.text
    other = {**PROGRESS, "plan": "Monthly."}
    problem(await client.post(f"/v1/sessions/{case.session_id}/notes", json=other, headers=me), 422)
    later = await create_session(client, world["therapist"].headers, case.client_id)
    problem(await client.post(f"/v1/sessions/{later['id']}/notes", json=PROGRESS, headers=me), 422)


async def test_an_empty_key_is_refused_and_creates_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    """An empty key would be one key for every POST of the caller: 422, nothing made."""
    case = await clinical_case(client, world)
    me = {**world["therapist"].headers, "Idempotency-Key": ""}
    path = f"/v1/sessions/{case.session_id}/notes"
    refused = problem(await client.post(path, json=PROGRESS, headers=me), 422)
    assert refused["errors"][0]["loc"] == ["header", "idempotency-key"]
    listed = await client.get(path, headers=world["therapist"].headers)
    assert listed.json()["items"] == []
    made = await client.post(
        "/v1/clients", json={"given_name": "A", "family_name": "B"}, headers=me
    )
    assert made.status_code == 422, made.text


async def test_a_refused_post_leaves_its_key_free(client: httpx.AsyncClient, world: World) -> None:
    """A 413 or 422 stores nothing under the key, so the next try with it runs for real."""
    case = await clinical_case(client, world)
    me = {**world["therapist"].headers, "Idempotency-Key": "after-413"}
    path = f"/v1/sessions/{case.session_id}/notes"
    oversized = b'{"kind": "progress", "body": "' + b"x" * (1024 * 1024) + b'"}'
    too_large = await client.post(
        path, content=oversized, headers={**me, "content-type": "application/json"}
    )
    problem(too_large, 413)
    problem(await client.post(path, json={**PROGRESS, "kind": "diary"}, headers=me), 422)
    created = await client.post(path, json=PROGRESS, headers=me)
    assert created.status_code == 201, created.text
    assert "Idempotent-Replayed" not in created.headers


async def _set_role(state: AppState, user_id: uuid.UUID, role: str) -> None:
    async with state.sessionmaker() as db:
        user = await db.get(User, user_id)
        assert user is not None
        user.role = role
        await db.commit()


async def _any_event(client: httpx.AsyncClient, state: AppState, world: World) -> str:
    assert (await client.get("/v1/clients", headers=world["admin"].headers)).status_code == 200
    async with state.sessionmaker() as db:
        found = await db.scalar(
            select(col(AuditEvent.id)).where(col(AuditEvent.practice_id) == world.practice_id)
        )
        assert found is not None
        return str(found)


@pytest.mark.parametrize(
    ("who", "path", "body", "demoted_to"),
    [
        ("admin", "/v1/webhook-endpoints", {"url": "http://127.0.0.1:9/h"}, "therapist"),
        ("admin", "/v1/users", {"role": "therapist", "display_name": "N"}, "therapist"),
        ("therapist", "/v1/themes", {"label": "People-pleasing"}, "auditor"),
        ("auditor", "/v1/audit/events/{event}/review", {"decision": "justified"}, "therapist"),
    ],
    ids=["webhook-endpoint", "user", "theme", "review"],
)
async def test_a_replay_answers_only_while_the_role_still_may(
    client: httpx.AsyncClient,
    world: World,
    state: AppState,
    who: str,
    path: str,
    body: dict[str, Any],
    demoted_to: str,
) -> None:
    """A replay never reaches the route: the role is checked before it, as for API keys."""
    extras: dict[str, dict[str, Any]] = {
        "/v1/webhook-endpoints": {"event_types": ["client.*"]},
        "/v1/users": {"email": f"r-{uuid.uuid4().hex[:8]}@test.example"},
        "/v1/themes": {
            "code": f"relational_pattern.p{uuid.uuid4().hex[:6]}",
            "category": "relational_pattern",
        },
    }
    extra = extras.get(path, {})
    if "{event}" in path:
        path = path.replace("{event}", await _any_event(client, state, world))
    keyed = {**world[who].headers, "Idempotency-Key": uuid.uuid4().hex}
    first = await client.post(path, json={**body, **extra}, headers=keyed)
    assert first.status_code == 201, first.text
    again = await client.post(path, json={**body, **extra}, headers=keyed)
    assert again.headers.get("Idempotent-Replayed") == "true"
    await _set_role(state, world[who].id, demoted_to)
    refused = await client.post(path, json={**body, **extra}, headers=keyed)
    problem(refused, 403)
    assert "Idempotent-Replayed" not in refused.headers


async def test_an_approval_replays_only_while_the_caller_may_approve(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world["admin"].headers
    made = await client.post(
        "/v1/api-keys", json={"name": "ehr", "scopes": ["notes:read"]}, headers=admin
    )
    assert made.status_code == 201, made.text
    path = f"/v1/api-keys/{made.json()['id']}/approve"
    keyed = world["supervisor"].headers | {"Idempotency-Key": uuid.uuid4().hex}
    assert (await client.post(path, headers=keyed)).status_code == 200
    # The trainee needs cosignature: they leave the supervisor first (else the demotion is 409).
    freed = await client.patch(
        f"/v1/users/{world['trainee'].id}", json={"requires_cosign": False}, headers=admin
    )
    assert freed.status_code == 200, freed.text
    demoted = await client.patch(
        f"/v1/users/{world['supervisor'].id}", json={"role": "therapist"}, headers=admin
    )
    assert demoted.status_code == 200, demoted.text
    refused = await client.post(path, headers=keyed)
    problem(refused, 403)
    assert "Idempotent-Replayed" not in refused.headers


async def test_a_replay_after_a_role_change_is_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    therapist = world["therapist"]
    headers = {**therapist.headers, "Idempotency-Key": "create-once"}
    body = {"given_name": "Ida", "family_name": "Replay", "presenting_concerns": "Panic at night."}
    first = await client.post("/v1/clients", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["presenting_concerns"] == "Panic at night."
    # Another admin makes the therapist an admin (SPEC §2: admins never see clinical content).
    admin = world["admin"].headers
    user = await client.get(f"/v1/users/{therapist.id}", headers=admin)
    changed = await client.patch(
        f"/v1/users/{therapist.id}",
        json={"role": "admin"},
        headers=with_if_match(admin, user.headers["ETag"]),
    )
    assert changed.status_code == 200, changed.text
    # A direct read as the new admin shows demographics only ...
    read = await client.get(f"/v1/clients/{first.json()['id']}", headers=therapist.headers)
    assert read.status_code == 200, read.text
    assert "presenting_concerns" not in read.json()
    # ... and the old POST's stored answer, which shows the clinical view, is not replayed.
    again = await client.post("/v1/clients", json=body, headers=headers)
    assert again.status_code == 409, again.text
    assert "Panic" not in again.text
