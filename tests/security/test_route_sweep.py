"""Every route with a path id, swept (SPEC §2.1): one answer for "not yours", every attempt found.

- Uniformity: as every role and API-key scope, an object of another practice, an object of
  the caller's practice outside their reach, a psychotherapy note they did not write and a
  random id get byte-identical answers, apart from `request_id` and `instance`.
- Attribution: on every route naming a client's record, a request without credentials, with
  a bad token, with a malformed body and with an oversized body each leave exactly one event,
  and the practice's auditor finds it by client.

Routes come from the app's own OpenAPI document, so a route added later is swept too; its
request bodies are the document's examples.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.security.api_keys import SCOPES
from app.state import AppState
from tests.conftest import World, build_world
from tests.factories import clinical_case, make_api_key, with_if_match
from tests.observations.support import relationship_episode
from tests.one_path import only_event, request_id

pytestmark = pytest.mark.slow

REASON = "Covering for an absent colleague during a crisis call"
# The kind of resource a path's `{id}` names, by the path's prefix (longest first).
KINDS = {
    "/v1/audit/clients/": "client",
    "/v1/audit/events/": "audit_event",
    "/v1/audit/reviews/": "audit_review",
    "/v1/users/": "user",
    "/v1/api-keys/": "api_key",
    "/v1/clients/": "client",
    "/v1/episodes/": "episode",
    "/v1/sessions/": "session",
    "/v1/notes/": "note",
    "/v1/addenda/": "addendum",
    "/v1/observations/": "observation",
    "/v1/relationship-episodes/": "relationship_episode",
    "/v1/measures/": "measure",
}
ACCESS_REPORT = "/v1/audit/clients/{id}/access-report"
CLIENT_OWNED = {
    "client",
    "episode",
    "session",
    "note",
    "addendum",
    "observation",
    "relationship_episode",
    "measure",
}


def kind_of(path: str) -> str | None:
    """The kind of resource the path's `{id}` names."""
    for prefix, kind in KINDS.items():
        if path.startswith(prefix + "{id}"):
            return kind
    return None


@dataclass(frozen=True)
class Route:
    """One operation with a path id."""

    method: str
    path: str
    kind: str
    body: Any

    def url(self, object_id: str) -> str:
        return self.path.replace("{id}", object_id)


def routes(app: FastAPI) -> list[Route]:
    """Every operation of the document whose path names a resource by `{id}`."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        kind = kind_of(path)
        if kind is None:
            continue
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            media = content.get("application/json", {})
            body = media.get("example")
            if body is None and content:
                body = media.get("schema", {}).get("example", {})
            found.append(Route(method.upper(), path, kind, body))
    return found


async def objects(http: httpx.AsyncClient, world: World, state: AppState) -> dict[str, str]:
    """One object of every kind in a practice (a signed note with an addendum, …)."""
    own = world["therapist"].headers
    case = await clinical_case(http, world)
    ids = {"client": case.client_id, "episode": case.episode_id, "session": case.session_id}
    observation = await http.post(
        f"/v1/sessions/{case.session_id}/observations",
        headers=own,
        json={"theme_code": "affect.grief", "intensity": 2},
    )
    ids["observation"] = observation.json()["id"]
    told = await http.post(
        f"/v1/sessions/{case.session_id}/relationship-episodes",
        headers=own,
        json=relationship_episode(),
    )
    assert told.status_code == 201, told.text
    ids["relationship_episode"] = told.json()["id"]
    note = await http.post(
        f"/v1/sessions/{case.session_id}/notes", headers=own, json={"kind": "progress", "body": "P"}
    )
    ids["note"] = note.json()["id"]
    signed = await http.post(
        f"/v1/notes/{ids['note']}/sign", headers=with_if_match(own, note.headers["ETag"])
    )
    assert signed.status_code == 200, signed.text
    addendum = await http.post(
        f"/v1/notes/{ids['note']}/addenda", headers=own, json={"body": "A", "reason": "late"}
    )
    ids["addendum"] = addendum.json()["id"]
    measure = await http.post(
        f"/v1/clients/{case.client_id}/measures",
        headers=own,
        json={"instrument": "phq9", "items": [1] * 9},
    )
    ids["measure"] = measure.json()["id"]
    ids["user"] = str(world["therapist"].id)
    await make_api_key(state, world, ["clients:read"])
    keys = await http.get("/v1/api-keys", headers=world["admin"].headers)
    ids["api_key"] = keys.json()["items"][0]["id"]
    glass = world["therapist2"].headers | {"X-Break-Glass-Reason": REASON} | request_id()
    read = await http.get(f"/v1/clients/{case.client_id}", headers=glass)
    event = await only_event(state, read.headers["X-Request-ID"])
    ids["audit_event"] = str(event["id"])
    review = await http.post(
        f"/v1/audit/events/{ids['audit_event']}/review",
        headers=world["auditor"].headers,
        json={"decision": "justified", "comment": "Crisis cover."},
    )
    assert review.status_code == 201, review.text
    ids["audit_review"] = review.json()["id"]
    return ids


def _answer(response: httpx.Response) -> tuple[int, str, dict[str, Any] | str]:
    """Status, media type and body without the fields that name the request."""
    kind = response.headers.get("content-type", "")
    if "json" not in kind:
        return response.status_code, kind, response.text
    body = response.json()
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in ("request_id", "instance")}
    return response.status_code, kind, body


async def _send(
    http: httpx.AsyncClient, route: Route, object_id: str, headers: dict[str, str]
) -> httpx.Response:
    return await http.request(
        route.method,
        route.url(object_id),
        headers=headers | {"If-Match": '"0-0"'},
        json=route.body if route.body is not None else None,
    )


async def test_one_answer_for_not_yours(
    app: FastAPI, client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Out of reach, another practice's, a psychotherapy note and a random id: one answer."""
    other = await build_world(state)
    theirs = await objects(client, other, state)
    mine = await objects(client, world, state)  # the therapist's: outside therapist2's reach
    own = world["therapist"].headers
    private = await client.post(
        f"/v1/sessions/{mine['session']}/notes",
        headers=own,
        json={"kind": "psychotherapy", "body": "Countertransference."},
    )
    callers = {name: world[name].headers for name in ("admin", "therapist2", "auditor")}
    callers["supervisor"] = world["supervisor"].headers
    callers["glass"] = world["therapist2"].headers | {"X-Break-Glass-Reason": REASON}
    for scope in SCOPES:
        callers[f"key {scope}"] = await make_api_key(state, world, [scope])
    callers["key all"] = await make_api_key(state, world, list(SCOPES))
    problems = []
    for route in routes(app):
        if route.kind not in theirs:
            continue
        if route.path == ACCESS_REPORT:
            continue  # 200 for any id, from the caller's own log: checked below
        for name, headers in callers.items():
            tried = {"another practice": theirs[route.kind], "random": str(uuid.uuid4())}
            if route.kind == "note" and name != "glass":
                tried["psychotherapy note"] = private.json()["id"]
            if name == "therapist2" and route.kind in CLIENT_OWNED:
                tried["outside the caseload"] = mine[route.kind]
            # Their own practice's object, when the role alone refuses it (admins, auditors,
            # keys: the note-kind oracle of issue 14) or it is out of reach (404).
            same = await _send(client, route, mine[route.kind], headers)
            role_refused = same.status_code == 403 and name not in ("supervisor", "glass")
            if same.status_code == 404 or role_refused:
                tried["same practice"] = mine[route.kind]
            answers = {
                what: _answer(await _send(client, route, i, headers)) for what, i in tried.items()
            }
            if len({repr(a) for a in answers.values()}) != 1:
                problems.append(f"{route.method} {route.path} as {name}: {answers}")
    assert not problems, "\n".join(problems)
    # An access report reads the caller's own practice's log only: for another practice's
    # client it lists this practice's attempts, never that practice's own accesses.
    report = await client.get(
        ACCESS_REPORT.replace("{id}", theirs["client"]), headers=world["auditor"].headers
    )
    assert report.status_code == 200, report.text
    theirs_actors = {str(member.id) for member in other.members.values()}
    listed = {actor["actor_id"] for actor in report.json()["actors"]}
    assert not listed & theirs_actors


