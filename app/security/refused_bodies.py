"""Requests refused before the route's dependencies ran (SPEC §2.1): still attributed.

A body FastAPI cannot decode, or one over the size limit, is refused before authentication;
so is a request no route answers (404, 405). The event must still name the caller and, where
the route is known, its action and resource. The route is matched and the caller
authenticated here, on the refusal path only.
"""

from __future__ import annotations

from fastapi import Request
from starlette.routing import BaseRoute, Match

from app.audit.context import audit_context, path_id, route_action
from app.errors import AppError
from app.routing import route_path
from app.security import attempts, reach
from app.security.caller import get_caller
from app.state import get_session


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
            ctx.resource_id = path_id(str(raw))
    await _attribute_caller(request, read_body=False)


async def attribute_unrouted(request: Request) -> None:
    """Name caller and resource of a request no route answers (404, or 405 for its method).

    A 405's path belongs to a route: the resource it names is the event's (its client
    named as for any attempt); the action stays unrouted, for no action ran.
    """
    ctx = audit_context(request)
    route = request.scope.get("route")
    if route is None:
        route = _route_of_a_prefix(request)
    named = route_action(route) if route is not None else None
    if named is not None and named[1] is not None and ctx.resource_type is None:
        ctx.resource_type = named[1]
        raw = request.path_params.get("id")
        if raw is not None:
            ctx.resource_id = path_id(str(raw))
    await _attribute_caller(request, read_body=True)


_DEEPEST = 6  # path segments (the leading empty one included) a prefix route may have


def _route_of_a_prefix(request: Request) -> BaseRoute | None:
    """The route a 404's path starts with (`/v1/clients/{id}` of `/v1/clients/{id}/episode`,
    a mistyped path): the resource it names is the one the request aimed at (SPEC §2.1)."""
    # A resource's `{id}` is the third segment (`/v1/clients/{id}`, `/v1/audit/events/{id}`):
    # only the first few are tried, so a long path costs no more than a short one.
    parts = route_path(request.scope).split("/", _DEEPEST + 1)[:_DEEPEST]
    for end in range(len(parts) - 1, 3, -1):
        scope = {**request.scope, "path": "/".join(parts[:end]), "method": "GET", "root_path": ""}
        routes: list[BaseRoute] = request.app.router.routes
        for route in routes:
            match, child = route.matches(scope)
            if match == Match.FULL and "id" in child.get("path_params", {}):
                request.scope["path_params"] = child["path_params"]
                return route
    return None


async def _attribute_caller(request: Request, *, read_body: bool) -> None:
    """Authenticate a request its route did not, to name who sent it and the client it named."""
    ctx = audit_context(request)
    if ctx.actor_type != "anonymous" or "authorization" not in request.headers:
        if ctx.actor_type == "anonymous":
            await attempts.name_target(get_session(request), ctx, request, read_body=read_body)
        return
    session = get_session(request)
    try:
        caller = await get_caller(request, session)
    except AppError:
        return  # refused credentials: get_caller has named the target already
    found = reach.kept(session)
    if found is not None and found.client is not None:
        ctx.add_clients(reach.refusal_client(found, caller))
