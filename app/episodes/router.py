"""Episodes of care and their phases: /v1/clients/{id}/episodes and /v1/episodes/{id}/…."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request, Response
from sqlalchemy import select, tuple_
from sqlmodel import col

from app.audit.context import audit_context, audited
from app.episodes import service
from app.episodes.dependencies import load_episode
from app.episodes.schemas import (
    EpisodeClose,
    EpisodeCreate,
    EpisodeOut,
    EpisodeUpdate,
    PhaseTransitionCreate,
    PhaseTransitionOut,
)
from app.errors import problem_responses
from app.etag import OptionalIfMatch, optional_match, require_match, set_etag
from app.idempotency import idempotency
from app.json_body import api_router
from app.models import Episode, PhaseTransition
from app.openapi import created_resource
from app.pagination import Page, PageParams
from app.security import access
from app.security.access import Area
from app.security.caller import CallerDep
from app.state import SessionDep, app_state

router = api_router(tags=["episodes"])

IfMatch = Annotated[
    str | None, Header(max_length=200, description="The episode's ETag (required).")
]


@router.get(
    "/v1/clients/{id}/episodes",
    summary="List a client's episodes",
    response_model=Page[EpisodeOut],
    responses=problem_responses(400, 401, 403, 404, 422),
    dependencies=[audited("episode.list", "client")],
)
async def list_episodes(
    request: Request,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    page: Annotated[PageParams, Depends()],
) -> Page[EpisodeOut]:
    """The client's courses of treatment, oldest first (clinical: no admins)."""
    client, _ = await access.load_client(
        session=session,
        caller=caller,
        client_id=id,
        area=Area.CLINICAL,
        write=False,
        ctx=audit_context(request),
    )
    query = select(Episode).where(col(Episode.client_id) == client.id)
    after = page.after_values(datetime, uuid.UUID)
    if after:
        query = query.where(tuple_(col(Episode.created_at), col(Episode.id)) > after)
    rows = list(
        (
            await session.execute(
                query.order_by(col(Episode.created_at), col(Episode.id)).limit(page.limit + 1)
            )
        ).scalars()
    )
    ring = app_state(request).secrets.key_ring
    return Page(
        items=[service.episode_view(e, ring=ring) for e in rows[: page.limit]],
        next_cursor=page.next_cursor(rows, lambda e: [e.created_at.isoformat(), str(e.id)]),
    )


@router.post(
    "/v1/clients/{id}/episodes",
    summary="Open an episode",
    status_code=201,
    response_model=EpisodeOut,
    responses=problem_responses(401, 403, 404, 409, 413, 422)
    | created_resource("/v1/episodes/{id}"),
    dependencies=[audited("episode.create", "client"), Depends(idempotency)],
)
async def create_episode(
    request: Request,
    response: Response,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: EpisodeCreate,
) -> EpisodeOut:
    """Open a course of treatment in the initial phase; one open episode per client (409)."""
    ctx = audit_context(request)
    client, _ = await access.load_client(
        session=session, caller=caller, client_id=id, area=Area.CLINICAL, write=True, ctx=ctx
    )
    ring = app_state(request).secrets.key_ring
    episode = await service.create_episode(
        session=session, ring=ring, client=client, episode_in=body, recorded_by=caller.id
    )
    ctx.target("episode", episode.id)
    response.headers["Location"] = f"/v1/episodes/{episode.id}"
    set_etag(response, episode.id, episode.version)
    return service.episode_view(episode, ring=ring)


@router.get(
    "/v1/episodes/{id}",
    summary="Get an episode",
    response_model=EpisodeOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[audited("episode.read", "episode")],
)
async def get_episode(
    request: Request, response: Response, id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> EpisodeOut:
    """One episode with its goals and current phase."""
    episode, _, _ = await load_episode(
        session=session, caller=caller, episode_id=id, write=False, ctx=audit_context(request)
    )
    set_etag(response, episode.id, episode.version)
    return service.episode_view(episode, ring=app_state(request).secrets.key_ring)


@router.patch(
    "/v1/episodes/{id}",
    summary="Change an episode",
    response_model=EpisodeOut,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 428),
    dependencies=[audited("episode.update", "episode")],
)
async def update_episode(
    request: Request,
    response: Response,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: EpisodeUpdate,
    if_match: IfMatch = None,
) -> EpisodeOut:
    """Change the goals or treating therapist of an open episode; needs If-Match."""
    episode, _, _ = await load_episode(
        session=session, caller=caller, episode_id=id, write=True, ctx=audit_context(request)
    )
    expected = require_match(if_match, episode.id, episode.version)
    ring = app_state(request).secrets.key_ring
    episode = await service.update_episode(
        session=session,
        ring=ring,
        episode=episode,
        changes=body.model_dump(exclude_unset=True),
        expected_version=expected,
    )
    set_etag(response, episode.id, episode.version)
    return service.episode_view(episode, ring=ring)


