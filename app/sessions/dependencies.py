"""Load-or-404 for sessions: the session, its client and the caller's reach to that client."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.context import AuditContext
from app.models import TherapySession
from app.security import access
from app.security.access import Area, Reach
from app.security.caller import Caller
from app.security.reach import ClientFacts


async def load_session(
    *,
    session: AsyncSession,
    caller: Caller,
    session_id: uuid.UUID,
    write: bool,
    ctx: AuditContext | None = None,
    area: Area = Area.SESSIONS,
    attached: bool | None = None,
) -> tuple[TherapySession, ClientFacts, Reach]:
    """A session within reach for `area` (notes pass NOTES), else 404, or 403 for the role."""
    return await access.load(
        session=session,
        caller=caller,
        model=TherapySession,
        id=session_id,
        area=area,
        write=write,
        ctx=ctx,
        attached=attached,
    )
