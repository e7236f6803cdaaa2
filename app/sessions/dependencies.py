"""Load-or-404 for sessions: the session, its client and the caller's reach to that client."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.context import AuditContext
from app.errors import NotFound
from app.models import Client, TherapySession
from app.security import access
from app.security.access import Area, Reach
from app.security.caller import Caller

# Built once (a statement built per request costs more CPU than running it).
_SESSION_WITH_CLIENT = (
    select(TherapySession, Client)
    .join(Client, col(Client.id) == col(TherapySession.client_id))
    .where(col(TherapySession.id) == bindparam("session_id"))
)


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
    # The session and its client in one round trip: the access check needs both.
    found = (await session.execute(_SESSION_WITH_CLIENT, {"session_id": session_id})).first()
    if found is None or found[0].practice_id != caller.practice_id:
        access.check_role(caller, area, write=write)
        raise NotFound("Not found")
    row, client = found
    relation = await access.authorize_client(
        session=session, caller=caller, client=client, area=area, write=write, ctx=ctx
    )
    return row, client, relation