async def _found_by_client(
    http: httpx.AsyncClient, world: World, client_id: str, request_ids: set[str]
) -> set[str]:
    """Which of these requests the auditor finds in a search by client."""
    seen: set[str] = set()
    cursor = None
    while True:
        params: dict[str, Any] = {"client_id": client_id, "limit": 200}
        if cursor:
            params["cursor"] = cursor
        page = await http.get("/v1/audit/events", params=params, headers=world["auditor"].headers)
        assert page.status_code == 200, page.text
        seen |= {e["request_id"] for e in page.json()["items"]} & request_ids
        cursor = page.json()["next_cursor"]
        if not cursor:
            return seen


async def test_every_attempt_is_found_by_client(
    app: FastAPI, client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """No credentials, a bad token, a malformed body, an oversized body: one event each."""
    mine = await objects(client, world, state)
    therapist = world["therapist"].headers
    sent: list[tuple[str, str, str]] = []  # (request id, what, route)
    for route in routes(app):
        if route.kind not in CLIENT_OWNED or route.kind not in mine:
            continue
        url = route.url(mine[route.kind])
        tries: list[tuple[str, dict[str, str], Any]] = [
            ("no credentials", {}, None),
            ("bad token", {"Authorization": "Bearer forged.token.value"}, None),
        ]
        if route.body is not None:
            json_type = {"Content-Type": "application/json"}
            tries += [
                ("malformed body", therapist | json_type, b'{"broken": '),
                ("oversized body", therapist | json_type, b" " * (1024 * 1024 + 1)),
            ]
        for what, headers, content in tries:
            rid = request_id()
            response = await client.request(
                route.method, url, headers=headers | rid, content=content
            )
            assert response.status_code in (401, 413, 422), (what, route, response.text)
            event = await only_event(state, rid["X-Request-ID"])
            assert event["client_ids"] == [mine["client"]], (what, route.method, route.path)
            assert event["practice_id"] == world.practice_id, (what, route.method, route.path)
            if what.endswith("body"):
                assert event["actor_id"] == world["therapist"].id, (what, route.path)
                assert event["action"] != "request.unrouted", (what, route.path)
            sent.append((rid["X-Request-ID"], what, f"{route.method} {route.path}"))
    found = await _found_by_client(client, world, mine["client"], {r for r, _, _ in sent})
    missing = [(what, where) for rid, what, where in sent if rid not in found]
    assert not missing, missing
    assert len(sent) > 60  # every client-owned route, each way
