"""How far the deliverer's fan-out is behind the feed: its health check."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import utcnow
from app.models import FeedEvent, WebhookEndpoint

_E = WebhookEndpoint.__table__  # type: ignore[attr-defined]
_F = FeedEvent.__table__  # type: ignore[attr-defined]


async def fan_out_lag(conn: AsyncConnection) -> float:
    """Seconds since the oldest feed event that an enabled endpoint has not yet taken up."""
    oldest = await conn.execute(
        sa.select(sa.func.min(_F.c.occurred_at))
        .select_from(
            _E.join(
                _F,
                sa.and_(
                    _F.c.practice_id == _E.c.practice_id,
                    _F.c.position == _E.c.cursor_position + 1,
                ),
            )
        )
        .where(_E.c.enabled)
    )
    at = oldest.scalar_one_or_none()
    return 0.0 if at is None else max(0.0, (utcnow() - at).total_seconds())
