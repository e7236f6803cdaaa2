"""Unknown query parameters are 422 (SPEC §4): a misspelt filter never returns unfiltered data.

A route's declared query parameters are read once from its FastAPI dependency tree, so a
filter added to a route is accepted as soon as it is declared. On routes that authenticate,
the refusal waits until the caller is known (`get_caller`), so that it is recorded under
them like any other bad input; public routes refuse at once. The same reading gives the
defaults that a list's cursor binding fills in (app/pagination.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
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


def _walk(dependant: Any, names: set[str], defaults: dict[str, str]) -> bool:
    """Collect the query parameters of a dependency tree and their defaults; whether it
    authenticates."""
    for field in dependant.query_params:
        names.add(field.alias)
        if not field.field_info.is_required() and field.default is not None:
            defaults[field.alias] = _as_sent(field.default)
    call = dependant.call
    authenticates = f"{getattr(call, '__module__', '')}.{getattr(call, '__qualname__', '')}"
    found = authenticates == _AUTHENTICATOR
    for sub in dependant.dependencies:
        found = _walk(sub, names, defaults) or found
    return found


def _as_sent(value: Any) -> str:
    """A default as a client would write it in the query."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(getattr(value, "value", value))


def _route_facts(route: Any) -> tuple[frozenset[str], bool, Mapping[str, str]]:
    facts: tuple[frozenset[str], bool, Mapping[str, str]] | None = getattr(route, _FACTS, None)
    if facts is None:
        names: set[str] = set()
        defaults: dict[str, str] = {}
        authenticates = _walk(route.dependant, names, defaults)
        facts = (frozenset(names), authenticates, MappingProxyType(defaults))
        setattr(route, _FACTS, facts)
    return facts


def query_with_defaults(request: Request) -> list[tuple[str, str]]:
    """The query as sent, with each absent parameter that has a default given it, sorted:
    `?order=created_at` and no `order` at all name the same list."""
    items = request.query_params.multi_items()
    route = request.scope.get("route")
    if hasattr(route, "dependant"):
        sent = {name for name, _ in items}
        defaults = _route_facts(route)[2]
        items = [*items, *((k, v) for k, v in defaults.items() if k not in sent)]
    return sorted(items)


def check_query(request: Request, ctx: AuditContext) -> None:
    """Refuse (or, where the route authenticates, mark for refusal) undeclared query names."""
    route = request.scope.get("route")
    if not request.scope.get("query_string") or not hasattr(route, "dependant"):
        return
    declared, authenticates, _ = _route_facts(route)
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
