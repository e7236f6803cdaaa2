"""Load-or-404 for episodes: the episode, its client and the caller's reach to that client."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.context import AuditContext
from app.models import Episode
from app.security import access
from app.security.access import Area, Reach
from app.security.caller import Caller
from app.security.reach import ClientFacts


async def load_episode(
    *,
    session: AsyncSession,
    caller: Caller,
    episode_id: uuid.UUID,
    write: bool,
    ctx: AuditContext | None = None,
    area: Area = Area.CLINICAL,
) -> tuple[Episode, ClientFacts, Reach]:
    """An episode the caller may read (or change), else 404 (or 403 for a role that never may)."""
    return await access.load(
        session=session,
        caller=caller,
        model=Episode,
        id=episode_id,
        area=area,
        write=write,
        ctx=ctx,
    )
