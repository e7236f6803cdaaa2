"""Load-or-404 for notes: the session a note list aims at, and a note within reach."""

from __future__ import annotations

import uuid

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.context import AuditContext, audit_context
from app.models import Note, TherapySession
from app.security import access
from app.security.access import Area, NoteAction
from app.security.caller import Caller


async def load_note_session(
    *, session: AsyncSession, caller: Caller, session_id: uuid.UUID, write: bool, ctx: AuditContext
) -> TherapySession:
    """The session, if the caller may list (or write) notes on it; else 404/403."""
    therapy_session, _, relation = await access.load(
        session=session,
        caller=caller,
        model=TherapySession,
        id=session_id,
        area=Area.NOTES,
        write=write,
        ctx=ctx,
        attached=False,
    )
    if write:
        access.authorize_new_note(relation)
    return therapy_session


async def load_note(
    request: Request, session: AsyncSession, caller: Caller, note_id: uuid.UUID, action: NoteAction
) -> Note:
    """The path's note, if the caller may do this action on it; else 404/403."""
    return await access.load_note(
        session=session, caller=caller, note_id=note_id, action=action, ctx=audit_context(request)
    )
