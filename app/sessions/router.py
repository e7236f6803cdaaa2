"""GET|POST /v1/sessions, GET|PATCH /v1/sessions/{id}: scheduling and attendance."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response
from pydantic import Field
from sqlalchemy import ColumnElement, tuple_
from sqlmodel import col

from app.audit.context import audit_context, audited
from app.episodes.schemas import Phase
from app.errors import Forbidden, problem_responses
from app.etag import OptionalIfMatch, optional_match, set_etag
from app.idempotency import idempotency
from app.json_body import api_router
from app.models import Client, TherapySession
from app.openapi import created_resource
from app.pagination import Page, PageParams
from app.schema_types import NO_NUL_PATTERN, DateOrDatetime, SaneDatetime
from app.security import access, attempts
from app.security.access import Area
from app.security.caller import CallerDep
from app.sessions import service
from app.sessions.dependencies import load_session
from app.sessions.schemas import (
    SESSION_BOOKED_FIELDS,
    SessionBooked,
    SessionClinicalCreated,
    SessionClinicalOut,
    SessionCreate,
    SessionCreated,
    SessionOut,
    SessionStatus,
    SessionUpdate,
)
from app.state import SessionDep, app_state

router = api_router(tags=["sessions"])

SessionView = Annotated[SessionClinicalOut | SessionOut, Field(discriminator="view")]
SessionCreatedView = Annotated[
    SessionClinicalCreated | SessionCreated | SessionBooked, Field(discriminator="view")
]
_BOUND = (
    "A date (the session's local date, inclusive; 1900-2099) or an RFC 3339 datetime with "
    "offset (year 1970-2099)."
)


@router.get(
    "/v1/sessions",
    summary="List sessions",
    response_model=Page[SessionView],
    responses=problem_responses(400, 401, 403, 404, 422),
    dependencies=[audited("session.list", "session")],
)
async def list_sessions(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    page: Annotated[PageParams, Depends()],
    client_id: Annotated[
        uuid.UUID | None, Query(description="One client (404 if out of reach).")
    ] = None,
    episode_id: uuid.UUID | None = None,
    therapist_id: uuid.UUID | None = None,
    status: SessionStatus | None = None,
    phase: Annotated[Phase | None, Query(description="Phase on the session's date.")] = None,
    start: Annotated[DateOrDatetime | None, Query(alias="from", description=_BOUND)] = None,
    end: Annotated[DateOrDatetime | None, Query(alias="to", description=_BOUND)] = None,
    external_id: Annotated[str | None, Query(max_length=100, pattern=NO_NUL_PATTERN)] = None,
    updated_since: Annotated[
        SaneDatetime | None,
        Query(description="Only sessions changed at or after this instant (RFC 3339, offset)."),
    ] = None,
    order: Annotated[
        Literal["starts_at", "updated_at"],
        Query(description="Sort key; `updated_at` walks changes for a sync (cursor per order)."),
    ] = "starts_at",
) -> Page[SessionView]:
    """Sessions of clients in reach, earliest first, each with its phase for clinical readers."""
    ctx = audit_context(request)
    if episode_id is not None:
        # An episode's list aims at its client too, even when none of its rows is in reach.
        practice, aimed = await attempts.owners_of(session, "episode", episode_id)
        if practice == caller.practice_id:
            ctx.add_clients(*aimed)
    try:
        access.check_role(caller, Area.SESSIONS, write=False)
        if phase is not None:
            access.check_role(caller, Area.CLINICAL, write=False)
    except Forbidden:
        if client_id is not None:  # the client aimed at, even when the role is refused
            await access.name_attempted_client(session, caller, client_id, ctx)
        raise
    caseload: ColumnElement[bool] = access.caseload_clause(caller)
    clinical = access.sees_clinical(caller)
    if client_id is not None:
        # One client: its own reach decides (break-the-glass included), 404 when out of reach.
        _, relation = await access.load_client(
            session=session,
            caller=caller,
            client_id=client_id,
            area=Area.SESSIONS,
            write=False,
            ctx=ctx,
        )
        caseload = col(Client.id) == client_id
        clinical = access.sees_clinical(caller, relation)
    query = service.list_query(
        caseload=caseload,
        practice_id=caller.practice_id,
        client_id=client_id,
        episode_id=episode_id,
        therapist_id=therapist_id,
        status=status,
        phase=phase,
        external_id=external_id,
        start=service.parse_bound(start, "from"),
        end=service.parse_bound(end, "to"),
    )
    sort = col(getattr(TherapySession, order))
    if updated_since is not None:
        query = query.where(col(TherapySession.updated_at) >= updated_since)
    after = page.after_values(datetime, uuid.UUID)
    if after:
        query = query.where(tuple_(sort, col(TherapySession.id)) > after)
    rows = list(
        (
            await session.execute(
                query.order_by(sort, col(TherapySession.id)).limit(page.limit + 1)
            )
        ).all()
    )
    shown = rows[: page.limit]
    ctx.add_clients(*(row.client_id for row, _ in shown))
    return Page(
        items=[service.session_view(row, clinical=clinical, phase=p) for row, p in shown],
        next_cursor=page.next_cursor(
            rows, lambda r: [getattr(r[0], order).isoformat(), str(r[0].id)]
        ),
    )


@router.post(
    "/v1/sessions",
    summary="Schedule a session",
    status_code=201,
    response_model=SessionCreatedView,
    responses=problem_responses(401, 403, 404, 409, 413, 422)
    | created_resource("/v1/sessions/{id}"),
    dependencies=[audited("session.create", "session"), Depends(idempotency)],
)
async def create_session(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    body: SessionCreate,
) -> SessionCreatedView:
    """Add a session to an episode of the client (its open one when none is named).

    A client without an open episode gets one, opened by this booking (an intake): phase
    `initial` from the session's date, treated by the session's therapist; the response says
    `episode_opened: true` and the audit event's `details` name the episode it opened.
    `external_id` is set by admins and API keys only (403). A key without `sessions:read`
    gets the `booking` view: what it sent and the ids it needs, no ETag.
    """
    ctx = audit_context(request)
    client, relation = await access.load_client(
        session=session,
        caller=caller,
        client_id=body.client_id,
        area=Area.SESSIONS,
        write=True,
        ctx=ctx,
    )
    # After the load, which names the body's client in the event; out of reach is 404 alike.
    if body.external_id is not None:
        access.require_integrator(caller)
    row, opened = await service.create_session(
        session=session,
        ring=app_state(request).secrets.key_ring,
        client=client,
        session_in=body,
        booked_by=caller.id if caller.is_user else None,
    )
    ctx.target("session", row.id)
    if opened:  # the event says the booking opened the episode (SPEC §9)
        ctx.details = {"episode_opened": True, "episode_id": str(row.episode_id)}
    response.headers["Location"] = f"/v1/sessions/{row.id}"
    if caller.kind == "api_key" and "sessions:read" not in caller.scopes:
        booked = service.session_view(row, clinical=False, phase=None)
        return SessionBooked(
            **booked.model_dump(include=set(SESSION_BOOKED_FIELDS)), episode_opened=opened
        )
    clinical = access.sees_clinical(caller, relation)
    phase = await service.phase_of(session, row) if clinical else None
    set_etag(response, row.id, row.version, phase)
    view = service.session_view(row, clinical=clinical, phase=phase).model_dump()
    if clinical:
        return SessionClinicalCreated(**view, episode_opened=opened)
    return SessionCreated(**view, episode_opened=opened)


@router.get(
    "/v1/sessions/{id}",
    summary="Get a session",
    response_model=SessionView,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("session.read", "session")],
)
async def get_session(
    request: Request, response: Response, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> SessionView:
    """One session, with the phase in effect on its date for clinical readers."""
    row, _, relation = await load_session(
        session=session, caller=caller, session_id=id, write=False, ctx=audit_context(request)
    )
    clinical = access.sees_clinical(caller, relation)
    phase = await service.phase_of(session, row) if clinical else None
    set_etag(response, row.id, row.version, phase)
    return service.session_view(row, clinical=clinical, phase=phase)


@router.patch(
    "/v1/sessions/{id}",
    summary="Reschedule a session or record attendance",
    response_model=SessionView,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422),
    dependencies=[audited("session.update", "session")],
)
async def update_session(
    request: Request,
    response: Response,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: SessionUpdate,
    if_match: OptionalIfMatch = None,
) -> SessionView:
    """Change time, duration, modality, therapist or attendance; If-Match is honoured if sent.

    `external_id` is set by admins and API keys only (403). The answer is the changed
    session: an API key needs `sessions:read` besides `sessions:write`.
    """
    ctx = audit_context(request)
    changes = body.model_dump(exclude_unset=True)
    # Refused by role or scope before the session is read (§2.1).
    access.role_first(session, caller, ctx, access.answers_the_record(Area.SESSIONS))
    if "external_id" in changes:
        access.role_first(session, caller, ctx, access.require_integrator)
    row, _, relation = await load_session(
        session=session, caller=caller, session_id=id, write=True, ctx=ctx
    )
    expected = optional_match(if_match, row.id, row.version)
    row = await service.update_session(
        session=session, row=row, changes=changes, expected_version=expected
    )
    clinical = access.sees_clinical(caller, relation)
    phase = await service.phase_of(session, row) if clinical else None
    set_etag(response, row.id, row.version, phase)
    return service.session_view(row, clinical=clinical, phase=phase)
