"""Auditor queries: search, one event, a client's access report, break-the-glass and reviews."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from app.audit.api.schemas import AccessReportOut, ActorAccess, AuditEventOut
from app.audit.ledger import events
from app.audit.ledger.tree import EVENT, EVENT_CLIENT, LEAF
from app.models import AuditReview

REVIEW = SQLModel.metadata.tables[AuditReview.__tablename__]
BREAK_GLASS = EVENT.c.break_glass_reason.is_not(None)


@dataclass(frozen=True)
class EventFilters:
    """The search filters of SPEC §4; every one optional."""

    client_id: uuid.UUID | None = None
    actor_id: uuid.UUID | None = None
    action: str | None = None
    outcome: str | None = None
    resource_type: str | None = None
    break_glass: bool | None = None
    purpose: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    reviewed: bool | None = None


def event_out(row: Any) -> AuditEventOut:
    """The API form of an event row joined with its leaf."""
    found = events.event_json(
        row, seq=row.seq, leaf_hash=None if row.leaf_hash is None else bytes(row.leaf_hash)
    )
    # A row inserted behind the service may hold ids that are no strings (verify names it,
    # `event_not_canonical`): shown as their JSON text, so that one row cannot 500 a search.
    ids = found.get("client_ids") or []
    if not all(isinstance(c, str) for c in ids):
        found["client_ids"] = [c if isinstance(c, str) else json.dumps(c) for c in ids]
    return AuditEventOut.model_validate(found)


def _columns() -> tuple[Any, ...]:
    return (*EVENT.c, LEAF.c.seq, LEAF.c.leaf_hash)


def search_query(
    practice_id: uuid.UUID, f: EventFilters, *, after: tuple[Any, ...] | None, limit: int
) -> sa.Select[Any]:
    """Newest first over the whole history; a client filter walks the per-client index."""
    conditions: list[Any] = [EVENT.c.practice_id == practice_id]
    if f.client_id is not None:
        base: Any = EVENT_CLIENT.join(EVENT, EVENT.c.id == EVENT_CLIENT.c.event_id)
        occurred, ident = EVENT_CLIENT.c.occurred_at, EVENT_CLIENT.c.event_id
        conditions += [
            EVENT_CLIENT.c.client_id == f.client_id,
            EVENT_CLIENT.c.practice_id == practice_id,
        ]
    else:
        base, occurred, ident = EVENT, EVENT.c.occurred_at, EVENT.c.id
    for column, value in (
        (EVENT.c.actor_id, f.actor_id),
        (EVENT.c.action, f.action),
        (EVENT.c.outcome, f.outcome),
        (EVENT.c.resource_type, f.resource_type),
        (EVENT.c.purpose_of_use, f.purpose),
    ):
        if value is not None:
            conditions.append(column == value)
    if f.break_glass is not None:
        conditions.append(BREAK_GLASS if f.break_glass else EVENT.c.break_glass_reason.is_(None))
    if f.reviewed is not None:
        reviewed = sa.exists().where(REVIEW.c.event_id == EVENT.c.id)
        conditions.append(reviewed if f.reviewed else ~reviewed)
    if f.start is not None:
        conditions.append(occurred >= f.start)
    if f.end is not None:
        conditions.append(occurred < f.end)
    if after is not None:
        conditions.append(sa.tuple_(occurred, ident) < after)
    return (
        sa.select(*_columns())
        .select_from(base.outerjoin(LEAF, LEAF.c.event_id == EVENT.c.id))
        .where(*conditions)
        .order_by(occurred.desc(), ident.desc())
        .limit(limit)
    )


async def search(
    session: AsyncSession,
    practice_id: uuid.UUID,
    f: EventFilters,
    *,
    after: tuple[Any, ...] | None,
    limit: int,
) -> list[Any]:
    """Up to ``limit`` event rows matching the filters, newest first."""
    return list(
        (await session.execute(search_query(practice_id, f, after=after, limit=limit))).all()
    )


async def get_event(
    session: AsyncSession, practice_id: uuid.UUID, event_id: uuid.UUID
) -> Any | None:
    """One event of the practice with its leaf, or None."""
    query = (
        sa.select(*_columns())
        .select_from(EVENT.outerjoin(LEAF, LEAF.c.event_id == EVENT.c.id))
        .where(EVENT.c.id == event_id, EVENT.c.practice_id == practice_id)
    )
    return (await session.execute(query)).first()


def client_ids_of(rows: Sequence[Any]) -> list[uuid.UUID]:
    """Every client named by the given events (what an auditor's response held)."""
    found: set[uuid.UUID] = set()
    for row in rows:
        for value in row.client_ids if isinstance(row.client_ids, list) else ():
            try:
                found.add(uuid.UUID(str(value)))
            except ValueError:
                continue
    return sorted(found)


async def access_report(
    session: AsyncSession,
    practice_id: uuid.UUID,
    client_id: uuid.UUID,
    start: datetime | None,
    end: datetime | None,
) -> AccessReportOut:
    """Per actor: role, counts by action and outcome, first and last access, break-glass."""
    bg = sa.func.sum(sa.case((BREAK_GLASS, 1), else_=0))
    query = (
        sa.select(
            EVENT.c.actor_type,
            EVENT.c.actor_id,
            EVENT.c.actor_role,
            EVENT.c.action,
            EVENT.c.outcome,
            sa.func.count(),
            sa.func.min(EVENT.c.occurred_at),
            sa.func.max(EVENT.c.occurred_at),
            bg,
        )
        .select_from(EVENT_CLIENT.join(EVENT, EVENT.c.id == EVENT_CLIENT.c.event_id))
        .where(
            EVENT_CLIENT.c.client_id == client_id,
            EVENT_CLIENT.c.practice_id == practice_id,
            EVENT.c.practice_id == practice_id,
        )
        .group_by(
            EVENT.c.actor_type,
            EVENT.c.actor_id,
            EVENT.c.actor_role,
            EVENT.c.action,
            EVENT.c.outcome,
        )
    )
    if start is not None:
        query = query.where(EVENT_CLIENT.c.occurred_at >= start)
    if end is not None:
        query = query.where(EVENT_CLIENT.c.occurred_at < end)
    actors: dict[tuple[str, str | None], dict[str, Any]] = {}
    total = 0
    for a_type, a_id, role, action, outcome, count, first, last, glass in (
        await session.execute(query)
    ).all():
        key = (a_type, None if a_id is None else str(a_id))
        entry = actors.setdefault(
            key,
            {
                "actor_type": a_type,
                "actor_id": key[1],
                "role": role,
                "total": 0,
                "by_action": {},
                "by_outcome": {},
                "first_access": first,
                "last_access": last,
                "break_glass_count": 0,
            },
        )
        entry["total"] += count
        entry["by_action"][action] = entry["by_action"].get(action, 0) + count
        entry["by_outcome"][outcome] = entry["by_outcome"].get(outcome, 0) + count
        entry["first_access"] = min(entry["first_access"], first)
        if last >= entry["last_access"]:
            entry["last_access"], entry["role"] = last, role
        entry["break_glass_count"] += int(glass or 0)
        total += count
    ordered = sorted(actors.values(), key=lambda a: a["last_access"], reverse=True)
    return AccessReportOut.model_validate(
        {
            "client_id": client_id,
            "from": start,
            "to": end,
            "total_events": total,
            "actors": [ActorAccess.model_validate(a) for a in ordered],
        }
    )


async def get_review(
    session: AsyncSession, practice_id: uuid.UUID, review_id: uuid.UUID
) -> AuditReview | None:
    """One review of the practice, or None."""
    review = await session.get(AuditReview, review_id)
    return review if review is not None and review.practice_id == practice_id else None


async def reviews_for(
    session: AsyncSession, event_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[AuditReview]]:
    """The reviews of each event, oldest first."""
    out: dict[uuid.UUID, list[AuditReview]] = {e: [] for e in event_ids}
    if not event_ids:
        return out
    query = (
        sa.select(AuditReview)
        .where(REVIEW.c.event_id.in_(list(event_ids)))
        .order_by(REVIEW.c.reviewed_at, REVIEW.c.id)
    )
    for review in (await session.execute(query)).scalars():
        out[review.event_id].append(review)
    return out


async def clients_in(
    session: AsyncSession,
    practice_id: uuid.UUID,
    start: datetime | None,
    end: datetime | None,
) -> list[uuid.UUID]:
    """Every client the practice's events of a time range name (what an export holds)."""
    query = sa.select(EVENT_CLIENT.c.client_id).distinct()
    query = query.where(EVENT_CLIENT.c.practice_id == practice_id)
    if start is not None:
        query = query.where(EVENT_CLIENT.c.occurred_at >= start)
    if end is not None:
        query = query.where(EVENT_CLIENT.c.occurred_at < end)
    return list((await session.execute(query)).scalars())
