"""Rules for a session's findings: active themes only, locked once the progress note is signed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import connection_of, hold_on_sqlite, utcnow, uuid7
from app.driver import DriverStatement
from app.episodes.phases import phase_at
from app.errors import Conflict
from app.models import Episode, Note, Observation, RelationshipEpisode, Theme, TherapySession
from app.observations.schemas import (
    ObservationCreate,
    ObservationOut,
    RelationshipEpisodeCreate,
    RelationshipEpisodeOut,
    ResponseOut,
    WishOut,
)
from app.security.encryption import KeyRing
from app.security.fields import seal, unseal
from app.sessions.schemas import NOT_HELD
from app.themes import service as themes


class FindingsLocked(Conflict):
    """The session's findings can no longer change (signed progress note, closed episode)."""


class SessionNotHeld(Conflict):
    """The session was cancelled or missed."""


_PHASE = "observations.session_phase"
_THEME = Theme.__table__  # type: ignore[attr-defined]
# The progress note's row, share-locked (PostgreSQL): a concurrent signing (an UPDATE) waits
# for us and we for it, but writers of one session's findings do not wait for each other.
_LOCKED_NOTE = (
    select(col(Note.status))
    .where(col(Note.session_id) == bindparam("session_id"), col(Note.kind) == "progress")
    .with_for_update(read=True)
    .cte("progress_note")
)
_SESSION_PHASE = phase_at(bindparam("episode_id"), bindparam("starts_on"))
# Everything a finding's write checks, in one round trip: the episode's status, the session's
# phase, the progress note's status (locked until commit) and the theme named, if any.
_FINDINGS_STATE = DriverStatement(
    select(
        col(Episode.status).label("episode_status"),
        _SESSION_PHASE.label("phase"),
        select(_LOCKED_NOTE.c.status).scalar_subquery().label("note_status"),
        *[c.label(f"theme_{c.name}") for c in _THEME.columns],
    )
    .select_from(Episode)
    .outerjoin(
        _THEME,
        sa.and_(
            themes.visible(bindparam("practice_id")),
            _THEME.c.code == bindparam("theme_code"),
        ),
    )
    .where(col(Episode.id) == bindparam("episode_id"))
    # The episode's row share-locked too: a close (an UPDATE) beside this waits for our
    # commit, or we see it closed; findings writers do not wait for each other.
    .with_for_update(read=True, of=Episode)
)
_PHASE_ONLY = select(_SESSION_PHASE)
_INSERT_OBSERVATION = DriverStatement(
    sa.insert(Observation).values(
        {c.name: bindparam(c.name, type_=c.type) for c in Observation.__table__.columns}  # type: ignore[attr-defined]
    )
)


def _require_held(visit: TherapySession) -> None:
    """409 for a finding in a session that did not, or has not yet, taken place: the progress
    report would show a theme "seen" on a day still to come."""
    if visit.status in NOT_HELD:
        raise SessionNotHeld("The session did not take place; nothing can be recorded in it")
    if visit.starts_at > utcnow():
        raise SessionNotHeld("The session has not begun yet; nothing can be recorded in it")


def _visit_params(visit: TherapySession) -> dict[str, Any]:
    return {"episode_id": visit.episode_id, "starts_on": visit.starts_on}


async def ensure_changeable(
    *, session: AsyncSession, visit: TherapySession, theme_code: str | None = None
) -> Theme | None:
    """409 when the episode is closed or the session's progress note is signed.

    Also the theme a new observation names (None when it names none, or none is known).
    """
    params = {
        **_visit_params(visit),
        "session_id": visit.id,
        "practice_id": visit.practice_id,
        "theme_code": theme_code,
    }
    await hold_on_sqlite(session, Episode.__table__, visit.episode_id)  # type: ignore[attr-defined]
    found = await _FINDINGS_STATE.first(await connection_of(session), params)
    if found is None or found["episode_status"] != "open":
        raise FindingsLocked("The episode is closed; its record is read-only")
    # Kept for the response (session_phase): a write does not ask for it again.
    session.info[(_PHASE, visit.id)] = found["phase"]
    # Signed by its author: awaiting cosignature, the supervisor reviews what was signed.
    if found["note_status"] in ("signed", "pending_cosign"):
        raise FindingsLocked("The session's progress note is signed; its findings are locked")
    if found["theme_id"] is None:
        return None
    return Theme.model_construct(**{c.name: found[f"theme_{c.name}"] for c in _THEME.columns})


async def session_phase(*, session: AsyncSession, visit: TherapySession) -> str | None:
    """The phase in effect on the session's date, read from the transition history."""
    key = (_PHASE, visit.id)
    if key in session.info:
        phase: str | None = session.info[key]
        return phase
    return await session.scalar(_PHASE_ONLY, _visit_params(visit))


def _page_after(query: Any, model: Any, after: tuple[Any, ...] | None) -> Any:
    if after is not None:
        query = query.where(tuple_(col(model.created_at), col(model.id)) > after)
    return query.order_by(col(model.created_at), col(model.id))


