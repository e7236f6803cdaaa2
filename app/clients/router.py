"""GET|POST /v1/clients, GET|PATCH /v1/clients/{id}, PUT /v1/clients/{id}/care-team."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Header, Query, Request, Response
from pydantic import Field
from sqlalchemy import tuple_
from sqlmodel import col

from app.audit.context import audit_context, audited
from app.clients import service
from app.clients.schemas import (
    CareTeamUpdate,
    ClientClinicalOut,
    ClientCreate,
    ClientOut,
    ClientStatus,
    ClientUpdate,
)
from app.errors import problem_responses
from app.etag import require_match, set_etag
from app.idempotency import idempotency
from app.json_body import api_router
from app.models import Client
from app.openapi import created_resource
from app.pagination import Page, PageParams
from app.schema_types import NO_NUL_PATTERN, SaneDatetime
from app.security import access
from app.security.access import Area
from app.security.caller import CallerDep
from app.state import SessionDep, app_state

router = api_router(tags=["clients"])

ClientView = Annotated[ClientClinicalOut | ClientOut, Field(discriminator="view")]
IfMatch = Annotated[str | None, Header(max_length=200, description="The client's ETag (required).")]


@router.get(
    "/v1/clients",
    summary="List clients",
    response_model=Page[ClientView],
    responses=problem_responses(400, 401, 403, 422),
    dependencies=[audited("client.list", "client")],
)
async def list_clients(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    page: Annotated[PageParams, Depends()],
    status: Annotated[ClientStatus | None, Query(description="Only this status.")] = None,
    therapist_id: Annotated[
        uuid.UUID | None, Query(description="Primary therapist or care-team member.")
    ] = None,
    external_id: Annotated[
        str | None,
        Query(max_length=100, pattern=NO_NUL_PATTERN, description="The integration's own id."),
    ] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=100, pattern=NO_NUL_PATTERN, description="Part of a name."),
    ] = None,
    updated_since: Annotated[
        SaneDatetime | None,
        Query(description="Only clients changed at or after this instant (RFC 3339, offset)."),
    ] = None,
    order: Annotated[
        Literal["created_at", "updated_at"],
        Query(description="Sort key; `updated_at` walks changes for a sync (cursor per order)."),
    ] = "created_at",
) -> Page[ClientView]:
    """Clients in the caller's caseload (whole practice for admins and API keys), oldest first."""
    access.check_role(caller, Area.DEMOGRAPHICS, write=False)
    query = service.list_query(
        caseload=access.caseload_clause(caller),
        status=status,
        therapist_id=therapist_id,
        external_id=external_id,
        q=q,
    )
    sort = col(getattr(Client, order))
    if updated_since is not None:
        query = query.where(col(Client.updated_at) >= updated_since)
    after = page.after_values(datetime, uuid.UUID)
    if after:
        query = query.where(tuple_(sort, col(Client.id)) > after)
    rows = list(
        (
            await session.execute(query.order_by(sort, col(Client.id)).limit(page.limit + 1))
        ).scalars()
    )
    shown = rows[: page.limit]
    audit_context(request).add_clients(*(c.id for c in shown))
    teams = await service.care_teams(session, [c.id for c in shown])
    ring = app_state(request).secrets.key_ring
    clinical = access.sees_clinical(caller)
    return Page(
        items=[service.client_view(c, teams[c.id], ring=ring, clinical=clinical) for c in shown],
        next_cursor=page.next_cursor(rows, lambda c: [getattr(c, order).isoformat(), str(c.id)]),
    )


@router.post(
    "/v1/clients",
    summary="Create a client",
    status_code=201,
    response_model=ClientView,
    responses=problem_responses(401, 403, 409, 413, 422) | created_resource("/v1/clients/{id}"),
    dependencies=[audited("client.create", "client"), Depends(idempotency)],
)
async def create_client(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    body: ClientCreate,
) -> ClientView:
    """Add a client; a therapist creating it becomes primary, admins and API keys name one."""
    access.check_role(caller, Area.DEMOGRAPHICS, write=True)
    if body.presenting_concerns is not None:
        access.check_role(caller, Area.CLINICAL, write=True)
    if body.external_id is not None:
        access.require_integrator(caller)
    ring = app_state(request).secrets.key_ring
    client, team = await service.create_client(
        session=session, ring=ring, caller=caller, client_in=body
    )
    ctx = audit_context(request)
    ctx.target("client", client.id)
    ctx.add_clients(client.id)
    ctx.details = reach_details(
        added=[client.primary_therapist_id, *team],
        removed=[],
        primary=(None, client.primary_therapist_id),
    )
    relation = await access.reach_of(session, caller, client.id)
    response.headers["Location"] = f"/v1/clients/{client.id}"
    clinical = access.sees_clinical(caller, relation)
    set_etag(response, client.id, client.version, _view(clinical))
    return service.client_view(client, sorted(team), ring=ring, clinical=clinical)


