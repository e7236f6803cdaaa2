"""Writes audit events: one per request, in the request's own transaction when it succeeds.

Events are Core INSERTs on the session's connection, not ORM objects (an ORM flush of the
event and its index rows was the largest item of a read's CPU). On PostgreSQL the event and
its index rows are one statement, compiled once and sent on the driver connection.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app.audit.context import AuditContext
from app.db import connection_of, utcnow, uuid7
from app.driver import DriverStatement
from app.models import AuditEvent, AuditEventClient

_EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]
_EVENT_CLIENTS = AuditEventClient.__table__  # type: ignore[attr-defined]


def outcome_for(status: int) -> str:
    """Map an HTTP status to the audit outcome."""
    if status < 400:
        return "success"
    if status in (401, 403, 429):  # 429: refused by the lockout, as a guess would be
        return "denied"
    if status == 404:
        return "not_found"
    return "error"


def build_event(ctx: AuditContext, status: int, *, at: datetime | None = None) -> dict[str, Any]:
    """The event row for a finished request (no bodies, names or query values)."""
    return {
        "id": ctx.event_id or uuid7(),
        "occurred_at": at or utcnow(),
        "practice_id": ctx.practice_id,
        "request_id": ctx.request_id,
        "actor_type": ctx.actor_type,
        "actor_id": ctx.actor_id,
        "actor_role": ctx.actor_role,
        "action": ctx.action or "request.unrouted",
        "resource_type": ctx.resource_type,
        "resource_id": ctx.resource_id,
        "client_ids": sorted(str(c) for c in ctx.client_ids),
        "outcome": outcome_for(status),
        "http_status": status,
        "purpose_of_use": ctx.purpose_of_use,
        "break_glass_reason": ctx.break_glass_reason,
        "source_ip": ctx.source_ip,
        "user_agent": (ctx.user_agent or "")[:300] or None,
        "method": ctx.method,
        "route": ctx.route,
        "details": ctx.details,
    }


def _event_with_clients() -> sa.Insert:
    """PostgreSQL: the event and its index rows in one statement (atomic without BEGIN)."""
    values = {c.name: sa.bindparam(c.name, type_=c.type) for c in _EVENTS.columns}
    event = (
        _EVENTS.insert()
        .values(values)
        .returning(_EVENTS.c.id, _EVENTS.c.practice_id, _EVENTS.c.occurred_at)
    )
    written = event.cte("written")
    clients = (
        sa.func.unnest(sa.bindparam("index_client_ids", type_=postgresql.ARRAY(sa.Uuid())))
        .table_valued("client_id")
        .render_derived(name="clients")
    )
    rows = sa.select(
        written.c.id, clients.c.client_id, written.c.practice_id, written.c.occurred_at
    ).select_from(written.join(clients, sa.true()))
    insert: sa.Insert = _EVENT_CLIENTS.insert().from_select(
        ["event_id", "client_id", "practice_id", "occurred_at"], rows
    )
    return insert


_EVENT_WITH_CLIENTS = _event_with_clients()


_EVENT_ON_DRIVER = DriverStatement(_EVENT_WITH_CLIENTS)


async def _insert(conn: AsyncConnection, event: dict[str, Any]) -> None:
    # PostgreSQL: one statement, atomic by itself, inside the request's transaction if any.
    if "details" not in event:  # events built elsewhere (operator commands) may omit it
        event = {**event, "details": None}
    if conn.dialect.name == "postgresql":
        client_ids = [uuid.UUID(c) for c in event["client_ids"]]
        await _EVENT_ON_DRIVER.run(conn, {**event, "index_client_ids": client_ids})
        return
    await conn.execute(_EVENTS.insert(), event)
    if event["client_ids"]:
        await conn.execute(
            _EVENT_CLIENTS.insert(),
            [
                {
                    "event_id": event["id"],
                    "client_id": uuid.UUID(client_id),
                    "practice_id": event["practice_id"],
                    "occurred_at": event["occurred_at"],
                }
                for client_id in event["client_ids"]
            ],
        )


async def add_event(session: AsyncSession, event: dict[str, Any]) -> None:
    """Insert an event and its per-client index rows in the session's transaction.

    A GET's session autocommits on PostgreSQL: there its event is a statement of its own.
    """
    await _insert(await connection_of(session), event)


async def add_event_on(conn: AsyncConnection, event: dict[str, Any]) -> None:
    """Insert an event on a connection that has no transaction of its own, and commit it."""
    await _insert(conn, event)
    await conn.commit()


async def write_event(engine: AsyncEngine, event: dict[str, Any]) -> None:
    """Insert an event on a connection of its own and commit it.

    On PostgreSQL one autocommit statement (atomic, no BEGIN/COMMIT); on SQLite a
    transaction of its two statements.
    """
    async with engine.connect() as conn:
        await add_event_on(conn, event)
