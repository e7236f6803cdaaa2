"""Notes and addenda: the lifecycle rules and field encryption; flushes, never commits.

Lifecycle: draft → sign → signed, or → pending_cosign when a trainee signs a progress note;
the supervisor then cosigns (→ signed) or returns it with a comment (→ draft). Signed notes
never change; corrections are addenda. Notes of a closed episode are read-only, except that
addenda can still be added to its signed notes (the record must stay correctable).
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import hold_on_sqlite, utcnow
from app.errors import Conflict, NotFound, PreconditionFailed, Unprocessable
from app.etag import bump_version
from app.feed import outbox as feed
from app.models import Addendum, CareTeamMember, Client, Episode, Note, TherapySession, User
from app.notes.schemas import (
    AddendumCreate,
    AddendumOut,
    NoteCreate,
    NoteOut,
    NoteUpdate,
    Risk,
    check_fields_of_kind,
)
from app.pagination import PageParams, oldest_first
from app.security.access import visible_notes_clause
from app.security.caller import Caller
from app.security.encryption import KeyRing
from app.security.fields import seal, unseal
from app.sessions import service as sessions
from app.sessions.schemas import NOT_HELD

PROGRESS, PSYCHOTHERAPY = "progress", "psychotherapy"
DRAFT, PENDING_COSIGN, SIGNED = "draft", "pending_cosign", "signed"


class DuplicateNote(Conflict):
    """A second progress note on a session, or a second psychotherapy note by one author."""


class NoteLocked(Conflict):
    """The note's status does not allow this change."""


class EpisodeClosed(Conflict):
    """The session belongs to a closed, read-only episode."""


def note_out(ring: KeyRing, note: Note) -> NoteOut:
    """The note with its protected fields decrypted."""
    risk = None
    if note.risk_level is not None:
        risk = Risk(level=note.risk_level, details=unseal(ring, note, "risk_details"))
    return NoteOut(
        id=note.id,
        session_id=note.session_id,
        client_id=note.client_id,
        kind=note.kind,
        author_id=note.author_id,
        status=note.status,
        body=unseal(ring, note, "body"),
        interventions=list(note.interventions),
        risk=risk,
        plan=unseal(ring, note, "plan"),
        share_with_supervisor=note.share_with_supervisor,
        return_comment=unseal(ring, note, "return_comment"),
        signed_at=note.signed_at,
        signed_by=note.signed_by,
        cosigned_at=note.cosigned_at,
        cosigned_by=note.cosigned_by,
        version=note.version,
        created_at=note.created_at,
        updated_at=note.updated_at,
    )


def addendum_out(ring: KeyRing, addendum: Addendum) -> AddendumOut:
    """The addendum with its body and reason decrypted."""
    return AddendumOut(
        id=addendum.id,
        note_id=addendum.note_id,
        author_id=addendum.author_id,
        body=unseal(ring, addendum, "body") or "",
        reason=unseal(ring, addendum, "reason") or "",
        created_at=addendum.created_at,
    )


async def ensure_episode_open(session: AsyncSession, session_id: uuid.UUID) -> None:
    """409 when the session's episode is closed (a closed episode is read-only).

    The episode stays as read until commit: share-locked on PostgreSQL, so a close beside
    this waits (note writers and findings writers do not wait for each other); on SQLite,
    which has no row locks, by taking the write lock now (ADR 0021).
    """
    episode_id = select(col(TherapySession.episode_id)).where(col(TherapySession.id) == session_id)
    await hold_on_sqlite(session, Episode.__table__, episode_id.scalar_subquery())  # type: ignore[attr-defined]
    status = (
        await session.execute(
            select(col(Episode.status))
            .join(TherapySession, col(TherapySession.episode_id) == col(Episode.id))
            .where(col(TherapySession.id) == session_id)
            .with_for_update(read=True, of=Episode)
        )
    ).scalar_one_or_none()
    if status == "closed":
        raise EpisodeClosed("The session's episode is closed; its notes are read-only")


async def _session_allows_signing(session: AsyncSession, session_id: uuid.UUID) -> None:
    """409 for signing the progress note of a session that has not begun (a signed note fixes
    its date: the booking could no longer move), or that did not take place while it has
    findings (the signed record would say it did; a PATCH refuses the converse).

    Read after `ensure_episode_open` holds the episode, in a statement of its own: a PATCH
    beside this holds the episode first, so this sees its status as committed.
    """
    row = (
        await session.execute(
            select(col(TherapySession.status), col(TherapySession.starts_at)).where(
                col(TherapySession.id) == session_id
            )
        )
    ).one()
    status, starts_at = row
    if starts_at > utcnow():
        raise Conflict("The session has not begun yet; sign its progress note afterwards")
    if status in NOT_HELD and await sessions.has_findings(session, session_id):
        raise Conflict(
            "The session did not take place but has findings: delete them, or correct its "
            "status, before signing its progress note"
        )


