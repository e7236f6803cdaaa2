"""Observations and CCRT relationship episodes of a session (care team; locked once signed)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request, Response

from app.audit.context import audit_context, audited
from app.errors import problem_responses
from app.idempotency import idempotency
from app.json_body import api_router
from app.models import Observation, RelationshipEpisode, Theme
from app.observations import service
from app.observations.dependencies import load_finding, load_therapy_session
from app.observations.schemas import (
    ObservationCreate,
    ObservationOut,
    RelationshipEpisodeCreate,
    RelationshipEpisodeOut,
)
from app.openapi import created_resource
from app.pagination import Page, PageParams
from app.security.caller import CallerDep
from app.state import SessionDep, app_state

router = api_router(tags=["observations"])


@router.get(
    "/v1/sessions/{id}/observations",
    summary="List a session's observations",
    response_model=Page[ObservationOut],
    responses=problem_responses(400, 401, 403, 404, 422),
    dependencies=[audited("observation.list", "session")],
)
async def list_observations(
    request: Request,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    page: Annotated[PageParams, Depends()],
) -> Page[ObservationOut]:
    """Themes observed in the session, oldest first, with evidence and the session's phase."""
    ctx = audit_context(request)
    visit = await load_therapy_session(
        session=session, caller=caller, session_id=id, write=False, ctx=ctx
    )
    after = page.after_values(datetime, uuid.UUID)
    rows = await service.list_observations(
        session=session,
        visit=visit,
        after=(after[0], after[1]) if after else None,
        limit=page.limit + 1,
    )
    phase = await service.session_phase(session=session, visit=visit)
    ring = app_state(request).secrets.key_ring
    return Page(
        items=[service.observation_out(ring, row, theme, visit, phase) for row, theme in rows][
            : page.limit
        ],
        next_cursor=page.next_cursor(
            rows, lambda pair: [pair[0].created_at.isoformat(), str(pair[0].id)]
        ),
    )


@router.post(
    "/v1/sessions/{id}/observations",
    summary="Record an observation",
    status_code=201,
    response_model=ObservationOut,
    responses=problem_responses(401, 403, 404, 409, 413, 422)
    | created_resource("/v1/observations/{id}"),
    dependencies=[audited("observation.create", "session"), Depends(idempotency)],
)
async def create_observation(
    request: Request,
    response: Response,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: ObservationCreate,
) -> ObservationOut:
    """Record a theme seen in the session (active themes only; 409 once the note is signed)."""
    ctx = audit_context(request)
    visit = await load_therapy_session(
        session=session, caller=caller, session_id=id, write=True, ctx=ctx
    )
    ring = app_state(request).secrets.key_ring
    row, theme = await service.create_observation(
        session=session, ring=ring, observer_id=caller.id, visit=visit, observation_in=body
    )
    ctx.target("observation", row.id)
    response.headers["Location"] = f"/v1/observations/{row.id}"
    phase = await service.session_phase(session=session, visit=visit)
    return service.observation_out(ring, row, theme, visit, phase)