@router.get(
    "/v1/episodes/{id}/phase-transitions",
    name="list_phase_transitions",
    summary="List an episode's phase history",
    response_model=Page[PhaseTransitionOut],
    responses=problem_responses(400, 401, 403, 404, 422),
    dependencies=[audited("phase_transition.list", "episode")],
)
async def list_transitions(
    request: Request,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    page: Annotated[PageParams, Depends()],
) -> Page[PhaseTransitionOut]:
    """The append-only phase history in order; position 0 is the start in `initial`."""
    episode, _, _ = await load_episode(
        session=session, caller=caller, episode_id=id, write=False, ctx=audit_context(request)
    )
    query = select(PhaseTransition).where(col(PhaseTransition.episode_id) == episode.id)
    after = page.after_values(int)
    if after:
        query = query.where(col(PhaseTransition.position) > after[0])
    rows = list(
        (
            await session.execute(
                query.order_by(col(PhaseTransition.position)).limit(page.limit + 1)
            )
        ).scalars()
    )
    ring = app_state(request).secrets.key_ring
    return Page(
        items=[service.transition_view(t, ring=ring) for t in rows[: page.limit]],
        next_cursor=page.next_cursor(rows, lambda t: [t.position]),
    )


@router.post(
    "/v1/episodes/{id}/phase-transitions",
    name="create_phase_transition",
    summary="Record a phase transition",
    status_code=201,
    response_model=PhaseTransitionOut,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422)
    | created_resource("/v1/episodes/{id}/phase-transitions"),
    dependencies=[audited("phase_transition.create", "episode"), Depends(idempotency)],
)
async def create_transition(
    request: Request,
    response: Response,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: PhaseTransitionCreate,
    if_match: OptionalIfMatch = None,
) -> PhaseTransitionOut:
    """Move the episode to another phase, possibly back-dated (sessions' phases follow).

    If-Match with the episode's ETag is honoured if sent (412 when stale).
    """
    ctx = audit_context(request)
    episode, _, _ = await load_episode(
        session=session, caller=caller, episode_id=id, write=True, ctx=ctx
    )
    # The move compares and sets the version it loaded; a sent ETag must be that one.
    optional_match(if_match, episode.id, episode.version)
    ring = app_state(request).secrets.key_ring
    transition = await service.record_transition(
        session=session, ring=ring, episode=episode, transition_in=body, recorded_by=caller.id
    )
    ctx.target("phase_transition", transition.id)
    response.headers["Location"] = f"/v1/episodes/{episode.id}/phase-transitions"
    return service.transition_view(transition, ring=ring)


@router.post(
    "/v1/episodes/{id}/close",
    summary="Close an episode",
    response_model=EpisodeOut,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 428),
    dependencies=[audited("episode.close", "episode"), Depends(idempotency)],
)
async def close_episode(
    request: Request,
    response: Response,
    id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    body: EpisodeClose,
    if_match: IfMatch = None,
) -> EpisodeOut:
    """Close the episode from any phase; afterwards it is read-only; needs If-Match."""
    episode, _, _ = await load_episode(
        session=session, caller=caller, episode_id=id, write=True, ctx=audit_context(request)
    )
    expected = require_match(if_match, episode.id, episode.version)
    ring = app_state(request).secrets.key_ring
    episode = await service.close_episode(
        session=session, ring=ring, episode=episode, close_in=body, expected_version=expected
    )
    set_etag(response, episode.id, episode.version)
    return service.episode_view(episode, ring=ring)
