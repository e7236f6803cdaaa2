"""GET /v1/notes/{id} in every form a caller can send it, all on the one request path.

Each form names the caller, the note and the headers, and the answer it must get: the exact
status; for a 200 the note as its author last saw it and its ETag; and exactly one audit
event with the action, outcome, actor, clients, purpose of use and break-the-glass reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import col

from app.etag import etag_for
from app.models import User
from app.state import AppState
from tests.conftest import World
from tests.notes.support import PROGRESS, PSYCHOTHERAPY, NotesApi, make_case
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
GLASS = {"X-Break-Glass-Reason": CRISIS}


@dataclass
class Form:
    """One request and everything its answer and its event must say."""

    name: str
    note: str  # a key of the notes built by `_notes`, or a literal path id
    headers: dict[str, str]
    status: int
    who: dict[str, Any]
    clients: list[uuid.UUID]
    purpose: str | None
    reason: str | None = None


@dataclass
class Built:
    """The notes every form reads, as their author last saw them, and their clients."""

    bodies: dict[str, dict[str, Any]]
    clients: dict[str, uuid.UUID]


async def _notes(client: httpx.AsyncClient, world: World) -> Built:
    """Notes of three clients: the therapist's (therapist2 on the care team), the trainee's,
    and the therapist's with the trainee on the care team (reached by the supervisor through
    a care-team member only)."""
    api = NotesApi(client)
    therapist, trainee = world["therapist"].headers, world["trainee"].headers
    own = await make_case(client, world, care_team=("therapist2",), sessions=3)
    theirs = await make_case(client, world, therapist="trainee", sessions=2)
    shared = await make_case(client, world, care_team=("trainee",))

    async def created(headers: dict[str, str], session_id: uuid.UUID, body: Any) -> Any:
        response = await api.create(headers, session_id, body)
        assert response.status_code == 201, response.text
        return response.json()

    async def signed(headers: dict[str, str], session_id: uuid.UUID) -> Any:
        draft = await api.create(headers, session_id, PROGRESS)
        assert draft.status_code == 201, draft.text
        done = await api.act(headers, draft.json()["id"], "sign", draft.headers["ETag"])
        assert done.status_code == 200, done.text
        return done.json()

    bodies = {
        "draft": await created(therapist, own.session_ids[0], PROGRESS),
        "plain": await created(
            therapist, own.session_ids[1], {"kind": "progress", "body": "Quiet."}
        ),
        "private": await created(therapist, own.session_ids[0], PSYCHOTHERAPY),
        "signed": await signed(therapist, own.session_ids[2]),
        "trainee": await created(trainee, theirs.session_ids[0], PROGRESS),
        "trainee_private": await created(trainee, theirs.session_ids[0], PSYCHOTHERAPY),
        "trainee_shared": await created(
            trainee, theirs.session_ids[1], PSYCHOTHERAPY | {"share_with_supervisor": True}
        ),
        "team": await signed(therapist, shared.session_ids[0]),
    }
    clients = {name: uuid.UUID(body["client_id"]) for name, body in bodies.items()}
    return Built(bodies, clients)


def _purpose(role: str | None) -> str:
    return "TREAT" if role in ("therapist", "supervisor") else "HOPERAT"


def _forms(world: World, built: Built, key: Key, scopeless: Key) -> list[Form]:
    def user(name: str, who: str, note: str, status: int, **kw: Any) -> Form:
        kw.setdefault("clients", [built.clients[note]] if note in built.clients else [])
        kw.setdefault("purpose", _purpose(world[who].role))
        headers = world[who].headers | kw.pop("headers", {})
        return Form(name, note, headers, status, actor(world, who), **kw)

    def by_key(name: str, used: Key, note: str, status: int, **kw: Any) -> Form:
        kw.setdefault("clients", [built.clients[note]] if note in built.clients else [])
        return Form(
            name, note, used.headers, status, key_actor(world, used), purpose="HOPERAT", **kw
        )

    missing = str(uuid.uuid4())
    signed_id = built.bodies["signed"]["id"]
    return [
        # The client's primary therapist, on each kind of progress note.
        user("owner, draft", "therapist", "draft", 200),
        user("owner, plain draft", "therapist", "plain", 200),
        user("owner, signed", "therapist", "signed", 200),
        user("trainee, own client", "trainee", "trainee", 200),
        # Other relations to the client.
        user("care-team member", "therapist2", "signed", 200),
        user("supervisor of the primary therapist", "supervisor", "trainee", 200),
        user("supervisor of a care-team member only", "supervisor", "team", 200),
        user("supervisor, no supervisee on the client", "supervisor", "signed", 404),
        user("another therapist", "therapist2", "trainee", 404),
        user("another therapist, a colleague's care team", "therapist2", "team", 404),
        user("trainee on the care team", "trainee", "team", 200),
        # Headers.
        user(
            "break the glass",
            "therapist2",
            "trainee",
            200,
            headers=GLASS,
            purpose="ETREAT",
            reason=CRISIS,
        ),
        user(
            "owner breaks the glass",
            "therapist",
            "signed",
            200,
            headers=GLASS,
            purpose="ETREAT",
            reason=CRISIS,
        ),
        user(
            "purpose of use",
            "therapist",
            "signed",
            200,
            headers={"X-Purpose-Of-Use": " hoperat "},
            purpose="HOPERAT",
        ),
        user(
            "care team, purpose of use",
            "therapist2",
            "signed",
            200,
            headers={"X-Purpose-Of-Use": "CAREMGT"},
            purpose="CAREMGT",
        ),
        user(
            "unknown purpose of use",
            "therapist",
            "signed",
            422,
            headers={"X-Purpose-Of-Use": "CURIOSITY"},
        ),
        user(
            "break-the-glass reason too short",
            "therapist2",
            "trainee",
            422,
            headers={"X-Break-Glass-Reason": "urgent"},
            purpose="ETREAT",  # refused, the attempt is still listed for review
            reason="urgent",
        ),
        user(
            "auditor breaks the glass",
            "auditor",
            "signed",
            403,
            headers=GLASS,
            purpose="ETREAT",
            reason=CRISIS,
        ),
        # Roles that never read notes.
        user("admin", "admin", "signed", 403),
        user("auditor", "auditor", "signed", 403),
        # API keys: signed progress notes only, with notes:read.
        by_key("notes:read key, signed", key, "signed", 200),
        by_key("notes:read key, draft", key, "draft", 404),
        by_key("notes:read key, pending cosign", key, "trainee", 404),
        by_key("key without notes:read", scopeless, "signed", 403),
        by_key("notes:read key, psychotherapy note", key, "private", 404),
        by_key("notes:read key, missing id", key, missing, 404),
        # Psychotherapy notes: their author, and the supervisor of a trainee who shared one.
        user("psychotherapy note, author", "therapist", "private", 200),
        user("psychotherapy note, care-team member", "therapist2", "private", 404),
        user("psychotherapy note, supervisor", "supervisor", "private", 404),
        user("psychotherapy note, admin", "admin", "private", 403),
        user(
            "psychotherapy note, break the glass",
            "therapist2",
            "private",
            404,
            headers=GLASS,
            purpose="ETREAT",
            reason=CRISIS,
        ),
        user("trainee's psychotherapy note, author", "trainee", "trainee_private", 200),
        user("trainee's unshared note, supervisor", "supervisor", "trainee_private", 404),
        user("trainee's shared note, supervisor", "supervisor", "trainee_shared", 200),
        user(
            "trainee's shared note, another therapist",
            "therapist",
            "trainee_shared",
            404,
        ),
        # Ids: missing, or spelled otherwise than canonically.
        user("missing id", "therapist", missing, 404),
        user(
            "upper-case id", "therapist", signed_id.upper(), 200, clients=[built.clients["signed"]]
        ),
        user(
            "id without hyphens",
            "therapist",
            signed_id.replace("-", ""),
            200,
            clients=[built.clients["signed"]],
        ),
        user(
            "id in braces",
            "therapist",
            "{" + signed_id + "}",
            200,
            clients=[built.clients["signed"]],
        ),
        user("not an id", "therapist", "not-a-uuid", 422),
        # Credentials.
        Form("no credentials", "signed", {}, 401, *_tried(world, built, "signed")),
        Form(
            "not a token",
            "signed",
            {"Authorization": "Bearer not-a-token"},
            401,
            *_tried(world, built, "signed"),
        ),
        Form(
            "not a key",
            "signed",
            {"Authorization": "Bearer nsk_nope"},
            401,
            *_tried(world, built, "signed"),
        ),
        Form(
            "basic scheme",
            "signed",
            {"Authorization": "Basic dGhlcmFwaXN0"},
            401,
            *_tried(world, built, "signed"),
        ),
    ]


def _tried(world: World, built: Built, note: str) -> tuple[dict[str, Any], list[uuid.UUID], None]:
    """Who, clients and purpose of a refused attempt: anonymous, but naming the note's
    practice and client, so the practice's auditor finds it (SPEC §2.1)."""
    return ANONYMOUS | {"practice_id": world.practice_id}, [built.clients[note]], None


