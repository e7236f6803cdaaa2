"""The one place that decides who may reach which client's data (SPEC §2).

Routes ask `authorize_client` (or `caseload_clause` for lists); nothing else re-implements
caseload, supervision, scope or break-the-glass rules. Out-of-reach objects are 404, a role
that may never do the action is 403.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from app.audit.context import AuditContext
from app.errors import Forbidden, NotFound
from app.models import Addendum, ApiKey, CareTeamMember, Client, Note, PhaseTransition, User
from app.roles import CLINICAL_ROLES
from app.security import attempts
from app.security.api_keys import Scope
from app.security.caller import Caller
from app.security.reach import (
    KINDS,
    MODELS,
    AuthorFacts,
    ClientFacts,
    Found,
    client_facts,
    find,
    kept,
    may_read_psychotherapy_note,
    refusal_client,
)

Owned = TypeVar("Owned", bound=SQLModel)


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


_SCOPES: dict[tuple[Area, bool], Scope] = {
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
    if caller.role in CLINICAL_ROLES:
        return
    if caller.role == "admin" and area in (Area.DEMOGRAPHICS, Area.SESSIONS):
        return
    raise Forbidden("Your role may not access this data")


def answers_the_record(area: Area) -> Callable[[Caller], None]:
    """A change answered with the whole record: an API key needs the read scope as well."""

    def refuse(caller: Caller) -> None:
        check_role(caller, area, write=True)
        scope = _SCOPES[(area, False)]
        if caller.kind == "api_key" and scope not in caller.scopes:
            raise Forbidden(f"The answer is the changed record: this API key needs {scope} too")

    return refuse


def _check_role_first(
    session: AsyncSession, caller: Caller, area: Area, write: bool, ctx: AuditContext | None
) -> None:
    """`check_role` before any row is read (see `role_first`)."""
    role_first(session, caller, ctx, lambda c: check_role(c, area, write=write))


def role_first(
    session: AsyncSession,
    caller: Caller,
    ctx: AuditContext | None,
    refuse: Callable[[Caller], None],
) -> None:
    """Run a role-only check before any row is read, so the answer is the same 403 for any
    id; the event still names the client when authentication's statement found one (§2.1)."""
    try:
        refuse(caller)
    except Forbidden:
        client = refusal_client(kept(session), caller)
        if ctx is not None and client is not None:
            ctx.add_clients(client)
        raise


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


def relation_to(caller: Caller, client: ClientFacts) -> Reach:
    """The caller's relation to a client of the same practice."""
    if caller.kind == "api_key":
        return Reach.API_KEY
    if caller.role == "admin":
        return Reach.ADMIN
    if client.primary_therapist_id == caller.id or client.in_team:
        return Reach.CARE_TEAM
    if caller.role == "supervisor" and client.supervises:
        return Reach.SUPERVISION
    return Reach.BREAK_GLASS if caller.break_glass_reason else Reach.NONE


async def reach_of(session: AsyncSession, caller: Caller, client_id: uuid.UUID) -> Reach:
    """The caller's relation to a client (of the caller's practice) named by id."""
    facts = await client_facts(session, client_id, caller.id if caller.is_user else None)
    if facts is None or facts.practice_id != caller.practice_id:
        return Reach.NONE
    return relation_to(caller, facts)


