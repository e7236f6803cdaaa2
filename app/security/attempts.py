"""Attributing attempts without valid credentials (SPEC §2.1): the auditor finds them by client.

The caller statement found no one, so it found no resource either; this extra statement runs
only for such refused requests. Bodies refused before routing: `app/security/refused_bodies.py`.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Final

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import ClientDisconnect

from app.audit.context import AuditContext
from app.models import (
    Addendum,
    ApiKey,
    AuditEvent,
    AuditEventClient,
    AuditReview,
    Note,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)
from app.security import reach

# Resources that are not a client's own but belong to a practice (and, for an addendum,
# to its note's client).
_PRACTICE_OWNED: Final[dict[str, Any]] = {
    "user": User.__table__,  # type: ignore[attr-defined]
    "api_key": ApiKey.__table__,  # type: ignore[attr-defined]
    "webhook_endpoint": WebhookEndpoint.__table__,  # type: ignore[attr-defined]
}
_DELIVERY = WebhookDelivery.__table__  # type: ignore[attr-defined]
_NOTE = Note.__table__  # type: ignore[attr-defined]
_ADDENDUM = Addendum.__table__  # type: ignore[attr-defined]
_EVENT = AuditEvent.__table__  # type: ignore[attr-defined]
_EVENT_CLIENT = AuditEventClient.__table__  # type: ignore[attr-defined]
_REVIEW = AuditReview.__table__  # type: ignore[attr-defined]
# The access log's own records: an attempt on one aims at every client its event names.
_LOG_RECORDS: Final = frozenset({"audit_event", "audit_review"})


def _path_id(ctx: AuditContext) -> uuid.UUID | None:
    try:
        return uuid.UUID(ctx.resource_id) if ctx.resource_id else None
    except ValueError:
        return None


_BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


async def named_clients(request: Request, *, read_body: bool = True) -> list[uuid.UUID]:
    """The clients a request names outside its path: each `?client_id=` (a refused request
    may repeat it), else a JSON body's `client_id`.

    The body is read only on the refusal paths that call this; it is within the body limit
    and, where the route takes a body, already read. A body refused as too large or
    undecodable is not read again (``read_body`` False).
    """
    in_query = [_uuid(value) for value in request.query_params.getlist("client_id")]
    named = [client for client in in_query if client is not None]
    if named or not read_body or request.method not in _BODY_METHODS:
        return named
    if "json" not in request.headers.get("content-type", ""):
        return []
    try:
        body = json.loads(await request.body())
    except (ValueError, RuntimeError, ClientDisconnect):
        return []  # not JSON, or not readable (a body cut off at the size limit)
    client = _uuid(body.get("client_id")) if isinstance(body, dict) else None
    return [] if client is None else [client]


async def named_targets(request: Request, *, read_body: bool = True) -> list[tuple[str, uuid.UUID]]:
    """What a request names outside its path, by kind: the clients of `named_clients` and
    each `?episode_id=` (a list of an episode's rows aims at the episode's client)."""
    named = [("client", c) for c in await named_clients(request, read_body=read_body)]
    for value in request.query_params.getlist("episode_id"):
        episode = _uuid(value)
        if episode is not None:
            named.append(("episode", episode))
    return named


async def name_target(
    session: AsyncSession, ctx: AuditContext, request: Request, *, read_body: bool = True
) -> None:
    """Name the practice and clients of the resource an unauthenticated request aimed at.

    The path's resource, else what the query or body names (the first that exists). The
    response reveals nothing (it is the same 401 for any id); only the log says whose record
    was tried.
    """
    target_id = _path_id(ctx)
    kind = ctx.resource_type
    if target_id is not None and kind is not None:
        targets = [(kind, target_id)]
    else:
        targets = await named_targets(request, read_body=read_body)
    for kind, target_id in targets:
        practice, clients = await owners_of(session, kind, target_id)
        if practice is not None:
            ctx.practice_id = practice
            ctx.add_clients(*clients)
            return


async def owners_of(
    session: AsyncSession, kind: str, target_id: uuid.UUID
) -> tuple[uuid.UUID | None, list[uuid.UUID]]:
    """The practice and clients a resource belongs to: `owner_of`, and for the access log's
    own records (an event, a review of one) every client the event names."""
    if kind not in _LOG_RECORDS:
        practice, client = await owner_of(session, kind, target_id)
        return practice, [] if client is None else [client]
    event_id: uuid.UUID | None = target_id
    if kind == "audit_review":
        event_id = await session.scalar(
            sa.select(_REVIEW.c.event_id).where(_REVIEW.c.id == target_id)
        )
    practice = await session.scalar(sa.select(_EVENT.c.practice_id).where(_EVENT.c.id == event_id))
    if practice is None:
        return None, []
    clients = await session.scalars(
        sa.select(_EVENT_CLIENT.c.client_id).where(_EVENT_CLIENT.c.event_id == event_id)
    )
    return practice, sorted(clients)


async def owner_of(
    session: AsyncSession, kind: str, target_id: uuid.UUID
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The practice and client (if any) a resource belongs to; (None, None) if missing."""
    practice: uuid.UUID | None = None
    client: uuid.UUID | None = None
    if kind in reach.MODELS:
        found = await reach.find(session, kind, target_id, None)
        if found.client is not None:
            # A note's client whatever its kind (reach.refusal_client).
            practice, client = found.client.practice_id, found.client.id
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
    elif kind == "webhook_delivery":
        # Its message names the client an outside receiver is told about.
        row = (
            await session.execute(
                sa.select(_DELIVERY.c.practice_id, _DELIVERY.c.payload).where(
                    _DELIVERY.c.id == target_id
                )
            )
        ).first()
        if row is not None:
            practice, client = row.practice_id, _uuid(json.loads(row.payload).get("client_id"))
    elif kind in _PRACTICE_OWNED:
        table = _PRACTICE_OWNED[kind]
        practice = await session.scalar(
            sa.select(table.c.practice_id).where(table.c.id == target_id)
        )
    return practice, client