def path_id_as_logged(path_id: str) -> str:
    """The event's resource_id of a path id: the canonical UUID, else the text (cut to 80)."""
    try:
        return str(uuid.UUID(path_id))
    except ValueError:
        return path_id[:80]


def _canonical(built: Built, path_id: str) -> str | None:
    """The note key a non-canonical spelling of a note's id names, if any."""
    try:
        wanted = str(uuid.UUID(path_id))
    except ValueError:
        return None
    return next((k for k, b in built.bodies.items() if b["id"] == wanted), None)


async def _check(client: httpx.AsyncClient, state: AppState, built: Built, form: Form) -> None:
    path_id = built.bodies[form.note]["id"] if form.note in built.bodies else form.note
    response = await send(client, "GET", f"/v1/notes/{path_id}", form.headers)
    assert response.status_code == form.status, (form.name, response.text)
    if form.status == 200:
        note = form.note if form.note in built.bodies else _canonical(built, form.note)
        assert note is not None
        expected = built.bodies[note]
        assert response.json() == expected, form.name
        assert response.headers["etag"] == etag_for(uuid.UUID(expected["id"]), expected["version"])
    else:
        assert response.headers["content-type"] == "application/problem+json", form.name
        assert "etag" not in response.headers, form.name
    event = await only_event(state, response.headers["x-request-id"])
    check_event(
        event,
        action="note.read",
        status=form.status,
        who=form.who,
        clients=form.clients,
        purpose=form.purpose,
        reason=form.reason,
        context=form.name,
    )
    assert (event["method"], event["resource_type"]) == ("GET", "note"), form.name
    # A UUID however spelled is logged canonical: a search by id finds every read of it.
    assert event["resource_id"] == path_id_as_logged(path_id), form.name


