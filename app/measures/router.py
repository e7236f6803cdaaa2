"""GET|POST /v1/clients/{id}/measures, GET /v1/measures/{id}: scored outcome questionnaires."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from app.audit.context import audit_context, audited
from app.errors import problem_responses
from app.etag import set_etag
from app.idempotency import idempotency
from app.json_body import api_router
from app.measures import service
from app.measures.schemas import Instrument, MeasureCreate, MeasureOut
from app.models import Measure
from app.openapi import created_resource
from app.pagination import Page, PageParams
from app.security.access import Area, load, load_client
from app.security.caller import CallerDep
from app.state import SessionDep

router = api_router(tags=["measures"])


@router.get(
    "/v1/clients/{id}/measures",
    summary="List a client's measures",
    response_model=Page[MeasureOut],
    responses=problem_responses(400, 401, 403, 404, 422),
    dependencies=[audited("measure.list", "client")],
)
async def list_measures(
    request: Request,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    page: Annotated[PageParams, Depends()],
    instrument: Annotated[Instrument | None, Query(description="Only this instrument.")] = None,
) -> Page[MeasureOut]:
    """The client's scored questionnaires, newest first."""
    await load_client(
        session=session,
        caller=caller,
        client_id=id,
        area=Area.CLINICAL,
        write=False,
        ctx=audit_context(request),
    )
    before = page.after_values(date, uuid.UUID)
    rows = await service.list_measures(
        session=session,
        client_id=id,
        instrument=instrument,
        before=(before[0], before[1]) if before else None,
        limit=page.limit + 1,
    )
    return Page(
        items=[service.measure_out(row) for row in rows[: page.limit]],
        next_cursor=page.next_cursor(
            rows, lambda row: [row.administered_on.isoformat(), str(row.id)]
        ),
    )


@router.post(
    "/v1/clients/{id}/measures",
    summary="Record a measure",
    status_code=201,
    response_model=MeasureOut,
    responses=problem_responses(401, 403, 404, 409, 413, 422)
    | created_resource("/v1/measures/{id}"),
    dependencies=[audited("measure.create", "client"), Depends(idempotency)],
)
async def create_measure(
    request: Request,
    response: Response,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: MeasureCreate,
) -> MeasureOut:
    """Score PHQ-9, GAD-7 or WAI-SR item responses on the server and keep the result."""
    ctx = audit_context(request)
    client, _ = await load_client(
        session=session, caller=caller, client_id=id, area=Area.CLINICAL, write=True, ctx=ctx
    )
    row = await service.create_measure(
        session=session, client=client, recorded_by=caller.id, measure_in=body
    )
    ctx.target("measure", row.id)
    response.headers["Location"] = f"/v1/measures/{row.id}"
    set_etag(response, row.id, 1)
    return service.measure_out(row)


@router.get(
    "/v1/measures/{id}",
    summary="Get a measure",
    response_model=MeasureOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("measure.read", "measure")],
)
async def get_measure(
    request: Request, response: Response, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> MeasureOut:
    """One scored questionnaire (measures never change, so its ETag never does either)."""
    row, _, _ = await load(
        session=session,
        caller=caller,
        model=Measure,
        id=id,
        area=Area.CLINICAL,
        write=False,
        ctx=audit_context(request),
    )
    set_etag(response, row.id, 1)
    return service.measure_out(row)
