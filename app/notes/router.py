"""Clinical notes of a session, their lifecycle and their addenda (SPEC §1.2)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Header, Query, Request, Response
from sqlalchemy import ColumnElement
from sqlmodel import col

from app.audit.context import audit_context, audited
from app.errors import Forbidden, NotFound, problem_responses
from app.etag import require_match, set_etag
from app.idempotency import idempotency
from app.json_body import api_router
from app.models import Addendum, Client
from app.notes import service
from app.notes.dependencies import load_note, load_note_session
from app.notes.schemas import (
    AddendumCreate,
    AddendumOut,
    NoteCreate,
    NoteKind,
    NoteOut,
    NoteStatus,
    NoteUpdate,
    ReturnIn,
)
from app.openapi import created_resource
from app.pagination import Page, PageParams, created_key
from app.security import access, attempts
from app.security.access import Area, NoteAction
from app.security.caller import CallerDep
from app.state import SessionDep, app_state

router = api_router(tags=["notes"])

IfMatch = Annotated[
    str | None, Header(description="The note's ETag; required (428), stale is 412.")
]
_CHANGE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


@router.get(
    "/v1/sessions/{id}/notes",
    summary="List a session's notes",
    response_model=Page[NoteOut],
    responses=problem_responses(400, 401, 403, 404, 422),
    dependencies=[audited("note.list", "session")],
)
async def list_notes(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    id: uuid.UUID,
    page: Annotated[PageParams, Depends()],
) -> Page[NoteOut]:
    """The session's progress note and the psychotherapy notes the caller may read, oldest first.

    API keys with `notes:read` see signed progress notes only. Psychotherapy notes appear
    only to their author (and to a trainee author's supervisor when shared).
    """
    therapy_session = await load_note_session(
        session=session, caller=caller, session_id=id, write=False, ctx=audit_context(request)
    )
    rows = await service.list_notes(
        session=session, caller=caller, session_id=therapy_session.id, page=page
    )
    ring = app_state(request).secrets.key_ring
    return Page(
        items=[service.note_out(ring, n) for n in rows[: page.limit]],
        next_cursor=page.next_cursor(rows, created_key),
    )


@router.get(
    "/v1/notes",
    summary="Search notes",
    response_model=Page[NoteOut],
    responses=problem_responses(400, 401, 403, 404, 422),
    dependencies=[audited("note.search", "note")],
)
async def search_notes(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    page: Annotated[PageParams, Depends()],
    client_id: Annotated[
        uuid.UUID | None, Query(description="One client (404 if out of reach).")
    ] = None,
    status: Annotated[
        NoteStatus | None, Query(description="`pending_cosign`: notes awaiting cosignature.")
    ] = None,
    kind: NoteKind | None = None,
    awaiting_my_cosign: Annotated[
        bool,
        Query(
            description="`true`: only notes awaiting the caller's cosignature, those by "
            "the caller's supervisees in `pending_cosign` (what the caller may cosign)."
        ),
    ] = False,
) -> Page[NoteOut]:
    """Notes across the caller's caseload (or of one client), oldest first.

    The same notes the sessions' lists show: psychotherapy notes only to their author (and a
    trainee author's supervisor when shared), signed progress notes only to API keys.
    """
    ctx = audit_context(request)
    try:
        access.check_role(caller, Area.NOTES, write=False)
    except Forbidden:
        if client_id is not None:  # the client aimed at, even when the role is refused
            await access.name_attempted_client(session, caller, client_id, ctx)
        raise
    clients: ColumnElement[bool] = access.caseload_clause(caller)
    if client_id is not None:
        # One client: its own reach decides (break-the-glass included), 404 when out of reach.
        await access.load_client(
            session=session,
            caller=caller,
            client_id=client_id,
            area=Area.NOTES,
            write=False,
            ctx=ctx,
        )
        clients = col(Client.id) == client_id
    rows = await service.search_notes(
        session=session,
        caller=caller,
        clients=clients,
        status=status,
        kind=kind,
        awaiting_my_cosign=awaiting_my_cosign,
        page=page,
    )
    shown = rows[: page.limit]
    ctx.add_clients(*(n.client_id for n in shown))
    ring = app_state(request).secrets.key_ring
    return Page(
        items=[service.note_out(ring, n) for n in shown],
        next_cursor=page.next_cursor(rows, created_key),
    )


@router.post(
    "/v1/sessions/{id}/notes",
    summary="Write a note on a session",
    status_code=201,
    response_model=NoteOut,
    responses=problem_responses(401, 403, 404, 409, 413, 422) | created_resource("/v1/notes/{id}"),
    dependencies=[audited("note.create", "session"), Depends(idempotency)],
)
async def create_note(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    id: uuid.UUID,
    body: NoteCreate,
) -> NoteOut:
    """Start a draft note as its author (the client's care team).

    One progress note per session and one psychotherapy note per session per author (409).
    Psychotherapy notes are free text only. Sessions of a closed episode take no notes (409).
    """
    therapy_session = await load_note_session(
        session=session, caller=caller, session_id=id, write=True, ctx=audit_context(request)
    )
    ring = app_state(request).secrets.key_ring
    note = await service.create_note(
        session=session, ring=ring, caller=caller, therapy_session=therapy_session, note_in=body
    )
    audit_context(request).target("note", note.id)
    response.headers["Location"] = f"/v1/notes/{note.id}"
    set_etag(response, note.id, note.version)
    return service.note_out(ring, note)


@router.get(
    "/v1/notes/{id}",
    summary="Get a note",
    response_model=NoteOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("note.read", "note")],
)
async def get_note(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    id: uuid.UUID,
) -> NoteOut:
    """One note, with its ETag for later changes."""
    note = await load_note(request, session, caller, id, NoteAction.READ)
    set_etag(response, note.id, note.version)
    return service.note_out(app_state(request).secrets.key_ring, note)


@router.patch(
    "/v1/notes/{id}",
    summary="Change a draft note",
    response_model=NoteOut,
    responses=_CHANGE_ERRORS | problem_responses(413),
    dependencies=[audited("note.update", "note")],
)
async def update_note(
    request: Request,
    response: Response,
    caller: CallerDep,
    session: SessionDep,
    id: uuid.UUID,
    body: NoteUpdate,
    if_match: IfMatch = None,
) -> NoteOut:
    """Edit your own draft; a note awaiting cosignature or signed is 409. Needs If-Match."""
    note = await load_note(request, session, caller, id, NoteAction.WRITE)
    expected = require_match(if_match, note.id, note.version)
    ring = app_state(request).secrets.key_ring
    note = await service.update_note(
        session=session, ring=ring, note=note, note_in=body, expected=expected
    )
    set_etag(response, note.id, note.version)
    return service.note_out(ring, note)


@router.delete(
    "/v1/notes/{id}",
    summary="Delete a draft note",
    status_code=204,
    response_class=Response,
    responses=_CHANGE_ERRORS,
    dependencies=[audited("note.delete", "note")],
)
async def delete_note(
    request: Request,
    caller: CallerDep,
    session: SessionDep,
    id: uuid.UUID,
    if_match: IfMatch = None,
) -> Response:
    """Delete your own draft; signed notes (and notes awaiting cosignature) are 409."""
    note = await load_note(request, session, caller, id, NoteAction.WRITE)
    expected = require_match(if_match, note.id, note.version)
    await service.delete_note(session=session, note=note, expected=expected)
    return Response(status_code=204)


@router.post(
    "/v1/notes/{id}/sign",
    summary="Sign a note",
    response_model=NoteOut,
    responses=_CHANGE_ERRORS,
    dependencies=[audited("note.sign", "note"), Depends(idempotency)],
)
async def sign_note(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    id: uuid.UUID,
    if_match: IfMatch = None,
) -> NoteOut:
    """Sign your own draft: it becomes `signed`, or `pending_cosign` for a trainee's progress note.

    Psychotherapy notes are not part of the record and never need a cosignature.
    """
    note = await load_note(request, session, caller, id, NoteAction.WRITE)
    expected = require_match(if_match, note.id, note.version)
    note = await service.sign_note(session=session, caller=caller, note=note, expected=expected)
    set_etag(response, note.id, note.version)
    return service.note_out(app_state(request).secrets.key_ring, note)


@router.post(
    "/v1/notes/{id}/cosign",
    summary="Cosign a supervisee's note",
    response_model=NoteOut,
    responses=_CHANGE_ERRORS,
    dependencies=[audited("note.cosign", "note"), Depends(idempotency)],
)
async def cosign_note(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    id: uuid.UUID,
    if_match: IfMatch = None,
) -> NoteOut:
    """As the author's supervisor, cosign a note awaiting cosignature; it is then signed."""
    note = await load_note(request, session, caller, id, NoteAction.COSIGN)
    expected = require_match(if_match, note.id, note.version)
    note = await service.cosign_note(session=session, caller=caller, note=note, expected=expected)
    set_etag(response, note.id, note.version)
    return service.note_out(app_state(request).secrets.key_ring, note)


@router.post(
    "/v1/notes/{id}/return",
    summary="Return a supervisee's note",
    response_model=NoteOut,
    responses=_CHANGE_ERRORS | problem_responses(413),
    dependencies=[audited("note.return", "note"), Depends(idempotency)],
)
async def return_note(
    request: Request,
    response: Response,
    caller: CallerDep,
    session: SessionDep,
    id: uuid.UUID,
    body: ReturnIn,
    if_match: IfMatch = None,
) -> NoteOut:
    """As the author's supervisor, send a note awaiting cosignature back to draft, with why."""
    note = await load_note(request, session, caller, id, NoteAction.COSIGN)
    expected = require_match(if_match, note.id, note.version)
    ring = app_state(request).secrets.key_ring
    note = await service.return_note(
        session=session, ring=ring, note=note, comment=body.comment, expected=expected
    )
    set_etag(response, note.id, note.version)
    return service.note_out(ring, note)


@router.get(
    "/v1/notes/{id}/addenda",
    summary="List a note's addenda",
    response_model=Page[AddendumOut],
    responses=problem_responses(400, 401, 403, 404, 422),
    dependencies=[audited("addendum.list", "note")],
)
async def list_addenda(
    request: Request,
    caller: CallerDep,
    session: SessionDep,
    id: uuid.UUID,
    page: Annotated[PageParams, Depends()],
) -> Page[AddendumOut]:
    """The note's addenda, oldest first, for everyone who may read the note."""
    note = await load_note(request, session, caller, id, NoteAction.READ)
    rows = await service.list_addenda(session=session, note_id=note.id, page=page)
    ring = app_state(request).secrets.key_ring
    return Page(
        items=[service.addendum_out(ring, a) for a in rows[: page.limit]],
        next_cursor=page.next_cursor(rows, created_key),
    )


@router.post(
    "/v1/notes/{id}/addenda",
    summary="Add an addendum to a signed note",
    status_code=201,
    response_model=AddendumOut,
    responses=problem_responses(401, 403, 404, 409, 413, 422)
    | created_resource("/v1/addenda/{id}"),
    dependencies=[audited("addendum.create", "note"), Depends(idempotency)],
)
async def create_addendum(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    id: uuid.UUID,
    body: AddendumCreate,
) -> AddendumOut:
    """Correct or complete a signed note; addenda never change. A draft is 409.

    Progress notes take addenda from the client's care team, psychotherapy notes from
    their author only. Addenda stay possible after the episode is closed.
    """
    note = await load_note(request, session, caller, id, NoteAction.AMEND)
    ring = app_state(request).secrets.key_ring
    addendum = await service.add_addendum(
        session=session, ring=ring, caller=caller, note=note, addendum_in=body
    )
    audit_context(request).target("addendum", addendum.id)
    response.headers["Location"] = f"/v1/addenda/{addendum.id}"
    return service.addendum_out(ring, addendum)


@router.get(
    "/v1/addenda/{id}",
    summary="Get an addendum",
    response_model=AddendumOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("addendum.read", "addendum")],
)
async def get_addendum(
    request: Request, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> AddendumOut:
    """One addendum, for everyone who may read its note (the rule of the note's addenda list).

    A missing addendum is 404 for every role, as for notes: an addendum of a psychotherapy
    note must not reveal that the note exists.
    """
    ctx = audit_context(request)
    try:  # from the role alone, before the addendum is read (SPEC §2.1)
        access.check_role(caller, Area.NOTES, write=False)
    except Forbidden:
        practice, client = await attempts.owner_of(session, "addendum", id)
        if practice == caller.practice_id:
            ctx.add_clients(client)
        raise
    addendum = await session.get(Addendum, id)
    if addendum is None or addendum.practice_id != caller.practice_id:
        raise NotFound("Not found")
    await load_note(request, session, caller, addendum.note_id, NoteAction.READ)
    return service.addendum_out(app_state(request).secrets.key_ring, addendum)
