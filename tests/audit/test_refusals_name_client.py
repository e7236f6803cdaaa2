"""A request refused before its route loads the record still names the client it aimed at (§6)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from app.state import AppState
from tests.audit.conftest import events_of_request
from tests.conftest import World
from tests.factories import clinical_case
from tests.notes.support import NotesApi


async def _only_event(
    state: AppState, http: httpx.AsyncClient, method: str, url: str, **kw: Any
) -> tuple[httpx.Response, Any]:
    rid = uuid.uuid4().hex
    headers = {**kw.pop("headers"), "X-Request-ID": rid}
    response = await http.request(method, url, headers=headers, **kw)
    [event] = await events_of_request(state, rid)
    return response, event


VARIANTS = (
    "wrong type in the body",
    "unknown query parameter",
    "unknown purpose of use",
    "short break-glass reason",
    "admin breaking the glass",
    "limit over 200",
    "tampered cursor",
    "bad body of a close",
    "JSON sent as text/plain",
)


@pytest.mark.parametrize("variant", VARIANTS)
async def test_a_refusal_before_the_load_names_the_client(
    state: AppState, client: httpx.AsyncClient, world: World, variant: str
) -> None:
    case = await clinical_case(client, world)
    me, c = world["therapist"].headers, case.client_id
    patch = {**me, "If-Match": case.client_etag}
    cases: dict[str, tuple[str, str, dict[str, Any]]] = {
        "wrong type in the body": (
            "PATCH",
            f"/v1/clients/{c}",
            {"headers": patch, "json": {"given_name": 5}},
        ),
        "unknown query parameter": ("GET", f"/v1/clients/{c}?bogus=1", {"headers": me}),
        "unknown purpose of use": (
            "GET",
            f"/v1/clients/{c}",
            {"headers": {**me, "X-Purpose-Of-Use": "BOGUS"}},
        ),
        "short break-glass reason": (
            "GET",
            f"/v1/clients/{c}",
            {"headers": {**me, "X-Break-Glass-Reason": "short"}},
        ),
        "admin breaking the glass": (
            "GET",
            f"/v1/clients/{c}",
            {"headers": {**world["admin"].headers, "X-Break-Glass-Reason": "a long enough reason"}},
        ),
        "limit over 200": ("GET", f"/v1/clients/{c}/measures?limit=500", {"headers": me}),
        "tampered cursor": ("GET", f"/v1/clients/{c}/episodes?cursor=garbage", {"headers": me}),
        "bad body of a close": (
            "POST",
            f"/v1/episodes/{case.episode_id}/close",
            {"headers": {**me, "If-Match": case.episode_etag}, "json": {"reason": "bogus"}},
        ),
        "JSON sent as text/plain": (
            "PATCH",
            f"/v1/clients/{c}",
            {"headers": {**patch, "Content-Type": "text/plain"}, "content": b'{"given_name": "A"}'},
        ),
    }
    method, url, kw = cases[variant]
    response, event = await _only_event(state, client, method, url, **kw)
    assert response.status_code in (400, 403, 415, 422), response.text
    assert event.client_ids == [c], (variant, event.client_ids)


async def test_a_refusal_names_no_other_practices_client_and_every_notes_client(
    state: AppState, client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    case = await clinical_case(client, world)
    # Another practice's client: the same refusal names nobody.
    stranger = other_world["therapist"].headers
    _, event = await _only_event(
        state, client, "GET", f"/v1/clients/{case.client_id}?bogus=1", headers=stranger
    )
    assert event.client_ids == []
    # A psychotherapy note the caller may not read: 404 as if missing, its client named as a
    # progress note's would be (the log must not tell the two kinds apart).
    body = {"kind": "psychotherapy", "body": "Process note."}
    made = await NotesApi(client).create(
        world["therapist"].headers, uuid.UUID(case.session_id), body
    )
    assert made.status_code == 201, made.text
    colleague = world["trainee"].headers  # on the care team, not the author
    response, event = await _only_event(
        state, client, "GET", f"/v1/notes/{made.json()['id']}?bogus=1", headers=colleague
    )
    assert response.status_code in (404, 422), response.text
    assert event.client_ids == [case.client_id]
