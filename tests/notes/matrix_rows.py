"""The notes rows of the role × endpoint matrix (tests/test_access_matrix.py).

Targets: the matrix's standard case (primary `therapist`, `trainee` on the care team under
`supervisor`) plus one note: the therapist's signed progress note, draft, or psychotherapy
note, or the trainee's progress note awaiting cosignature or shared psychotherapy note. Rows
without a scope give both API keys every scope, so `key_without_scope` holds `notes:read`
there too.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from app.state import AppState
from tests.conftest import World
from tests.notes.support import PROGRESS, PSYCHOTHERAPY, NotesApi
from tests.test_access_matrix import HIDDEN, LISTED, Op, Target, row, standard_target

Setup = Callable[[httpx.AsyncClient, World, AppState], Awaitable[Target]]


def _with_note(author: str, body: dict[str, Any], *, sign: bool) -> Setup:
    async def setup(http: httpx.AsyncClient, world: World, state: AppState) -> Target:
        target = await standard_target(http, world, state)
        api, headers = NotesApi(http), world[author].headers
        session_id = uuid.UUID(target.session_id)
        if sign:
            note_id = await api.signed(headers, session_id, body)
        else:
            created = await api.create(headers, session_id, body)
            assert created.status_code == 201, created.text
            note_id = created.json()["id"]
        target.extra["note_id"] = note_id
        return target

    return setup


SIGNED = _with_note("therapist", PROGRESS, sign=True)
DRAFT = _with_note("therapist", PROGRESS, sign=False)
PRIVATE = _with_note("therapist", PSYCHOTHERAPY, sign=True)


def _with_addendum(note: Setup) -> Setup:
    """A signed note's setup plus an addendum by its author (`therapist`)."""

    async def setup(http: httpx.AsyncClient, world: World, state: AppState) -> Target:
        target = await note(http, world, state)
        added = await http.post(
            f"/v1/notes/{target.extra['note_id']}/addenda",
            json={"body": "Late entry.", "reason": "late entry"},
            headers=world["therapist"].headers,
        )
        assert added.status_code == 201, added.text
        target.extra["addendum_id"] = added.json()["id"]
        return target

    return setup


PENDING = _with_note("trainee", PROGRESS, sign=True)  # a trainee's note awaits cosignature
SHARED = _with_note("trainee", PSYCHOTHERAPY | {"share_with_supervisor": True}, sign=False)

READ = row(
    admin=403,
    therapist=200,
    therapist2=404,
    supervisor=200,
    trainee=200,
    auditor=403,
    key=200,
    key_without_scope=403,
    other_practice=404,
    break_glass=200,
)
LIST = row(
    admin=403,
    therapist=LISTED,
    therapist2=404,
    supervisor=LISTED,
    trainee=LISTED,
    auditor=403,
    key=LISTED,
    key_without_scope=403,
    other_practice=404,
    break_glass=LISTED,
)
# Roles and keys that may never do the action get 403 from the role alone, before the note
# is read (SPEC §2.1): the same answer for a progress note, a psychotherapy note, a random id.
ROLE_REFUSED = {"admin": 403, "auditor": 403, "key_without_scope": 403}
WRITE_REFUSED = ROLE_REFUSED | {"key": 403, "break_glass": 403}
NOBODY = dict.fromkeys(READ, 404) | ROLE_REFUSED
NOBODY_WRITES = dict.fromkeys(READ, 404) | WRITE_REFUSED
# Changes by the author; others who can read the note get 403; keys never change notes.
AUTHOR_CHANGE = row(
    admin=403,
    therapist=200,
    therapist2=404,
    supervisor=403,
    trainee=403,
    auditor=403,
    key=403,
    key_without_scope=403,
    other_practice=404,
    break_glass=403,
)
CREATE = row(
    admin=403,
    therapist=201,
    therapist2=404,
    supervisor=403,
    trainee=201,
    auditor=403,
    key=403,
    key_without_scope=403,
    other_practice=404,
    break_glass=403,
)
# Cosign and return are the supervisor's: every other role is refused before the note is
# read, the same 403 for a note of any kind or none (SPEC §2.1).
SUPERVISOR_CHANGE = AUTHOR_CHANGE | {
    "therapist": 403,
    "therapist2": 403,
    "other_practice": 403,
    "supervisor": 200,
}
NOTES = "/v1/sessions/{session_id}/notes"
NOTE = "/v1/notes/{note_id}"