@router.get(
    "/v1/clients/{id}",
    summary="Get a client",
    response_model=ClientView,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("client.read", "client")],
)
async def get_client(
    request: Request, response: Response, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> ClientView:
    """One client within the caller's reach (break-the-glass reaches outside the caseload)."""
    client, relation = await access.load_client(
        session=session,
        caller=caller,
        client_id=id,
        area=Area.DEMOGRAPHICS,
        write=False,
        ctx=audit_context(request),
    )
    teams = await service.care_teams(session, [client.id])
    clinical = access.sees_clinical(caller, relation)
    set_etag(response, client.id, client.version, _view(clinical))
    return service.client_view(
        client, teams[client.id], ring=app_state(request).secrets.key_ring, clinical=clinical
    )


@router.patch(
    "/v1/clients/{id}",
    summary="Change or archive a client",
    response_model=ClientView,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 428),
    dependencies=[audited("client.update", "client")],
)
async def update_client(
    request: Request,
    response: Response,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: ClientUpdate,
    if_match: IfMatch = None,
) -> ClientView:
    """Change demographics or status (archive instead of delete); needs If-Match.

    The answer is the changed record: an API key needs `clients:read` besides `clients:write`.
    """
    ctx = audit_context(request)
    changes = body.model_dump(exclude_unset=True)
    # What the caller's role can never change is refused before the client is read (§2.1).
    access.role_first(session, caller, ctx, access.answers_the_record(Area.DEMOGRAPHICS))
    if "presenting_concerns" in changes:
        access.role_first(
            session, caller, ctx, lambda c: access.check_role(c, Area.CLINICAL, write=True)
        )
    if "external_id" in changes:
        access.role_first(session, caller, ctx, access.require_integrator)
    client, facts, relation = await access.load(
        session=session,
        caller=caller,
        model=Client,
        id=id,
        area=Area.DEMOGRAPHICS,
        write=True,
        ctx=ctx,
    )
    if "presenting_concerns" in changes:
        access.authorize_client(caller=caller, client=facts, area=Area.CLINICAL, write=True)
    old_primary = client.primary_therapist_id
    new_primary = changes.get("primary_therapist_id", old_primary)
    if new_primary != old_primary:
        await access.authorize_reach_change(session, caller, client)
        team = set((await service.care_teams(session, [client.id]))[client.id])
        # Who reaches the client is the primary therapist and the team: one who stays on
        # the team loses nothing, one already on it gains nothing.
        before, after = team | {old_primary}, team | {new_primary}
        ctx.details = reach_details(
            added=sorted(after - before),
            removed=sorted(before - after),
            primary=(old_primary, new_primary),
        )
    expected = require_match(if_match, client.id, client.version)
    ring = app_state(request).secrets.key_ring
    client = await service.update_client(
        session=session, ring=ring, client=client, changes=changes, expected_version=expected
    )
    teams = await service.care_teams(session, [client.id])
    clinical = access.sees_clinical(caller, relation)
    set_etag(response, client.id, client.version, _view(clinical))
    return service.client_view(client, teams[client.id], ring=ring, clinical=clinical)


@router.put(
    "/v1/clients/{id}/care-team",
    summary="Replace a client's care team",
    response_model=ClientView,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 428),
    dependencies=[audited("client.care_team.update", "client")],
)
async def replace_care_team(
    request: Request,
    response: Response,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: CareTeamUpdate,
    if_match: IfMatch = None,
) -> ClientView:
    """Set the clinicians (therapists, supervisors of the practice) on the care team.

    Only an admin, the primary therapist or their supervisor (SPEC §2.1); the event names the
    users added and removed.
    """
    ctx = audit_context(request)
    access.role_first(session, caller, ctx, access.may_ever_change_reach)
    client, relation = await access.load_client(
        session=session, caller=caller, client_id=id, area=Area.DEMOGRAPHICS, write=True, ctx=ctx
    )
    await access.authorize_reach_change(session, caller, client)
    expected = require_match(if_match, client.id, client.version)
    primary = {client.primary_therapist_id}
    before = set((await service.care_teams(session, [client.id]))[client.id]) | primary
    team = await service.replace_care_team(
        session=session, client=client, user_ids=body.user_ids, expected_version=expected
    )
    # The primary therapist reaches the client whether the team lists them or not.
    after = set(team) | primary
    ctx.details = reach_details(added=sorted(after - before), removed=sorted(before - after))
    clinical = access.sees_clinical(caller, relation)
    set_etag(response, client.id, client.version, _view(clinical))
    return service.client_view(
        client, team, ring=app_state(request).secrets.key_ring, clinical=clinical
    )


def reach_details(
    *,
    added: Sequence[uuid.UUID],
    removed: Sequence[uuid.UUID],
    primary: tuple[uuid.UUID | None, uuid.UUID] | None = None,
) -> dict[str, Any]:
    """The audit event's record of a change of who reaches a client: user ids only."""
    details: dict[str, Any] = {
        "added_user_ids": sorted({str(u) for u in added}),
        "removed_user_ids": sorted({str(u) for u in removed}),
    }
    if primary is not None:
        details["primary_therapist_id"] = {
            "from": None if primary[0] is None else str(primary[0]),
            "to": str(primary[1]),
        }
    return details


def _view(clinical: bool) -> str | None:
    """The ETag's note of a clinical view: a 304 never vouches for one to a caller who now
    gets demographics only (If-Match ignores it, app/etag.py)."""
    return "clinical" if clinical else None