def authorize_client(
    *,
    caller: Caller,
    client: ClientFacts,
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
    relation = relation_to(caller, client)
    if relation == Reach.NONE:
        raise NotFound("Not found")
    if relation == Reach.BREAK_GLASS and write:
        raise Forbidden("Break-the-glass opens reads only")
    if relation == Reach.SUPERVISION and write and area in (Area.CLINICAL, Area.NOTES):
        raise Forbidden("Supervisors have read access to their supervisees' clinical records")
    return relation


async def load(
    *,
    session: AsyncSession,
    caller: Caller,
    model: type[Owned],
    id: uuid.UUID,
    area: Area,
    write: bool,
    ctx: AuditContext | None = None,
    attached: bool | None = None,
) -> tuple[Owned, ClientFacts, Reach]:
    """Load-or-404: a client-owned resource the caller may reach for this purpose, or 404/403.

    The row comes detached (read it, never change it) unless ``attached`` (default: for
    writes), when it is the session's own entity, loaded once access is granted.
    """
    try:
        _check_role_first(session, caller, area, write, ctx)
    except Forbidden:
        if model is Client and ctx is not None:  # decided already: the row only names it
            await name_attempted_client(session, caller, id, ctx)
        raise
    found = await find(session, KINDS[model], id, caller.id if caller.is_user else None)
    row, client = found.row, found.client
    if model is Client and ctx is not None:
        _name_client(caller, id, found, ctx)
    if row is None or client is None or row.practice_id != caller.practice_id:
        raise NotFound("Not found")
    relation = authorize_client(caller=caller, client=client, area=area, write=write, ctx=ctx)
    if write if attached is None else attached:
        entity = await session.get(model, id)
        if entity is None:  # deleted since the statement above
            raise NotFound("Not found")
        row = entity
    return row, client, relation


def _name_client(caller: Caller, client_id: uuid.UUID, found: Found, ctx: AuditContext) -> None:
    """An attempt on a client names it, found or not; another practice's client is none of
    this practice's log (SPEC §2.1)."""
    if found.client is None or found.client.practice_id == caller.practice_id:
        ctx.add_clients(client_id)


async def name_attempted_client(
    session: AsyncSession, caller: Caller, client_id: uuid.UUID, ctx: AuditContext
) -> None:
    """Name the client a refused request aimed at, as `load` does (`_name_client`)."""
    found = await find(session, "client", client_id, caller.id if caller.is_user else None)
    _name_client(caller, client_id, found, ctx)


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
    client, _, relation = await load(
        session=session, caller=caller, model=Client, id=client_id, area=area, write=write, ctx=ctx
    )
    return client, relation


async def authorize_reach_change(session: AsyncSession, caller: Caller, client: Client) -> None:
    """Who may change a client's care team or primary therapist (SPEC §2.1): an admin, the
    primary therapist, or that therapist's supervisor — never a key, never anyone else."""
    if caller.kind == "user" and caller.role == "admin":
        return
    if caller.kind == "user" and client.primary_therapist_id == caller.id:
        return
    if caller.kind == "user" and caller.role == "supervisor":
        supervisor = await session.scalar(
            select(col(User.supervisor_id)).where(col(User.id) == client.primary_therapist_id)
        )
        if supervisor == caller.id:
            return
    raise Forbidden(
        "Only an admin, the primary therapist or their supervisor may change who reaches "
        "this client"
    )


def may_ever_change_reach(caller: Caller) -> None:
    """403 for callers who can never change a care team or primary therapist (keys, auditors);
    `authorize_reach_change` decides for the others once the client is read."""
    if caller.kind != "user" or caller.role not in ("admin", *CLINICAL_ROLES):
        raise Forbidden(
            "Only an admin, the primary therapist or their supervisor may change who reaches "
            "this client"
        )


def require_integrator(caller: Caller) -> None:
    """`external_id` is an integration's identifier: set by admins and API keys only, so a
    uniqueness conflict never reveals a record to a clinician who cannot reach it (§2.1)."""
    if caller.kind == "user" and caller.role != "admin":
        raise Forbidden("external_id is set by admins and API keys only")


def sees_clinical(caller: Caller, relation: Reach | None = None) -> bool:
    """Whether clinical fields may be shown; `relation` None stands for a caseload list."""
    if caller.kind == "api_key":
        return "progress:read" in caller.scopes
    if caller.role not in CLINICAL_ROLES:
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


def visible_notes_clause(caller: Caller) -> ColumnElement[bool]:
    """SQL condition on Note for lists of a client the caller may read notes of."""
    progress = col(Note.kind) == "progress"
    if caller.kind == "api_key":
        return sa.and_(progress, col(Note.status) == "signed")
    # A psychotherapy note is in no list but its author's (SPEC §1.2): the supervisor it is
    # shared with reads it by its id.
    psychotherapy = sa.and_(col(Note.kind) == PSYCHOTHERAPY, col(Note.author_id) == caller.id)
    return sa.or_(progress, psychotherapy)


def authorize_new_note(relation: Reach) -> None:
    """Allow writing a note on a client's session: the client's care team only."""
    if relation != Reach.CARE_TEAM:
        raise Forbidden("Only the client's care team may write notes")


async def load_note(
    *,
    session: AsyncSession,
    caller: Caller,
    note_id: uuid.UUID,
    action: NoteAction,
    ctx: AuditContext | None,
) -> Note:
    """Load-or-404 for notes: the note if the caller may do this action on it, else 404/403.

    404 whenever the caller may not read it. Detached for reading, the session's own entity
    for any other action.
    """
    # From the role alone, before the note is read: a progress note, a psychotherapy note and
    # a missing id answer the same 403 to a role or key that may never do this.
    _check_role_first(session, caller, Area.NOTES, action != NoteAction.READ, ctx)
    if action == NoteAction.COSIGN:
        role_first(session, caller, ctx, _require_supervisor_role)
    found = await find(session, "note", note_id, caller.id if caller.is_user else None)
    note, client, author = found.row, found.client, found.author
    if note is None or client is None or author is None or note.practice_id != caller.practice_id:
        raise NotFound("Not found")
    if note.kind == PSYCHOTHERAPY:
        _authorize_psychotherapy_note(caller, note, author, action, ctx)
    else:
        _authorize_progress_note(caller, note, client, author, action, ctx)
    if action == NoteAction.READ:
        read: Note = note
        return read
    entity = await session.get(Note, note_id)
    if entity is None:  # deleted since it was read above
        raise NotFound("Not found")
    return entity


def _authorize_progress_note(
    caller: Caller,
    note: Note,
    client: ClientFacts,
    author: AuthorFacts,
    action: NoteAction,
    ctx: AuditContext | None,
) -> None:
    relation = authorize_client(caller=caller, client=client, area=Area.NOTES, write=False, ctx=ctx)
    if caller.kind == "api_key" and note.status != "signed":
        raise NotFound("Not found")
    if action == NoteAction.READ:
        return
    check_role(caller, Area.NOTES, write=True)
    if action == NoteAction.COSIGN:
        _require_supervisor_of_author(caller, author)
    elif action == NoteAction.WRITE and note.author_id != caller.id:
        raise Forbidden("Only the author may change this note")
    elif relation != Reach.CARE_TEAM:
        raise Forbidden("Only the client's care team may write notes")


def _authorize_psychotherapy_note(
    caller: Caller,
    note: Note,
    author: AuthorFacts,
    action: NoteAction,
    ctx: AuditContext | None,
) -> None:
    """The psychotherapy-note rule; a refusal names the client as a progress note's does
    (reach.refusal_client), and answers the 404 of a missing note."""
    if ctx is not None:
        ctx.add_clients(note.client_id)
    if not may_read_psychotherapy_note(caller, note, author):
        raise NotFound("Not found")
    if action == NoteAction.COSIGN:
        _require_supervisor_of_author(caller, author)
    elif action != NoteAction.READ and note.author_id != caller.id:
        raise Forbidden("Only the author may change this note")


_NOT_THE_SUPERVISOR = "Only the author's supervisor may cosign or return this note"


def _require_supervisor_role(caller: Caller) -> None:
    if caller.role != "supervisor":
        raise Forbidden(_NOT_THE_SUPERVISOR)


def _require_supervisor_of_author(caller: Caller, author: AuthorFacts) -> None:
    if caller.role != "supervisor" or author.supervisor_id != caller.id:
        raise Forbidden(_NOT_THE_SUPERVISOR)


# Replays ------------------------------------------------------------------------------------
# A stored response leaves again only for a caller who reaches its resource now (SPEC §2.1).

_REPLAY_AREAS: dict[str, Area] = {
    "client": Area.DEMOGRAPHICS,
    "session": Area.SESSIONS,
    "note": Area.NOTES,
    "episode": Area.CLINICAL,
    "observation": Area.CLINICAL,
    "relationship_episode": Area.CLINICAL,
    "measure": Area.CLINICAL,
}
# Resources read through their parent's rule: (parent kind, the row's column naming it).
_REPLAY_PARENTS: dict[str, tuple[type[SQLModel], str, str]] = {
    "addendum": (Addendum, "note", "note_id"),
    "phase_transition": (PhaseTransition, "episode", "episode_id"),
}


# Resources of a practice outside any client, which a replay finds as its read would.
_REPLAY_PRACTICE_OWNED = frozenset(
    {"user", "api_key", "webhook_endpoint", "webhook_delivery", "audit_event", "audit_review"}
)


async def _revoked(session: AsyncSession, key_id: uuid.UUID) -> bool:
    """Whether the key is revoked: gone for a read (404), so for a replay too."""
    revoked_at = await session.scalar(
        select(col(ApiKey.revoked_at)).where(col(ApiKey.id) == key_id)
    )
    return revoked_at is not None


async def authorize_replay(
    *, session: AsyncSession, caller: Caller, kind: str, resource_id: str, ctx: AuditContext
) -> None:
    """404 (as for a read) unless the caller reaches the replayed response's resource now.

    Break-the-glass never opens a replay: a replay repeats a write. API keys reach their whole
    practice and their scopes never change, so a key's replay is refused only for a resource
    gone or of another practice. Resources outside any client (users, keys, themes, reviews)
    are reached by role alone, which a replay's caller already passed.
    """
    if kind in _REPLAY_PARENTS:
        model, kind, column = _REPLAY_PARENTS[kind]
        child = await session.get(model, uuid.UUID(resource_id))
        if child is None:
            raise NotFound("Not found")
        resource_id = str(getattr(child, column))
    if kind not in MODELS:
        # Outside any client: still there, in the caller's practice, as a read would find it
        # (a webhook endpoint deleted since answers its read's 404, not a stale 201). Themes,
        # named by their code, are never deleted.
        if kind not in _REPLAY_PRACTICE_OWNED:
            return
        target = uuid.UUID(resource_id)
        practice, _ = await attempts.owners_of(session, kind, target)
        if practice != caller.practice_id or (
            kind == "api_key" and await _revoked(session, target)
        ):
            raise NotFound("Not found")
        return
    if caller.is_user:
        check_role(caller, _REPLAY_AREAS[kind], write=False)
    found = await find(session, kind, uuid.UUID(resource_id), caller.id if caller.is_user else None)
    row, client = found.row, found.client
    if row is None or client is None or client.practice_id != caller.practice_id:
        raise NotFound("Not found")
    ctx.add_clients(client.id)
    if kind == "note" and row.kind == PSYCHOTHERAPY:
        if found.author is None or not may_read_psychotherapy_note(caller, row, found.author):
            raise NotFound("Not found")
    if relation_to(replace(caller, break_glass_reason=None), client) == Reach.NONE:
        raise NotFound("Not found")
