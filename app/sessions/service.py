"""Session rules: the episode it belongs to, its local date, external ids; flushes only."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.clients import service as clients
from app.db import hold, utcnow, uuid7
from app.episodes import service as episodes
from app.episodes.phases import phase_at
from app.errors import Conflict, Unprocessable
from app.etag import bump_version
from app.feed import outbox as feed
from app.models import Client, Episode, Note, Observation, RelationshipEpisode, TherapySession
from app.schema_types import SaneDate, SaneDatetime
from app.security.encryption import KeyRing
from app.sessions.schemas import NOT_HELD, SessionClinicalOut, SessionCreate, SessionOut

_REQUIRED = ("therapist_id", "starts_at", "duration_minutes", "modality", "status")


def phase_column() -> ColumnElement[str]:
    """The session's phase, derived in SQL from its episode's transitions on its local date."""
    return phase_at(TherapySession.episode_id, TherapySession.starts_on)


async def phase_of(session: AsyncSession, row: TherapySession) -> str | None:
    """The phase in effect on one session's date, read now."""
    result = await session.execute(select(phase_at(row.episode_id, row.starts_on)))
    return result.scalar_one_or_none()


def session_view(
    row: TherapySession, *, clinical: bool, phase: str | None = None
) -> SessionOut | SessionClinicalOut:
    """The session as this caller may see it; `starts_at` in the offset it was given with."""
    fields: dict[str, Any] = {
        name: getattr(row, name) for name in SessionOut.model_fields if name != "view"
    }
    offset = timezone(timedelta(minutes=row.utc_offset_minutes))
    fields["starts_at"] = row.starts_at.astimezone(offset)
    if not clinical:
        return SessionOut(**fields)
    return SessionClinicalOut(**fields, phase=phase)


_CLIENT = Client.__table__  # type: ignore[attr-defined]
_EPISODE = Episode.__table__  # type: ignore[attr-defined]


