"""Load-or-404 dependencies: the session a note list aims at, and a note within reach."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Depends, Request

from app.audit.context import audit_context
from app.models import Note, TherapySession
from app.security import access
from app.security.access import Area, NoteAction
from app.security.caller import CallerDep
from app.state import SessionDep


def session_for(*, write: bool) -> Any:
    """Dependency: the path's session, if the caller may list (or write) notes on it."""

    async def dependency(
        id: uuid.UUID, request: Request, session: SessionDep, caller: CallerDep
    ) -> TherapySession:
        therapy_session, _, relation = await access.load(
            session=session,
            caller=caller,
            model=TherapySession,
            id=id,
            area=Area.NOTES,
            write=write,
            ctx=audit_context(request),
            attached=False,
        )
        if write:
            access.authorize_new_note(relation)
        return therapy_session

    return Depends(dependency)


def note_for(action: NoteAction) -> Any:
    """Dependency: the path's note, if the caller may do this action on it (else 404/403)."""

    async def dependency(
        id: uuid.UUID, request: Request, session: SessionDep, caller: CallerDep
    ) -> Note:
        return await access.load_note(
            session=session, caller=caller, note_id=id, action=action, ctx=audit_context(request)
        )

    return Depends(dependency)
