"""User administration: admins of the same practice only, validated input, no leaks."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.models import User
from app.state import AppState
from tests.conftest import World, add_members
from tests.factories import problem
from tests.one_path import only_event

NEW_USER = {"display_name": "New Person", "role": "therapist"}
INVITE = ("invite_token", "invite_expires_at")


def new_user(**changes: object) -> dict[str, object]:
    """A valid creation body with a unique email."""
    body: dict[str, object] = {**NEW_USER, "email": f"n-{uuid.uuid4().hex[:8]}@test.example"}
    body.update(changes)
    return body


async def test_admin_creates_lists_reads_and_updates(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = world["admin"].headers
    created = await client.post("/v1/users", json=new_user(), headers=admin)
    assert created.status_code == 201, created.text
    user = created.json()
    assert "password" not in user
    assert "password_hash" not in user
    assert user["invite_token"].startswith("nsp_")
    assert created.headers["location"] == f"/v1/users/{user['id']}"
    got = await client.get(f"/v1/users/{user['id']}", headers=admin)
    assert got.json() == {k: v for k, v in user.items() if k not in INVITE}
    patched = await client.patch(
        f"/v1/users/{user['id']}",
        json={"role": "supervisor", "display_name": "Renamed"},
        headers=admin,
    )
    assert patched.status_code == 200
    assert patched.json()["role"] == "supervisor"
    listed = await client.get("/v1/users", params={"limit": 200}, headers=admin)
    assert user["id"] in [u["id"] for u in listed.json()["items"]]


async def test_pagination_walks_every_user_once(client: httpx.AsyncClient, world: World) -> None:
    admin = world["admin"].headers
    for _ in range(3):
        await client.post("/v1/users", json=new_user(), headers=admin)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/v1/users", params=params, headers=admin)).json()
        seen += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == len(world.members) + 3


async def test_tampered_cursor_and_oversized_limit(client: httpx.AsyncClient, world: World) -> None:
    admin = world["admin"].headers
    page = (await client.get("/v1/users", params={"limit": 1}, headers=admin)).json()
    cursor = page["next_cursor"]
    tampered = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    bad = await client.get("/v1/users", params={"cursor": tampered}, headers=admin)
    assert bad.status_code == 400
    assert bad.headers["content-type"] == "application/problem+json"
    assert (await client.get("/v1/users", params={"limit": 201}, headers=admin)).status_code == 422


@pytest.mark.parametrize("role", ["therapist", "supervisor", "auditor"])
async def test_non_admins_are_forbidden(client: httpx.AsyncClient, world: World, role: str) -> None:
    headers = world[role].headers
    assert (await client.get("/v1/users", headers=headers)).status_code == 403
    assert (await client.post("/v1/users", json=new_user(), headers=headers)).status_code == 403
    target = world["therapist2"].id
    assert (await client.get(f"/v1/users/{target}", headers=headers)).status_code == 403


async def test_other_practice_is_404(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    foreign = other_world["admin"].headers
    target = world["therapist"].id
    assert (await client.get(f"/v1/users/{target}", headers=foreign)).status_code == 404
    patched = await client.patch(f"/v1/users/{target}", json={"active": False}, headers=foreign)
    assert patched.status_code == 404
    listed = (await client.get("/v1/users", params={"limit": 200}, headers=foreign)).json()
    assert str(target) not in [u["id"] for u in listed["items"]]


async def test_bad_input_changes_nothing(client: httpx.AsyncClient, world: World) -> None:
    admin = world["admin"].headers
    duplicate = await client.post(
        "/v1/users", json=new_user(email=world["therapist"].email.upper()), headers=admin
    )
    assert duplicate.status_code == 409
    chosen = await client.post(
        "/v1/users", json=new_user(password="chosen-by-the-admin"), headers=admin
    )
    assert chosen.status_code == 422
    assert chosen.json()["errors"][0]["loc"] == ["body", "password"]
    assert "chosen-by-the-admin" not in chosen.text
    role = await client.post("/v1/users", json=new_user(role="superuser"), headers=admin)
    assert role.status_code == 422
    mass = await client.post(
        "/v1/users", json=new_user(practice_id=str(uuid.uuid4())), headers=admin
    )
    assert mass.status_code == 422
    foreign_supervisor = await client.post(
        "/v1/users", json=new_user(supervisor_id=str(uuid.uuid4())), headers=admin
    )
    assert foreign_supervisor.status_code == 422
    cosign = await client.post("/v1/users", json=new_user(requires_cosign=True), headers=admin)
    assert cosign.status_code == 422
    listed = (await client.get("/v1/users", params={"limit": 200}, headers=admin)).json()
    assert len(listed["items"]) == len(world.members)


async def test_trainee_with_supervisor(client: httpx.AsyncClient, world: World) -> None:
    admin = world["admin"].headers
    body = new_user(supervisor_id=str(world["supervisor"].id), requires_cosign=True)
    created = await client.post("/v1/users", json=body, headers=admin)
    assert created.status_code == 201
    assert created.json()["supervisor_id"] == str(world["supervisor"].id)
    not_a_supervisor = await client.patch(
        f"/v1/users/{created.json()['id']}",
        json={"supervisor_id": str(world["therapist"].id)},
        headers=admin,
    )
    assert not_a_supervisor.status_code == 422


async def test_nobody_changes_their_own_role(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """SPEC §2.1: an admin who made themselves a supervisor (and a trainee's supervisor)
    would read clinical content and shared psychotherapy notes."""
    admin = world["admin"]
    path = f"/v1/users/{admin.id}"
    for role in ("supervisor", "therapist", "auditor"):
        sent = {**admin.headers, "X-Request-ID": uuid.uuid4().hex}
        problem(await client.patch(path, json={"role": role}, headers=sent), 403)
        event = await only_event(state, sent["X-Request-ID"])
        assert (event["action"], event["http_status"]) == ("user.update", 403)
    async with state.sessionmaker() as db:
        me = await db.get(User, admin.id)
        assert me is not None
        assert me.role == "admin"
    # The same role, and other fields of one's own record, are still one's own to send.
    same = await client.patch(
        path, json={"role": "admin", "display_name": "Ada"}, headers=admin.headers
    )
    assert same.status_code == 200, same.text
    # Another user's role is the admin's to change.
    other = await client.patch(
        f"/v1/users/{world['therapist2'].id}", json={"role": "supervisor"}, headers=admin.headers
    )
    assert other.status_code == 200, other.text


async def test_a_new_supervisor_s_reach_is_recorded_with_the_change(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """A supervisor assigned to a trainee reaches the trainee's clients: the event names who
    gains and who loses that reach, and what changed (SPEC §2.1), never a name or email."""
    await add_members(state, world, "supervisor2")
    admin, trainee = world["admin"].headers, world["trainee"]
    old, new = str(world["supervisor"].id), str(world["supervisor2"].id)
    moved = await client.patch(
        f"/v1/users/{trainee.id}",
        json={"supervisor_id": new, "display_name": "Renamed Trainee"},
        headers=admin | {"X-Request-ID": "supervision-moved"},
    )
    assert moved.status_code == 200, moved.text
    event = await only_event(state, "supervision-moved")
    assert event["details"] == {
        "changes": {"supervisor_id": {"from": old, "to": new}},
        "added_user_ids": [new],
        "removed_user_ids": [old],
    }
    off = await client.patch(
        f"/v1/users/{trainee.id}",
        json={"active": False, "role": "therapist"},
        headers=admin | {"X-Request-ID": "trainee-off"},
    )
    assert off.status_code == 200, off.text
    event = await only_event(state, "trainee-off")
    assert event["details"] == {"changes": {"active": {"from": True, "to": False}}}


async def test_a_role_change_that_opens_or_closes_supervision_names_the_supervisees(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """A supervisor made therapist stays their supervisees' `supervisor_id`; made supervisor
    again, they reach those clients again. Both events name the supervisees (SPEC §2.1)."""
    await add_members(state, world, "supervisor2", "therapist2")
    admin, supervisor = world["admin"].headers, world["supervisor2"]
    supervisee = str(world["therapist2"].id)
    assigned = await client.patch(
        f"/v1/users/{supervisee}", json={"supervisor_id": str(supervisor.id)}, headers=admin
    )
    assert assigned.status_code == 200, assigned.text
    for role, rid in (("therapist", "supervision-closed"), ("supervisor", "supervision-opened")):
        changed = await client.patch(
            f"/v1/users/{supervisor.id}", json={"role": role}, headers=admin | {"X-Request-ID": rid}
        )
        assert changed.status_code == 200, changed.text
        event = await only_event(state, rid)
        assert event["details"]["supervisee_ids"] == [supervisee], event["details"]
    renamed = await client.patch(
        f"/v1/users/{supervisor.id}",
        json={"display_name": "Still Supervising"},
        headers=admin | {"X-Request-ID": "supervision-unchanged"},
    )
    assert renamed.status_code == 200, renamed.text
    event = await only_event(state, "supervision-unchanged")
    assert event["details"] is None or "supervisee_ids" not in event["details"]
