"""POST /v1/sessions/{id}/observations in every form a caller can send it, on the one path.

Each form must get its exact status and body, write exactly the row it answers with (none
on any error), and leave exactly one audit event with the action, outcome, actor, clients,
purpose of use and break-the-glass reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import col

from app.models import Client, Episode, Observation, Theme, TherapySession, User
from app.state import AppState
from tests.conftest import World
from tests.factories import (
    Clinical,
    clinical_case,
    create_client,
    create_session,
    open_episode,
)
from tests.observations.support import write_progress_note
from tests.one_path import (
    ANONYMOUS,
    Key,
    actor,
    api_key,
    check_event,
    expired_headers,
    key_actor,
    only_event,
    revoked_headers,
    send,
)

CRISIS = "Client in crisis, on call tonight"
GOOD: dict[str, Any] = {"theme_code": "defense.denial", "intensity": 3, "evidence": "Said x."}
_OBSERVATION = Observation.__table__  # type: ignore[attr-defined]


@dataclass
class Form:
    """One request and what its answer, its rows and its event must be."""

    name: str
    session_id: str
    headers: dict[str, str]
    status: int
    who: dict[str, Any]
    clients: list[str]
    purpose: str | None
    body: Any = field(default_factory=lambda: dict(GOOD))
    reason: str | None = None
    raw: bytes | None = None
    resource: str | None = "session"  # the event's resource_type
    action: str = "observation.create"


async def _rows(state: AppState) -> dict[uuid.UUID, dict[str, Any]]:
    async with state.engine.connect() as conn:
        rows = (await conn.execute(sa.select(_OBSERVATION))).mappings()
        return {row["id"]: dict(row) for row in rows}


async def _theme_id(state: AppState, code: str) -> uuid.UUID:
    async with state.engine.connect() as conn:
        found = await conn.scalar(
            sa.select(col(Theme.id)).where(
                col(Theme.code) == code, col(Theme.practice_id).is_(None)
            )
        )
    assert found is not None
    return found


async def _post(client: httpx.AsyncClient, state: AppState, form: Form) -> httpx.Response:
    """Send a form; check status, body, rows written and its one event."""
    url = f"/v1/sessions/{form.session_id}/observations"
    before = await _rows(state)
    if form.raw is not None:
        response = await send(
            client,
            "POST",
            url,
            form.headers | {"Content-Type": "application/json"},
            content=form.raw,
        )
    else:
        response = await send(client, "POST", url, form.headers, json=form.body)
    after = await _rows(state)
    assert response.status_code == form.status, (form.name, response.text)
    written = {k: v for k, v in after.items() if k not in before}
    event = await only_event(state, response.headers["x-request-id"])
    check_event(
        event,
        action=form.action,
        status=form.status,
        who=form.who,
        clients=[uuid.UUID(c) for c in form.clients],
        purpose=form.purpose,
        reason=form.reason,
        context=form.name,
    )
    if form.status == 201:
        body = response.json()
        assert response.headers["location"] == f"/v1/observations/{body['id']}", form.name
        assert list(written) == [uuid.UUID(body["id"])], form.name
        row = written[uuid.UUID(body["id"])]
        visit = uuid.UUID(str(form.session_id)) if "-" in form.session_id else None
        assert row["session_id"] == uuid.UUID(body["session_id"]), form.name
        if visit is not None:
            assert str(row["session_id"]) == str(visit).lower(), form.name
        assert row["client_id"] == uuid.UUID(body["client_id"]) == uuid.UUID(form.clients[0])
        assert row["observed_by"] == form.who["actor_id"] == uuid.UUID(body["observed_by"])
        assert row["practice_id"] == form.who["practice_id"], form.name
        assert row["intensity"] == body["intensity"] == form.body["intensity"], form.name
        assert row["theme_id"] == await _theme_id(state, form.body["theme_code"]), form.name
        assert body["theme_code"] == form.body["theme_code"], form.name
        assert body["evidence"] == form.body.get("evidence"), form.name
        assert row["evidence"] != form.body.get("evidence") or row["evidence"] is None
        read = await client.get(response.headers["location"], headers=form.headers)
        assert read.status_code == 200, form.name
        assert read.json() == body, form.name  # stored as answered, evidence decrypts
        assert (event["resource_type"], event["resource_id"]) == ("observation", body["id"])
    else:
        assert written == {}, form.name
        assert after == before, form.name
        assert response.headers["content-type"] == "application/problem+json", form.name
        assert "location" not in response.headers, form.name
        assert (event["resource_type"], event["resource_id"]) == (
            form.resource,
            form.session_id[:80] if form.resource else None,
        ), form.name
    return response


def _user(world: World, who: str, case: Clinical, status: int, name: str, **kw: Any) -> Form:
    kw.setdefault("clients", [case.client_id])
    role = world[who].role
    kw.setdefault("purpose", "TREAT" if role in ("therapist", "supervisor") else "HOPERAT")
    headers = world[who].headers | kw.pop("headers", {})
    session_id = kw.pop("session_id", case.session_id)
    return Form(name, session_id, headers, status, actor(world, who), **kw)


def _key(world: World, used: Key, case: Clinical, status: int, name: str, **kw: Any) -> Form:
    kw.setdefault("clients", [case.client_id])
    return Form(
        name, case.session_id, used.headers, status, key_actor(world, used), purpose="HOPERAT", **kw
    )


async def _trainee_case(client: httpx.AsyncClient, world: World) -> Clinical:
    """A client whose primary therapist is the trainee (whom the supervisor supervises)."""
    trainee = world["trainee"].headers
    made = await create_client(client, trainee)
    episode = await open_episode(client, trainee, made["id"])
    visit = await create_session(client, trainee, made["id"])
    return Clinical(made["id"], episode["id"], visit["id"], made["etag"], episode["etag"])


async def test_every_form_of_an_observation_write(
    client: httpx.AsyncClient, state: AppState, world: World, other_world: World
) -> None:
    therapist = world["therapist"].headers
    attempt = ANONYMOUS | {"practice_id": world.practice_id}
    case = await clinical_case(client, world)  # the trainee is on its care team
    theirs = await _trainee_case(client, world)
    custom = {"code": "somatic.tics", "label": "Tics", "category": "somatic"}
    assert (await client.post("/v1/themes", json=custom, headers=therapist)).status_code == 201
    off = await client.patch("/v1/themes/somatic.tics", json={"active": False}, headers=therapist)
    assert off.status_code == 200
    elsewhere = {"code": "somatic.ticks", "label": "Ticks", "category": "somatic"}
    made = await client.post("/v1/themes", json=elsewhere, headers=other_world["admin"].headers)
    assert made.status_code == 201
    key = await api_key(state, world, "progress:read", "sessions:write", "notes:read")
    missed = await create_session(client, therapist, case.client_id, status="no_show")
    cancelled = await create_session(client, therapist, case.client_id, status="cancelled")
    missing = str(uuid.uuid4())

    def mine(status: int, name: str, **kw: Any) -> Form:
        return _user(world, "therapist", case, status, name, **kw)

    forms = [
        mine(201, "owner"),
        mine(201, "owner, no evidence", body={"theme_code": "affect.shame", "intensity": 1}),
        _user(world, "trainee", case, 201, "care-team member"),
        _user(world, "trainee", theirs, 201, "trainee, own client"),
        _user(world, "supervisor", case, 403, "supervisor of a care-team member: read only"),
        _user(world, "supervisor", theirs, 403, "supervisor of the primary therapist: read only"),
        _user(world, "therapist2", case, 404, "another therapist"),
        _user(world, "auditor", case, 403, "auditor"),
        _user(world, "admin", case, 403, "admin"),
        _key(world, key, case, 403, "API key"),
        Form(
            "another practice's therapist",
            case.session_id,
            other_world["therapist"].headers,
            404,
            actor(other_world, "therapist"),
            [],
            "TREAT",
        ),
        # Headers.
        mine(201, "purpose of use", headers={"X-Purpose-Of-Use": "TREAT"}),
        mine(
            201, "other purpose of use", headers={"X-Purpose-Of-Use": "CAREMGT"}, purpose="CAREMGT"
        ),
        mine(422, "unknown purpose of use", headers={"X-Purpose-Of-Use": "NOSY"}),
        _user(
            world,
            "therapist2",
            case,
            403,  # break-the-glass opens reads only (SPEC §2)
            "another therapist breaks the glass",
            headers={"X-Break-Glass-Reason": CRISIS},
            purpose="ETREAT",
            reason=CRISIS,
        ),
        mine(
            403,
            "owner breaks the glass",
            headers={"X-Break-Glass-Reason": CRISIS},
            purpose="ETREAT",
            reason=CRISIS,
        ),
        _user(
            world,
            "auditor",
            case,
            403,
            "auditor breaks the glass",
            headers={"X-Break-Glass-Reason": CRISIS},
            purpose="ETREAT",  # refused, the attempt is still listed for review
            reason=CRISIS,
        ),
        # Themes and bodies.
        mine(422, "inactive theme", body={"theme_code": "somatic.tics", "intensity": 2}),
        mine(422, "another practice's theme", body={"theme_code": "somatic.ticks", "intensity": 2}),
        mine(422, "unknown theme", body={"theme_code": "defense.nonexistent", "intensity": 2}),
        mine(422, "intensity out of range", body={**GOOD, "intensity": 6}),
        mine(422, "fractional intensity", body={**GOOD, "intensity": 2.5}),
        mine(422, "unknown field", body={**GOOD, "extra": 1}),
        mine(422, "NUL in evidence", body={**GOOD, "evidence": "a\x00b"}),
        mine(422, "a list", body=[GOOD]),
        mine(422, "empty body", raw=b""),
        # A body that is not JSON is refused before the route's dependencies run; its event
        # still names the caller, the route's action and the session's client (SPEC §2.1).
        *[
            Form(
                name,
                case.session_id,
                therapist,
                422,
                actor(world, "therapist"),
                [case.client_id],
                "TREAT",
                raw=raw,
            )
            for name, raw in (
                ("broken JSON", b'{"theme_code": "defense.denial"'),
                ("not UTF-8", b"\xff\xfe"),
            )
        ],
        # Sessions.
        mine(409, "no-show session", session_id=missed["id"]),
        mine(409, "cancelled session", session_id=cancelled["id"]),
        mine(404, "missing session", session_id=missing, clients=[]),
        mine(201, "upper-case session id", session_id=case.session_id.upper()),
        mine(422, "not a session id", session_id="visit-1", clients=[]),
        # Credentials.
        # Refused credentials: anonymous, naming the session's practice and client (§2.1).
        Form("no credentials", case.session_id, {}, 401, attempt, [case.client_id], None),
        Form(
            "bad token",
            case.session_id,
            {"Authorization": "Bearer nope"},
            401,
            attempt,
            [case.client_id],
            None,
        ),
        Form(
            "revoked token",
            case.session_id,
            await revoked_headers(state, world, "therapist"),
            401,
            attempt,
            [case.client_id],
            None,
        ),
        Form(
            "expired token",
            case.session_id,
            expired_headers(state, world, "therapist"),
            401,
            attempt,
            [case.client_id],
            None,
        ),
    ]
    for form in forms:
        await _post(client, state, form)


async def test_locked_sessions_write_nothing(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    therapist = world["therapist"].headers
    draft = await clinical_case(client, world)
    await write_progress_note(state, draft.session_id, status="draft")
    await _post(client, state, _user(world, "therapist", draft, 201, "draft note: still open"))
    signed = await clinical_case(client, world)
    await write_progress_note(state, signed.session_id, status="signed")
    await _post(client, state, _user(world, "therapist", signed, 409, "signed note"))
    await _post(client, state, _user(world, "trainee", signed, 409, "signed note, care team"))
    await _post(
        client,
        state,
        _user(
            world,
            "therapist",
            signed,
            409,
            "signed note, unknown theme",
            body={"theme_code": "defense.nonexistent", "intensity": 2},
        ),
    )
    closed = await clinical_case(client, world)
    async with state.sessionmaker() as db:
        await db.execute(
            sa.update(Episode)
            .where(col(Episode.id) == uuid.UUID(closed.episode_id))
            .values(status="closed")
        )
        await db.commit()
    await _post(client, state, _user(world, "therapist", closed, 409, "closed episode"))
    # An idempotent replay: one row, the same answer twice, an event for each request.
    keyed = therapist | {"Idempotency-Key": uuid.uuid4().hex}
    first = await _post(
        client, state, _user(world, "therapist", draft, 201, "keyed", headers=keyed)
    )
    url = f"/v1/sessions/{draft.session_id}/observations"
    before = await _rows(state)
    again = await send(client, "POST", url, keyed, json=GOOD)
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert await _rows(state) == before
    event = await only_event(state, again.headers["x-request-id"])
    check_event(
        event,
        action="observation.create",
        status=201,
        who=actor(world, "therapist"),
        clients=[uuid.UUID(draft.client_id)],
        purpose="TREAT",
        context="replay",
    )
    # The same key with another body: 422, nothing written.
    other = await send(client, "POST", url, keyed, json={**GOOD, "intensity": 1})
    assert other.status_code == 422, other.text
    assert await _rows(state) == before
    await only_event(state, other.headers["x-request-id"])


async def test_rows_changed_in_the_database(
    client: httpx.AsyncClient, state: AppState, world: World, other_world: World
) -> None:
    case = await clinical_case(client, world)
    me, visit_id = world["therapist"].id, uuid.UUID(case.session_id)
    altered: list[tuple[Any, Any, dict[str, Any], int, dict[str, Any], list[str]]] = [
        (
            User,
            me,
            {"role": "auditor"},
            403,
            {**actor(world, "therapist"), "actor_role": "auditor"},
            [case.client_id],
        ),
        (
            User,
            me,
            {"role": "admin"},
            403,
            {**actor(world, "therapist"), "actor_role": "admin"},
            [case.client_id],
        ),
        (
            User,
            me,
            {"active": False},
            401,
            ANONYMOUS | {"practice_id": world.practice_id},
            [case.client_id],
        ),
        (
            TherapySession,
            visit_id,
            {"practice_id": other_world.practice_id},
            404,
            actor(world, "therapist"),
            [],
        ),
        # The session stays in the practice, its client moves: the refusal names the client
        # (authorize_client records it before it compares practices).
        (
            Client,
            uuid.UUID(case.client_id),
            {"practice_id": other_world.practice_id},
            404,
            actor(world, "therapist"),
            [case.client_id],
        ),
        (
            Client,
            uuid.UUID(case.client_id),
            {"primary_therapist_id": world["therapist2"].id},
            404,
            actor(world, "therapist"),
            [case.client_id],
        ),
    ]
    for model, row_id, change, status, who, clients in altered:
        table = model.__table__
        async with state.sessionmaker() as db:
            before = (await db.execute(sa.select(table).where(table.c.id == row_id))).one()
            await db.execute(sa.update(table).where(table.c.id == row_id).values(change))
            await db.commit()
        try:
            purpose: str | None = None  # a 401 names no purpose
            if status != 401:
                purpose = "HOPERAT" if who["actor_role"] in ("auditor", "admin") else "TREAT"
            await _post(
                client,
                state,
                Form(
                    f"{model.__name__} {change}",
                    case.session_id,
                    world["therapist"].headers,
                    status,
                    who,
                    clients,
                    purpose,
                ),
            )
        finally:
            async with state.sessionmaker() as db:
                restore = {k: getattr(before, k) for k in change}
                await db.execute(sa.update(table).where(table.c.id == row_id).values(restore))
                await db.commit()
    # Restored: the same request succeeds again.
    await _post(client, state, _user(world, "therapist", case, 201, "restored"))
