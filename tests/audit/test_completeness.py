"""Completeness: every request leaves exactly one event with the right facts (see CASES)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.state import AppState
from tests.audit.completeness import CASES, Case, Scene
from tests.audit.completeness_integrations import INTEGRATION_CASES
from tests.audit.completeness_notes import FINDING_CASES, NOTE_CASES
from tests.audit.completeness_phi import PHI_CASES
from tests.audit.completeness_scene import build_scene
from tests.audit.conftest import events_of_request
from tests.conftest import World

ALL_CASES = [*CASES, *PHI_CASES, *NOTE_CASES, *FINDING_CASES, *INTEGRATION_CASES]
# Routes holding client data (SPEC §2): each needs an allowed, a refused and a not-found row.
PHI_ROUTE = re.compile(
    r"^/v1/(clients|episodes|sessions|notes|observations|relationship-|measures|reports|addenda)"
)
# Routes aimed at no particular object, so no caller can miss one.
NO_OBJECT = {
    ("GET", "/v1/clients"),
    ("POST", "/v1/clients"),
    ("GET", "/v1/reports/caseload"),
}
# Reads of one client's data that break-the-glass opens: each needs a break-the-glass row.
NO_GLASS = {("GET", "/v1/clients"), ("GET", "/v1/reports/caseload")}
# /v1 routes deliberately left out of CASES (none today); say why when adding one.
UNCOVERED: set[tuple[str, str]] = set()


@pytest.fixture
async def scene(
    state: AppState, client: httpx.AsyncClient, world: World, other_world: World
) -> Scene:
    """A practice with a client's whole record, and a second practice (see Scene)."""
    return await build_scene(state, client, world, other_world)


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


def _case_id(case: Case) -> str:
    glass = "-glass" if case.glass else ""
    return f"{case.caller}-{case.method}-{case.path}-{case.status}{glass}"


def _params(cases: list[Case]) -> list[Any]:
    """Every case; beyond the first of each route, marked slow (`make test-fast` keeps one a
    route, `make test` runs them all)."""
    seen: set[tuple[str, str]] = set()
    params = []
    for case in cases:
        key = (case.method, case.route)
        marks = [pytest.mark.slow] if key in seen else []
        seen.add(key)
        params.append(pytest.param(case, id=_case_id(case), marks=marks))
    return params


@pytest.mark.parametrize("case", _params(ALL_CASES))
async def test_one_event_per_request(
    state: AppState, client: httpx.AsyncClient, scene: Scene, case: Case
) -> None:
    headers, actor, practice = _caller(scene, case.caller)
    if case.actor is not None:
        member = scene.world[case.actor]
        actor, practice = ("user", member.id, member.role), scene.world.practice_id
    if case.caller == "anon" and case.action == "auth.login":
        practice = scene.world.practice_id  # the account aimed at names the practice
    if case.before is not None:
        await case.before(scene, client)
    fields = vars(scene)
    request_id = uuid.uuid4().hex
    response = await client.request(
        case.method,
        case.path.format(**fields),
        headers={
            **headers,
            **{name: value.format(**fields) for name, value in case.headers.items()},
            "X-Request-ID": request_id,
        },
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
    if case.names_created:
        expected_clients.add(response.json()["id"])
    if case.action in ("client.list", "audit.export"):  # the scene's clients, and others
        assert expected_clients <= set(event.client_ids)
    else:
        assert set(event.client_ids) == expected_clients
    purpose = case.purpose
    if purpose == "auto":
        purpose = "TREAT" if actor[2] in ("therapist", "supervisor") else "HOPERAT"
    assert event.purpose_of_use == purpose
    assert event.break_glass_reason == case.headers.get("X-Break-Glass-Reason")


def _situations(method: str, route: str) -> set[str]:
    rows = [c for c in ALL_CASES if (c.method, c.route) == (method, route)]
    found = {c.outcome for c in rows}
    if any(c.glass and c.outcome == "success" for c in rows):
        found.add("break_glass")
    return found


def test_every_route_is_covered(app: FastAPI) -> None:
    """Each /v1 operation has rows; each route with client data, every situation."""
    operations = {
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        if path.startswith("/v1/")
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert len(operations) > 60  # the contract's routes, not an empty schema
    covered = {(c.method, c.route) for c in ALL_CASES}
    assert sorted(operations - covered - UNCOVERED) == []
    assert sorted(covered - operations) == []  # a row's route template names a real route
    gaps = {}
    for method, route in sorted(operations):
        if not PHI_ROUTE.match(route):
            continue
        wanted = {"success", "denied"}
        if (method, route) not in NO_OBJECT:
            wanted.add("not_found")
        if method == "GET" and (method, route) not in NO_GLASS:
            wanted.add("break_glass")
        if missing := wanted - _situations(method, route):
            gaps[f"{method} {route}"] = sorted(missing)
    assert gaps == {}
