"""The caseload report: one row per active client, every figure a correlated SQL aggregate."""

from __future__ import annotations

import uuid
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from app.db import UTCDateTime, utcnow
from app.episodes.phases import phase_at
from app.measures.service import display_total
from app.models import (
    PHASES,
    CareTeamMember,
    Client,
    Episode,
    Measure,
    Note,
    PhaseTransition,
    TherapySession,
)
from app.progress.schemas import (
    Caseload,
    CaseloadRow,
    CaseloadSummary,
    LatestMeasure,
    RiskFlag,
)
from app.schema_types import latest_today
from app.security.access import caseload_clause
from app.security.caller import Caller

# Progress-note risk levels that raise a flag on the caseload.
FLAGGED_RISK_LEVELS = ("moderate", "high", "imminent")


def _latest_measure_id(instrument: str) -> Any:
    return (
        select(col(Measure.id))
        .where(col(Measure.client_id) == col(Client.id), col(Measure.instrument) == instrument)
        .order_by(
            col(Measure.administered_on).desc(),
            col(Measure.created_at).desc(),
            col(Measure.id).desc(),
        )
        .limit(1)
        .correlate(Client)
        .scalar_subquery()
    )


def _latest_progress_note_id() -> Any:
    visit = aliased(TherapySession)
    return (
        select(col(Note.id))
        .join(visit, col(visit.id) == col(Note.session_id))
        .where(col(Note.client_id) == col(Client.id), col(Note.kind) == "progress")
        .order_by(col(visit.starts_on).desc(), col(Note.created_at).desc(), col(Note.id).desc())
        .limit(1)
        .correlate(Client)
        .scalar_subquery()
    )


def caseload_query(caller: Caller, now: Any, therapist_id: Any, phase_on: Any) -> Select[Any]:
    """Every figure of every caseload row, computed by the database in one statement.

    The phase is the one in effect on `phase_on`, the latest date a transition may bear
    (today somewhere on Earth): the episode's own `current_phase`, whatever the hour in UTC.
    """
    episode = aliased(Episode)
    phq9, gad7 = aliased(Measure), aliased(Measure)
    note, note_visit = aliased(Note), aliased(TherapySession)
    phase = phase_at(episode.id, phase_on)
    # The phase has run since the first transition date after the last day another phase
    # was in effect (a move corrected on its own day never took effect: it restarts nothing).
    moved, run = aliased(PhaseTransition), aliased(PhaseTransition)
    other_until = (
        select(func.max(col(moved.effective_on)))
        .where(
            col(moved.episode_id) == col(episode.id),
            col(moved.effective_on) <= phase_on,
            phase_at(episode.id, moved.effective_on) != phase,
        )
        .correlate(episode)
        .scalar_subquery()
    )
    since = (
        select(func.min(col(run.effective_on)))
        .where(
            col(run.episode_id) == col(episode.id),
            col(run.effective_on) <= phase_on,
            sa.or_(other_until.is_(None), col(run.effective_on) > other_until),
        )
        .correlate(episode)
        .scalar_subquery()
    )
    # Begun by now, an instant: east of UTC a session this morning is on a date UTC has not
    # reached yet.
    attended = [col(TherapySession.status) == "attended", col(TherapySession.starts_at) <= now]
    in_phase = (
        select(func.count())
        .where(
            col(TherapySession.episode_id) == col(episode.id),
            col(TherapySession.starts_on) >= since,
            *attended,
        )
        .correlate(episode)
        .scalar_subquery()
    )
    last_session = (
        select(func.max(col(TherapySession.starts_on)))
        .where(col(TherapySession.client_id) == col(Client.id), *attended)
        .correlate(Client)
        .scalar_subquery()
    )
    query: Select[Any] = (
        select(
            col(Client.id).label("client_id"),
            col(Client.given_name),
            col(Client.family_name),
            col(Client.preferred_name),
            col(Client.primary_therapist_id),
            col(episode.id).label("episode_id"),
            phase.label("phase"),
            since.label("since"),
            in_phase.label("sessions_in_phase"),
            last_session.label("last_session_on"),
            col(phq9.total).label("phq9_total"),
            col(phq9.severity).label("phq9_severity"),
            col(phq9.administered_on).label("phq9_on"),
            col(phq9.risk_flag).label("phq9_risk"),
            col(gad7.total).label("gad7_total"),
            col(gad7.severity).label("gad7_severity"),
            col(gad7.administered_on).label("gad7_on"),
            col(note.risk_level).label("note_risk"),
            col(note_visit.starts_on).label("note_on"),
        )
        .select_from(Client)
        .outerjoin(
            episode,
            sa.and_(col(episode.client_id) == col(Client.id), col(episode.status) == "open"),
        )
        .outerjoin(phq9, col(phq9.id) == _latest_measure_id("phq9"))
        .outerjoin(gad7, col(gad7.id) == _latest_measure_id("gad7"))
        .outerjoin(note, col(note.id) == _latest_progress_note_id())
        .outerjoin(note_visit, col(note_visit.id) == col(note.session_id))
        .where(caseload_clause(caller), col(Client.status) == "active")
    )
    if therapist_id is not None:
        team = select(col(CareTeamMember.client_id)).where(
            col(CareTeamMember.user_id) == therapist_id
        )
        query = query.where(
            sa.or_(col(Client.primary_therapist_id) == therapist_id, col(Client.id).in_(team))
        )
    return query


