"""SPEC §2.1 "Attempts are attributed": refused requests still tell the auditor whose record.

Defects 5, 6, 8 and 9 of issue 14: a 413 that committed its write, unauthenticated attempts
with no practice or client, a NUL path id that left no event, and malformed or oversized
bodies logged as `anonymous` / `request.unrouted`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case, problem
from tests.one_path import actor, only_event, request_id

LIMIT = 1024 * 1024


async def _case_with_note(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    case = await clinical_case(client, world)
    note = await client.post(
        f"/v1/sessions/{case.session_id}/notes",
        headers=world["therapist"].headers,
        json={"kind": "progress", "body": "Talked about the loss."},
    )
    assert note.status_code == 201, note.text
    return {
        "client": case.client_id,
        "session": case.session_id,
        "episode": case.episode_id,
        "note": note.json()["id"],
    }


def _paths(ids: dict[str, str]) -> list[str]:
    return [
        f"/v1/clients/{ids['client']}",
        f"/v1/sessions/{ids['session']}",
        f"/v1/episodes/{ids['episode']}",
        f"/v1/notes/{ids['note']}",
        f"/v1/notes/{ids['note']}/addenda",
        f"/v1/clients/{ids['client']}/measures",
    ]


@pytest.mark.parametrize(
    "credentials",
    [
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Bearer nsk_unknownkey"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["none", "bad-jwt", "bad-key", "basic"],
)
async def test_unauthenticated_attempts_name_the_practice_and_client(
    client: httpx.AsyncClient, world: World, state: AppState, credentials: dict[str, str]
) -> None:
    """Defect 6: such attempts were logged with no practice and no client ids."""
    ids = await _case_with_note(client, world)
    for path in _paths(ids):
        sent = credentials | request_id()
        response = await client.get(path, headers=sent)
        problem(response, 401)
        event = await only_event(state, sent["X-Request-ID"])
        assert (event["actor_type"], event["outcome"]) == ("anonymous", "denied"), path
        assert event["practice_id"] == world.practice_id, path
        assert event["client_ids"] == [ids["client"]], path
        assert event["indexed"] == [ids["client"]], path
    # The auditor finds them by client.
    report = await client.get(
        "/v1/audit/events",
        params={"client_id": ids["client"], "outcome": "denied", "limit": 200},
        headers=world["auditor"].headers,
    )
    assert report.status_code == 200, report.text
    assert len([e for e in report.json()["items"] if e["actor"]["type"] == "anonymous"]) == len(
        _paths(ids)
    )


async def test_unauthenticated_answers_reveal_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    """The response to an existing and a random id is the same 401."""
    ids = await _case_with_note(client, world)
    bodies = set()
    for note_id in (ids["note"], str(uuid.uuid4())):
        answer = problem(await client.get(f"/v1/notes/{note_id}"), 401)
        bodies.add((answer["title"], answer["detail"], answer["type"]))
    assert len(bodies) == 1


async def test_malformed_body_is_attributed_to_its_caller(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Defect 9: logged as `anonymous` / `request.unrouted` with no practice or client."""
    ids = await _case_with_note(client, world)
    headers = world["therapist"].headers | {"Content-Type": "application/json"}
    for method, path, action in (
        ("POST", f"/v1/sessions/{ids['session']}/observations", "observation.create"),
        ("PATCH", f"/v1/clients/{ids['client']}", "client.update"),
        ("POST", f"/v1/notes/{ids['note']}/addenda", "addendum.create"),
    ):
        sent = headers | request_id()
        response = await client.request(method, path, content=b'{"broken": ', headers=sent)
        problem(response, 422)
        event = await only_event(state, sent["X-Request-ID"])
        assert event["action"] == action, path
        assert {k: event[k] for k in actor(world, "therapist")} == actor(world, "therapist")
        assert event["client_ids"] == [ids["client"]], path
        assert "{id}" in (event["route"] or "")


