"""Unknown or repeated query parameters are 422 (SPEC §4): a misspelt filter never returns
unfiltered data, and `?client_id=A&client_id=B` never silently answers for one of the two.

A route's declared query parameters are read once from its FastAPI dependency tree, so a
filter added to a route is accepted as soon as it is declared. On routes that authenticate,
the refusal waits until the caller is known (`get_caller`), so that it is recorded under
them like any other bad input; public routes refuse at once. The same reading gives the
defaults that a list's cursor binding fills in (app/pagination.py).
"""

from __future__ import annotations

import types
import typing
from collections import Counter
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


_SEQUENCES = (list, tuple, set, frozenset)


def _takes_many(annotation: Any) -> bool:
    """Whether a query parameter's type is a sequence (`?tag=a&tag=b`), through Optional."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_takes_many(arg) for arg in typing.get_args(annotation))
    return annotation in _SEQUENCES or origin in _SEQUENCES


def _walk(dependant: Any, names: set[str], defaults: dict[str, str], many: set[str]) -> bool:
    """Collect the query parameters of a dependency tree, their defaults and those that take
    several values; whether it authenticates."""
    for field in dependant.query_params:
        names.add(field.alias)
        if _takes_many(field.field_info.annotation):
            many.add(field.alias)
        if not field.field_info.is_required() and field.default is not None:
            defaults[field.alias] = _as_sent(field.default)
    call = dependant.call
    authenticates = f"{getattr(call, '__module__', '')}.{getattr(call, '__qualname__', '')}"
    found = authenticates == _AUTHENTICATOR
    for sub in dependant.dependencies:
        found = _walk(sub, names, defaults, many) or found
    return found


def _as_sent(value: Any) -> str:
    """A default as a client would write it in the query."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(getattr(value, "value", value))


_Facts = tuple[frozenset[str], bool, Mapping[str, str], frozenset[str]]


def _route_facts(route: Any) -> _Facts:
    facts: _Facts | None = getattr(route, _FACTS, None)
    if facts is None:
        names: set[str] = set()
        defaults: dict[str, str] = {}
        many: set[str] = set()
        authenticates = _walk(route.dependant, names, defaults, many)
        facts = (frozenset(names), authenticates, MappingProxyType(defaults), frozenset(many))
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
    """Refuse (or, where the route authenticates, mark for refusal) undeclared query names
    and declared single-valued ones given more than once."""
    route = request.scope.get("route")
    if not request.scope.get("query_string") or not hasattr(route, "dependant"):
        return
    declared, authenticates, _, many = _route_facts(route)
    sent = Counter(name for name, _ in request.query_params.multi_items())
    unknown = [(name, "Unknown query parameter", "extra_forbidden") for name in sent]
    unknown = [entry for entry in unknown if entry[0] not in declared]
    repeated = [
        (name, "Given more than once; this parameter takes one value", "repeated")
        for name, count in sent.items()
        if count > 1 and name in declared and name not in many
    ]
    if not unknown and not repeated:
        return
    ctx.unknown_query = tuple(sorted(unknown + repeated))
    if not authenticates:
        reject_unknown_query(ctx)


def reject_unknown_query(ctx: AuditContext) -> None:
    """422 naming every unknown or repeated query parameter of this request, if any."""
    if ctx.unknown_query:
        raise RequestValidationError(
            [
                {"loc": ("query", name), "msg": msg, "type": kind}
                for name, msg, kind in ctx.unknown_query
            ]
        )
