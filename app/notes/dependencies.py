"""Load-or-404 dependencies: the session a note list aims at, and a note within reach."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Depends, Request
from sqlalchemy import bindparam, select
from sqlmodel import col

from app.audit.context import audit_context
from app.errors import NotFound
from app.models import Client, Note, TherapySession
from app.security.access import (
    Area,
    NoteAction,
    authorize_new_note,
    authorize_note,
    check_role,
    load_client,
)
from app.security.caller import CallerDep, SessionDep


def session_for(*, write: bool) -> Any:
    """Dependency: the path's session, if the caller may list (or write) notes on it."""

    async def dependency(
        id: uuid.UUID, request: Request, session: SessionDep, caller: CallerDep
    ) -> TherapySession:
        ctx = audit_context(request)
        therapy_session = await session.get(TherapySession, id)
        if therapy_session is None or therapy_session.practice_id != caller.practice_id:
            check_role(caller, Area.NOTES, write=write)
            raise NotFound("Not found")
        if write:
            await authorize_new_note(
                session=session, caller=caller, client_id=therapy_session.client_id, ctx=ctx
            )
        else:
            await load_client(
                session=session,
                caller=caller,
                client_id=therapy_session.client_id,
                area=Area.NOTES,
                write=False,
                ctx=ctx,
            )
        return therapy_session

    return Depends(dependency)


# Built once (a statement built per request costs more CPU than running it).
_NOTE_WITH_CLIENT = (
    select(Note, Client)
    .join(Client, col(Client.id) == col(Note.client_id))
    .where(col(Note.id) == bindparam("note_id"))
)


def note_for(action: NoteAction) -> Any:
    """Dependency: the path's note, if the caller may do this action on it (else 404/403)."""

    async def dependency(
        id: uuid.UUID, request: Request, session: SessionDep, caller: CallerDep
    ) -> Note:
        # The note and its client in one round trip: the access check needs both.
        found = (await session.execute(_NOTE_WITH_CLIENT, {"note_id": id})).first()
        if found is None:
            raise NotFound("Not found")
        note, client = found
        await authorize_note(
            session=session,
            caller=caller,
            note=note,
            action=action,
            ctx=audit_context(request),
            client=client,
        )
        return note

    return Depends(dependency)
