"""The progress document: a phase timeline and per-phase aggregates read from the database."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import utcnow
from app.errors import NotFound
from app.measures.service import display_total
from app.models import Episode, PhaseTransition
from app.progress import queries
from app.progress.schemas import (
    Ccrt,
    ComponentCount,
    DefensiveFunctioning,
    LevelCount,
    MeasureSummary,
    PhaseProgress,
    Progress,
    ResponseCount,
    Segment,
    SessionCounts,
    ThemeSummary,
    ThemeTrajectory,
    TrajectoryPoint,
)
from app.themes.catalog import DMRS_LEVEL_NAMES

_HUNDREDTH = Decimal("0.01")


class NoEpisode(NotFound):
    """The client has no episode of care yet."""


def round2(numerator: Decimal | int | float, denominator: int = 1) -> float:
    """numerator / denominator rounded half-up to two decimals, computed exactly."""
    exact = Decimal(str(numerator)) / Decimal(denominator)
    return float(exact.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP))


@dataclass
class _Phase:
    """Accumulates one phase's segments and aggregate rows before it becomes output."""

    name: str
    first_start: date
    segments: int = 0
    days: int = 0
    sessions: dict[str, int] = field(default_factory=dict)
    themes: list[ThemeSummary] = field(default_factory=list)
    ccrt: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    measures: list[MeasureSummary] = field(default_factory=list)


async def episode_for_client(*, session: AsyncSession, client_id: uuid.UUID) -> Episode:
    """The client's open episode, else the latest one, else 404."""
    query = (
        select(Episode)
        .where(col(Episode.client_id) == client_id)
        .order_by(
            (col(Episode.status) == "open").desc(),
            col(Episode.started_on).desc(),
            col(Episode.created_at).desc(),
        )
        .limit(1)
    )
    episode = (await session.execute(query)).scalar_one_or_none()
    if episode is None:
        raise NoEpisode("The client has no episode of care")
    return episode


@dataclass
class _Span:
    """A stretch of one phase: the transitions (positions) that govern it, first and last day."""

    phase: str
    first: date
    last: date | None
    positions: list[int]


def _segments(transitions: list[PhaseTransition], episode: Episode) -> list[_Span]:
    """The timeline: transitions superseded the same day drop out, equal neighbours merge."""
    spans: list[_Span] = []
    for index, transition in enumerate(transitions):
        following = transitions[index + 1] if index + 1 < len(transitions) else None
        if following is not None and following.effective_on <= transition.effective_on:
            continue  # superseded on its own day: never in effect
        if following is not None:
            last: date | None = following.effective_on - timedelta(days=1)
        else:
            last = episode.ended_on if episode.status != "open" else None
        if spans and spans[-1].phase == transition.to_phase:
            spans[-1].last = last
            spans[-1].positions.append(transition.position)
        else:
            spans.append(
                _Span(transition.to_phase, transition.effective_on, last, [transition.position])
            )
    return spans


def _counts(by_status: dict[str, int]) -> SessionCounts:
    return SessionCounts(total=sum(by_status.values()), **by_status)


async def build_progress(
    *, session: AsyncSession, episode: Episode, themes: list[str] | None = None
) -> Progress:
    """The progress document of an episode, every figure aggregated by the database."""
    as_of = utcnow().date()
    sp = queries.session_phases(episode.id)
    segments, phases = await _timeline(session, sp, episode, as_of)
    await _add_themes(session, sp, phases)
    await _add_ccrt(session, sp, phases)
    await _add_measures(session, episode, phases)
    labels = {t.code: (t.label, t.category) for p in phases.values() for t in p.themes}
    return Progress(
        episode_id=episode.id,
        client_id=episode.client_id,
        status=episode.status,
        started_on=episode.started_on,
        ended_on=episode.ended_on,
        current_phase=segments[-1].phase if segments else None,
        as_of=as_of,
        segments=segments,
        phases=_phase_documents(list(phases.values())),
        theme_trajectories=await _trajectories(session, sp, themes, labels),
    )


async def _timeline(
    session: AsyncSession, sp: Any, episode: Episode, as_of: date
) -> tuple[list[Segment], dict[str, _Phase]]:
    """The segments with their session counts, and the phases entered, in order."""
    transitions = list(
        (
            await session.execute(
                select(PhaseTransition)
                .where(col(PhaseTransition.episode_id) == episode.id)
                .order_by(col(PhaseTransition.position))
            )
        ).scalars()
    )
    per_position: dict[int, dict[str, int]] = defaultdict(dict)
    for position, status, n in (await session.execute(queries.session_counts(sp))).all():
        per_position[position][status] = n
    segments: list[Segment] = []
    phases: dict[str, _Phase] = {}
    for span in _segments(transitions, episode):
        days = max(0, ((span.last or as_of) - span.first).days + 1)
        counts: dict[str, int] = defaultdict(int)
        for position in span.positions:
            for status, n in per_position.get(position, {}).items():
                counts[status] += n
        segments.append(
            Segment(
                phase=span.phase,
                start=span.first,
                end=span.last,
                days=days,
                sessions=_counts(counts),
            )
        )
        entry = phases.setdefault(span.phase, _Phase(name=span.phase, first_start=span.first))
        entry.segments += 1
        entry.days += days
        for status, n in counts.items():
            entry.sessions[status] = entry.sessions.get(status, 0) + n
    return segments, phases