@router.get(
    "/v1/observations/{id}",
    summary="Get an observation",
    response_model=ObservationOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("observation.read", "observation")],
)
async def get_observation(
    request: Request, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> ObservationOut:
    """One observation, for whoever may list its session's observations."""
    row, visit = await load_finding(
        session=session,
        caller=caller,
        model=Observation,
        finding_id=id,
        write=False,
        ctx=audit_context(request),
    )
    theme = await session.get(Theme, row.theme_id)
    assert theme is not None  # noqa: S101 - a foreign key guarantees it
    phase = await service.session_phase(session=session, visit=visit)
    return service.observation_out(app_state(request).secrets.key_ring, row, theme, visit, phase)


@router.delete(
    "/v1/observations/{id}",
    summary="Delete an observation",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[audited("observation.delete", "observation")],
)
async def delete_observation(
    request: Request, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> Response:
    """Remove an observation recorded by mistake (409 once the progress note is signed)."""
    finding, visit = await load_finding(
        session=session,
        caller=caller,
        model=Observation,
        finding_id=id,
        write=True,
        ctx=audit_context(request),
    )
    await service.delete_finding(session=session, visit=visit, finding=finding)
    return Response(status_code=204)


@router.get(
    "/v1/sessions/{id}/relationship-episodes",
    summary="List a session's relationship episodes",
    response_model=Page[RelationshipEpisodeOut],
    responses=problem_responses(400, 401, 403, 404, 422),
    dependencies=[audited("relationship_episode.list", "session")],
)
async def list_relationship_episodes(
    request: Request,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    page: Annotated[PageParams, Depends()],
) -> Page[RelationshipEpisodeOut]:
    """CCRT relationship episodes told in the session, oldest first, texts decrypted."""
    ctx = audit_context(request)
    visit = await load_therapy_session(
        session=session, caller=caller, session_id=id, write=False, ctx=ctx
    )
    after = page.after_values(datetime, uuid.UUID)
    rows = await service.list_relationship_episodes(
        session=session,
        visit=visit,
        after=(after[0], after[1]) if after else None,
        limit=page.limit + 1,
    )
    phase = await service.session_phase(session=session, visit=visit)
    ring = app_state(request).secrets.key_ring
    return Page(
        items=[
            service.relationship_episode_out(ring, row, visit, phase) for row in rows[: page.limit]
        ],
        next_cursor=page.next_cursor(rows, lambda row: [row.created_at.isoformat(), str(row.id)]),
    )


@router.post(
    "/v1/sessions/{id}/relationship-episodes",
    summary="Record a relationship episode",
    status_code=201,
    response_model=RelationshipEpisodeOut,
    responses=problem_responses(401, 403, 404, 409, 413, 422)
    | created_resource("/v1/relationship-episodes/{id}"),
    dependencies=[audited("relationship_episode.create", "session"), Depends(idempotency)],
)
async def create_relationship_episode(
    request: Request,
    response: Response,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: RelationshipEpisodeCreate,
) -> RelationshipEpisodeOut:
    """Record a CCRT relationship episode: wish, response of other, response of self."""
    ctx = audit_context(request)
    visit = await load_therapy_session(
        session=session, caller=caller, session_id=id, write=True, ctx=ctx
    )
    ring = app_state(request).secrets.key_ring
    row = await service.create_relationship_episode(
        session=session, ring=ring, recorder_id=caller.id, visit=visit, episode_in=body
    )
    ctx.target("relationship_episode", row.id)
    response.headers["Location"] = f"/v1/relationship-episodes/{row.id}"
    phase = await service.session_phase(session=session, visit=visit)
    return service.relationship_episode_out(ring, row, visit, phase)


@router.get(
    "/v1/relationship-episodes/{id}",
    summary="Get a relationship episode",
    response_model=RelationshipEpisodeOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("relationship_episode.read", "relationship_episode")],
)
async def get_relationship_episode(
    request: Request, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> RelationshipEpisodeOut:
    """One relationship episode, for whoever may list its session's relationship episodes."""
    row, visit = await load_finding(
        session=session,
        caller=caller,
        model=RelationshipEpisode,
        finding_id=id,
        write=False,
        ctx=audit_context(request),
    )
    phase = await service.session_phase(session=session, visit=visit)
    return service.relationship_episode_out(app_state(request).secrets.key_ring, row, visit, phase)


@router.delete(
    "/v1/relationship-episodes/{id}",
    summary="Delete a relationship episode",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[audited("relationship_episode.delete", "relationship_episode")],
)
async def delete_relationship_episode(
    request: Request, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> Response:
    """Remove a relationship episode recorded by mistake (409 once the note is signed)."""
    finding, visit = await load_finding(
        session=session,
        caller=caller,
        model=RelationshipEpisode,
        finding_id=id,
        write=True,
        ctx=audit_context(request),
    )
    await service.delete_finding(session=session, visit=visit, finding=finding)
    return Response(status_code=204)