NOTE_OPS: list[Op] = [
    Op("list notes", "GET", NOTES, "notes:read", LIST, setup=SIGNED, listed_key="note_id"),
    Op(
        "list notes (draft)",
        "GET",
        NOTES,
        "notes:read",
        LIST | {"key": HIDDEN},
        setup=DRAFT,
        listed_key="note_id",
    ),
    Op(
        "list notes (psychotherapy)",
        "GET",
        NOTES,
        "notes:read",
        LIST | {"supervisor": HIDDEN, "trainee": HIDDEN, "key": HIDDEN, "break_glass": HIDDEN},
        setup=PRIVATE,
        listed_key="note_id",
    ),
    Op(
        "list notes (shared psychotherapy)",
        "GET",
        NOTES,
        "notes:read",
        # In no list but its author's; the supervisor reads it by its id (SPEC §1.2).
        LIST | {"therapist": HIDDEN, "supervisor": HIDDEN, "key": HIDDEN, "break_glass": HIDDEN},
        setup=SHARED,
        listed_key="note_id",
    ),
    Op(
        "search notes (one client)",
        "GET",
        "/v1/notes?client_id={client_id}",
        "notes:read",
        LIST,
        setup=SIGNED,
        listed_key="note_id",
    ),
    Op(
        "search notes (psychotherapy)",
        "GET",
        "/v1/notes?client_id={client_id}&kind=psychotherapy",
        "notes:read",
        LIST | {"supervisor": HIDDEN, "trainee": HIDDEN, "key": HIDDEN, "break_glass": HIDDEN},
        setup=PRIVATE,
        listed_key="note_id",
    ),
    Op(
        "search notes (awaiting cosignature, whole caseload)",
        "GET",
        "/v1/notes?status=pending_cosign",
        "notes:read",
        row(
            admin=403,
            therapist=LISTED,
            therapist2=HIDDEN,
            supervisor=LISTED,
            trainee=LISTED,
            auditor=403,
            key=HIDDEN,
            key_without_scope=403,
            other_practice=HIDDEN,
            break_glass=HIDDEN,
        ),
        setup=PENDING,
        listed_key="note_id",
    ),
    Op(
        "create progress note",
        "POST",
        NOTES,
        None,
        CREATE,
        body=lambda t, w, a: PROGRESS,
        fresh=True,
    ),
    Op(
        "create psychotherapy note", "POST", NOTES, None, CREATE, body=lambda t, w, a: PSYCHOTHERAPY
    ),
    Op("get note", "GET", NOTE, "notes:read", READ, setup=SIGNED),
    Op("get draft note", "GET", NOTE, "notes:read", READ | {"key": 404}, setup=DRAFT),
    Op(
        "get psychotherapy note",
        "GET",
        NOTE,
        "notes:read",
        NOBODY | {"therapist": 200},
        setup=PRIVATE,
    ),
    Op(
        "get shared psychotherapy note",
        "GET",
        NOTE,
        "notes:read",
        NOBODY | {"trainee": 200, "supervisor": 200},
        setup=SHARED,
    ),
    Op(
        "patch draft",
        "PATCH",
        NOTE,
        None,
        AUTHOR_CHANGE,
        setup=DRAFT,
        if_match=NOTE,
        body=lambda t, w, a: {"plan": "Fortnightly."},
    ),
    Op(
        "patch signed note",
        "PATCH",
        NOTE,
        None,
        AUTHOR_CHANGE | {"therapist": 409},
        setup=SIGNED,
        if_match=NOTE,
        body=lambda t, w, a: {"plan": "Changed."},
    ),
    Op(
        "patch psychotherapy note",
        "PATCH",
        NOTE,
        None,
        NOBODY_WRITES | {"therapist": 409},
        setup=PRIVATE,
        if_match=NOTE,
        body=lambda t, w, a: {"body": "Changed."},
    ),
    Op(
        "delete draft",
        "DELETE",
        NOTE,
        None,
        AUTHOR_CHANGE | {"therapist": 204},
        setup=DRAFT,
        if_match=NOTE,
        fresh=True,
    ),
    Op(
        "delete signed note",
        "DELETE",
        NOTE,
        None,
        AUTHOR_CHANGE | {"therapist": 409},
        setup=SIGNED,
        if_match=NOTE,
    ),
    Op("sign", "POST", NOTE + "/sign", None, AUTHOR_CHANGE, setup=DRAFT, if_match=NOTE, fresh=True),
    Op(
        "cosign",
        "POST",
        NOTE + "/cosign",
        None,
        SUPERVISOR_CHANGE,
        setup=PENDING,
        if_match=NOTE,
        fresh=True,
    ),
    Op(
        "return",
        "POST",
        NOTE + "/return",
        None,
        SUPERVISOR_CHANGE,
        setup=PENDING,
        if_match=NOTE,
        fresh=True,
        body=lambda t, w, a: {"comment": "Add the risk."},
    ),
    Op("list addenda", "GET", NOTE + "/addenda", "notes:read", READ, setup=SIGNED),
    Op(
        "get addendum",
        "GET",
        "/v1/addenda/{addendum_id}",
        "notes:read",
        READ,
        setup=_with_addendum(SIGNED),
    ),
    Op(
        "get addendum of psychotherapy note",
        "GET",
        "/v1/addenda/{addendum_id}",
        "notes:read",
        NOBODY | {"therapist": 200},
        setup=_with_addendum(PRIVATE),
    ),
    Op(
        "add addendum",
        "POST",
        NOTE + "/addenda",
        None,
        CREATE | {"key": 403, "key_without_scope": 403},
        setup=SIGNED,
        body=lambda t, w, a: {"body": "Late entry.", "reason": "late entry"},
    ),
    Op(
        "add addendum to psychotherapy note",
        "POST",
        NOTE + "/addenda",
        None,
        NOBODY_WRITES | {"therapist": 201},
        setup=PRIVATE,
        body=lambda t, w, a: {"body": "Late entry.", "reason": "late entry"},
    ),
]
