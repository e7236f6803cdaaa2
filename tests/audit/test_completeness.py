"""Completeness: every request leaves exactly one event with the right facts (see CASES)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from app.api_keys.router import create_key
from app.state import AppState
from tests.audit.completeness import CASES, GLASS, Case, Scene
from tests.audit.conftest import Spec, events_of_request, seed
from tests.conftest import TEST_PASSWORD, World


async def _key(
    state: AppState, world: World, scopes: list[str]
) -> tuple[uuid.UUID, dict[str, str]]:
    async with state.sessionmaker() as session:
        row, key = create_key(
            practice_id=world.practice_id,
            name="completeness",
            scopes=scopes,
            created_by=None,
            pepper=state.secrets.api_key_pepper,
        )
        session.add(row)
        await session.commit()
    return row.id, {"Authorization": f"Bearer {key}"}


@pytest.fixture
async def scene(
    state: AppState, client: httpx.AsyncClient, world: World, other_world: World
) -> Scene:
    made = await client.post(
        "/v1/clients",
        headers=world["therapist"].headers,
        json={"given_name": "Ada", "family_name": "Client"},
    )
    assert made.status_code == 201, made.text
    theirs = await client.post(
        "/v1/clients",
        headers=other_world["therapist"].headers,
        json={"given_name": "Bo", "family_name": "Client"},
    )
    client_id = made.json()["id"]
    [event] = await seed(
        state,
        world.practice_id,
        [
            Spec(
                actor_id=world["therapist2"].id,
                clients=[uuid.UUID(client_id)],
                break_glass=GLASS,
                purpose="ETREAT",
            )
        ],
    )
    scene = Scene(
        world=world,
        other=other_world,
        client=client_id,
        other_client=theirs.json()["id"],
        event=str(event),
    )
    for scopes in ("clients:read", "notes:read", "audit:read"):
        scene.keys[scopes] = await _key(state, world, [scopes])
    login = await client.post(
        "/v1/auth/token", data={"username": world["therapist"].email, "password": TEST_PASSWORD}
    )
    scene.refresh = login.json()["refresh_token"]
    return scene


def _caller(scene: Scene, who: str) -> tuple[dict[str, str], tuple[str, Any, Any], Any]:
    """Headers, expected (actor type, id, role) and practice of a caller."""
    if who == "anon":
        return {}, ("anonymous", None, None), None
    if who.startswith("key:"):
        key_id, headers = scene.keys[who[4:]]
        return headers, ("api_key", key_id, None), scene.world.practice_id
    world = scene.other if who.startswith("other:") else scene.world
    member = world[who.removeprefix("other:")]
    return member.headers, ("user", member.id, member.role), world.practice_id


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.caller}-{c.method}-{c.path}-{c.status}")
async def test_one_event_per_request(
    state: AppState, client: httpx.AsyncClient, scene: Scene, case: Case
) -> None:
    headers, actor, practice = _caller(scene, case.caller)
    if case.actor is not None:
        member = scene.world[case.actor]
        actor, practice = ("user", member.id, member.role), scene.world.practice_id
    if case.caller == "anon" and case.action == "auth.login":
        practice = scene.world.practice_id  # the account aimed at names the practice
    request_id = uuid.uuid4().hex
    response = await client.request(
        case.method,
        case.path.format(**vars(scene)),
        headers={**headers, **case.headers, "X-Request-ID": request_id},
        json=case.json(scene) if case.json else None,
        data=case.form(scene) if case.form else None,
    )
    assert response.status_code == case.status, response.text
    found = await events_of_request(state, request_id)
    assert len(found) == 1, f"{len(found)} events for one request"
    event = found[0]
    assert (event.action, event.outcome, event.http_status) == (
        case.action,
        case.outcome,
        case.status,
    )
    assert (event.actor_type, event.actor_id, event.actor_role) == actor
    assert event.practice_id == practice
    assert (event.method, event.route) == (case.method, case.route)
    expected_clients = case.clients(scene) if case.clients else set()
    if case.action == "client.list":
        assert expected_clients <= set(event.client_ids)
    else:
        assert set(event.client_ids) == expected_clients
    purpose = case.purpose
    if purpose == "auto":
        purpose = "TREAT" if actor[2] in ("therapist", "supervisor") else "HOPERAT"
    assert event.purpose_of_use == purpose
    assert event.break_glass_reason == case.headers.get("X-Break-Glass-Reason")
