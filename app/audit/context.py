"""The per-request audit context: the one place that knows caller, action, resource and outcome."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import Depends, Request

from app.query_params import check_query

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.models import IdempotencyRecord


@dataclass
class AuditContext:
    """What the access log must say about this request; filled in as the request runs."""

    request_id: str
    method: str
    path: str
    source_ip: str | None
    user_agent: str | None
    route: str | None = None
    action: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    client_ids: set[uuid.UUID] = field(default_factory=set)
    practice_id: uuid.UUID | None = None
    actor_type: str = "anonymous"
    actor_id: uuid.UUID | None = None
    actor_role: str | None = None
    purpose_of_use: str | None = None
    break_glass_reason: str | None = None
    # Ids only (never names or clinical text): e.g. the users a care-team change added.
    details: dict[str, Any] | None = None
    session: AsyncSession | None = None
    # The session autocommits (a read on PostgreSQL): each statement is its own transaction.
    autocommit: bool = False
    # Preset by handlers that must name their own event (e.g. a review); else generated.
    event_id: uuid.UUID | None = None
    idempotency: IdempotencyRecord | None = None
    # What an idempotent replay answers instead of this response's body, when the body holds
    # a secret shown once (an invite token): the secret is never stored.
    replay_body: bytes | None = None
    # Set by handlers that stream: their event is committed before the first byte is sent.
    streaming: bool = False
    # The event is in: written by a streaming handler before its first byte.
    committed: bool = False
    # The `last_used_at` update of the request's API key, if it made one (repeated apart
    # when the request is refused and its work rolled back).
    key_touch: dict[str, Any] | None = None
    # Query parameters the route does not declare, or repeats one that takes a single value
    # (name, message, error type): 422 once the caller is known.
    unknown_query: tuple[tuple[str, str, str], ...] = ()
    # The route's request, once its caller is known: a refusal that names no client yet
    # names the one its query or body names (its body is cached on it by then).
    request: Request | None = None

    def target(self, resource_type: str, resource_id: object | None = None) -> None:
        """Name the resource this request aims at."""
        self.resource_type = resource_type
        self.resource_id = None if resource_id is None else str(resource_id)

    def add_clients(self, *client_ids: uuid.UUID | None) -> None:
        """Record clients whose data the response holds or the request aims at."""
        self.client_ids.update(c for c in client_ids if c is not None)


def audit_context(request: Request) -> AuditContext:
    """The audit context the middleware attached to this request."""
    ctx: AuditContext = request.scope["state"]["audit"]
    return ctx


def audited(action: str, resource_type: str | None = None) -> Any:
    """Route dependency naming the audited action (runs before authentication)."""

    async def _set(request: Request) -> None:
        ctx = audit_context(request)
        ctx.action = action
        if resource_type is not None and ctx.resource_type is None:
            ctx.resource_type = resource_type
        resource_id = request.path_params.get("id")
        if resource_id is not None and ctx.resource_id is None:
            ctx.resource_id = path_id(str(resource_id))
        check_query(request, ctx)

    _set.audit_named = (action, resource_type)  # type: ignore[attr-defined]
    return Depends(_set)


def route_action(route: object) -> tuple[str, str | None] | None:
    """The (action, resource type) a route declares with `audited`, if any."""
    for dependency in getattr(route, "dependencies", ()):
        named = getattr(getattr(dependency, "dependency", None), "audit_named", None)
        if named is not None:
            return named  # type: ignore[no-any-return]
    return None


# The width of audit_event.resource_id.
_RESOURCE_ID_LENGTH = 80


def path_id(raw: str) -> str:
    """A path's id as its event keeps it: a UUID in canonical form however the path spelled
    it (`{…}`, `urn:uuid:…`, upper case), so that a search by id finds every access; other
    text made storable and cut at a whole character to the column's width."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        pass
    kept: list[str] = []
    size = 0
    for char in raw:
        piece = storable(char)
        size += len(piece)
        if size > _RESOURCE_ID_LENGTH:
            break
        kept.append(piece)
    return "".join(kept)


def storable(text: str) -> str:
    """Text any database stores: NUL and lone surrogates (undecodable bytes) escaped.

    A path id PostgreSQL cannot store must still leave its event (SPEC §2.1).
    """
    if text.isascii() and "\x00" not in text:
        return text
    escaped = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return escaped.replace("\x00", "\\x00")
