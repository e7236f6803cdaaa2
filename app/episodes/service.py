"""Episode rules of SPEC §1.1: one open episode, phase moves, dates, closing; flushes only."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from app.clients import service as clients
from app.db import hold, utcnow, uuid7
from app.episodes.phases import is_next
from app.episodes.schemas import (
    EpisodeClose,
    EpisodeCreate,
    EpisodeOut,
    PhaseTransitionCreate,
    PhaseTransitionOut,
)
from app.errors import Conflict, Unprocessable
from app.etag import bump_version
from app.feed import outbox as feed
from app.models import Client, Episode, Measure, Note, PhaseTransition, TherapySession
from app.schema_types import latest_today
from app.security.encryption import KeyRing
from app.security.fields import seal, unseal

_COUNTED_SESSIONS = ("attended", "no_show", "late_cancelled")
_CLIENT = Client.__table__  # type: ignore[attr-defined]


def episode_view(episode: Episode, *, ring: KeyRing) -> EpisodeOut:
    """The episode with its goals and closing summary decrypted."""
    fields: dict[str, Any] = {
        name: getattr(episode, name)
        for name in EpisodeOut.model_fields
        if name not in ("goals", "close_summary")
    }
    return EpisodeOut(
        **fields,
        goals=unseal(ring, episode, "goals"),
        close_summary=unseal(ring, episode, "close_summary"),
    )


def transition_view(transition: PhaseTransition, *, ring: KeyRing) -> PhaseTransitionOut:
    """A phase transition with its rationale decrypted."""
    fields: dict[str, Any] = {
        name: getattr(transition, name)
        for name in PhaseTransitionOut.model_fields
        if name != "rationale"
    }
    return PhaseTransitionOut(**fields, rationale=unseal(ring, transition, "rationale"))


def _require_open(episode: Episode) -> None:
    if episode.status != "open":
        raise Conflict("The episode is closed and read-only")


def _not_in_future(value: date, field: str) -> None:
    if value > latest_today():
        raise Unprocessable(f"{field} cannot lie in the future")


async def create_episode(
    *,
    session: AsyncSession,
    ring: KeyRing,
    client: Client,
    episode_in: EpisodeCreate,
    recorded_by: uuid.UUID,
) -> Episode:
    """Open an episode in the `initial` phase; a client has at most one open episode (409)."""
    _not_in_future(episode_in.started_on, "started_on")
    return await open_episode(
        session=session,
        ring=ring,
        client=client,
        started_on=episode_in.started_on,
        therapist_id=episode_in.therapist_id or client.primary_therapist_id,
        goals=episode_in.goals,
        recorded_by=recorded_by,
    )


async def open_episode(
    *,
    session: AsyncSession,
    ring: KeyRing,
    client: Client,
    started_on: date,
    therapist_id: uuid.UUID,
    goals: str | None,
    recorded_by: uuid.UUID,
) -> Episode:
    """Open an episode in the `initial` phase on any date (a booked intake lies ahead)."""
    # The client is held (app.db.hold): an archive at once waits for this, or this for it.
    if client.status == "archived" or not await hold(
        session, _CLIENT, client.id, _CLIENT.c.status != "archived"
    ):
        raise Conflict("An archived client takes no new episodes; set status to active first")
    if await clients.has_open_episode(session, client.id):
        raise Conflict("The client already has an open episode")
    last_end = (
        await session.execute(
            select(func.max(col(Episode.ended_on))).where(col(Episode.client_id) == client.id)
        )
    ).scalar_one()
    if last_end is not None and started_on < last_end:
        raise Unprocessable("started_on cannot lie before the end of the client's last episode")
    await clients.check_clinician(
        session, practice_id=client.practice_id, user_id=therapist_id, field="therapist_id"
    )
    episode = Episode(
        id=uuid7(),
        practice_id=client.practice_id,
        client_id=client.id,
        therapist_id=therapist_id,
        started_on=started_on,
    )
    episode.goals = seal(ring, episode, "goals", goals)
    session.add(episode)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("The client already has an open episode") from None
    session.add(
        PhaseTransition(
            practice_id=client.practice_id,
            episode_id=episode.id,
            position=0,
            from_phase=None,
            to_phase="initial",
            effective_on=episode.started_on,
            recorded_by=recorded_by,
        )
    )
    if client.status == "discharged":
        # A discharged client who returns for a new course of treatment is active again.
        await session.execute(
            update(Client)
            .where(col(Client.id) == client.id)
            .values(status="active", version=col(Client.version) + 1, updated_at=utcnow())
        )
        set_committed_value(client, "status", "active")
        set_committed_value(client, "version", client.version + 1)
        feed.record(
            session,
            type="client.updated",
            practice_id=client.practice_id,
            resource_id=client.id,
            client_id=client.id,
        )
    await session.flush()
    _changed(session, episode, "episode.opened")
    return episode


async def update_episode(
    *,
    session: AsyncSession,
    ring: KeyRing,
    episode: Episode,
    changes: dict[str, Any],
    expected_version: int,
) -> Episode:
    """Change goals or the treating therapist of an open episode (compare-and-set)."""
    _require_open(episode)
    if "therapist_id" in changes:
        if changes["therapist_id"] is None:
            raise Unprocessable("therapist_id cannot be null")
        await clients.check_clinician(
            session,
            practice_id=episode.practice_id,
            user_id=changes["therapist_id"],
            field="therapist_id",
        )
    await bump_version(session, episode, expected_version)
    if "goals" in changes:
        changes["goals"] = seal(ring, episode, "goals", changes["goals"])
    for field, value in changes.items():
        setattr(episode, field, value)
    episode.updated_at = utcnow()
    session.add(episode)
    await session.flush()
    _changed(session, episode, "episode.updated")
    return episode


def _changed(session: AsyncSession, episode: Episode, type: str) -> None:
    feed.record(
        session,
        type=type,
        practice_id=episode.practice_id,
        resource_id=episode.id,
        client_id=episode.client_id,
    )


async def last_transition(session: AsyncSession, episode_id: uuid.UUID) -> PhaseTransition:
    """The latest entry of the episode's phase history."""
    found = await session.execute(
        select(PhaseTransition)
        .where(col(PhaseTransition.episode_id) == episode_id)
        .order_by(col(PhaseTransition.position).desc())
        .limit(1)
    )
    return found.scalar_one()


