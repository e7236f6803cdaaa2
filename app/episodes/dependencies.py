"""Load-or-404 for episodes: the episode, its client and the caller's reach to that client."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.context import AuditContext
from app.errors import NotFound
from app.models import Client, Episode
from app.security import access
from app.security.access import Area, Reach
from app.security.caller import Caller


async def load_episode(
    *,
    session: AsyncSession,
    caller: Caller,
    episode_id: uuid.UUID,
    write: bool,
    ctx: AuditContext | None = None,
    area: Area = Area.CLINICAL,
) -> tuple[Episode, Client, Reach]:
    """An episode the caller may read (or change), else 404 (or 403 for a role that never may)."""
    episode = await session.get(Episode, episode_id)
    if episode is None or episode.practice_id != caller.practice_id:
        access.check_role(caller, area, write=write)
        raise NotFound("Not found")
    client = await session.get(Client, episode.client_id)
    if client is None:
        raise NotFound("Not found")
    relation = await access.authorize_client(
        session=session, caller=caller, client=client, area=area, write=write, ctx=ctx
    )
    return episode, client, relation
