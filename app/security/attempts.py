"""Attributing attempts without valid credentials (SPEC §2.1): the auditor finds them by client.

The caller statement found no one, so it found no resource either; this extra statement runs
only for such refused requests. Bodies refused before routing: `app/security/refused_bodies.py`.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.context import AuditContext
from app.models import Addendum, ApiKey, Note, User
from app.security import reach

# Resources that are not a client's own but belong to a practice (and, for an addendum,
# to its note's client).
_PRACTICE_OWNED: Final[dict[str, Any]] = {
    "user": User.__table__,  # type: ignore[attr-defined]
    "api_key": ApiKey.__table__,  # type: ignore[attr-defined]
}
_NOTE = Note.__table__  # type: ignore[attr-defined]
_ADDENDUM = Addendum.__table__  # type: ignore[attr-defined]


def _path_id(ctx: AuditContext) -> uuid.UUID | None:
    try:
        return uuid.UUID(ctx.resource_id) if ctx.resource_id else None
    except ValueError:
        return None


async def name_target(session: AsyncSession, ctx: AuditContext) -> None:
    """Name the practice and client of the resource an unauthenticated request aimed at.

    The response reveals nothing (it is the same 401 for any id); only the log says whose
    record was tried.
    """
    target_id = _path_id(ctx)
    kind = ctx.resource_type
    if target_id is None or kind is None:
        return
    practice, client = await owner_of(session, kind, target_id)
    if practice is not None:
        ctx.practice_id = practice
        ctx.add_clients(client)


async def owner_of(
    session: AsyncSession, kind: str, target_id: uuid.UUID
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """The practice and client (if any) a resource belongs to; (None, None) if missing."""
    practice: uuid.UUID | None = None
    client: uuid.UUID | None = None
    if kind in reach.MODELS:
        found = await reach.find(session, kind, target_id, None)
        if found.client is not None:
            practice, client = found.client.practice_id, found.client.id
            if kind == "note" and getattr(found.row, "kind", None) == "psychotherapy":
                client = None  # its refusals name no client, like a missing note's
    elif kind == "addendum":
        row = (
            await session.execute(
                sa.select(_NOTE.c.practice_id, _NOTE.c.client_id, _NOTE.c.kind)
                .join(_ADDENDUM, _ADDENDUM.c.note_id == _NOTE.c.id)
                .where(_ADDENDUM.c.id == target_id)
            )
        ).first()
        if row is not None:
            practice = row.practice_id
            client = None if row.kind == "psychotherapy" else row.client_id
    elif kind in _PRACTICE_OWNED:
        table = _PRACTICE_OWNED[kind]
        practice = await session.scalar(
            sa.select(table.c.practice_id).where(table.c.id == target_id)
        )
    return practice, client
