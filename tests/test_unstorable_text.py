"""A NUL in any text field of a request body is 422 from validation, on every backend.

PostgreSQL cannot store NUL in text and SQLite can, so without the schema's refusal the same
request would be created on one backend and refused by the database on the other. Each row
is one operation with a valid body holding every free-text field of its request schema (the
OpenAPI document says which); the test puts a NUL into each field in turn and expects a
validation problem naming exactly that field.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.state import AppState
from tests.conftest import TEST_PASSWORD, World
from tests.factories import Clinical, at, clinical_case, create_client, days_ago
from tests.notes.support import PROGRESS, NotesApi
from tests.observations.support import relationship_episode

NUL = "\x00"
# String formats that are not free text: the value is parsed, never stored as typed.
_PARSED = {"uuid", "date", "date-time"}
Path = tuple[str, ...]


@dataclass
class Request:
    """A valid request to send with one field spoiled."""

    url: str
    body: dict[str, Any]
    headers: dict[str, str]
    form: bool = False


Build = Callable[[httpx.AsyncClient, World, AppState], Awaitable[Request]]

_CLIENT = {
    "external_id": "crm-1",
    "given_name": "Alma",
    "family_name": "Reyes",
    "preferred_name": "Al",
    "email": "alma@example.org",
    "phone": "+1 555 0100",
    "presenting_concerns": "Low mood.",
}
_NOTE = PROGRESS | {"risk": {"level": "low", "details": "Passive thoughts."}}


async def _case(http: httpx.AsyncClient, world: World) -> Clinical:
    return await clinical_case(http, world)


async def _token(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    body = {"username": world["therapist"].email, "password": TEST_PASSWORD}
    return Request("/v1/auth/token", body, {}, form=True)


async def _refresh(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    return Request("/v1/auth/refresh", {"refresh_token": "nsr_not-a-real-token"}, {})


async def _logout(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    body = {"refresh_token": "nsr_not-a-real-token"}
    return Request("/v1/auth/logout", body, world["therapist"].headers)


async def _redeem(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    body = {"token": "nsp_not-a-real-token", "new_password": "violet tugboat minds the harbour"}
    return Request("/v1/auth/password-reset", body, {})


async def _own_password(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    body = {"current_password": TEST_PASSWORD, "new_password": "violet tugboat minds the harbour"}
    return Request("/v1/me/password", body, world["therapist2"].headers)


async def _new_user(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    body = {
        "email": "colleague@test.example",
        "display_name": "Colleague",
        "role": "therapist",
    }
    return Request("/v1/users", body, world["admin"].headers)


async def _user(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    body = {"display_name": "Renamed"}
    return Request(f"/v1/users/{world['therapist2'].id}", body, world["admin"].headers)


async def _api_key(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    body = {"name": "Scheduler", "scopes": ["clients:read"]}
    return Request("/v1/api-keys", body, world["admin"].headers)


async def _new_client(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    return Request("/v1/clients", dict(_CLIENT), world["therapist"].headers)


async def _client(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    case = await _case(http, world)
    return Request(f"/v1/clients/{case.client_id}", dict(_CLIENT), world["therapist"].headers)


async def _new_episode(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    made = await create_client(http, world["therapist"].headers)
    body = {"started_on": days_ago(10).isoformat(), "goals": "Grieve."}
    return Request(f"/v1/clients/{made['id']}/episodes", body, world["therapist"].headers)


async def _episode(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    case = await _case(http, world)
    return Request(f"/v1/episodes/{case.episode_id}", {"goals": "Work again."}, _of(world))


async def _transition(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    case = await _case(http, world)
    body = {"to_phase": "termination", "effective_on": days_ago(1).isoformat(), "rationale": "Why"}
    return Request(f"/v1/episodes/{case.episode_id}/phase-transitions", body, _of(world))


async def _close(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    case = await _case(http, world)
    body = {"ended_on": days_ago(0).isoformat(), "reason": "completed", "summary": "Done."}
    return Request(f"/v1/episodes/{case.episode_id}/close", body, _of(world))


async def _new_session(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    case = await _case(http, world)
    body = {"client_id": case.client_id, "starts_at": at(days_ago(2)), "external_id": "cal-1"}
    return Request("/v1/sessions", body, world["admin"].headers)  # external_id: admins, keys


async def _session(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    case = await _case(http, world)
    body = {"external_id": "cal-2"}  # set by admins and API keys only
    return Request(f"/v1/sessions/{case.session_id}", body, world["admin"].headers)


async def _new_note(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    case = await _case(http, world)
    return Request(f"/v1/sessions/{case.session_id}/notes", copy.deepcopy(_NOTE), _of(world))


async def _note(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    case = await _case(http, world)
    draft = await NotesApi(http).create(_of(world), uuid.UUID(case.session_id), PROGRESS)
    assert draft.status_code == 201, draft.text
    change = {k: v for k, v in copy.deepcopy(_NOTE).items() if k != "kind"}
    return Request(f"/v1/notes/{draft.json()['id']}", change, _of(world))


async def _return(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    case = await _case(http, world)
    pending = await NotesApi(http).signed(
        world["trainee"].headers, uuid.UUID(case.session_id), PROGRESS
    )
    body = {"comment": "Add the risk."}
    return Request(f"/v1/notes/{pending}/return", body, world["supervisor"].headers)


async def _addendum(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    case = await _case(http, world)
    signed = await NotesApi(http).signed(_of(world), uuid.UUID(case.session_id), PROGRESS)
    body = {"body": "Late entry.", "reason": "late entry"}
    return Request(f"/v1/notes/{signed}/addenda", body, _of(world))


async def _new_theme(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    body = {"code": "somatic.nul", "label": "Label", "category": "somatic", "description": "Text"}
    return Request("/v1/themes", body, _of(world))


async def _theme(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    body = {"code": "somatic.kept", "label": "Kept", "category": "somatic"}
    made = await http.post("/v1/themes", json=body, headers=_of(world))
    assert made.status_code == 201, made.text
    change = {"label": "Relabelled", "description": "Described."}
    return Request("/v1/themes/somatic.kept", change, _of(world))


async def _observation(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    case = await _case(http, world)
    body = {"theme_code": "affect.grief", "intensity": 3, "evidence": "Wept."}
    return Request(f"/v1/sessions/{case.session_id}/observations", body, _of(world))


async def _told(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    case = await _case(http, world)
    url = f"/v1/sessions/{case.session_id}/relationship-episodes"
    return Request(url, relationship_episode(), _of(world))


async def _review(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    body = {"decision": "justified", "comment": "On call."}
    return Request(f"/v1/audit/events/{uuid.uuid4()}/review", body, world["auditor"].headers)


async def _new_endpoint(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    body = {
        "url": "http://127.0.0.1:9/hooks",
        "event_types": ["client.created"],
        "description": "Scheduler",
    }
    return Request("/v1/webhook-endpoints", body, world["admin"].headers)


async def _endpoint(http: httpx.AsyncClient, world: World, state: AppState) -> Request:
    made = await _new_endpoint(http, world, state)
    created = await http.post(made.url, json=made.body, headers=made.headers)
    assert created.status_code == 201, created.text
    body = {
        "url": "http://127.0.0.1:9/other",
        "event_types": ["client.updated"],
        "description": "Billing",
    }
    return Request(f"/v1/webhook-endpoints/{created.json()['id']}", body, made.headers)


def _of(world: World) -> dict[str, str]:
    return world["therapist"].headers


# (method, OpenAPI path, a valid request holding every free-text field of its body)
ROWS: list[tuple[str, str, Build]] = [
    ("post", "/v1/auth/token", _token),
    ("post", "/v1/auth/refresh", _refresh),
    ("post", "/v1/auth/logout", _logout),
    ("post", "/v1/auth/password-reset", _redeem),
    ("post", "/v1/me/password", _own_password),
    ("post", "/v1/users", _new_user),
    ("patch", "/v1/users/{id}", _user),
    ("post", "/v1/api-keys", _api_key),
    ("post", "/v1/clients", _new_client),
    ("patch", "/v1/clients/{id}", _client),
    ("post", "/v1/clients/{id}/episodes", _new_episode),
    ("patch", "/v1/episodes/{id}", _episode),
    ("post", "/v1/episodes/{id}/phase-transitions", _transition),
    ("post", "/v1/episodes/{id}/close", _close),
    ("post", "/v1/sessions", _new_session),
    ("patch", "/v1/sessions/{id}", _session),
    ("post", "/v1/sessions/{id}/notes", _new_note),
    ("patch", "/v1/notes/{id}", _note),
    ("post", "/v1/notes/{id}/return", _return),
    ("post", "/v1/notes/{id}/addenda", _addendum),
    ("post", "/v1/themes", _new_theme),
    ("patch", "/v1/themes/{code}", _theme),
    ("post", "/v1/sessions/{id}/observations", _observation),
    ("post", "/v1/sessions/{id}/relationship-episodes", _told),
    ("post", "/v1/audit/events/{id}/review", _review),
    ("post", "/v1/webhook-endpoints", _new_endpoint),
    ("patch", "/v1/webhook-endpoints/{id}", _endpoint),
]


def _text_fields(node: dict[str, Any], schemas: dict[str, Any], path: Path = ()) -> set[Path]:
    """Paths of the free-text strings a request schema holds (not enums, ids, dates)."""
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _text_fields(schemas[ref.rsplit("/", 1)[-1]], schemas, path)
    found: set[Path] = set()
    for option in node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", []):
        found |= _text_fields(option, schemas, path)
    if node.get("type") == "object":
        for name, prop in node.get("properties", {}).items():
            found |= _text_fields(prop, schemas, (*path, name))
    elif node.get("type") == "array":
        found |= _text_fields(node.get("items", {}), schemas, (*path, "[]"))
    elif node.get("type") == "string" and "enum" not in node and "const" not in node:
        if node.get("format") not in _PARSED:
            found.add(path)
    return found


def _request_text_fields(document: dict[str, Any], method: str, route: str) -> set[Path]:
    operation = document["paths"][route][method]
    schemas = document["components"]["schemas"]
    found: set[Path] = set()
    for media in operation.get("requestBody", {}).get("content", {}).values():
        found |= _text_fields(media["schema"], schemas)
    return found


def _holds(body: dict[str, Any], path: Path) -> bool:
    value: Any = body
    for name in path:
        if not isinstance(value, dict) or name not in value:
            return False
        value = value[name]
    return isinstance(value, str)


def _spoiled(body: dict[str, Any], path: Path) -> dict[str, Any]:
    spoiled = copy.deepcopy(body)
    holder = spoiled
    for name in path[:-1]:
        holder = holder[name]
    value = holder[path[-1]]
    holder[path[-1]] = value[:1] + NUL + value[1:]
    return spoiled


async def _send(
    http: httpx.AsyncClient, method: str, request: Request, body: dict[str, Any]
) -> httpx.Response:
    if request.form:
        return await http.request(method, request.url, data=body, headers=request.headers)
    return await http.request(method, request.url, json=body, headers=request.headers)


@pytest.mark.parametrize(
    ("method", "route", "build"), ROWS, ids=[f"{m.upper()} {r}" for m, r, _ in ROWS]
)
async def test_nul_in_text_is_refused_by_validation(
    client: httpx.AsyncClient,
    world: World,
    state: AppState,
    method: str,
    route: str,
    build: Build,
) -> None:
    document = (await client.get("/openapi.json")).json()
    fields = _request_text_fields(document, method, route)
    request = await build(client, world, state)
    assert fields, "a row for an operation without text fields"
    missing = [path for path in fields if not _holds(request.body, path)]
    assert not missing, f"the row's body lacks text fields {missing}"
    problems = []
    for path in sorted(fields):
        response = await _send(client, method, request, _spoiled(request.body, path))
        where = f"{'.'.join(path)}: {response.status_code}"
        if response.status_code != 422:
            problems.append(f"{where} {response.text[:200]}")
            continue
        assert response.headers["content-type"] == "application/problem+json", where
        # Refused by the schema, naming the field (not by a database that happens to refuse it).
        errors = response.json().get("errors") or []
        located = [tuple(e["loc"]) for e in errors]
        if not located or any(loc[: len(path) + 1] != ("body", *path) for loc in located):
            problems.append(f"{where} errors at {located}")
    assert not problems, "\n".join(problems)


async def test_every_operation_with_text_has_a_row(client: httpx.AsyncClient) -> None:
    """A new request body with text must join ROWS."""
    document = (await client.get("/openapi.json")).json()
    with_text = {
        (method, route)
        for route, operations in document["paths"].items()
        for method in operations
        if _request_text_fields(document, method, route)
    }
    assert with_text == {(method, route) for method, route, _ in ROWS}
