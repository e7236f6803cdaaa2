"""Load-or-404 helpers: a session, observation or relationship episode the caller may reach."""

from __future__ import annotations

import uuid
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.context import AuditContext
from app.errors import NotFound
from app.models import Observation, RelationshipEpisode, TherapySession
from app.security import access
from app.security.access import Area
from app.security.caller import Caller
from app.sessions.dependencies import load_session

Finding = TypeVar("Finding", Observation, RelationshipEpisode)


async def load_therapy_session(
    *,
    session: AsyncSession,
    caller: Caller,
    session_id: uuid.UUID,
    write: bool,
    ctx: AuditContext,
) -> TherapySession:
    """A session whose clinical record the caller may read (or write), else 403/404.

    The role is checked once the session's client is known, so that a refusal names it.
    """
    visit, _, _ = await load_session(
        session=session,
        caller=caller,
        session_id=session_id,
        write=write,
        ctx=ctx,
        area=Area.CLINICAL,
        attached=False,  # read for its dates and status, never changed here
    )
    return visit


async def load_finding(
    *,
    session: AsyncSession,
    caller: Caller,
    model: type[Finding],
    finding_id: uuid.UUID,
    write: bool,
    ctx: AuditContext,
) -> tuple[Finding, TherapySession]:
    """An observation or relationship episode the caller may read (or change), with its session.

    The rule is its session's: what the session's lists show, or what may be recorded on it.
    """
    finding, _, _ = await access.load(
        session=session,
        caller=caller,
        model=model,
        id=finding_id,
        area=Area.CLINICAL,
        write=write,
        ctx=ctx,
    )
    visit = await session.get(TherapySession, finding.session_id)
    if visit is None:  # a foreign key guarantees it
        raise NotFound("Not found")
    return finding, visit
