"""The one place that decides who may reach which client's data (SPEC §2).

Routes ask `authorize_client` (or `caseload_clause` for lists); nothing else re-implements
caseload, supervision, scope or break-the-glass rules. Out-of-reach objects are 404, a role
that may never do the action is 403.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audit.context import AuditContext
from app.errors import Forbidden, NotFound
from app.models import CareTeamMember, Client, Note, User
from app.security.caller import Caller


class Area(StrEnum):
    """Kinds of client data with distinct rules."""

    DEMOGRAPHICS = "demographics"
    SESSIONS = "sessions"
    CLINICAL = "clinical"  # episodes, phases, observations, CCRT, measures, progress
    NOTES = "notes"  # progress notes (psychotherapy notes have their own rule)


class Reach(StrEnum):
    """How the caller relates to a client."""

    ADMIN = "admin"
    API_KEY = "api_key"
    CARE_TEAM = "care_team"
    SUPERVISION = "supervision"
    BREAK_GLASS = "break_glass"
    NONE = "none"


_SCOPES = {
    (Area.DEMOGRAPHICS, False): "clients:read",
    (Area.DEMOGRAPHICS, True): "clients:write",
    (Area.SESSIONS, False): "sessions:read",
    (Area.SESSIONS, True): "sessions:write",
    (Area.CLINICAL, False): "progress:read",
    (Area.NOTES, False): "notes:read",
}


def check_role(caller: Caller, area: Area, *, write: bool) -> None:
    """403 when the caller's role or scopes can never do this, whatever the client."""
    if caller.kind == "api_key":
        scope = _SCOPES.get((area, write))
        if scope is None or scope not in caller.scopes:
            raise Forbidden("This API key's scopes do not allow this operation")
        return
    if caller.role in ("therapist", "supervisor"):
        return
    if caller.role == "admin" and area in (Area.DEMOGRAPHICS, Area.SESSIONS):
        return
    raise Forbidden("Your role may not access this data")


def _supervised_ids(supervisor_id: uuid.UUID) -> sa.Select[uuid.UUID]:
    return select(col(User.id)).where(col(User.supervisor_id) == supervisor_id)


def caseload_clause(caller: Caller, *, include_supervised: bool = True) -> ColumnElement[bool]:
    """SQL condition on Client: clients the caller reaches without breaking the glass."""
    practice = col(Client.practice_id) == caller.practice_id
    if caller.kind == "api_key" or caller.role == "admin":
        return practice
    own = sa.or_(
        col(Client.primary_therapist_id) == caller.id,
        col(Client.id).in_(
            select(col(CareTeamMember.client_id)).where(col(CareTeamMember.user_id) == caller.id)
        ),
    )
    if caller.role != "supervisor" or not include_supervised:
        return sa.and_(practice, own)
    supervised = _supervised_ids(caller.id)
    return sa.and_(
        practice,
        sa.or_(
            own,
            col(Client.primary_therapist_id).in_(supervised),
            col(Client.id).in_(
                select(col(CareTeamMember.client_id)).where(
                    col(CareTeamMember.user_id).in_(supervised)
                )
            ),
        ),
    )


async def reach(session: AsyncSession, caller: Caller, client: Client) -> Reach:
    """The caller's relation to a client of the same practice."""
    if caller.kind == "api_key":
        return Reach.API_KEY
    if caller.role == "admin":
        return Reach.ADMIN
    if client.primary_therapist_id == caller.id:
        return Reach.CARE_TEAM
    team = list(
        (
            await session.execute(
                select(col(CareTeamMember.user_id)).where(
                    col(CareTeamMember.client_id) == client.id
                )
            )
        ).scalars()
    )
    if caller.id in team:
        return Reach.CARE_TEAM
    if caller.role == "supervisor":
        members = [client.primary_therapist_id, *team]
        supervised = await session.execute(
            select(sa.func.count()).where(
                col(User.id).in_(members),
                col(User.supervisor_id) == caller.id,
            )
        )
        if supervised.scalar_one():
            return Reach.SUPERVISION
    return Reach.BREAK_GLASS if caller.break_glass_reason else Reach.NONE


async def authorize_client(
    *,
    session: AsyncSession,
    caller: Caller,
    client: Client,
    area: Area,
    write: bool,
    ctx: AuditContext | None = None,
) -> Reach:
    """Allow or refuse an action on one client's data; records the client in the audit."""
    if ctx is not None:
        ctx.add_clients(client.id)
    if client.practice_id != caller.practice_id:
        raise NotFound("Not found")
    check_role(caller, area, write=write)
    relation = await reach(session, caller, client)
    if relation == Reach.NONE:
        raise NotFound("Not found")
    if relation == Reach.SUPERVISION and write and area in (Area.CLINICAL, Area.NOTES):
        raise Forbidden("Supervisors have read access to their supervisees' clinical records")
    return relation


async def load_client(
    *,
    session: AsyncSession,
    caller: Caller,
    client_id: uuid.UUID,
    area: Area,
    write: bool,
    ctx: AuditContext | None = None,
) -> tuple[Client, Reach]:
    """Load a client the caller may reach for this purpose, or 404/403."""
    if ctx is not None:
        ctx.add_clients(client_id)
    client = await session.get(Client, client_id)
    if client is None or client.practice_id != caller.practice_id:
        check_role(caller, area, write=write)
        raise NotFound("Not found")
    relation = await authorize_client(
        session=session, caller=caller, client=client, area=area, write=write, ctx=ctx
    )
    return client, relation