def _latest(
    instrument: str, total: float | None, severity: str | None, on: date | None
) -> LatestMeasure | None:
    if on is None or total is None:
        return None
    return LatestMeasure(
        total=display_total(instrument, total), severity=severity, administered_on=on
    )


def _row(row: Any, today: date) -> CaseloadRow:
    flags: list[RiskFlag] = []
    if row.phq9_risk:
        flags.append(RiskFlag(source="phq9_item9", on=row.phq9_on, level=None))
    if row.note_risk in FLAGGED_RISK_LEVELS:
        flags.append(RiskFlag(source="progress_note", on=row.note_on, level=row.note_risk))
    return CaseloadRow(
        client_id=row.client_id,
        given_name=row.given_name,
        family_name=row.family_name,
        preferred_name=row.preferred_name,
        primary_therapist_id=row.primary_therapist_id,
        episode_id=row.episode_id,
        # An episode an intake booked ahead opened starts in `initial` (SPEC §9), before
        # its first day has a segment: the row, the counts and `?phase=` agree on it.
        current_phase=row.phase or ("initial" if row.episode_id is not None else None),
        phase_since=row.since,
        # At least 1: a phase dated tomorrow in UTC began today where the practice is.
        days_in_phase=None if row.since is None else max((today - row.since).days + 1, 1),
        sessions_in_phase=row.sessions_in_phase if row.episode_id is not None else 0,
        last_session_on=row.last_session_on,
        phq9=_latest("phq9", row.phq9_total, row.phq9_severity, row.phq9_on),
        gad7=_latest("gad7", row.gad7_total, row.gad7_severity, row.gad7_on),
        risk_flags=flags,
    )


@cache
def _statement(kind: str, role: str | None, narrowed: bool) -> Select[Any]:
    """The caseload statement for one kind of caller, built once (building it is costly)."""
    # The caseload rules stay in `access.caseload_clause`: it is given a stand-in caller whose
    # id and practice are bound parameters (`caller_id`, `practice_id`), filled per request.
    stand_in = Caller(
        kind=kind,  # type: ignore[arg-type]
        id=sa.bindparam("caller_id", type_=sa.Uuid),  # type: ignore[arg-type]
        practice_id=sa.bindparam("practice_id", type_=sa.Uuid),  # type: ignore[arg-type]
        role=role,
        scopes=frozenset(),
        supervisor_id=None,
        requires_cosign=False,
        purpose="TREAT",
        break_glass_reason=None,
    )
    now = sa.bindparam("now", type_=UTCDateTime())
    phase_on = sa.bindparam("phase_on", type_=sa.Date)
    therapist = sa.bindparam("therapist_id", type_=sa.Uuid) if narrowed else None
    return caseload_query(stand_in, now, therapist, phase_on).order_by(
        col(Client.family_name), col(Client.given_name), col(Client.id)
    )


async def build_caseload(
    *, session: AsyncSession, caller: Caller, phase: str | None, therapist_id: uuid.UUID | None
) -> tuple[Caseload, list[uuid.UUID]]:
    """The caller's caseload rows (filtered by `phase`) and per-phase counts of all of it.

    Also every client the summary counts: the list may show fewer, but the counts (risk
    flags among them) hold data of each, and the access log names them all.
    """
    # One statement computes every row of the whole caseload; the summary counts those rows,
    # so that `?phase=` narrows the list without changing the counts shown beside it.
    now = utcnow()
    today = now.date()
    statement = _statement(caller.kind, caller.role, therapist_id is not None)
    parameters = {
        "caller_id": caller.id,
        "practice_id": caller.practice_id,
        "now": now,
        "phase_on": latest_today(),
        "therapist_id": therapist_id,
    }
    result = await session.execute(statement, parameters)
    rows = [_row(row, today) for row in result.all()]
    by_phase = dict.fromkeys(PHASES, 0)
    for row in rows:
        if row.current_phase is not None:
            by_phase[row.current_phase] += 1
    summary = CaseloadSummary(
        clients=len(rows),
        by_phase=by_phase,
        without_open_episode=sum(1 for row in rows if row.episode_id is None),
        with_risk_flags=sum(1 for row in rows if row.risk_flags),
    )
    items = rows if phase is None else [row for row in rows if row.current_phase == phase]
    return Caseload(as_of=today, summary=summary, items=items), [row.client_id for row in rows]
