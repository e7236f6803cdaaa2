"""Reading the change feed in position order, and dropping events past their retention."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.db import utcnow
from app.models import FeedEvent

_EVENTS = FeedEvent.__table__  # type: ignore[attr-defined]
MIN_RETENTION_DAYS = 30


async def events_after(
    session: AsyncSession,
    *,
    practice_id: uuid.UUID,
    after: int,
    types: Collection[str],
    limit: int,
    clinicians_only: bool = False,
) -> list[Any]:
    """Up to `limit` events of these types with a position above `after`, in order.

    `clinicians_only`: without events about staff other than clinicians, for a key
    (`users:read` reads no other staff; SPEC §9), as marked when each event was written.
    """
    if not types:
        return []
    shown: sa.ColumnElement[bool] = sa.true()
    if clinicians_only:
        shown = _EVENTS.c.staff_only.is_(False)
    query = (
        sa.select(_EVENTS)
        .where(
            _EVENTS.c.practice_id == practice_id,
            _EVENTS.c.position > after,
            _EVENTS.c.type.in_(sorted(types)),
            shown,
        )
        .order_by(_EVENTS.c.position)
        .limit(limit)
    )
    return list((await session.execute(query)).all())


async def purge(conn: AsyncConnection, *, older_than_days: int, batch: int = 10_000) -> int:
    """Delete events older than the given days (at least 30), in batches; the count deleted."""
    if older_than_days < MIN_RETENTION_DAYS:
        raise ValueError(f"feed events are kept at least {MIN_RETENTION_DAYS} days")
    cutoff = utcnow() - timedelta(days=older_than_days)
    total = 0
    while True:
        ids = sa.select(_EVENTS.c.id).where(_EVENTS.c.occurred_at < cutoff).limit(batch)
        result = await conn.execute(sa.delete(_EVENTS).where(_EVENTS.c.id.in_(ids)))
        await conn.commit()
        deleted = int(result.rowcount or 0)
        total += deleted
        if deleted < batch:
            return total