def sees_clinical(caller: Caller, relation: Reach | None = None) -> bool:
    """Whether clinical fields may be shown; `relation` None stands for a caseload list."""
    if caller.kind == "api_key":
        return "progress:read" in caller.scopes
    if caller.role not in ("therapist", "supervisor"):
        return False
    return relation is None or relation in (Reach.CARE_TEAM, Reach.SUPERVISION, Reach.BREAK_GLASS)


# Notes -------------------------------------------------------------------------------------
# Progress notes follow Area.NOTES. Psychotherapy notes (HIPAA process notes) have their own
# rule: their author, and the supervisor of a trainee author who shared them; for everyone
# else — admins, auditors, API keys, break-the-glass — they do not exist (404).

PSYCHOTHERAPY = "psychotherapy"


class NoteAction(StrEnum):
    """What a caller wants to do with an existing note."""

    READ = "read"
    WRITE = "write"  # edit, delete, sign: the author only
    COSIGN = "cosign"  # cosign or return: the author's supervisor only
    AMEND = "amend"  # add an addendum to a signed note


def may_read_psychotherapy_note(caller: Caller, note: Note, author: User) -> bool:
    """Whether the caller wrote the note, or supervises the trainee who shared it."""
    if caller.kind != "user" or note.practice_id != caller.practice_id:
        return False
    if note.author_id == caller.id:
        return True
    return bool(
        note.share_with_supervisor and author.requires_cosign and author.supervisor_id == caller.id
    )


def visible_notes_clause(caller: Caller) -> ColumnElement[bool]:
    """SQL condition on Note for lists of a client the caller may read notes of."""
    progress = col(Note.kind) == "progress"
    if caller.kind == "api_key":
        return sa.and_(progress, col(Note.status) == "signed")
    shared_by = select(col(User.id)).where(
        col(User.supervisor_id) == caller.id, col(User.requires_cosign).is_(True)
    )
    psychotherapy = sa.and_(
        col(Note.kind) == PSYCHOTHERAPY,
        sa.or_(
            col(Note.author_id) == caller.id,
            sa.and_(col(Note.share_with_supervisor).is_(True), col(Note.author_id).in_(shared_by)),
        ),
    )
    return sa.or_(progress, psychotherapy)


async def authorize_new_note(
    *, session: AsyncSession, caller: Caller, client_id: uuid.UUID, ctx: AuditContext | None
) -> Client:
    """Allow writing a note on a client's session: the client's care team only."""
    client, relation = await load_client(
        session=session, caller=caller, client_id=client_id, area=Area.NOTES, write=True, ctx=ctx
    )
    if relation != Reach.CARE_TEAM:
        raise Forbidden("Only the client's care team may write notes")
    return client


async def authorize_note(
    *,
    session: AsyncSession,
    caller: Caller,
    note: Note,
    action: NoteAction,
    ctx: AuditContext | None,
    client: Client | None = None,
) -> Reach:
    """Allow or refuse an action on one note; 404 whenever the caller may not read it.

    ``client`` is the note's client when the caller loaded it with the note (one query).
    """
    if note.practice_id != caller.practice_id:
        raise NotFound("Not found")
    if note.kind == PSYCHOTHERAPY:
        return await _authorize_psychotherapy_note(session, caller, note, action, ctx)
    if client is not None and client.id == note.client_id:
        relation = await authorize_client(
            session=session, caller=caller, client=client, area=Area.NOTES, write=False, ctx=ctx
        )
    else:
        _, relation = await load_client(
            session=session,
            caller=caller,
            client_id=note.client_id,
            area=Area.NOTES,
            write=False,
            ctx=ctx,
        )
    if caller.kind == "api_key" and note.status != "signed":
        raise NotFound("Not found")
    if action == NoteAction.READ:
        return relation
    check_role(caller, Area.NOTES, write=True)
    if action == NoteAction.COSIGN:
        await _require_supervisor_of_author(session, caller, note)
    elif action == NoteAction.WRITE and note.author_id != caller.id:
        raise Forbidden("Only the author may change this note")
    elif relation != Reach.CARE_TEAM:
        raise Forbidden("Only the client's care team may write notes")
    return relation


async def _authorize_psychotherapy_note(
    session: AsyncSession,
    caller: Caller,
    note: Note,
    action: NoteAction,
    ctx: AuditContext | None,
) -> Reach:
    """The psychotherapy-note rule; a refusal names no client, exactly like a missing note."""
    author = await session.get(User, note.author_id)
    if author is None or not may_read_psychotherapy_note(caller, note, author):
        raise NotFound("Not found")
    if ctx is not None:
        ctx.add_clients(note.client_id)
    own = note.author_id == caller.id
    if action == NoteAction.COSIGN:
        await _require_supervisor_of_author(session, caller, note)
    elif action != NoteAction.READ and not own:
        raise Forbidden("Only the author may change this note")
    return Reach.CARE_TEAM if own else Reach.SUPERVISION


async def _require_supervisor_of_author(session: AsyncSession, caller: Caller, note: Note) -> None:
    author = await session.get(User, note.author_id)
    if author is None or author.supervisor_id != caller.id:
        raise Forbidden("Only the author's supervisor may cosign or return this note")
