"""The auditor API: search, events, access reports, break-the-glass reviews, export.

Every route is for auditors (role ``auditor``, or an API key with ``audit:read``) of the
caller's own practice; everyone else gets 403. Auditors' own reads are audited by the
request pipeline like any other access, naming the clients whose events they saw.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from app.audit.api import service
from app.audit.api.export import EXPORT_SCHEMAS, MEDIA_TYPES, ExportSpec, Format, export_stream
from app.audit.api.proofs import require_auditor
from app.audit.api.schemas import (
    AccessReportOut,
    AuditEventOut,
    BreakGlassItem,
    Outcome,
    ReviewIn,
    ReviewOut,
)
from app.audit.context import audit_context, audited
from app.audit.ledger import events
from app.audit.recorder import add_event, build_event, write_event
from app.db import utcnow, uuid7
from app.errors import Forbidden, NotFound, problem_responses
from app.idempotency import idempotency
from app.json_body import api_router
from app.models import AuditReview
from app.openapi import created_resource
from app.pagination import Page, PageParams
from app.schema_types import SaneDatetime
from app.security import attempts
from app.security.caller import CallerDep
from app.state import SessionDep, app_state

router = api_router(tags=["audit"])

From = Annotated[SaneDatetime | None, Query(alias="from", description="Inclusive lower bound.")]
To = Annotated[SaneDatetime | None, Query(alias="to", description="Exclusive upper bound.")]


def _page_of(rows: list[Any], page: PageParams) -> str | None:
    return page.next_cursor(rows, lambda r: [r.occurred_at.isoformat(), str(r.id)])


@router.get(
    "/v1/audit/events",
    name="list_events",
    summary="Search the access log",
    response_model=Page[AuditEventOut],
    responses=problem_responses(400, 401, 403, 422),
    dependencies=[audited("audit.search", "audit_event")],
)
async def search_events(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    page: Annotated[PageParams, Depends()],
    client_id: Annotated[uuid.UUID | None, Query(description="Events naming this client.")] = None,
    actor_id: Annotated[uuid.UUID | None, Query(description="User or API key id.")] = None,
    action: Annotated[
        str | None, Query(max_length=64, pattern=r"^[a-z0-9_.]+$", examples=["note.read"])
    ] = None,
    outcome: Outcome | None = None,
    resource_type: Annotated[
        str | None, Query(max_length=40, pattern=r"^[a-z0-9_]+$", examples=["note"])
    ] = None,
    break_glass: Annotated[bool | None, Query(description="Only break-the-glass (or not).")] = None,
    purpose: Annotated[
        str | None,
        Query(max_length=16, pattern=r"^[A-Z]+$", description="HL7 PurposeOfUse code."),
    ] = None,
    start: From = None,
    end: To = None,
) -> Page[AuditEventOut]:
    """Events of the practice, newest first, over the whole history, with every filter."""
    require_auditor(caller)
    if client_id is not None:
        # Looking for a client's events aims at that client, whatever the answer (§6).
        practice, _ = await attempts.owner_of(session, "client", client_id)
        if practice == caller.practice_id:
            audit_context(request).add_clients(client_id)
    filters = service.EventFilters(
        client_id=client_id,
        actor_id=actor_id,
        action=action,
        outcome=outcome,
        resource_type=resource_type,
        break_glass=break_glass,
        purpose=purpose,
        start=start,
        end=end,
    )
    rows = await service.search(
        session,
        caller.practice_id,
        filters,
        after=page.after_values(datetime, uuid.UUID),
        limit=page.limit + 1,
    )
    shown = rows[: page.limit]
    audit_context(request).add_clients(*service.client_ids_of(shown))
    return Page(items=[service.event_out(r) for r in shown], next_cursor=_page_of(rows, page))


@router.get(
    "/v1/audit/events/{id}",
    summary="Get an audit event",
    response_model=AuditEventOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("audit.event.read", "audit_event")],
)
async def get_event(
    request: Request, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> AuditEventOut:
    """One event with its seq and leaf hash (null until sequenced)."""
    require_auditor(caller)
    row = await service.get_event(session, caller.practice_id, id)
    if row is None:
        raise NotFound("Not found")
    audit_context(request).add_clients(*service.client_ids_of([row]))
    return service.event_out(row)


@router.get(
    "/v1/audit/clients/{id}/access-report",
    name="get_access_report",
    summary="Client access report",
    response_model=AccessReportOut,
    responses=problem_responses(401, 403, 422),
    dependencies=[audited("audit.access_report", "client")],
)
async def access_report(
    request: Request,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    start: From = None,
    end: To = None,
) -> AccessReportOut:
    """Who accessed this client's record: per actor, counts by action and outcome."""
    require_auditor(caller)
    # Named when it is the practice's own client: another practice's id is none of its log's.
    practice, _ = await attempts.owner_of(session, "client", id)
    if practice == caller.practice_id:
        audit_context(request).add_clients(id)
    return await service.access_report(session, caller.practice_id, id, start, end)