def observation_out(
    ring: KeyRing, row: Observation, theme: Theme, visit: TherapySession, phase: str | None
) -> ObservationOut:
    """The output shape of an observation, evidence decrypted."""
    return ObservationOut(
        id=row.id,
        session_id=row.session_id,
        client_id=row.client_id,
        theme_code=theme.code,
        theme_label=theme.label,
        category=theme.category,
        dmrs_level=theme.dmrs_level,
        intensity=row.intensity,
        evidence=unseal(ring, row, "evidence"),
        session_on=visit.starts_on,
        phase=phase,
        observed_by=row.observed_by,
        created_at=row.created_at,
    )


async def list_observations(
    *,
    session: AsyncSession,
    visit: TherapySession,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[tuple[Observation, Theme]]:
    """Up to `limit` observations of a session, oldest first, after a cursor."""
    query = (
        select(Observation, Theme)
        .join(Theme, col(Theme.id) == col(Observation.theme_id))
        .where(col(Observation.session_id) == visit.id)
    )
    query = _page_after(query, Observation, after).limit(limit)
    return [(row[0], row[1]) for row in (await session.execute(query)).all()]


async def create_observation(
    *,
    session: AsyncSession,
    ring: KeyRing,
    observer_id: uuid.UUID,
    visit: TherapySession,
    observation_in: ObservationCreate,
) -> tuple[Observation, Theme]:
    """Record a theme observed in a held session; the theme must be active in the practice."""
    _require_held(visit)
    theme = themes.usable(
        await ensure_changeable(session=session, visit=visit, theme_code=observation_in.theme_code)
    )
    # Built without the session (a Core INSERT below) from input validated already; such a
    # row is read-only, so the evidence is sealed for its id before the row is built.
    fields: dict[str, Any] = {
        "id": uuid7(),
        "practice_id": visit.practice_id,
        "session_id": visit.id,
        "client_id": visit.client_id,
        "theme_id": theme.id,
        "intensity": observation_in.intensity,
        "observed_by": observer_id,
        "created_at": utcnow(),
        "evidence": None,
    }
    fields["evidence"] = seal(
        ring, Observation.model_construct(**fields), "evidence", observation_in.evidence
    )
    await _INSERT_OBSERVATION.run(await connection_of(session), fields)
    row = Observation.model_construct(**fields)
    return row, theme


async def delete_finding(
    *, session: AsyncSession, visit: TherapySession, finding: Observation | RelationshipEpisode
) -> None:
    """Remove an observation or relationship episode while the session is still open to change."""
    await ensure_changeable(session=session, visit=visit)
    await session.delete(finding)
    await session.flush()


def relationship_episode_out(
    ring: KeyRing, row: RelationshipEpisode, visit: TherapySession, phase: str | None
) -> RelationshipEpisodeOut:
    """The output shape of a relationship episode, texts decrypted."""
    return RelationshipEpisodeOut(
        id=row.id,
        session_id=row.session_id,
        client_id=row.client_id,
        other_person=unseal(ring, row, "other_person") or "",
        wish=WishOut(code=row.wish_code, text=unseal(ring, row, "wish_text")),
        response_of_other=ResponseOut(
            code=row.response_of_other_code,
            text=unseal(ring, row, "response_of_other_text"),
            valence=row.response_of_other_valence,
        ),
        response_of_self=ResponseOut(
            code=row.response_of_self_code,
            text=unseal(ring, row, "response_of_self_text"),
            valence=row.response_of_self_valence,
        ),
        session_on=visit.starts_on,
        phase=phase,
        recorded_by=row.recorded_by,
        created_at=row.created_at,
    )


async def list_relationship_episodes(
    *,
    session: AsyncSession,
    visit: TherapySession,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[RelationshipEpisode]:
    """Up to `limit` relationship episodes of a session, oldest first, after a cursor."""
    query = select(RelationshipEpisode).where(col(RelationshipEpisode.session_id) == visit.id)
    query = _page_after(query, RelationshipEpisode, after).limit(limit)
    return list((await session.execute(query)).scalars())


async def create_relationship_episode(
    *,
    session: AsyncSession,
    ring: KeyRing,
    recorder_id: uuid.UUID,
    visit: TherapySession,
    episode_in: RelationshipEpisodeCreate,
) -> RelationshipEpisode:
    """Record a relationship episode told in a held session; its texts are encrypted."""
    _require_held(visit)
    await ensure_changeable(session=session, visit=visit)
    row = RelationshipEpisode(
        practice_id=visit.practice_id,
        session_id=visit.id,
        client_id=visit.client_id,
        other_person="",
        wish_code=episode_in.wish.code,
        response_of_other_code=episode_in.response_of_other.code,
        response_of_other_valence=episode_in.response_of_other.valence,
        response_of_self_code=episode_in.response_of_self.code,
        response_of_self_valence=episode_in.response_of_self.valence,
        recorded_by=recorder_id,
    )
    texts = {
        "other_person": episode_in.other_person,
        "wish_text": episode_in.wish.text,
        "response_of_other_text": episode_in.response_of_other.text,
        "response_of_self_text": episode_in.response_of_self.text,
    }
    for column, text in texts.items():
        setattr(row, column, seal(ring, row, column, text))
    session.add(row)
    await session.flush()
    return row
