"""The fast observation write answers, writes and audits as the application does, or hands on.

Each request is sent twice, with the layer on and off, and the two must agree in status,
body (but the new id and time), headers (but the Location's id), the rows they wrote and
their audit events. The layer must answer the common case and nothing else.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlmodel import col, select

from app.models import AuditEvent, Client, Episode, Observation, TherapySession, User
from app.observations.fast_write import FastObservationWrite
from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case, create_session, make_api_key
from tests.fast_layers import find_layer, revoked_headers
from tests.observations.support import write_progress_note

_EVENT_FIELDS = [
    c
    for c in AuditEvent.__table__.columns.keys()  # type: ignore[attr-defined]
    if c not in ("id", "occurred_at", "request_id", "resource_id")
]
_NEW = ("id", "created_at")


async def _event(state: AppState, request_id: str) -> AuditEvent:
    async with state.sessionmaker() as session:
        found = await session.execute(
            select(AuditEvent).where(col(AuditEvent.request_id) == request_id)
        )
        return found.scalar_one()


async def _observations(state: AppState) -> dict[uuid.UUID, dict[str, Any]]:
    async with state.sessionmaker() as session:
        rows = (await session.execute(select(Observation))).scalars()
        return {
            row.id: {k: v for k, v in row.model_dump().items() if k not in (*_NEW, "evidence")}
            for row in rows
        }


class Compare:
    """Posts with the layer on, then off; both answers, rows and events must match."""

    def __init__(self, layer: FastObservationWrite, client: httpx.AsyncClient, state: AppState):
        self.layer, self.client, self.state = layer, client, state
        self.answered = 0
        original = layer._answer

        async def counting(scope: Any, session_text: str, body: bytes) -> Any:
            response = await original(scope, session_text, body)
            self.answered += response is not None
            return response

        layer._answer = counting  # type: ignore[method-assign]

    async def post(
        self, session_id: str, headers: dict[str, str], body: Any, *, raw: bytes | None = None
    ) -> httpx.Response:
        url = f"/v1/sessions/{session_id}/observations"
        answers, written = [], []
        for enabled in (True, False):
            before = await _observations(self.state)
            self.layer.enabled = enabled
            try:
                if raw is not None:
                    answers.append(await self.client.post(url, content=raw, headers=headers))
                else:
                    answers.append(await self.client.post(url, json=body, headers=headers))
            finally:
                self.layer.enabled = True
            after = await _observations(self.state)
            written.append([v for k, v in after.items() if k not in before])
        fast, slow = answers
        assert fast.status_code == slow.status_code, (body, fast.text, slow.text)
        assert written[0] == written[1]
        if fast.status_code == 201:
            one, two = fast.json(), slow.json()
            assert {k: v for k, v in one.items() if k not in _NEW} == {
                k: v for k, v in two.items() if k not in _NEW
            }
            assert fast.headers["location"] == f"/v1/observations/{one['id']}"
            assert slow.headers["location"] == f"/v1/observations/{two['id']}"
            read = await self.client.get(fast.headers["location"], headers=headers)
            assert read.json() == one  # stored as answered, evidence decrypts
        else:
            one, two = fast.json(), slow.json()
            one.pop("request_id"), two.pop("request_id")
            assert one == two
        ignore = {"x-request-id", "date", "location", "content-length"}
        assert {k: v for k, v in fast.headers.items() if k not in ignore} == {
            k: v for k, v in slow.headers.items() if k not in ignore
        }
        events = [await _event(self.state, r.headers["x-request-id"]) for r in answers]
        assert [{f: getattr(e, f) for f in _EVENT_FIELDS} for e in events][0] == {
            f: getattr(events[1], f) for f in _EVENT_FIELDS
        }
        if fast.status_code == 201:
            assert events[0].resource_id == fast.json()["id"]
        return fast


async def test_fast_write_matches_the_application(
    app: FastAPI,
    client: httpx.AsyncClient,
    state: AppState,
    world: World,
    other_world: World,
    backend: str,
) -> None:
    layer = await find_layer(app, client, FastObservationWrite)
    if backend != "postgresql":
        assert not layer.enabled  # SQLite always takes the application's path
        return
    compare = Compare(layer, client, state)
    therapist = world["therapist"].headers
    case = await clinical_case(client, world)
    good: dict[str, Any] = {"theme_code": "defense.denial", "intensity": 3, "evidence": "Said x."}

    # The common case: answered by the layer, same answer, row and event.
    for body in (good, {"theme_code": "affect.shame", "intensity": 1}):
        assert (await compare.post(case.session_id, therapist, body)).status_code == 201
    await write_progress_note(state, case.session_id, status="draft")
    assert (await compare.post(case.session_id, therapist, good)).status_code == 201
    assert compare.answered == 3

    # Everything else goes to the application, with the same outcome.
    custom = {"code": "somatic.tics", "label": "Tics", "category": "somatic"}
    assert (await client.post("/v1/themes", json=custom, headers=therapist)).status_code == 201
    off = await client.patch("/v1/themes/somatic.tics", json={"active": False}, headers=therapist)
    assert off.status_code == 200
    theirs = {"code": "somatic.ticks", "label": "Ticks", "category": "somatic"}
    assert (
        await client.post("/v1/themes", json=theirs, headers=other_world["admin"].headers)
    ).status_code == 201
    key = await make_api_key(state, world, ["progress:read", "sessions:write"])
    missed = await create_session(client, therapist, case.client_id, status="no_show")
    json_type = {"Content-Type": "application/json"}
    cases: list[tuple[str, dict[str, str], Any, int]] = [
        (case.session_id, therapist, {"theme_code": "somatic.tics", "intensity": 2}, 422),
        (case.session_id, therapist, {"theme_code": "somatic.ticks", "intensity": 2}, 422),
        (case.session_id, therapist, {"theme_code": "defense.nonexistent", "intensity": 2}, 422),
        (case.session_id, therapist, {**good, "intensity": 6}, 422),
        (case.session_id, therapist, {**good, "intensity": 2.5}, 422),
        (case.session_id, therapist, {**good, "extra": 1}, 422),
        (case.session_id, therapist, {**good, "evidence": "a\x00b"}, 422),
        (case.session_id, therapist, [good], 422),
        (case.session_id, world["trainee"].headers, good, 201),  # care team, not primary
        (case.session_id, world["supervisor"].headers, good, 403),  # supervision: read only
        (case.session_id, world["therapist2"].headers, good, 404),
        (case.session_id, world["auditor"].headers, good, 403),
        (case.session_id, other_world["therapist"].headers, good, 404),
        (case.session_id, key, good, 403),
        (case.session_id, therapist | {"X-Purpose-Of-Use": "TREAT"}, good, 201),
        (case.session_id, await revoked_headers(state, world, "therapist"), good, 401),
        (case.session_id, {"Authorization": "Bearer nope"}, good, 401),
        (missed["id"], therapist, good, 409),
        (str(uuid.uuid4()), therapist, good, 404),
        (case.session_id.upper(), therapist, good, 201),
    ]
    for session_id, headers, body, status in cases:
        response = await compare.post(session_id, headers, body)
        assert response.status_code == status, (headers, body, response.text)
    for raw in (b"{", b"", b'{"theme_code": "defense.denial", "intensity": 3', b"\xff\xfe"):
        response = await compare.post(case.session_id, therapist | json_type, None, raw=raw)
        assert response.status_code == 422
    assert compare.answered == 3
    # With an Idempotency-Key the application answers (and keeps the response for replays).
    keyed = therapist | {"Idempotency-Key": uuid.uuid4().hex}
    url = f"/v1/sessions/{case.session_id}/observations"
    first = await client.post(url, json=good, headers=keyed)
    again = await client.post(url, json=good, headers=keyed)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert compare.answered == 3

    # A signed progress note, then a closed episode: 409 from both paths.
    second = await clinical_case(client, world)
    await write_progress_note(state, second.session_id, status="signed")
    assert (await compare.post(second.session_id, therapist, good)).status_code == 409
    third = await clinical_case(client, world)
    async with state.sessionmaker() as session:
        await session.execute(
            sa.update(Episode)
            .where(col(Episode.id) == uuid.UUID(third.episode_id))
            .values(status="closed")
        )
        await session.commit()
    assert (await compare.post(third.session_id, therapist, good)).status_code == 409
    assert compare.answered == 3

    # Rows the API cannot make so, set in the database: the application decides each.
    me, visit_id = world["therapist"].id, uuid.UUID(case.session_id)
    altered: list[tuple[Any, Any, dict[str, Any], int]] = [
        (User, me, {"role": "auditor"}, 403),
        (User, me, {"active": False}, 401),
        (TherapySession, visit_id, {"practice_id": other_world.practice_id}, 404),
        (Client, uuid.UUID(case.client_id), {"practice_id": other_world.practice_id}, 404),
    ]
    for model, row_id, change, status in altered:
        async with state.sessionmaker() as session:
            table = model.__table__
            before = (await session.execute(sa.select(table).where(table.c.id == row_id))).one()
            await session.execute(sa.update(table).where(table.c.id == row_id).values(change))
            await session.commit()
        try:
            response = await compare.post(case.session_id, therapist, good)
            assert response.status_code == status, (change, response.text)
        finally:
            async with state.sessionmaker() as session:
                restore = {k: getattr(before, k) for k in change}
                await session.execute(sa.update(table).where(table.c.id == row_id).values(restore))
                await session.commit()
    assert compare.answered == 3