async def test_oversized_body_is_attributed_to_its_caller(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Defect 9, both ways a body can be too large: a declared length and a chunked stream."""
    ids = await _case_with_note(client, world)
    path = f"/v1/sessions/{ids['session']}/observations"
    headers = world["therapist"].headers | {"Content-Type": "application/json"}

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b" " * (LIMIT // 10)

    for content in (b" " * (LIMIT + 1), chunks()):
        sent = headers | request_id()
        response = await client.post(path, content=content, headers=sent)
        problem(response, 413)
        event = await only_event(state, sent["X-Request-ID"])
        assert event["action"] == "observation.create"
        assert {k: event[k] for k in actor(world, "therapist")} == actor(world, "therapist")
        assert event["client_ids"] == [ids["client"]]


async def test_a_413_commits_nothing(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Defect 5: a chunked body whose first MiB is valid JSON was stored, yet answered 413."""
    ids = await _case_with_note(client, world)
    path = f"/v1/sessions/{ids['session']}/observations"
    valid = json.dumps({"theme_code": "affect.grief", "intensity": 3}).encode()

    async def chunks() -> AsyncIterator[bytes]:
        yield valid
        for _ in range(20):
            yield b" " * (LIMIT // 10)

    sent = world["therapist"].headers | {"Content-Type": "application/json"} | request_id()
    problem(await client.post(path, content=chunks(), headers=sent), 413)
    event = await only_event(state, sent["X-Request-ID"])
    assert (event["http_status"], event["outcome"]) == (413, "error")
    listed = await client.get(path, headers=world["therapist"].headers)
    assert listed.json()["items"] == []


NUL_PATHS = [
    "/v1/clients/%00",
    "/v1/notes/%00",
    "/v1/sessions/%00",
    "/v1/audit/events/%00",
    "/v1/themes/%00",
    "/v1/clients/%ff%fe",
]


@pytest.mark.parametrize("path", NUL_PATHS)
async def test_unstorable_path_id_is_422_with_its_event(
    client: httpx.AsyncClient, world: World, state: AppState, path: str
) -> None:
    """Defect 8: on PostgreSQL a NUL path id was 503 and left no audit event."""
    who = "auditor" if "/audit/" in path else "therapist"
    sent = world[who].headers | request_id()
    response = await client.get(path, headers=sent)
    assert response.status_code in (404, 422), response.text
    assert response.headers["content-type"] == "application/problem+json"
    event = await only_event(state, sent["X-Request-ID"])
    assert event["http_status"] == response.status_code
    assert event["actor_id"] == world[who].id
    assert "\x00" not in (event["resource_id"] or "")


async def test_attempts_on_psychotherapy_records_name_their_client(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """A psychotherapy note and its addenda: practice and client named, as for a progress
    note's (docs/adr/0024)."""
    ids = await _case_with_note(client, world)
    own = world["therapist"].headers
    note = await client.post(
        f"/v1/sessions/{ids['session']}/notes",
        headers=own,
        json={"kind": "psychotherapy", "body": "Countertransference."},
    )
    signed = await client.post(
        f"/v1/notes/{note.json()['id']}/sign", headers=own | {"If-Match": note.headers["ETag"]}
    )
    assert signed.status_code == 200, signed.text
    addendum = await client.post(
        f"/v1/notes/{note.json()['id']}/addenda", headers=own, json={"body": "A", "reason": "r"}
    )
    assert addendum.status_code == 201, addendum.text
    for path in (f"/v1/notes/{note.json()['id']}", f"/v1/addenda/{addendum.json()['id']}"):
        sent = request_id()
        problem(await client.get(path, headers=sent), 401)
        event = await only_event(state, sent["X-Request-ID"])
        assert (event["practice_id"], event["client_ids"]) == (
            world.practice_id,
            [ids["client"]],
        ), path


@pytest.mark.parametrize(
    "credentials",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Bearer nsk_unknownkey"}],
    ids=["none", "bad-jwt", "bad-key"],
)
async def test_attempts_naming_the_client_in_query_or_body_name_it(
    client: httpx.AsyncClient, world: World, state: AppState, credentials: dict[str, str]
) -> None:
    """The client named by `?client_id=` or a body's `client_id`, not only by the path."""
    ids = await _case_with_note(client, world)
    starts = "2026-11-05T10:00:00+00:00"
    named = {"client_id": ids["client"]}
    for method, path, params, body in (
        ("GET", "/v1/sessions", named, None),
        ("GET", "/v1/notes", named, None),
        ("POST", "/v1/sessions", None, named | {"starts_at": starts}),
    ):
        sent = credentials | request_id()
        answer = await client.request(method, path, params=params, json=body, headers=sent)
        problem(answer, 401)
        event = await only_event(state, sent["X-Request-ID"])
        assert event["practice_id"] == world.practice_id, (method, path)
        assert event["client_ids"] == [ids["client"]], (method, path)
    # A random id, or none, names nothing (and answers the same).
    for params in ({"client_id": str(uuid.uuid4())}, {"client_id": "not-a-uuid"}, {}):
        sent = credentials | request_id()
        problem(await client.get("/v1/sessions", params=params, headers=sent), 401)
        event = await only_event(state, sent["X-Request-ID"])
        assert (event["practice_id"], event["client_ids"]) == (None, [])


async def test_a_refused_break_the_glass_write_names_the_client_of_its_body(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """Listed for the auditor's review with the client it aimed at, wherever it named it."""
    ids = await _case_with_note(client, world)
    glass = world["therapist2"].headers | {"X-Break-Glass-Reason": "urgent cover tonight"}
    body = {"client_id": ids["client"], "starts_at": "2026-11-05T10:00:00+00:00"}
    sent = glass | request_id()
    problem(await client.post("/v1/sessions", json=body, headers=sent), 403)
    event = await only_event(state, sent["X-Request-ID"])
    assert event["break_glass_reason"] == "urgent cover tonight"
    assert event["client_ids"] == [ids["client"]]


async def test_requests_no_route_answers_are_attributed_to_their_caller(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """A 405 names caller, practice and the path's resource; a 404 names the caller."""
    ids = await _case_with_note(client, world)
    me = world["therapist"].headers
    for method, path, resource in (
        ("DELETE", f"/v1/clients/{ids['client']}", "client"),
        ("PUT", f"/v1/notes/{ids['note']}", "note"),
    ):
        sent = me | request_id()
        problem(await client.request(method, path, headers=sent), 405)
        event = await only_event(state, sent["X-Request-ID"])
        assert {k: event[k] for k in actor(world, "therapist")} == actor(world, "therapist")
        assert event["action"] == "request.unrouted"
        assert (event["resource_type"], event["resource_id"]) == (resource, path.split("/")[-1])
        assert event["client_ids"] == [ids["client"]], path
    # A colleague who cannot reach the client gets the same 405; the attempt names it.
    sent = world["therapist2"].headers | request_id()
    problem(await client.delete(f"/v1/clients/{ids['client']}", headers=sent), 405)
    event = await only_event(state, sent["X-Request-ID"])
    assert event["actor_id"] == world["therapist2"].id
    assert event["client_ids"] == [ids["client"]]
    sent = me | request_id()
    problem(await client.get("/v1/no-such-thing", headers=sent), 404)
    event = await only_event(state, sent["X-Request-ID"])
    assert {k: event[k] for k in actor(world, "therapist")} == actor(world, "therapist")
    # Without credentials a 405 still names whose record was tried.
    sent = request_id()
    problem(await client.delete(f"/v1/clients/{ids['client']}", headers=sent), 405)
    event = await only_event(state, sent["X-Request-ID"])
    assert event["actor_type"] == "anonymous"
    assert (event["practice_id"], event["client_ids"]) == (world.practice_id, [ids["client"]])


async def test_a_mistyped_path_under_a_resource_names_that_resource(
    client: httpx.AsyncClient, world: World, state: AppState
) -> None:
    """`/v1/clients/{id}/episode` (for `/episodes`) is a 404 that still aimed at the client:
    anonymous, a bad token or a colleague who cannot reach it, the attempt names it."""
    ids = await _case_with_note(client, world)
    for path, resource in (
        (f"/v1/clients/{ids['client']}/episode", "client"),
        (f"/v1/notes/{ids['note']}/sign/again", "note"),
    ):
        for headers in ({}, {"Authorization": "Bearer nope"}, world["therapist2"].headers):
            sent = headers | request_id()
            answer = await client.get(path, headers=sent)
            assert answer.status_code in (401, 404), answer.text
            event = await only_event(state, sent["X-Request-ID"])
            assert (event["resource_type"], event["resource_id"]) == (resource, path.split("/")[3])
            assert (event["practice_id"], event["client_ids"]) == (
                world.practice_id,
                [ids["client"]],
            ), (path, headers)
    # A path that names nothing still names nobody.
    sent = request_id()
    await client.get("/v1/clients/not-an-id/episode", headers=sent)
    event = await only_event(state, sent["X-Request-ID"])
    assert event["client_ids"] == []


async def test_a_long_unrouted_path_costs_what_a_short_one_does(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prefix walk tries the first few segments only: an anonymous 404 with thousands
    of segments cannot hold the event loop (it matched every route per segment)."""
    tried = 0
    matches = APIRoute.matches

    def counted(self: APIRoute, scope: Any) -> Any:
        nonlocal tried
        tried += 1
        return matches(self, scope)

    monkeypatch.setattr(APIRoute, "matches", counted)
    answer = await client.get("/v1/a" + "/a" * 5000)
    assert answer.status_code == 404
    assert tried <= 5 * len(app.router.routes)  # routing itself, then two prefixes at most
