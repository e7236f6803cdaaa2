"""Attributing refused requests (SPEC §2.1): every attempt is found by the practice's auditor.

Two kinds of request end before the route's own dependencies run, so their event would name
nobody: a body FastAPI cannot decode or one over the size limit (the caller was never
authenticated), and a request without valid credentials (the caller statement found no one,
so it found no resource either). Both are rare; these extra statements run only for them.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import Match

from app.audit.context import AuditContext, audit_context, route_action, storable
from app.errors import AppError
from app.models import Addendum, ApiKey, Note, User
from app.security import reach

# Resources that are not a client's own but belong to a practice (and, for an addendum,
# to its note's client).
_PRACTICE_OWNED: Final[dict[str, Any]] = {
    "user": User.__table__,  # type: ignore[attr-defined]
    "api_key": ApiKey.__table__,  # type: ignore[attr-defined]
}
_NOTE = Note.__table__  # type: ignore[attr-defined]
_ADDENDUM = Addendum.__table__  # type: ignore[attr-defined]


def _path_id(ctx: AuditContext) -> uuid.UUID | None:
    try:
        return uuid.UUID(ctx.resource_id) if ctx.resource_id else None
    except ValueError:
        return None


async def name_target(session: AsyncSession, ctx: AuditContext) -> None:
    """Name the practice and client of the resource an unauthenticated request aimed at.

    The response reveals nothing (it is the same 401 for any id); only the log says whose
    record was tried.
    """
    target_id = _path_id(ctx)
    kind = ctx.resource_type
    if target_id is None or kind is None:
        return
    practice, client = await owner_of(session, kind, target_id)
    if practice is not None:
        ctx.practice_id = practice
        ctx.add_clients(client)


async def owner_of(
    session: AsyncSession, kind: str, target_id: uuid.UUID
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The practice and client (if any) a resource belongs to; (None, None) if missing."""
    practice: uuid.UUID | None = None
    client: uuid.UUID | None = None
    if kind in reach.MODELS:
        found = await reach.find(session, kind, target_id, None)
        if found.client is not None:
            practice, client = found.client.practice_id, found.client.id
            if kind == "note" and getattr(found.row, "kind", None) == "psychotherapy":
                client = None  # its refusals name no client, like a missing note's
    elif kind == "addendum":
        row = (
            await session.execute(
                sa.select(_NOTE.c.practice_id, _NOTE.c.client_id)
                .join(_ADDENDUM, _ADDENDUM.c.note_id == _NOTE.c.id)
                .where(_ADDENDUM.c.id == target_id)
            )
        ).first()
        if row is not None:
            practice, client = row.practice_id, row.client_id
    elif kind in _PRACTICE_OWNED:
        table = _PRACTICE_OWNED[kind]
        practice = await session.scalar(
            sa.select(table.c.practice_id).where(table.c.id == target_id)
        )
    return practice, client


def _match_route(request: Request) -> None:
    """Route an unrouted request (refused before routing) far enough to name its action."""
    scope = request.scope
    if scope.get("route") is not None:
        return
    for route in request.app.router.routes:
        match, child = route.matches(scope)
        if match == Match.FULL:
            scope.update(child)
            scope["route"] = route
            break


async def attribute_refused_body(request: Request) -> None:
    """Name route, action, caller and resource of a request whose body was refused.

    Malformed or oversized bodies are refused before the route's dependencies run; the
    event must still say who sent it and what it aimed at (§2.1).
    """
    from app.security.caller import get_caller  # the caller module imports this one
    from app.state import get_session

    ctx = audit_context(request)
    _match_route(request)
    route = request.scope.get("route")
    if route is None:
        return
    ctx.route = getattr(route, "path", None)
    if ctx.action is None:
        named = route_action(route)
        if named is None:
            return
        ctx.action = named[0]
        if ctx.resource_type is None:
            ctx.resource_type = named[1]
        raw = request.path_params.get("id")
        if raw is not None and ctx.resource_id is None:
            ctx.resource_id = storable(str(raw)[:80])
    if ctx.actor_type != "anonymous" or "authorization" not in request.headers:
        if ctx.actor_type == "anonymous":
            await name_target(get_session(request), ctx)
        return
    session = get_session(request)
    try:
        caller = await get_caller(request, session)
    except AppError:
        return  # refused credentials: get_caller has named the target already
    found = reach.kept(session)
    if found is not None and found.client is not None:
        if found.client.practice_id == caller.practice_id:
            ctx.add_clients(found.client.id)
