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
from app.models import Episode
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


@dataclass
class _Rows:
    """The statement's rows, sorted by kind."""

    transitions: list[tuple[int, str, date]] = field(default_factory=list)
    sessions: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    themes: list[Any] = field(default_factory=list)
    ccrt: list[Any] = field(default_factory=list)
    measures: list[Any] = field(default_factory=list)
    points: list[tuple[str, date, str, int]] = field(default_factory=list)


def _segments(rows: _Rows, episode: Episode) -> list[_Span]:
    """The timeline: transitions superseded the same day drop out, equal neighbours merge."""
    transitions = sorted(rows.transitions)
    spans: list[_Span] = []
    for index, (position, phase, effective_on) in enumerate(transitions):
        following = transitions[index + 1][2] if index + 1 < len(transitions) else None
        if following is not None and following <= effective_on:
            continue  # superseded on its own day: never in effect
        if following is not None:
            last: date | None = following - timedelta(days=1)
        else:
            last = episode.ended_on if episode.status != "open" else None
        if spans and spans[-1].phase == phase:
            spans[-1].last = last
            spans[-1].positions.append(position)
        else:
            spans.append(_Span(phase, effective_on, last, [position]))
    return spans


def _counts(by_status: dict[str, int]) -> SessionCounts:
    return SessionCounts(total=sum(by_status.values()), **by_status)


async def build_progress(
    *, session: AsyncSession, episode: Episode, themes: list[str] | None = None
) -> Progress:
    """The progress document of an episode, every figure aggregated by the database."""
    as_of = utcnow().date()
    parameters = queries.progress_parameters(
        episode_id=episode.id,
        client_id=episode.client_id,
        started_on=episode.started_on,
        ended_on=episode.ended_on,
        codes=themes,
    )
    rows = _Rows()
    result = await session.execute(queries.progress_statement(), parameters)
    for row in result.all():
        kind, phase, position, code = row[0], row[1], row[2], row[3]
        if kind == "point":  # thousands of these: plain tuples, positional access only
            rows.points.append((code, row[11], phase, row[7]))
        elif kind == "transition":
            rows.transitions.append((position, phase, row[11]))
        elif kind == "sessions":
            rows.sessions[position][code] = row[7]
        elif kind == "theme":
            rows.themes.append(row)
        elif kind == "measure":
            rows.measures.append(row)
        else:
            rows.ccrt.append(row)
    segments, phases = _timeline(rows, episode, as_of)
    _add_themes(rows, phases)
    _add_ccrt(rows, phases)
    _add_measures(rows, phases)
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
        theme_trajectories=_trajectories(rows, phases),
    )


def _timeline(
    rows: _Rows, episode: Episode, as_of: date
) -> tuple[list[Segment], dict[str, _Phase]]:
    """The segments with their session counts, and the phases entered, in order."""
    segments: list[Segment] = []
    phases: dict[str, _Phase] = {}
    for span in _segments(rows, episode):
        days = max(0, ((span.last or as_of) - span.first).days + 1)
        counts: dict[str, int] = defaultdict(int)
        for position in span.positions:
            for status, n in rows.sessions.get(position, {}).items():
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


def _add_themes(rows: _Rows, phases: dict[str, _Phase]) -> None:
    """Each phase's themes: counts, sessions, mean intensity, first and last seen."""
    for row in rows.themes:
        if row.phase in phases:
            phases[row.phase].themes.append(
                ThemeSummary(
                    code=row.code,
                    label=row.label,
                    category=row.category,
                    dmrs_level=row.level,
                    count=row.n,
                    sessions=row.m,
                    mean_intensity=round2(row.x, row.n),
                    first_seen=row.first_on,
                    last_seen=row.last_on,
                )
            )


def _add_ccrt(rows: _Rows, phases: dict[str, _Phase]) -> None:
    """Each phase's CCRT tally: per component and code, [count, positive, negative]."""
    for row in rows.ccrt:
        if row.phase in phases:
            tally = phases[row.phase].ccrt.setdefault(row.kind, {})
            code_counts = tally.setdefault(row.code, [0, 0, 0])
            code_counts[0] += row.n
            if row.extra == "positive":
                code_counts[1] += row.n
            elif row.extra == "negative":
                code_counts[2] += row.n


def _add_measures(rows: _Rows, phases: dict[str, _Phase]) -> None:
    """Each phase's measures per instrument: n, first, last, change, last severity."""
    for row in rows.measures:
        if row.phase not in phases:
            continue
        change = round2(Decimal(str(row.y)) - Decimal(str(row.x)))
        phases[row.phase].measures.append(
            MeasureSummary(
                instrument=row.code,
                n=row.n,
                first=display_total(row.code, row.x),
                last=display_total(row.code, row.y),
                change=display_total(row.code, change),
                first_on=row.first_on,
                last_on=row.last_on,
                last_severity=row.extra,
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


def _trajectories(rows: _Rows, phases: dict[str, _Phase]) -> list[ThemeTrajectory]:
    """Each theme's points, session by session, in date order (labels from the theme rows)."""
    labels = {t.code: (t.label, t.category) for p in phases.values() for t in p.themes}
    out: list[ThemeTrajectory] = []
    points: list[TrajectoryPoint] = []
    for code, on, phase, intensity in sorted(rows.points):
        if not out or out[-1].code != code:
            label, category = labels.get(code, (code, code.split(".", 1)[0]))
            out.append(ThemeTrajectory(code=code, label=label, category=category, points=[]))
            points = out[-1].points
        points.append(TrajectoryPoint(on=on, phase=phase, intensity=intensity))
    return out