async def record_transition(
    *,
    session: AsyncSession,
    ring: KeyRing,
    episode: Episode,
    transition_in: PhaseTransitionCreate,
    recorded_by: uuid.UUID,
) -> PhaseTransition:
    """Append a phase move, checking every rule of SPEC §1.1; concurrent moves get 409."""
    _require_open(episode)
    current, to_phase = episode.current_phase, transition_in.to_phase
    if to_phase == current:
        raise Unprocessable(f"The episode is already in the {current} phase")
    if not is_next(current, to_phase) and transition_in.rationale is None:
        raise Unprocessable("Skipping a phase or moving back needs a rationale")
    effective_on = transition_in.effective_on
    if effective_on < episode.started_on:
        raise Unprocessable("effective_on cannot lie before the episode's start")
    last = await last_transition(session, episode.id)
    if effective_on < last.effective_on:
        raise Unprocessable("effective_on cannot lie before the last transition's effective_on")
    _not_in_future(effective_on, "effective_on")
    moved = await session.execute(
        update(Episode)
        .where(col(Episode.id) == episode.id, col(Episode.version) == episode.version)
        .values(current_phase=to_phase, version=episode.version + 1, updated_at=utcnow())
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("The episode changed meanwhile; read it again and retry")
    set_committed_value(episode, "current_phase", to_phase)
    set_committed_value(episode, "version", episode.version + 1)
    transition = PhaseTransition(
        id=uuid7(),
        practice_id=episode.practice_id,
        episode_id=episode.id,
        position=last.position + 1,
        from_phase=current,
        to_phase=to_phase,
        effective_on=effective_on,
        recorded_by=recorded_by,
    )
    transition.rationale = seal(ring, transition, "rationale", transition_in.rationale)
    session.add(transition)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("The episode changed meanwhile; read it again and retry") from None
    _changed(session, episode, "episode.phase_changed")
    return transition


async def close_episode(
    *,
    session: AsyncSession,
    ring: KeyRing,
    episode: Episode,
    close_in: EpisodeClose,
    expected_version: int,
) -> Episode:
    """Close an open episode from any phase; scheduled sessions must be settled first."""
    _require_open(episode)
    ended_on = close_in.ended_on
    if ended_on < episode.started_on:
        raise Unprocessable("ended_on cannot lie before the episode's start")
    last = await last_transition(session, episode.id)
    if ended_on < last.effective_on:
        raise Unprocessable("ended_on cannot lie before the last phase transition")
    _not_in_future(ended_on, "ended_on")
    # The version moves first: it holds the row, so a session booked at once is either
    # counted below or refused (app/sessions/service.py holds the episode too).
    await bump_version(session, episode, expected_version)
    scheduled = (
        await session.execute(
            select(func.count()).where(
                col(TherapySession.episode_id) == episode.id,
                col(TherapySession.status) == "scheduled",
            )
        )
    ).scalar_one()
    if scheduled:
        raise Conflict(
            f"{scheduled} session(s) of this episode are still scheduled; "
            "record their attendance or cancel them first"
        )
    # A closed episode takes no cosignature or return: a note awaiting one would wait for
    # good. (Drafts freeze with the episode, as docs/clinical-record.md says.)
    waiting = (
        await session.execute(
            select(func.count())
            .select_from(Note)
            .join(TherapySession, col(TherapySession.id) == col(Note.session_id))
            .where(
                col(TherapySession.episode_id) == episode.id,
                col(Note.status) == "pending_cosign",
            )
        )
    ).scalar_one()
    if waiting:
        raise Conflict(
            f"{waiting} note(s) of this episode await cosignature; "
            "the supervisor must cosign or return them first"
        )
    last_session = (
        await session.execute(
            select(func.max(col(TherapySession.starts_on))).where(
                col(TherapySession.episode_id) == episode.id,
                col(TherapySession.status).in_(_COUNTED_SESSIONS),
            )
        )
    ).scalar_one()
    if last_session is not None and ended_on < last_session:
        raise Unprocessable("ended_on cannot lie before the episode's last session")
    # A measure belongs to the episode whose span holds its date (docs/progress.md): closed
    # before it, the episode would drop it from its record, and a later episode take it.
    last_measure = await session.scalar(
        select(func.max(col(Measure.administered_on))).where(
            col(Measure.client_id) == episode.client_id,
            col(Measure.administered_on) >= episode.started_on,
        )
    )
    if last_measure is not None and ended_on < last_measure:
        raise Unprocessable("ended_on cannot lie before the episode's last measure")
    episode.status = "closed"
    episode.ended_on = ended_on
    episode.close_reason = close_in.reason
    episode.close_summary = seal(ring, episode, "close_summary", close_in.summary)
    episode.updated_at = utcnow()
    session.add(episode)
    await session.flush()
    _changed(session, episode, "episode.closed")
    return episode
