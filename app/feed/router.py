"""GET /v1/events: the practice's change feed, for admins and `events:read` keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response

from app.audit.context import audit_context, audited
from app.errors import Forbidden, problem_responses
from app.feed import service
from app.feed.schemas import FeedPage, event_out
from app.feed.types import TYPES_PATTERN, expand_types, readable_types
from app.json_body import api_router
from app.pagination import DEFAULT_LIMIT, MAX_LIMIT, link_next
from app.security.caller import Caller, CallerDep
from app.state import SessionDep

router = api_router(tags=["events"])


def require_feed_reader(caller: Caller) -> frozenset[str]:
    """403 unless an admin or an `events:read` key; else the types this caller may read."""
    if not (caller.has_role("admin") or caller.has_scope("events:read")):
        raise Forbidden("Reading the change feed needs an admin or the events:read scope")
    return readable_types(caller)


@router.get(
    "/v1/events",
    summary="Read the change feed",
    name="list_feed_events",
    response_model=FeedPage,
    responses=problem_responses(401, 403, 422),
    dependencies=[audited("event.list", "event")],
)
async def list_events(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    after: Annotated[
        int,
        Query(ge=0, le=2**62, description="The last position already seen (0: from the start)."),
    ] = 0,
    types: Annotated[
        str | None,
        Query(
            max_length=2000,
            pattern=TYPES_PATTERN,
            description="Comma-separated event types; `session.*` names a whole kind.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (max 200).")] = (
        DEFAULT_LIMIT
    ),
) -> FeedPage:
    """Changes after `after`, in position order, of the types the caller may read.

    A key sees `user.*` events of clinicians only, the staff `users:read` reads.

    Events are thin (ids and types): fetch the resource with your own key. `next_cursor` is
    the position to pass as `after` for the next page (null when this page was the last).
    """
    readable = require_feed_reader(caller)
    rows = await service.events_after(
        session,
        practice_id=caller.practice_id,
        after=after,
        types=expand_types(types) & readable,
        limit=limit,
        clinicians_only=caller.kind == "api_key",
    )
    audit_context(request).add_clients(*(row.client_id for row in rows))
    next_cursor = str(rows[-1].position) if len(rows) == limit else None
    if next_cursor is not None:
        link_next(response, request, next_cursor, "after")
    return FeedPage(items=[event_out(row) for row in rows], next_cursor=next_cursor)
