"""Separation of duties for API keys (SPEC §2.1, issue 14 defect 4).

Auditors create `audit:read` keys; admins the others; a key with clinical scopes works only
once a supervisor of the practice approves it. Every creation, approval, rotation and
revocation is an audit event of the person who did it.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from app.api_keys.service import create_key
from app.models import User
from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case, problem
from tests.notes.support import NotesApi
from tests.one_path import only_event, send

Created = dict[str, Any]


async def _create(
    client: httpx.AsyncClient, headers: dict[str, str], *scopes: str
) -> httpx.Response:
    return await send(
        client, "POST", "/v1/api-keys", headers, json={"name": "k", "scopes": list(scopes)}
    )


async def _created(client: httpx.AsyncClient, world: World, who: str, *scopes: str) -> Created:
    response = await _create(client, world[who].headers, *scopes)
    assert response.status_code == 201, response.text
    body: Created = response.json()
    return body


def _bearer(created: Created) -> dict[str, str]:
    return {"Authorization": f"Bearer {created['key']}"}


async def test_admin_clinical_key_reads_nothing_until_a_supervisor_approves(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Defect 4: an admin's `notes:read` key read notes at once; now it waits."""
    case = await clinical_case(client, world)
    note_id = await NotesApi(client).signed(world["therapist"].headers, uuid.UUID(case.session_id))
    created = await _created(client, world, "admin", "notes:read", "progress:read")
    assert created["status"] == "pending_approval"
    assert created["kind"] == "clinical"
    key = _bearer(created)
    for path in (f"/v1/notes/{note_id}", f"/v1/episodes/{case.episode_id}", "/v1/me"):
        refused = await send(client, "GET", path, key)
        assert problem(refused, 403)["detail"].endswith("awaits a supervisor's approval")
        event = await only_event(state, refused.headers["x-request-id"])
        assert (event["actor_type"], event["actor_id"]) == ("api_key", uuid.UUID(created["id"]))
        assert event["outcome"] == "denied"
    approved = await send(
        client, "POST", f"/v1/api-keys/{created['id']}/approve", world["supervisor"].headers
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "active"
    assert approved.json()["approved_by"] == str(world["supervisor"].id)
    event = await only_event(state, approved.headers["x-request-id"])
    assert (event["action"], event["actor_id"]) == ("api_key.approve", world["supervisor"].id)
    assert event["resource_id"] == created["id"]
    read = await client.get(f"/v1/notes/{note_id}", headers=key)
    assert read.status_code == 200, read.text
    again = await client.post(
        f"/v1/api-keys/{created['id']}/approve", headers=world["supervisor"].headers
    )
    assert problem(again, 409)["detail"] == "This API key awaits no approval"


async def test_pending_key_leaves_last_used_at_empty(
    client: httpx.AsyncClient, world: World
) -> None:
    """A refused key was not used: its `last_used_at` stays empty until it works."""
    created = await _created(client, world, "admin", "progress:read")
    assert (await client.get("/v1/me", headers=_bearer(created))).status_code == 403
    read = await client.get(f"/v1/api-keys/{created['id']}", headers=world["admin"].headers)
    assert read.json()["last_used_at"] is None


@pytest.mark.parametrize(
    ("who", "scopes", "status", "state_after"),
    [
        ("admin", ["clients:read", "sessions:write"], 201, "active"),
        ("admin", ["users:read", "events:read", "webhooks:manage"], 201, "active"),
        ("admin", ["notes:read"], 201, "pending_approval"),
        ("admin", ["clients:read", "progress:read"], 201, "pending_approval"),
        ("admin", ["audit:read"], 403, None),
        ("admin", ["clients:read", "audit:read"], 403, None),
        ("auditor", ["audit:read"], 201, "active"),
        ("auditor", ["audit:read", "clients:read"], 403, None),
        ("auditor", ["notes:read"], 403, None),
        ("supervisor", ["notes:read"], 403, None),
        ("supervisor", ["clients:read"], 403, None),
        ("therapist", ["clients:read"], 403, None),
        ("trainee", ["audit:read"], 403, None),
    ],
)
async def test_who_creates_which_key(
    client: httpx.AsyncClient,
    world: World,
    state: AppState,
    who: str,
    scopes: list[str],
    status: int,
    state_after: str | None,
) -> None:
    response = await _create(client, world[who].headers, *scopes)
    assert response.status_code == status, response.text
    event = await only_event(state, response.headers["x-request-id"])
    assert (event["action"], event["actor_id"]) == ("api_key.create", world[who].id)
    if status == 201:
        assert response.json()["status"] == state_after
        assert event["resource_id"] == response.json()["id"]


async def test_keys_create_no_keys(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """No scope lets a key manage keys, an audit key least of all."""
    for scopes in (["audit:read"], ["clients:write", "users:read", "webhooks:manage"]):
        holder = await _created(
            client, world, "auditor" if scopes == ["audit:read"] else "admin", *scopes
        )
        for body_scopes in (["audit:read"], ["clients:read"]):
            refused = await _create(client, _bearer(holder), *body_scopes)
            assert refused.status_code == 403, refused.text
        for path in ("/v1/api-keys", f"/v1/api-keys/{holder['id']}"):
            assert (await client.get(path, headers=_bearer(holder))).status_code == 403


async def test_audit_key_made_by_an_auditor_reads_the_log(
    client: httpx.AsyncClient, world: World
) -> None:
    created = await _created(client, world, "auditor", "audit:read")
    found = await client.get("/v1/audit/events", headers=_bearer(created))
    assert found.status_code == 200, found.text
    assert found.json()["items"]


@pytest.mark.parametrize("who", ["admin", "therapist", "trainee", "auditor"])
async def test_only_supervisors_approve(
    client: httpx.AsyncClient, world: World, state: AppState, who: str
) -> None:
    created = await _created(client, world, "admin", "notes:read")
    refused = await send(
        client, "POST", f"/v1/api-keys/{created['id']}/approve", world[who].headers
    )
    problem(refused, 403)
    event = await only_event(state, refused.headers["x-request-id"])
    assert (event["action"], event["outcome"]) == ("api_key.approve", "denied")
    assert (await client.get("/v1/me", headers=_bearer(created))).status_code == 403


async def test_approval_by_another_practice_is_not_found(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    created = await _created(client, world, "admin", "notes:read")
    theirs = await client.post(
        f"/v1/api-keys/{created['id']}/approve", headers=other_world["supervisor"].headers
    )
    missing = await client.post(
        f"/v1/api-keys/{uuid.uuid4()}/approve", headers=world["supervisor"].headers
    )
    assert problem(theirs, 404)["detail"] == problem(missing, 404)["detail"]
    assert (await client.get("/v1/me", headers=_bearer(created))).status_code == 403
    # An operational key has nothing for a supervisor to approve: not theirs to see.
    operational = await _created(client, world, "admin", "clients:read")
    problem(
        await client.post(
            f"/v1/api-keys/{operational['id']}/approve", headers=world["supervisor"].headers
        ),
        404,
    )


async def test_who_sees_which_keys(client: httpx.AsyncClient, world: World) -> None:
    audit = await _created(client, world, "auditor", "audit:read")
    clinical = await _created(client, world, "admin", "notes:read")
    operational = await _created(client, world, "admin", "sessions:write")
    expected = {
        "admin": {audit["id"], clinical["id"], operational["id"]},
        "auditor": {audit["id"]},
        "supervisor": {clinical["id"]},
    }
    for who, ids in expected.items():
        listed = await client.get("/v1/api-keys", headers=world[who].headers)
        assert listed.status_code == 200, listed.text
        assert {item["id"] for item in listed.json()["items"]} == ids, who
        assert all("key" not in item for item in listed.json()["items"])
        for key in (audit, clinical, operational):
            read = await client.get(f"/v1/api-keys/{key['id']}", headers=world[who].headers)
            assert read.status_code == (200 if key["id"] in ids else 404), (who, read.text)
    for who in ("therapist", "trainee"):
        problem(await client.get("/v1/api-keys", headers=world[who].headers), 403)


@pytest.mark.parametrize(
    ("who", "kind", "status"),
    [
        ("admin", "operational", 204),
        ("admin", "clinical", 204),
        ("admin", "audit", 403),
        ("auditor", "audit", 204),
        ("auditor", "operational", 404),
        ("auditor", "clinical", 404),
        ("supervisor", "clinical", 204),
        ("supervisor", "operational", 404),
        ("supervisor", "audit", 404),
        ("therapist", "operational", 403),
    ],
)
async def test_who_revokes_which_key(
    client: httpx.AsyncClient, world: World, state: AppState, who: str, kind: str, status: int
) -> None:
    maker, scopes = {
        "audit": ("auditor", ["audit:read"]),
        "clinical": ("admin", ["progress:read"]),
        "operational": ("admin", ["clients:read"]),
    }[kind]
    created = await _created(client, world, maker, *scopes)
    if kind == "clinical":
        await client.post(
            f"/v1/api-keys/{created['id']}/approve", headers=world["supervisor"].headers
        )
    revoked = await send(client, "DELETE", f"/v1/api-keys/{created['id']}", world[who].headers)
    assert revoked.status_code == status, revoked.text
    event = await only_event(state, revoked.headers["x-request-id"])
    assert (event["action"], event["actor_id"]) == ("api_key.revoke", world[who].id)
    works = (await client.get("/v1/me", headers=_bearer(created))).status_code == 200
    assert works is (status != 204)


async def test_replayed_creation_shows_the_secret_to_its_creator_only(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """An Idempotency-Key replays to the same caller, never to another one."""
    body = {"name": "Once", "scopes": ["clients:read"]}
    idem = {"Idempotency-Key": f"create-{uuid.uuid4().hex}"}
    first = await client.post("/v1/api-keys", headers=world["admin"].headers | idem, json=body)
    assert first.status_code == 201, first.text
    replay = await client.post("/v1/api-keys", headers=world["admin"].headers | idem, json=body)
    assert replay.json() == first.json() | {"key": None}  # shown once, stored nowhere
    for who in ("auditor", "therapist", "supervisor"):
        other = await client.post("/v1/api-keys", headers=world[who].headers | idem, json=body)
        assert other.status_code == 403, other.text
        assert first.json()["key"] not in other.text
    # A creator who lost the role gets no replay either.
    async with state.sessionmaker() as db:
        admin = await db.get(User, world["admin"].id)
        assert admin is not None
        admin.role = "therapist"
        await db.commit()
    demoted = await client.post("/v1/api-keys", headers=world["admin"].headers | idem, json=body)
    assert demoted.status_code == 403, demoted.text
    assert first.json()["key"] not in demoted.text


async def test_an_operator_key_that_reads_the_log_and_notes_stays_the_auditors(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """An operator's key with audit:read beside clinical scopes: auditors see and revoke it
    (it reads their log), but nobody rotates it through the API — an auditor's fresh secret
    would read notes no supervisor approved. An admin never makes such a key (SPEC §2.1)."""
    async with state.sessionmaker() as db:  # as `notes-api create-api-key` makes it
        row, _ = create_key(
            practice_id=world.practice_id,
            name="EHR bridge",
            scopes=["notes:read", "progress:read", "audit:read"],
            created_by=None,
            pepper=state.secrets.api_key_pepper,
        )
        db.add(row)
        await db.commit()
        key_id = str(row.id)
    assert row.kind == "audit"
    auditor = world["auditor"].headers
    refused = await client.post(
        f"/v1/api-keys/{key_id}/rotate", json={"grace_seconds": 0}, headers=auditor
    )
    assert problem(refused, 403)["detail"].startswith("This key also reads clinical data")
    listed = await client.get("/v1/api-keys", headers=auditor)
    assert key_id in {k["id"] for k in listed.json()["items"]}
    by_admin = await client.post(
        "/v1/api-keys",
        json={"name": "sneaky", "scopes": ["notes:read", "audit:read"]},
        headers=world["admin"].headers,
    )
    problem(by_admin, 403)
    revoked = await client.delete(f"/v1/api-keys/{key_id}", headers=auditor)
    assert revoked.status_code in (200, 204), revoked.text


@pytest.mark.parametrize("scope", ["clients:read", "clients:write", "webhooks:manage"])
async def test_an_auditor_does_not_rotate_an_operator_key_with_other_scopes(
    client: httpx.AsyncClient, world: World, state: AppState, scope: str
) -> None:
    """An operator's audit key with a non-clinical scope beside audit:read: a fresh secret
    in an auditor's hands would read client demographics, which auditors never do (SPEC §2)."""
    async with state.sessionmaker() as db:  # as `notes-api create-api-key` makes it
        row, _ = create_key(
            practice_id=world.practice_id,
            name="bridge",
            scopes=["audit:read", scope],
            created_by=None,
            pepper=state.secrets.api_key_pepper,
        )
        db.add(row)
        await db.commit()
    assert row.kind == "audit"
    refused = await client.post(
        f"/v1/api-keys/{row.id}/rotate", json={"grace_seconds": 0}, headers=world["auditor"].headers
    )
    assert problem(refused, 403)["detail"].startswith("This key has scopes beyond audit:read")
    assert "key" not in refused.json()
