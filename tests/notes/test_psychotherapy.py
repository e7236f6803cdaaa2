"""Psychotherapy notes exist only for their author and, when shared, a trainee's supervisor."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.models import AuditEvent
from app.state import AppState
from tests.conftest import World
from tests.notes.support import PROGRESS, PSYCHOTHERAPY, NotesApi, api_key_headers, make_case

BREAK_GLASS = {"X-Break-Glass-Reason": "client in crisis, on call tonight"}


async def _every_operation(
    client: httpx.AsyncClient, headers: dict[str, str], note_id: str, etag: str
) -> list[tuple[str, int]]:
    """Status of every note operation for this caller (with the note's current ETag)."""
    changes = headers | {"If-Match": etag}
    path = f"/v1/notes/{note_id}"
    calls: list[tuple[str, Any]] = [
        ("GET", client.get(path, headers=headers)),
        ("PATCH", client.patch(path, json={"body": "x"}, headers=changes)),
        ("DELETE", client.delete(path, headers=changes)),
        ("sign", client.post(f"{path}/sign", headers=changes)),
        ("cosign", client.post(f"{path}/cosign", headers=changes)),
        ("return", client.post(f"{path}/return", json={"comment": "x"}, headers=changes)),
        ("addenda", client.get(f"{path}/addenda", headers=headers)),
        (
            "addendum",
            client.post(f"{path}/addenda", json={"body": "b", "reason": "r"}, headers=headers),
        ),
    ]
    return [(name, (await call).status_code) for name, call in calls]


def _problem_shape(response: httpx.Response) -> dict[str, Any]:
    body = dict(response.json())
    body.pop("instance"), body.pop("request_id")
    return {"status": response.status_code, **body}


async def test_invisible_to_everyone_but_author_and_shared_supervisor(
    client: httpx.AsyncClient, world: World, other_world: World, state: AppState
) -> None:
    case = await make_case(
        client, world, therapist="trainee", care_team=("therapist2",), sessions=2
    )
    api, trainee = NotesApi(client), world["trainee"].headers
    progress_id = await api.signed(trainee, case.session_ids[0])
    key = await api_key_headers(state, world, "notes:read", "clients:read", "progress:read")
    assert (await api.list(key, case.session_ids[0])).json()["items"] == []  # pending_cosign
    supervisor = world["supervisor"].headers
    etag = await api.etag(supervisor, progress_id)
    assert (await api.act(supervisor, progress_id, "cosign", etag)).status_code == 200
    private_id = await api.signed(trainee, case.session_ids[0], PSYCHOTHERAPY)
    shared = await api.create(
        trainee, case.session_ids[1], PSYCHOTHERAPY | {"share_with_supervisor": True}
    )
    shared_id = shared.json()["id"]

    async def listed(headers: dict[str, str], index: int = 0) -> set[str]:
        response = await api.list(headers, case.session_ids[index])
        assert response.status_code == 200, response.text
        return {n["id"] for n in response.json()["items"]}

    assert await listed(trainee) == {progress_id, private_id}
    assert await listed(trainee, 1) == {shared_id}
    assert await listed(supervisor) == {progress_id}
    assert await listed(supervisor, 1) == set()  # in no list but its author's (SPEC §1.2)
    assert (await api.get(supervisor, shared_id)).json()["body"] == PSYCHOTHERAPY["body"]
    colleague = world["therapist2"].headers
    assert await listed(colleague) == {progress_id}
    assert await listed(colleague, 1) == set()
    stranger = world["therapist"].headers | BREAK_GLASS
    assert await listed(stranger) == {progress_id}
    assert (await api.get(stranger, progress_id)).status_code == 200
    assert await listed(key) == {progress_id}

    outsiders = {
        "admin": world["admin"].headers,
        "auditor": world["auditor"].headers,
        "api key": key,
        "care-team colleague": colleague,
        "break-the-glass": stranger,
        "supervisor (not shared)": supervisor,
        "other practice": other_world["therapist"].headers,
    }
    private_tag = (await api.get(trainee, private_id)).headers["ETag"]
    shared_tag = (await api.get(trainee, shared_id)).headers["ETag"]
    for who, headers in outsiders.items():
        statuses = await _every_operation(client, headers, private_id, private_tag)
        assert all(status == _refusal(who, op) for op, status in statuses), (who, statuses)
    for who in ("admin", "auditor", "api key", "care-team colleague", "break-the-glass"):
        statuses = await _every_operation(client, outsiders[who], shared_id, shared_tag)
        assert all(status == _refusal(who, op) for op, status in statuses), (who, statuses)
    # The supervisor reads a shared note but never changes it.
    by_name = dict(await _every_operation(client, supervisor, shared_id, shared_tag))
    assert by_name["GET"] == by_name["addenda"] == 200
    assert by_name["PATCH"] == by_name["DELETE"] == by_name["sign"] == 403
    assert by_name["addendum"] == 403
    assert by_name["cosign"] == by_name["return"] == 409


async def test_refusal_looks_like_a_missing_note(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await make_case(client, world)
    api = NotesApi(client)
    private_id = await api.signed(world["therapist"].headers, case.session_ids[0], PSYCHOTHERAPY)
    missing_id = str(uuid.uuid4())
    for name in ("admin", "auditor", "therapist2", "supervisor"):
        headers = world[name].headers
        hidden = await api.get(
            headers | {"X-Request-ID": f"hidden-{name}-{private_id}"}, private_id
        )
        absent = await api.get(headers, missing_id)
        assert _problem_shape(hidden) == _problem_shape(absent), name
    # The log names the note's client, as for a progress note: it cannot tell the kinds apart.
    async with state.sessionmaker() as db:
        events = (
            (
                await db.execute(
                    select(AuditEvent).where(
                        col(AuditEvent.request_id).like(f"hidden-%-{private_id}")
                    )
                )
            )
            .scalars()
            .all()
        )
    assert len(events) == 4
    assert [e.client_ids for e in events] == [[str(case.client_id)]] * 4
    # Admins and auditors are refused by role (403) before any note is read.
    outcomes = {e.actor_role: e.outcome for e in events}
    assert outcomes == {
        "admin": "denied",
        "auditor": "denied",
        "therapist": "not_found",
        "supervisor": "not_found",
    }


async def test_sharing_is_the_trainees_choice(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    case = await make_case(client, world, therapist="trainee")
    api, trainee, supervisor = (
        NotesApi(client),
        world["trainee"].headers,
        world["supervisor"].headers,
    )
    created = await api.create(
        trainee, case.session_ids[0], PSYCHOTHERAPY | {"share_with_supervisor": True}
    )
    note_id = created.json()["id"]
    assert (await api.get(supervisor, note_id)).status_code == 200
    unshared = await api.patch(
        trainee, note_id, {"share_with_supervisor": False}, created.headers["ETag"]
    )
    assert unshared.status_code == 200, unshared.text
    assert (await api.get(supervisor, note_id)).status_code == 404
    assert note_id not in {
        n["id"] for n in (await api.list(supervisor, case.session_ids[0])).json()["items"]
    }


async def test_sharing_means_nothing_for_a_non_trainee(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    supervised = await client.patch(
        f"/v1/users/{world['therapist'].id}",
        json={"supervisor_id": str(world["supervisor"].id)},  # supervised, but not a trainee
        headers=world["admin"].headers,
    )
    assert supervised.status_code == 200, supervised.text
    case = await make_case(client, world)
    api, supervisor = NotesApi(client), world["supervisor"].headers
    created = await api.create(
        world["therapist"].headers,
        case.session_ids[0],
        PSYCHOTHERAPY | {"share_with_supervisor": True},
    )
    assert created.status_code == 201
    assert (await api.get(supervisor, created.json()["id"])).status_code == 404
    assert (await api.list(supervisor, case.session_ids[0])).json()["items"] == []
    # Supervision gives read access to the record, never authorship.
    assert (await api.create(supervisor, case.session_ids[0], PROGRESS)).status_code == 403


def _refusal(who: str, operation: str) -> int:
    """404 as for a missing note, except refusals decided before any note is read (§2.1):
    a role that never reads notes, a key or break-the-glass asking to write, a role other
    than supervisor asking to cosign or return."""
    if who in ("admin", "auditor"):
        return 403
    if operation in ("cosign", "return") and not who.startswith("supervisor"):
        return 403
    if who in ("api key", "break-the-glass") and operation not in ("GET", "addenda"):
        return 403
    return 404