def _local(starts_at: datetime) -> tuple[datetime, date, int]:
    """UTC instant, local date and UTC offset (minutes) of an aware datetime."""
    offset = starts_at.utcoffset() or timedelta(0)
    return starts_at.astimezone(UTC), starts_at.date(), int(offset.total_seconds() // 60)


async def _check_external_id(
    session: AsyncSession,
    practice_id: uuid.UUID,
    external_id: str | None,
    session_id: uuid.UUID | None = None,
) -> None:
    if external_id is None:
        return
    query = select(func.count()).where(
        col(TherapySession.practice_id) == practice_id,
        col(TherapySession.external_id) == external_id,
    )
    if session_id is not None:
        query = query.where(col(TherapySession.id) != session_id)
    if (await session.execute(query)).scalar_one():
        raise Conflict("Another session of this practice has this external_id")


async def _flush_unique(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("Another session of this practice has this external_id") from None


async def _episode_for(
    session: AsyncSession, client: Client, episode_id: uuid.UUID | None
) -> Episode | None:
    """The episode named, else the client's open one (None: the booking is an intake)."""
    if episode_id is None:
        found = await session.execute(
            select(Episode).where(
                col(Episode.client_id) == client.id, col(Episode.status) == "open"
            )
        )
        return found.scalar_one_or_none()
    episode = await session.get(Episode, episode_id)
    # One answer for a missing episode and another client's: the latter may be out of reach.
    if episode is None or episode.client_id != client.id:
        raise Unprocessable("episode_id does not name an episode of this client")
    return episode


def _check_date(episode: Episode, starts_on: date) -> None:
    if starts_on < episode.started_on:
        raise Unprocessable("The session's date lies before its episode started")


async def create_session(
    *,
    session: AsyncSession,
    ring: KeyRing,
    client: Client,
    session_in: SessionCreate,
    booked_by: uuid.UUID | None,
) -> tuple[TherapySession, bool]:
    """Schedule a session in an open episode of the client; whether booking it opened one.

    A client without an open episode gets one (SPEC §9, booking an intake): `initial` phase
    from the session's date, treated by the session's therapist. Its first phase is recorded
    by `booked_by`, or by that therapist when an API key books.
    """
    # The client and the episode are held while the session is written: an archive, a
    # close or another intake running at once waits for this booking, or it for them.
    if client.status == "archived" or not await hold(
        session, _CLIENT, client.id, _CLIENT.c.status != "archived"
    ):
        raise Conflict("An archived client takes no new sessions; set status to active first")
    starts_at, starts_on, offset = _local(session_in.starts_at)
    episode = await _episode_for(session, client, session_in.episode_id)
    if episode is not None and episode.status == "open":
        if not await hold(session, _EPISODE, episode.id, _EPISODE.c.status == "open"):
            raise Conflict("The episode is closed and takes no new sessions")
    opened = episode is None
    if episode is None:
        therapist = session_in.therapist_id or client.primary_therapist_id
        episode = await episodes.open_episode(
            session=session,
            ring=ring,
            client=client,
            started_on=starts_on,
            therapist_id=therapist,
            goals=None,
            recorded_by=booked_by or therapist,
        )
    if episode.status != "open":
        raise Conflict("The episode is closed and takes no new sessions")
    _check_date(episode, starts_on)
    therapist_id = session_in.therapist_id or episode.therapist_id
    await clients.check_clinician(
        session, practice_id=client.practice_id, user_id=therapist_id, field="therapist_id"
    )
    await _check_external_id(session, client.practice_id, session_in.external_id)
    row = TherapySession(
        id=uuid7(),
        practice_id=client.practice_id,
        external_id=session_in.external_id,
        client_id=client.id,
        episode_id=episode.id,
        therapist_id=therapist_id,
        starts_at=starts_at,
        starts_on=starts_on,
        utc_offset_minutes=offset,
        duration_minutes=session_in.duration_minutes,
        modality=session_in.modality,
        status=session_in.status,
    )
    session.add(row)
    await _flush_unique(session)
    _changed(session, row, "session.created")
    return row, opened


def _changed(session: AsyncSession, row: TherapySession, type: str) -> None:
    feed.record(
        session, type=type, practice_id=row.practice_id, resource_id=row.id, client_id=row.client_id
    )


async def update_session(
    *,
    session: AsyncSession,
    row: TherapySession,
    changes: dict[str, Any],
    expected_version: int | None,
) -> TherapySession:
    """Reschedule or record attendance; a closed episode's sessions never change (409)."""
    for field in _REQUIRED:
        if field in changes and changes[field] is None:
            raise Unprocessable(f"{field} cannot be null")
    # Held open until commit: a close running beside this waits, or this sees it (ADR 0021).
    if not await hold(session, _EPISODE, row.episode_id, _EPISODE.c.status == "open"):
        raise Conflict("The episode is closed; its record is read-only")
    episode = await session.get(Episode, row.episode_id)
    assert episode is not None  # noqa: S101 - a foreign key guarantees it
    await _check_record_allows(session, row, changes)
    if "starts_at" in changes:
        starts_at, starts_on, offset = _local(changes.pop("starts_at"))
        _check_date(episode, starts_on)
        changes.update(starts_at=starts_at, starts_on=starts_on, utc_offset_minutes=offset)
    if "therapist_id" in changes:
        await clients.check_clinician(
            session,
            practice_id=row.practice_id,
            user_id=changes["therapist_id"],
            field="therapist_id",
        )
    if "external_id" in changes:
        await _check_external_id(session, row.practice_id, changes["external_id"], row.id)
    await bump_version(session, row, expected_version)
    for field, value in changes.items():
        setattr(row, field, value)
    row.updated_at = utcnow()
    session.add(row)
    await _flush_unique(session)
    _changed(session, row, "session.updated")
    return row


async def has_findings(session: AsyncSession, session_id: uuid.UUID) -> bool:
    """Whether the session has observations or relationship episodes."""
    findings = sa.union_all(
        select(col(Observation.id)).where(col(Observation.session_id) == session_id),
        select(col(RelationshipEpisode.id)).where(
            col(RelationshipEpisode.session_id) == session_id
        ),
    )
    return bool(await session.scalar(select(sa.exists(findings))))


async def _check_record_allows(
    session: AsyncSession, row: TherapySession, changes: dict[str, Any]
) -> None:
    """409 for a change a signed progress note contradicts.

    Signed (or awaiting cosignature), the note fixes the session's date (and so the phase of
    its locked findings), and its findings say the session took place. Without one a status
    still follows the schedule (findings of a session that did not take place are left out
    of progress), and a note may document a missed session. The note's row is share-locked,
    as findings writers lock it: a signing beside this waits, or this sees it signed.
    """
    moved = "starts_at" in changes
    not_held = changes.get("status") in NOT_HELD and row.status not in NOT_HELD
    if not moved and not not_held:
        return
    note_status = await session.scalar(
        select(col(Note.status))
        .where(col(Note.session_id) == row.id, col(Note.kind) == "progress")
        .with_for_update(read=True)
    )
    if note_status not in ("signed", "pending_cosign"):
        return
    if moved:
        raise Conflict(
            "The session's progress note is signed: its date is part of the record "
            "(correct it with an addendum)"
        )
    if await has_findings(session, row.id):
        raise Conflict(
            "The session's signed progress note has findings: the record says it took place, "
            "so it is not set to one that did not"
        )


def list_query(
    *,
    caseload: ColumnElement[bool],
    practice_id: uuid.UUID,
    client_id: uuid.UUID | None,
    episode_id: uuid.UUID | None,
    therapist_id: uuid.UUID | None,
    status: str | None,
    phase: str | None,
    external_id: str | None,
    start: date | datetime | None,
    end: date | datetime | None,
) -> sa.Select[TherapySession, str]:
    """Sessions of clients in reach matching the filters, each with its derived phase."""
    query = (
        select(TherapySession, phase_column().label("phase"))
        .join(Client, col(Client.id) == col(TherapySession.client_id))
        .where(col(TherapySession.practice_id) == practice_id, caseload)
    )
    equal: list[tuple[Any, Any]] = [
        (TherapySession.client_id, client_id),
        (TherapySession.episode_id, episode_id),
        (TherapySession.therapist_id, therapist_id),
        (TherapySession.status, status),
        (TherapySession.external_id, external_id),
    ]
    for column, value in equal:
        if value is not None:
            query = query.where(col(column) == value)
    if phase is not None:
        query = query.where(phase_column() == phase)
    if isinstance(start, datetime):
        query = query.where(col(TherapySession.starts_at) >= start)
    elif start is not None:
        query = query.where(col(TherapySession.starts_on) >= start)
    if isinstance(end, datetime):
        query = query.where(col(TherapySession.starts_at) < end)
    elif end is not None:
        query = query.where(col(TherapySession.starts_on) <= end)
    return query


_DATE = TypeAdapter(SaneDate)
_DATETIME = TypeAdapter(SaneDatetime)


def parse_bound(value: str | None, name: str) -> date | datetime | None:
    """A `from`/`to` filter: a date (local session date) or an RFC 3339 datetime with offset.

    The same rules as every other date and date-time field (app/schema_types.py); the query
    parameter states them as a pattern, this refuses what the pattern admits but the calendar
    does not (2026-02-30).
    """
    if value is None:
        return None
    try:
        return (_DATE if len(value) == 10 else _DATETIME).validate_python(value)
    except ValidationError:
        raise Unprocessable(f"{name} must be a date or an RFC 3339 datetime with offset") from None
