"""Measures: scored on the server, optionally tied to a session of the same client."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import hold, utcnow
from app.errors import Conflict, Unprocessable
from app.feed import outbox as feed
from app.measures.schemas import MeasureCreate, MeasureOut
from app.measures.scoring import INSTRUMENTS, score
from app.models import Client, Episode, Measure, TherapySession
from app.schema_types import latest_today


class EpisodeClosed(Conflict):
    """The measure would land in a closed, read-only episode (its session's, or by date)."""


_CLIENT = Client.__table__  # type: ignore[attr-defined]
_EPISODE = Episode.__table__  # type: ignore[attr-defined]


def display_total(instrument: str, value: float) -> int | float:
    """A stored total as shown: sums (PHQ-9, GAD-7) are integers, means stay decimal."""
    return int(value) if INSTRUMENTS[instrument].total_kind == "sum" else value


def measure_out(row: Measure) -> MeasureOut:
    """The output shape of a measure."""
    total = display_total(row.instrument, row.total)
    return MeasureOut(
        id=row.id,
        client_id=row.client_id,
        session_id=row.session_id,
        instrument=row.instrument,
        administered_on=row.administered_on,
        item_responses=list(row.item_responses),
        total=total,
        subscales=dict(row.subscales),
        severity=row.severity,
        risk_flag=row.risk_flag,
        recorded_by=row.recorded_by,
        created_at=row.created_at,
    )


async def create_measure(
    *, session: AsyncSession, client: Client, recorded_by: uuid.UUID, measure_in: MeasureCreate
) -> Measure:
    """Score and store one administration (422 on bad items, foreign session or future date)."""
    # The client, and the open episode the measure lands in, are held while it is written
    # (app.db.hold): an archive or a close at once waits for this, or this for it.
    if client.status == "archived" or not await hold(
        session, _CLIENT, client.id, _CLIENT.c.status != "archived"
    ):
        raise Conflict("An archived client takes no new measures; set status to active first")
    administered_on = measure_in.administered_on
    session_episode: uuid.UUID | None = None
    if measure_in.session_id is not None:
        # The session's episode must be open: a closed one's record is read-only.
        visit = await session.get(TherapySession, measure_in.session_id)
        if visit is None or visit.client_id != client.id:
            raise Unprocessable("session_id: no such session of this client")
        if not await hold(session, _EPISODE, visit.episode_id, _EPISODE.c.status == "open"):
            raise EpisodeClosed("The session's episode is closed; its record is read-only")
        administered_on = administered_on or visit.starts_on
        session_episode = visit.episode_id
    administered_on = administered_on or utcnow().date()
    if administered_on > latest_today():
        raise Unprocessable("administered_on cannot lie in the future")
    # Progress reports place a measure in the episodes whose span holds its date: none of them
    # may be closed, but on the day one episode ended and the next began, the open one takes it.
    spans = await _episodes_on(session, client.id, administered_on)
    if session_episode is not None and session_episode not in {e for e, _ in spans}:
        # Counted in the episode its date lies in: its session's, or none would show it.
        raise Unprocessable("administered_on must lie within the session's episode")
    if spans and not any(status == "open" for _, status in spans):
        raise EpisodeClosed("administered_on lies in a closed episode; its record is read-only")
    for episode_id, status in spans:
        if status == "open" and not await hold(
            session, _EPISODE, episode_id, _EPISODE.c.status == "open"
        ):
            raise EpisodeClosed("administered_on lies in a closed episode; its record is read-only")
    result = score(measure_in.instrument, measure_in.items)
    row = Measure(
        practice_id=client.practice_id,
        client_id=client.id,
        session_id=measure_in.session_id,
        instrument=measure_in.instrument,
        administered_on=administered_on,
        item_responses=list(measure_in.items),
        total=float(result.total),
        subscales=dict(result.subscales),
        severity=result.severity,
        risk_flag=result.risk_flag,
        recorded_by=recorded_by,
    )
    session.add(row)
    await session.flush()
    feed.record(
        session,
        type="measure.created",
        practice_id=row.practice_id,
        resource_id=row.id,
        client_id=row.client_id,
    )
    return row


async def _episodes_on(
    session: AsyncSession, client_id: uuid.UUID, on: date
) -> list[tuple[uuid.UUID, str]]:
    """The client's episodes whose span (open or closed) holds this date."""
    rows = await session.execute(
        select(col(Episode.id), col(Episode.status)).where(
            col(Episode.client_id) == client_id,
            col(Episode.started_on) <= on,
            or_(col(Episode.ended_on).is_(None), col(Episode.ended_on) >= on),
        )
    )
    return [(row[0], row[1]) for row in rows]


async def list_measures(
    *,
    session: AsyncSession,
    client_id: uuid.UUID,
    instrument: str | None,
    before: tuple[date, uuid.UUID] | None,
    limit: int,
) -> list[Measure]:
    """Up to `limit` measures of a client, newest first, before a cursor."""
    query = select(Measure).where(col(Measure.client_id) == client_id)
    if instrument is not None:
        query = query.where(col(Measure.instrument) == instrument)
    if before is not None:
        query = query.where(tuple_(col(Measure.administered_on), col(Measure.id)) < before)
    query = query.order_by(col(Measure.administered_on).desc(), col(Measure.id).desc())
    return list((await session.execute(query.limit(limit))).scalars())
