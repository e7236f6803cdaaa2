"""Unknown query parameters are 422 (SPEC §4): a misspelt filter never returns unfiltered data.

A route's declared query parameters are read once from its FastAPI dependency tree, so a
filter added to a route is accepted as soon as it is declared. On routes that authenticate,
the refusal waits until the caller is known (`get_caller`), so that it is recorded under
them like any other bad input; public routes refuse at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

if TYPE_CHECKING:
    from app.audit.context import AuditContext

# Named rather than imported: app.security.caller depends on the audit context, which checks
# queries here.
_AUTHENTICATOR = "app.security.caller.get_caller"
# Kept on the route itself (routes are not hashable, and an id() may be reused by another app).
_FACTS = "_notes_query_facts"


def _walk(dependant: Any, names: set[str]) -> bool:
    """Collect the query parameter names of a dependency tree; whether it authenticates."""
    names.update(field.alias for field in dependant.query_params)
    call = dependant.call
    authenticates = f"{getattr(call, '__module__', '')}.{getattr(call, '__qualname__', '')}"
    found = authenticates == _AUTHENTICATOR
    for sub in dependant.dependencies:
        found = _walk(sub, names) or found
    return found


def _route_facts(route: Any) -> tuple[frozenset[str], bool]:
    facts: tuple[frozenset[str], bool] | None = getattr(route, _FACTS, None)
    if facts is None:
        names: set[str] = set()
        authenticates = _walk(route.dependant, names)
        facts = (frozenset(names), authenticates)
        setattr(route, _FACTS, facts)
    return facts


def check_query(request: Request, ctx: AuditContext) -> None:
    """Refuse (or, where the route authenticates, mark for refusal) undeclared query names."""
    route = request.scope.get("route")
    if not request.scope.get("query_string") or not hasattr(route, "dependant"):
        return
    declared, authenticates = _route_facts(route)
    unknown = tuple(sorted({k for k in request.query_params if k not in declared}))
    if not unknown:
        return
    ctx.unknown_query = unknown
    if not authenticates:
        reject_unknown_query(ctx)


def reject_unknown_query(ctx: AuditContext) -> None:
    """422 naming every undeclared query parameter of this request, if there is one."""
    if ctx.unknown_query:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", name),
                    "msg": "Unknown query parameter",
                    "type": "extra_forbidden",
                }
                for name in ctx.unknown_query
            ]
        )