@router.get(
    "/v1/audit/break-glass",
    name="list_break_glass",
    summary="Break-the-glass accesses",
    response_model=Page[BreakGlassItem],
    responses=problem_responses(400, 401, 403, 422),
    dependencies=[audited("audit.break_glass.list", "audit_event")],
)
async def break_glass(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    page: Annotated[PageParams, Depends()],
    reviewed: Annotated[bool | None, Query(description="Only reviewed (or pending) ones.")] = None,
    start: From = None,
    end: To = None,
) -> Page[BreakGlassItem]:
    """Emergency accesses newest first, each with its reviews ("pending" until one exists)."""
    require_auditor(caller)
    filters = service.EventFilters(break_glass=True, reviewed=reviewed, start=start, end=end)
    rows = await service.search(
        session,
        caller.practice_id,
        filters,
        after=page.after_values(datetime, uuid.UUID),
        limit=page.limit + 1,
    )
    shown = rows[: page.limit]
    audit_context(request).add_clients(*service.client_ids_of(shown))
    reviews = await service.reviews_for(session, [r.id for r in shown])
    items = [
        BreakGlassItem(
            event=service.event_out(r),
            status="reviewed" if reviews[r.id] else "pending",
            reviews=[ReviewOut.model_validate(v) for v in reviews[r.id]],
        )
        for r in shown
    ]
    return Page(items=items, next_cursor=_page_of(rows, page))


async def _reviewer(caller: CallerDep) -> None:
    """Auditors only, decided before an idempotent replay (which never reaches the route)."""
    if not caller.has_role("auditor"):
        raise Forbidden("Only auditors review events")


@router.post(
    "/v1/audit/events/{id}/review",
    summary="Review an event",
    status_code=201,
    response_model=ReviewOut,
    responses=problem_responses(401, 403, 404, 409, 413, 422)
    | created_resource("/v1/audit/reviews/{id}"),
    dependencies=[audited("audit.review", "audit_event"), Depends(_reviewer), Depends(idempotency)],
)
async def review_event(
    request: Request,
    response: Response,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: ReviewIn,
) -> ReviewOut:
    """Record an auditor's finding; a new review and its own event, never an edit."""
    row = await service.get_event(session, caller.practice_id, id)
    if row is None:
        raise NotFound("Not found")
    ctx = audit_context(request)
    ctx.add_clients(*service.client_ids_of([row]))
    ctx.event_id = uuid7()
    review = AuditReview(
        practice_id=caller.practice_id,
        event_id=id,
        review_event_id=ctx.event_id,
        reviewer_id=caller.id,
        reviewer_type=caller.kind,
        decision=body.decision,
        comment=body.comment,
    )
    ctx.details = events.review_details(review.id, review.decision, review.comment)
    session.add(review)
    await session.flush()
    response.headers["Location"] = f"/v1/audit/reviews/{review.id}"
    return ReviewOut.model_validate(review)


@router.get(
    "/v1/audit/reviews/{id}",
    summary="Get a review",
    response_model=ReviewOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("audit.review.read", "audit_review")],
)
async def get_review(
    request: Request, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> ReviewOut:
    """One review, as the break-the-glass list shows it (auditors and `audit:read` keys)."""
    require_auditor(caller)
    review = await service.get_review(session, caller.practice_id, id)
    if review is None:
        raise NotFound("Not found")
    reviewed = await service.get_event(session, caller.practice_id, review.event_id)
    audit_context(request).add_clients(*service.client_ids_of([reviewed] if reviewed else []))
    return ReviewOut.model_validate(review)


async def _naming_every_client(
    engine: AsyncEngine, spec: ExportSpec, first: dict[str, Any]
) -> AsyncIterator[bytes]:
    """The export's stream, naming the clients of events written while it runs.

    Its first event, committed before the first byte, names the clients of the events there
    were; an event that commits during the export is exported too. Each client's access
    report must show the export that held their record: before a chunk holding a client the
    events so far do not name is sent, another event, pointing at the first, names them.
    """
    named = set(first["client_ids"])
    seen: set[str] = set()
    async for chunk in export_stream(engine, spec, seen):
        unnamed = seen - named
        if unnamed:
            later = first | {
                "id": uuid7(),
                "occurred_at": utcnow(),
                "client_ids": sorted(unnamed),
                "details": {"export_event_id": str(first["id"])},
            }
            await write_event(engine, later)
            named |= unnamed
        yield chunk


@router.get(
    "/v1/audit/export",
    name="export_events",
    summary="Export the log",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "One event per line (CSV: one row per event).",
            "content": {
                t.split(";")[0]: {"schema": EXPORT_SCHEMAS[t]} for t in MEDIA_TYPES.values()
            },
        },
        **problem_responses(401, 403, 422),
    },
    dependencies=[audited("audit.export", "audit_event")],
)
async def export(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    format: Annotated[Format, Query(description="ndjson, csv or fhir (R4 AuditEvent).")] = "ndjson",
    start: From = None,
    end: To = None,
) -> StreamingResponse:
    """Stream the practice's events in seq order; a full NDJSON export rebuilds the tree."""
    require_auditor(caller)
    ctx = audit_context(request)
    ctx.route = getattr(request.scope.get("route"), "path", None)
    # The export holds every client its events name: each client's access report shows it.
    ctx.add_clients(*await service.clients_in(session, caller.practice_id, start, end))
    # A stream cannot be held back until its end: its event commits before the first byte.
    first = build_event(ctx, 200)
    await add_event(session, first)
    await session.commit()
    ctx.committed = ctx.streaming = True
    state = app_state(request)
    spec = ExportSpec(
        fmt=format,
        practice_id=caller.practice_id,
        start=start,
        end=end,
        observer=state.settings.service_name,
    )
    suffix = "csv" if format == "csv" else "ndjson"
    return StreamingResponse(
        _naming_every_client(state.engine, spec, first),
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="audit-export.{suffix}"',
            "Cache-Control": "no-store",
        },
    )