async def _author_stays_on_client(session: AsyncSession, note: Note) -> None:
    """404 unless the author of a note going to cosignature still treats its client, held
    until commit: their supervisor reaches the client through them (SPEC §2), and a
    care-team or primary-therapist change that takes them off waits, then sees the note
    waiting and refuses (app/clients/service.py). Otherwise both would commit, and the note
    could never be cosigned."""
    client = Client.__table__  # type: ignore[attr-defined]
    await hold_on_sqlite(session, client, note.client_id)
    # The share lock first (those changes move the client's version first, which holds the
    # row); then, in a statement of its own, the team as committed once it is ours.
    await session.execute(
        select(client.c.id).where(client.c.id == note.client_id).with_for_update(read=True)
    )
    on_team = sa.exists().where(
        col(CareTeamMember.client_id) == note.client_id,
        col(CareTeamMember.user_id) == note.author_id,
    )
    treats = await session.scalar(
        select(sa.func.count()).where(
            client.c.id == note.client_id,
            sa.or_(client.c.primary_therapist_id == note.author_id, on_team),
        )
    )
    if not treats:
        raise NotFound("Not found")


async def _existing_note(
    session: AsyncSession, therapy_session: TherapySession, kind: str, author_id: uuid.UUID
) -> bool:
    query = select(sa.func.count()).where(
        col(Note.session_id) == therapy_session.id, col(Note.kind) == kind
    )
    if kind == PSYCHOTHERAPY:
        query = query.where(col(Note.author_id) == author_id)
    return bool((await session.execute(query)).scalar_one())


def _duplicate(kind: str) -> DuplicateNote:
    if kind == PROGRESS:
        return DuplicateNote("This session already has a progress note")
    return DuplicateNote("You already wrote a psychotherapy note on this session")


async def create_note(
    *,
    session: AsyncSession,
    ring: KeyRing,
    caller: Caller,
    therapy_session: TherapySession,
    note_in: NoteCreate,
) -> Note:
    """Write a draft note on a session, its protected fields encrypted to the new row."""
    await ensure_episode_open(session, therapy_session.id)
    if await _existing_note(session, therapy_session, note_in.kind, caller.id):
        raise _duplicate(note_in.kind)
    note = Note(
        practice_id=therapy_session.practice_id,
        session_id=therapy_session.id,
        client_id=therapy_session.client_id,
        kind=note_in.kind,
        author_id=caller.id,
        interventions=list(note_in.interventions or []),
        risk_level=note_in.risk.level if note_in.risk else None,
        share_with_supervisor=bool(note_in.share_with_supervisor),
    )
    note.body = seal(ring, note, "body", note_in.body)
    note.risk_details = seal(ring, note, "risk_details", _risk_details(note_in.risk))
    note.plan = seal(ring, note, "plan", note_in.plan)
    try:
        # Two concurrent creates both pass the check above; the unique index decides.
        async with session.begin_nested():
            session.add(note)
            await session.flush()
    except IntegrityError:
        raise _duplicate(note_in.kind) from None
    return note


def _risk_details(risk: Risk | None) -> str | None:
    return risk.details if risk is not None else None


def _require_status(note: Note, status: str, action: str) -> None:
    if note.status == status:
        return
    if note.status == SIGNED:
        raise NoteLocked("A signed note never changes; add an addendum instead")
    if note.status == PENDING_COSIGN:
        raise NoteLocked(f"The note awaits cosignature and cannot be {action} now")
    raise NoteLocked(f"Only a note awaiting cosignature can be {action}")


async def update_note(
    *, session: AsyncSession, ring: KeyRing, note: Note, note_in: NoteUpdate, expected: int
) -> Note:
    """Change a draft; fields not sent stay as they are."""
    _require_status(note, DRAFT, "edited")
    await ensure_episode_open(session, note.session_id)
    changes: dict[str, Any] = note_in.model_dump(exclude_unset=True)
    if not changes:
        return note
    if "body" in changes and changes["body"] is None:
        raise Unprocessable("body cannot be null")
    try:
        check_fields_of_kind(
            note.kind,
            note_in.interventions,
            note_in.risk,
            note_in.plan,
            note_in.share_with_supervisor,
        )
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
    if "body" in changes:
        note.body = seal(ring, note, "body", note_in.body)
    if "interventions" in changes:
        note.interventions = list(note_in.interventions or [])
    if "risk" in changes:
        note.risk_level = note_in.risk.level if note_in.risk else None
        note.risk_details = seal(ring, note, "risk_details", _risk_details(note_in.risk))
    if "plan" in changes:
        note.plan = seal(ring, note, "plan", note_in.plan)
    if "share_with_supervisor" in changes:
        note.share_with_supervisor = bool(note_in.share_with_supervisor)
    note.updated_at = utcnow()
    await bump_version(session, note, expected)
    return note