async def _add_themes(session: AsyncSession, sp: Any, phases: dict[str, _Phase]) -> None:
    """Each phase's themes: counts, sessions, mean intensity, first and last seen."""
    for row in (await session.execute(queries.theme_counts(sp))).all():
        if row.phase in phases:
            phases[row.phase].themes.append(
                ThemeSummary(
                    code=row.code,
                    label=row.label,
                    category=row.category,
                    dmrs_level=row.dmrs_level,
                    count=row.n,
                    sessions=row.sessions,
                    mean_intensity=round2(row.intensity_sum, row.n),
                    first_seen=row.first_seen,
                    last_seen=row.last_seen,
                )
            )


async def _add_ccrt(session: AsyncSession, sp: Any, phases: dict[str, _Phase]) -> None:
    """Each phase's CCRT tally: per component and code, [count, positive, negative]."""
    for row in (await session.execute(queries.ccrt_counts(sp))).all():
        if row.phase in phases:
            tally = phases[row.phase].ccrt.setdefault(row.component, {})
            code_counts = tally.setdefault(row.code, [0, 0, 0])
            code_counts[0] += row.n
            if row.valence == "positive":
                code_counts[1] += row.n
            elif row.valence == "negative":
                code_counts[2] += row.n


async def _add_measures(session: AsyncSession, episode: Episode, phases: dict[str, _Phase]) -> None:
    """Each phase's measures per instrument: n, first, last, change, last severity."""
    query = queries.measure_summaries(
        episode_id=episode.id,
        client_id=episode.client_id,
        started_on=episode.started_on,
        ended_on=episode.ended_on,
    )
    for row in (await session.execute(query)).all():
        if row.phase not in phases:
            continue
        change = round2(Decimal(str(row.last)) - Decimal(str(row.first)))
        phases[row.phase].measures.append(
            MeasureSummary(
                instrument=row.instrument,
                n=row.n,
                first=display_total(row.instrument, row.first),
                last=display_total(row.instrument, row.last),
                change=display_total(row.instrument, change),
                first_on=row.first_on,
                last_on=row.last_on,
                last_severity=row.last_severity,
            )
        )


def _defensive_functioning(themes: list[ThemeSummary]) -> DefensiveFunctioning:
    """ODF: every defense observation counted once at its theme's DMRS level."""
    by_level = dict.fromkeys(range(1, 8), 0)
    for theme in themes:
        if theme.category == "defense" and theme.dmrs_level is not None:
            by_level[theme.dmrs_level] += theme.count
    total = sum(by_level.values())
    weighted = sum(level * n for level, n in by_level.items())
    return DefensiveFunctioning(
        odf=round2(weighted, total) if total else None,
        defense_observations=total,
        by_level=[
            LevelCount(level=level, name=DMRS_LEVEL_NAMES[level], count=n)
            for level, n in by_level.items()
        ],
    )


def _ccrt(tally: dict[str, dict[str, list[int]]]) -> Ccrt:
    """CCRT components, most frequent first (ties by code)."""

    def ordered(component: str) -> list[tuple[str, list[int]]]:
        """A component's codes, most frequent first."""
        return sorted(tally.get(component, {}).items(), key=lambda item: (-item[1][0], item[0]))

    wishes = [ComponentCount(code=code, count=c[0]) for code, c in ordered("wish")]
    return Ccrt(
        relationship_episodes=sum(w.count for w in wishes),
        wish=wishes,
        response_of_other=[
            ResponseCount(code=code, count=c[0], positive=c[1], negative=c[2])
            for code, c in ordered("response_of_other")
        ],
        response_of_self=[
            ResponseCount(code=code, count=c[0], positive=c[1], negative=c[2])
            for code, c in ordered("response_of_self")
        ],
    )


def _phase_documents(entries: list[_Phase]) -> list[PhaseProgress]:
    """Per-phase output; emerging and receding themes follow the calendar, not phase order."""
    first_seen: dict[str, tuple[date, str]] = {}
    for entry in entries:
        for theme in entry.themes:
            seen = first_seen.get(theme.code)
            if seen is None or theme.first_seen < seen[0]:
                first_seen[theme.code] = (theme.first_seen, entry.name)
    documents: list[PhaseProgress] = []
    for entry in entries:
        codes = {theme.code for theme in entry.themes}
        before = {code for code, (on, _) in first_seen.items() if on < entry.first_start}
        documents.append(
            PhaseProgress(
                phase=entry.name,
                segments=entry.segments,
                days=entry.days,
                sessions=_counts(entry.sessions),
                themes=sorted(entry.themes, key=lambda t: (-t.count, t.code)),
                emerging_themes=sorted(c for c in codes if first_seen[c][1] == entry.name),
                receding_themes=sorted(before - codes),
                defensive_functioning=_defensive_functioning(entry.themes),
                ccrt=_ccrt(entry.ccrt),
                measures=sorted(entry.measures, key=lambda m: m.instrument),
            )
        )
    return documents


async def _trajectories(
    session: AsyncSession, sp: Any, codes: list[str] | None, labels: dict[str, tuple[str, str]]
) -> list[ThemeTrajectory]:
    """Each theme's points, session by session, in date order (labels from the theme rows)."""
    out: list[ThemeTrajectory] = []
    result = await session.execute(queries.trajectory_points(sp, codes))
    for code, on, phase, intensity in result.all():
        if not out or out[-1].code != code:
            label, category = labels.get(code, (code, code.split(".", 1)[0]))
            out.append(ThemeTrajectory(code=code, label=label, category=category, points=[]))
        out[-1].points.append(TrajectoryPoint(on=on, phase=phase, intensity=intensity))
    return out