async def test_every_form_of_a_note_read(
    client: httpx.AsyncClient, state: AppState, world: World
) -> None:
    built = await _notes(client, world)
    key = await api_key(state, world, "notes:read")
    scopeless = await api_key(state, world, "clients:read", "progress:read", "sessions:read")
    forms = _forms(world, built, key, scopeless)
    forms += [
        Form(
            "revoked token",
            "signed",
            await revoked_headers(state, world, "therapist"),
            401,
            *_tried(world, built, "signed"),
        ),
        Form(
            "expired token",
            "signed",
            expired_headers(state, world, "therapist"),
            401,
            *_tried(world, built, "signed"),
        ),
    ]
    for form in forms:
        await _check(client, state, built, form)


async def test_row_changes_and_other_practices(
    client: httpx.AsyncClient, state: AppState, world: World, other_world: World
) -> None:
    built = await _notes(client, world)
    theirs = await api_key(state, other_world, "notes:read")
    forms = [
        Form(
            "another practice's therapist",
            "signed",
            other_world["therapist"].headers,
            404,
            actor(other_world, "therapist"),
            [],
            "TREAT",
        ),
        Form(
            "another practice's admin",
            "signed",
            other_world["admin"].headers,
            403,
            actor(other_world, "admin"),
            [],
            "HOPERAT",
        ),
        Form(
            "another practice's key",
            "signed",
            theirs.headers,
            404,
            key_actor(other_world, theirs),
            [],
            "HOPERAT",
        ),
        Form(
            "another practice's therapist breaks the glass",
            "signed",
            other_world["therapist"].headers | GLASS,
            404,
            actor(other_world, "therapist"),
            [],
            "ETREAT",
            CRISIS,
        ),
    ]
    for form in forms:
        await _check(client, state, built, form)

    # A deactivated user: the token still verifies, the statement finds the user inactive.
    async with state.sessionmaker() as db:
        await db.execute(
            sa.update(User).where(col(User.id) == world["trainee"].id).values(active=False)
        )
        await db.commit()
    await _check(
        client,
        state,
        built,
        Form(
            "deactivated user",
            "trainee",
            world["trainee"].headers,
            401,
            *_tried(world, built, "trainee"),
        ),
    )
    # The supervisor still reaches the deactivated trainee's client.
    await _check(
        client,
        state,
        built,
        Form(
            "supervisor of a deactivated trainee",
            "trainee",
            world["supervisor"].headers,
            200,
            actor(world, "supervisor"),
            [built.clients["trainee"]],
            "TREAT",
        ),
    )
    # A user moved to another practice in the database: their token names the old one.
    async with state.sessionmaker() as db:
        await db.execute(
            sa.update(User)
            .where(col(User.id) == world["therapist2"].id)
            .values(practice_id=other_world.practice_id)
        )
        await db.commit()
    await _check(
        client,
        state,
        built,
        Form(
            "user of another practice than the token's",
            "signed",
            world["therapist2"].headers,
            401,
            *_tried(world, built, "signed"),
        ),
    )
