"""Writes audit events: one per request, in the request's own transaction when it succeeds."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.context import AuditContext
from app.db import utcnow, uuid7
from app.models import AuditEvent, AuditEventClient


def outcome_for(status: int) -> str:
    """Map an HTTP status to the audit outcome."""
    if status < 400:
        return "success"
    if status in (401, 403):
        return "denied"
    if status == 404:
        return "not_found"
    return "error"


def build_event(ctx: AuditContext, status: int, *, at: datetime | None = None) -> AuditEvent:
    """The event row for a finished request (no bodies, names or query values)."""
    return AuditEvent(
        id=ctx.event_id or uuid7(),
        occurred_at=at or utcnow(),
        practice_id=ctx.practice_id,
        request_id=ctx.request_id,
        actor_type=ctx.actor_type,
        actor_id=ctx.actor_id,
        actor_role=ctx.actor_role,
        action=ctx.action or "request.unrouted",
        resource_type=ctx.resource_type,
        resource_id=ctx.resource_id,
        client_ids=sorted(str(c) for c in ctx.client_ids),
        outcome=outcome_for(status),
        http_status=status,
        purpose_of_use=ctx.purpose_of_use,
        break_glass_reason=ctx.break_glass_reason,
        source_ip=ctx.source_ip,
        user_agent=(ctx.user_agent or "")[:300] or None,
        method=ctx.method,
        route=ctx.route,
    )


def add_event(session: AsyncSession, event: AuditEvent) -> None:
    """Stage an event and its per-client index rows in the session."""
    session.add(event)
    for client_id in event.client_ids:
        session.add(
            AuditEventClient(
                event_id=event.id,
                client_id=uuid.UUID(client_id),
                practice_id=event.practice_id,
                occurred_at=event.occurred_at,
            )
        )
