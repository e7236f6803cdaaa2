"""The fast note read answers exactly as the application does, or hands the request on.

Every request below is sent twice, with the fast layer on and off, and the two answers must
agree in status, body, headers and audit event. The layer must actually answer the common
case (a therapist reading a progress note of their own client) and no other.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlmodel import col, select

from app.models import AuditEvent, User
from app.notes.fast_read import FastNoteRead
from app.state import AppState
from tests.conftest import World
from tests.fast_layers import find_layer, revoked_headers
from tests.notes.support import PROGRESS, PSYCHOTHERAPY, NotesApi, api_key_headers, make_case

_EVENT_FIELDS = [
    c
    for c in AuditEvent.__table__.columns.keys()  # type: ignore[attr-defined]
    if c not in ("id", "occurred_at", "request_id")
]


async def _event(state: AppState, request_id: str) -> dict[str, Any]:
    async with state.sessionmaker() as session:
        event = (
            await session.execute(
                select(AuditEvent).where(col(AuditEvent.request_id) == request_id)
            )
        ).scalar_one()
    return {name: getattr(event, name) for name in _EVENT_FIELDS}


def _body(response: httpx.Response) -> Any:
    if response.headers.get("content-type", "").startswith("application/json"):
        return response.content  # byte for byte
    body = response.json()
    body.pop("request_id", None)
    return body


class Compare:
    """Sends a request with the layer on and then off; both answers must match."""

    def __init__(self, layer: FastNoteRead, client: httpx.AsyncClient, state: AppState):
        self.layer, self.client, self.state = layer, client, state
        self.answered = 0
        original = layer._answer

        async def counting(scope: Any, note_text: str) -> Any:
            response = await original(scope, note_text)
            self.answered += response is not None
            return response

        layer._answer = counting  # type: ignore[method-assign]

    async def get(self, path: str, headers: dict[str, str]) -> httpx.Response:
        answers = []
        for enabled in (True, False):
            self.layer.enabled = enabled
            try:
                answers.append(await self.client.get(path, headers=headers))
            finally:
                self.layer.enabled = True
        fast, slow = answers
        assert fast.status_code == slow.status_code, (path, fast.text, slow.text)
        assert _body(fast) == _body(slow)
        ignore = {"x-request-id", "date"}
        assert {k: v for k, v in fast.headers.items() if k not in ignore} == {
            k: v for k, v in slow.headers.items() if k not in ignore
        }
        fast_event = await _event(self.state, fast.headers["x-request-id"])
        slow_event = await _event(self.state, slow.headers["x-request-id"])
        assert fast_event == slow_event
        return fast


async def test_fast_read_matches_the_application(
    app: FastAPI, client: httpx.AsyncClient, state: AppState, world: World, backend: str
) -> None:
    layer = await find_layer(app, client, FastNoteRead)
    if backend != "postgresql":
        assert not layer.enabled  # SQLite always takes the application's path
        return
    compare = Compare(layer, client, state)
    notes = NotesApi(client)
    therapist = world["therapist"].headers
    case = await make_case(client, world, care_team=("therapist2",), sessions=3)
    draft = (await notes.create(therapist, case.session_ids[0], PROGRESS)).json()
    plain = (
        await notes.create(therapist, case.session_ids[1], {"kind": "progress", "body": "Quiet."})
    ).json()
    private = (await notes.create(therapist, case.session_ids[0], PSYCHOTHERAPY)).json()
    signed = (await notes.create(therapist, case.session_ids[2], PROGRESS)).json()
    etag = await notes.etag(therapist, signed["id"])
    assert (await notes.act(therapist, signed["id"], "sign", etag)).status_code == 200
    trainee_case = await make_case(client, world, therapist="trainee")
    trainee_note = (
        await notes.create(world["trainee"].headers, trainee_case.session_ids[0], PROGRESS)
    ).json()

    # The common case: answered by the layer, identical to the application's answer.
    compare.answered = 0
    for note in (draft, plain, signed):
        response = await compare.get(f"/v1/notes/{note['id']}", therapist)
        assert response.status_code == 200
    response = await compare.get(f"/v1/notes/{trainee_note['id']}", world["trainee"].headers)
    assert response.status_code == 200
    assert compare.answered == 4

    # Everything else: handed to the application, same answers.
    key = await api_key_headers(state, world, "notes:read")
    other = world["therapist2"].headers
    cases: list[tuple[str, dict[str, str], int]] = [
        (private["id"], therapist, 200),  # psychotherapy note
        (signed["id"], other, 200),  # care-team member, not the primary therapist
        (trainee_note["id"], world["supervisor"].headers, 200),  # supervision
        (trainee_note["id"], other, 404),  # no relation
        (trainee_note["id"], other | {"X-Break-Glass-Reason": "Client in crisis now"}, 200),
        (signed["id"], therapist | {"X-Purpose-Of-Use": "HOPERAT"}, 200),
        (signed["id"], key, 200),
        (draft["id"], key, 404),  # API keys see signed notes only
        (signed["id"], world["auditor"].headers, 403),
        (signed["id"], world["admin"].headers, 403),
        (signed["id"], {"Authorization": "Bearer not-a-token"}, 401),
        (signed["id"], {}, 401),
        (str(uuid.uuid4()), therapist, 404),
        (signed["id"].upper(), therapist, 200),  # not the canonical spelling
        (signed["id"].replace("-", ""), therapist, 200),
    ]
    cases.append((signed["id"], await revoked_headers(state, world, "therapist"), 401))
    for note_id, headers, status in cases:
        response = await compare.get(f"/v1/notes/{note_id}", headers)
        assert response.status_code == status, (note_id, headers, response.text)
    assert compare.answered == 4

    # A deactivated user, and another practice's therapist: refused by both paths.
    async with state.sessionmaker() as session:
        await session.execute(
            sa.update(User).where(col(User.id) == world["trainee"].id).values(active=False)
        )
        await session.commit()
    response = await compare.get(f"/v1/notes/{trainee_note['id']}", world["trainee"].headers)
    assert response.status_code == 401
    assert compare.answered == 4


async def test_other_practice_gets_404_from_both_paths(
    app: FastAPI,
    client: httpx.AsyncClient,
    state: AppState,
    world: World,
    other_world: World,
    backend: str,
) -> None:
    layer = await find_layer(app, client, FastNoteRead)
    case = await make_case(client, world)
    notes = NotesApi(client)
    note = (await notes.create(world["therapist"].headers, case.session_ids[0], PROGRESS)).json()
    if backend != "postgresql":
        assert not layer.enabled
        assert (await notes.get(other_world["therapist"].headers, note["id"])).status_code == 404
        return
    compare = Compare(layer, client, state)
    response = await compare.get(f"/v1/notes/{note['id']}", other_world["therapist"].headers)
    assert response.status_code == 404
    assert compare.answered == 0
