"""A sequencer's backlog, read from the database: readiness and metrics of one that runs elsewhere.

The API process uses this when the sequencer runs in a process of its own
(``app.audit.ledger.sequencer_process``): the backlog in the database also shows a sequencer
that died.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import metrics
from app.audit.ledger.tree import CHECKPOINT, EVENT, LEAF
from app.db import utcnow

LAG_LIMIT: Final = 30.0  # seconds an event may wait for its number before readiness fails

# Events after the newest sequenced one that have no leaf yet: the backlog. Bounded by the
# backlog itself (index on occurred_at, a probe of audit_leaf's unique event_id per row), so
# a readiness probe stays cheap under load. Late commits older than the newest sequenced
# event are the sequencer's look-back's business (picked up within 5 s).
_NEWEST = (
    sa.select(EVENT.c.occurred_at)
    .join(LEAF, LEAF.c.event_id == EVENT.c.id)
    .order_by(LEAF.c.seq.desc())
    .limit(1)
    .scalar_subquery()
)
BACKLOG: Final = sa.select(sa.func.min(EVENT.c.occurred_at), sa.func.count()).where(
    ~sa.exists().where(LEAF.c.event_id == EVENT.c.id),
    sa.or_(_NEWEST.is_(None), EVENT.c.occurred_at >= _NEWEST),
)


@dataclass(frozen=True)
class Backlog:
    """Committed events still waiting for a sequence number."""

    waiting: int
    lag: float


# The newest checkpoint's tree size (the sequencer process publishes it in its own metrics).
SIGNED_SIZE: Final = sa.select(sa.func.max(CHECKPOINT.c.tree_size))


async def read_backlog(engine: AsyncEngine, now: datetime | None = None) -> Backlog:
    """How many events wait and how long the oldest of them has waited, from the database."""
    async with engine.connect() as conn:
        return await _backlog(conn, now)


async def _backlog(conn: AsyncConnection, now: datetime | None = None) -> Backlog:
    oldest, waiting = (await conn.execute(BACKLOG)).one()
    if oldest is None:
        return Backlog(0, 0.0)
    if oldest.tzinfo is None:  # SQLite hands back naive UTC
        oldest = oldest.replace(tzinfo=(now or utcnow()).tzinfo)
    lag = max(0.0, ((now or utcnow()) - oldest).total_seconds())
    return Backlog(int(waiting), lag)


class SequencerWatch:
    """The API's view of a sequencer that runs elsewhere: readiness and metrics."""

    def __init__(self, engine: AsyncEngine) -> None:
        """Watch the log of this engine's database."""
        self.engine = engine

    async def observe(self) -> Backlog:
        """Read the backlog and the signed tree size; publish them as the sequencer's metrics."""
        async with self.engine.connect() as conn:
            backlog = await _backlog(conn)
            signed = (await conn.execute(SIGNED_SIZE)).scalar_one()
        metrics.TREE_SIZE.set(signed or 0)
        metrics.SEQUENCER_LAG.set(backlog.lag)
        metrics.UNSEQUENCED.set(backlog.waiting)
        return backlog

    async def readiness(self) -> str:
        """'ok', or how far behind the log is."""
        try:
            backlog = await self.observe()
        except Exception as exc:  # noqa: BLE001 - not ready, whatever the cause
            return f"unknown ({type(exc).__name__})"
        if backlog.lag > LAG_LIMIT:
            return f"lagging {backlog.lag:.0f}s behind ({backlog.waiting} events)"
        return "ok"