async def delete_note(*, session: AsyncSession, note: Note, expected: int) -> None:
    """Delete a draft (never a signed note or one awaiting cosignature)."""
    _require_status(note, DRAFT, "deleted")
    await ensure_episode_open(session, note.session_id)
    result = await session.execute(
        sa.delete(Note)
        .where(col(Note.id) == note.id, col(Note.version) == expected)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise PreconditionFailed("The resource changed since it was read (stale ETag)")
    # A draft with a return comment was signed and returned: the feed announced it (§9).
    if note.return_comment is not None:
        _changed(session, note, "note.deleted")
    session.expunge(note)


async def sign_note(*, session: AsyncSession, caller: Caller, note: Note, expected: int) -> Note:
    """Sign a draft: signed, or pending_cosign for a trainee's progress note."""
    _require_status(note, DRAFT, "signed")
    await ensure_episode_open(session, note.session_id)
    if note.kind == PROGRESS:
        await _session_allows_signing(session, note.session_id)
    needs_cosign = note.kind == PROGRESS and caller.requires_cosign
    if needs_cosign:
        await _author_stays_on_client(session, note)
    now = utcnow()
    note.status = PENDING_COSIGN if needs_cosign else SIGNED
    note.signed_at, note.signed_by = now, caller.id
    note.return_comment = None
    note.updated_at = now
    await bump_version(session, note, expected)
    _changed(session, note, "note.signed")
    return note


async def cosign_note(*, session: AsyncSession, caller: Caller, note: Note, expected: int) -> Note:
    """The supervisor cosigns a note awaiting cosignature; it is signed from now on."""
    _require_status(note, PENDING_COSIGN, "cosigned")
    await ensure_episode_open(session, note.session_id)
    now = utcnow()
    note.status = SIGNED
    note.cosigned_at, note.cosigned_by = now, caller.id
    note.updated_at = now
    await bump_version(session, note, expected)
    _changed(session, note, "note.cosigned")
    return note


async def return_note(
    *, session: AsyncSession, ring: KeyRing, note: Note, comment: str, expected: int
) -> Note:
    """The supervisor sends a note awaiting cosignature back to draft, with a comment."""
    _require_status(note, PENDING_COSIGN, "returned")
    await ensure_episode_open(session, note.session_id)
    note.status = DRAFT
    note.signed_at = note.signed_by = None
    note.return_comment = seal(ring, note, "return_comment", comment)
    note.updated_at = utcnow()
    await bump_version(session, note, expected)
    _changed(session, note, "note.returned")
    return note


def _changed(session: AsyncSession, note: Note, type: str) -> None:
    # Psychotherapy notes stay out of the feed: even their ids would tell an integration
    # that they exist, and no scope ever reads them (SPEC §2).
    if note.kind == PROGRESS:
        feed.record(
            session,
            type=type,
            practice_id=note.practice_id,
            resource_id=note.id,
            client_id=note.client_id,
        )


async def add_addendum(
    *,
    session: AsyncSession,
    ring: KeyRing,
    caller: Caller,
    note: Note,
    addendum_in: AddendumCreate,
) -> Addendum:
    """Append an immutable, encrypted addendum to a signed note."""
    if note.status != SIGNED:
        raise NoteLocked("Addenda are for signed notes; change the draft instead")
    addendum = Addendum(
        practice_id=note.practice_id, note_id=note.id, author_id=caller.id, body="", reason=""
    )
    addendum.body = seal(ring, addendum, "body", addendum_in.body) or ""
    addendum.reason = seal(ring, addendum, "reason", addendum_in.reason) or ""
    session.add(addendum)
    await session.flush()
    return addendum


async def list_notes(
    *, session: AsyncSession, caller: Caller, session_id: uuid.UUID, page: PageParams
) -> list[Note]:
    """The session's notes the caller may see, oldest first (one row beyond the page)."""
    query = select(Note).where(col(Note.session_id) == session_id, visible_notes_clause(caller))
    return await oldest_first(session, query, Note, page)


async def search_notes(
    *,
    session: AsyncSession,
    caller: Caller,
    clients: ColumnElement[bool],
    status: str | None,
    kind: str | None,
    awaiting_my_cosign: bool,
    page: PageParams,
) -> list[Note]:
    """Notes of the clients `clients` selects that the caller may see, oldest first."""
    query = select(Note).where(
        col(Note.practice_id) == caller.practice_id,
        col(Note.client_id).in_(select(col(Client.id)).where(clients)),
        visible_notes_clause(caller),
    )
    if status is not None:
        query = query.where(col(Note.status) == status)
    if kind is not None:
        query = query.where(col(Note.kind) == kind)
    if awaiting_my_cosign:
        # What the caller may cosign or return (access._require_supervisor_of_author).
        supervisees = select(col(User.id)).where(
            sa.literal(caller.role == "supervisor"), col(User.supervisor_id) == caller.id
        )
        query = query.where(
            col(Note.status) == "pending_cosign", col(Note.author_id).in_(supervisees)
        )
    return await oldest_first(session, query, Note, page)


async def list_addenda(
    *, session: AsyncSession, note_id: uuid.UUID, page: PageParams
) -> list[Addendum]:
    """A note's addenda, oldest first (one row beyond the page)."""
    query = select(Addendum).where(col(Addendum.note_id) == note_id)
    return await oldest_first(session, query, Addendum, page)
