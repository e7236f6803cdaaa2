"""Load-or-404 for sessions: the session, its client and the caller's reach to that client."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.context import AuditContext
from app.errors import NotFound
from app.models import Client, TherapySession
from app.security import access
from app.security.access import Area, Reach
from app.security.caller import Caller


async def load_session(
    *,
    session: AsyncSession,
    caller: Caller,
    session_id: uuid.UUID,
    write: bool,
    ctx: AuditContext | None = None,
    area: Area = Area.SESSIONS,
) -> tuple[TherapySession, Client, Reach]:
    """A session within reach for `area` (notes pass NOTES), else 404, or 403 for the role."""
    row = await session.get(TherapySession, session_id)
    if row is None or row.practice_id != caller.practice_id:
        access.check_role(caller, area, write=write)
        raise NotFound("Not found")
    client = await session.get(Client, row.client_id)
    if client is None:
        raise NotFound("Not found")
    relation = await access.authorize_client(
        session=session, caller=caller, client=client, area=area, write=write, ctx=ctx
    )
    return row, client, relation
