"""Replays re-check reach (SPEC §2.1): a stored response leaves only for who reaches it now."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.factories import clinical_case, make_api_key, problem
from tests.notes.support import PROGRESS, NotesApi

GLASS = {"X-Break-Glass-Reason": "On call: client in crisis at the front desk"}
MEASURE = {"instrument": "phq9", "items": [2, 2, 1, 1, 0, 1, 2, 1, 0]}


def _same_problem(replayed: httpx.Response, read: httpx.Response) -> None:
    """Byte for byte the read's 404, apart from the request's own id and path."""
    assert replayed.status_code == read.status_code == 404, replayed.text
    assert "Idempotent-Replayed" not in replayed.headers
    mine, theirs = replayed.json(), read.json()
    for body in (mine, theirs):
        del body["request_id"], body["instance"]
    assert mine == theirs


async def _post(
    http: httpx.AsyncClient, path: str, body: dict[str, Any] | None, headers: dict[str, str]
) -> tuple[httpx.Response, str]:
    request_id = uuid.uuid4().hex
    response = await http.post(path, json=body, headers={**headers, "X-Request-ID": request_id})
    return response, request_id


async def _remove_from_team(http: httpx.AsyncClient, world: World, client_id: str) -> None:
    therapist = world["therapist"].headers
    current = await http.get(f"/v1/clients/{client_id}", headers=therapist)
    changed = await http.put(
        f"/v1/clients/{client_id}/care-team",
        json={"user_ids": []},
        headers={**therapist, "If-Match": current.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text


async def test_removed_care_team_member_replays_a_note_create_as_404(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    case = await clinical_case(client, world)
    trainee = {**world["trainee"].headers, "Idempotency-Key": "trainee-note-1"}
    path = f"/v1/sessions/{case.session_id}/notes"
    created, _ = await _post(client, path, PROGRESS, trainee)
    assert created.status_code == 201, created.text
    again, _ = await _post(client, path, PROGRESS, trainee)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == created.json()

    await _remove_from_team(client, world, case.client_id)
    replayed, replay_rid = await _post(client, path, PROGRESS, trainee)
    read = await NotesApi(client).get(world["trainee"].headers, created.json()["id"])
    _same_problem(replayed, read)
    assert PROGRESS["body"] not in replayed.text
    [event] = await events_of_request(state, replay_rid)
    assert (event.outcome, event.http_status, event.action) == ("not_found", 404, "note.create")
    assert event.actor_id == world["trainee"].id


async def test_break_the_glass_create_is_not_replayed_without_reach(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    """Break-the-glass opens reads only: its create is refused and stores nothing, so the
    same key without the header is a request of its own, answered as any outsider's."""
    case = await clinical_case(client, world)
    outsider = {**world["therapist2"].headers, "Idempotency-Key": "glass-measure-1"}
    path = f"/v1/clients/{case.client_id}/measures"
    refused, _ = await _post(client, path, MEASURE, {**outsider, **GLASS})
    assert refused.status_code == 403, refused.text
    read = await client.get(path, headers=world["therapist2"].headers)
    replayed, replay_rid = await _post(client, path, MEASURE, outsider)
    _same_problem(replayed, read)
    assert "Idempotent-Replayed" not in replayed.headers
    [event] = await events_of_request(state, replay_rid)
    assert (event.http_status, event.client_ids) == (404, [case.client_id])


async def test_supervisor_replays_a_cosign_only_while_supervising(
    client: httpx.AsyncClient, world: World
) -> None:
    case = await clinical_case(client, world)
    api = NotesApi(client)
    trainee, supervisor = world["trainee"].headers, world["supervisor"].headers
    created = await api.create(trainee, uuid.UUID(case.session_id), PROGRESS)
    note_id = created.json()["id"]
    pending = await api.act(trainee, note_id, "sign", created.headers["ETag"])
    assert pending.json()["status"] == "pending_cosign", pending.text
    keyed = {**supervisor, "Idempotency-Key": "cosign-1", "If-Match": pending.headers["ETag"]}
    path = f"/v1/notes/{note_id}/cosign"
    cosigned, _ = await _post(client, path, None, keyed)
    assert cosigned.status_code == 200, cosigned.text
    # A retry after a lost response: the original 200, not 412 for the ETag it changed.
    retried, _ = await _post(client, path, None, keyed)
    assert (retried.status_code, retried.headers["Idempotent-Replayed"]) == (200, "true")
    assert retried.json() == cosigned.json()
    assert retried.headers["ETag"] == cosigned.headers["ETag"]

    admin = world["admin"].headers
    trainee_user = await client.get(f"/v1/users/{world['trainee'].id}", headers=admin)
    ended = await client.patch(
        f"/v1/users/{world['trainee'].id}",
        json={"supervisor_id": None, "requires_cosign": False},
        headers=admin,
    )
    assert trainee_user.status_code == ended.status_code == 200, ended.text
    _same_problem((await _post(client, path, None, keyed))[0], await api.get(supervisor, note_id))


async def test_admin_and_key_replays_still_reach_the_practice(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    key = await make_api_key(state, world, ["clients:write"])
    for headers in (world["admin"].headers, key):
        keyed = {**headers, "Idempotency-Key": "practice-wide-1"}
        body = {"given_name": "Ada", "family_name": "Reach"}
        body["primary_therapist_id"] = str(world["therapist"].id)
        first, _ = await _post(client, "/v1/clients", body, keyed)
        assert first.status_code == 201, first.text
        again, _ = await _post(client, "/v1/clients", body, keyed)
        assert (again.status_code, again.headers["Idempotent-Replayed"]) == (201, "true")
        assert again.json() == first.json()


async def test_replay_of_a_deleted_draft_is_404(client: httpx.AsyncClient, world: World) -> None:
    case = await clinical_case(client, world)
    therapist = {**world["therapist"].headers, "Idempotency-Key": "draft-1"}
    path = f"/v1/sessions/{case.session_id}/notes"
    created, _ = await _post(client, path, PROGRESS, therapist)
    note_id = created.json()["id"]
    deleted = await client.delete(
        f"/v1/notes/{note_id}",
        headers={**world["therapist"].headers, "If-Match": created.headers["ETag"]},
    )
    assert deleted.status_code == 204, deleted.text
    replayed, _ = await _post(client, path, PROGRESS, therapist)
    problem(replayed, 404)
    _same_problem(replayed, await NotesApi(client).get(world["therapist"].headers, note_id))
