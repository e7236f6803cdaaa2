"""The one SQL statement behind the progress document: every figure, grouped by phase.

Session-based figures start from `session_phases`: the episode's sessions with the phase and
segment in effect on each session's date, read from the transition history at query time, so
a back-dated transition moves everything at once. Measures use `phase_at` on their date.

Each part of the statement is an aggregate query; they share one row shape (`COLUMNS`, a
`kind` naming the part) and run as a single `UNION ALL`: one round trip and one snapshot, so
the counts of the timeline, the themes, the CCRT and the measures always agree.
"""

from __future__ import annotations

import uuid
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import CTE, ColumnElement, CompoundSelect, Select, Subquery, func, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from app.episodes.phases import phase_at
from app.models import Episode, Measure, Observation, PhaseTransition, RelationshipEpisode, Theme
from app.models import TherapySession as Visit
from app.sessions.schemas import NOT_HELD

# The shared row shape, after `kind` (so `n` is column 7 and `first_on` column 11). Integers
# and floats are cast so that every part (and both dialects) agree on their types; text and
# date values keep theirs (SQLite's CAST AS DATE mangles dates).
COLUMNS: dict[str, Any] = {
    "phase": sa.String,
    "position": sa.Integer,
    "code": sa.String,
    "label": sa.String,
    "category": sa.String,
    "level": sa.Integer,
    "n": sa.Integer,
    "m": sa.Integer,
    "x": sa.Float,
    "y": sa.Float,
    "first_on": sa.Date,
    "last_on": sa.Date,
    "extra": sa.String,
}
_CAST = (sa.Integer, sa.Float)


def _shape(kind: str, **values: Any) -> list[ColumnElement[Any]]:
    """The columns of one part: `kind`, then every column of COLUMNS (NULL when not given)."""
    out: list[ColumnElement[Any]] = [sa.literal(kind, sa.String).label("kind")]
    for name, type_ in COLUMNS.items():
        value = values.pop(name, None)
        if value is None:  # a typed NULL: PostgreSQL resolves UNION types branch by branch
            out.append(sa.cast(sa.null(), type_).label(name))
        elif type_ in _CAST:
            out.append(sa.cast(value, type_).label(name))
        else:
            out.append(sa.type_coerce(value, type_).label(name))
    if values:
        raise ValueError(f"unknown progress columns: {sorted(values)}")
    return out


def segments(episode_id: Any) -> Subquery:
    """The episode's transitions as date ranges [start, next_start): its timeline's segments."""
    # A date falls in the range of the last transition (by position) effective on or before
    # it, exactly as `phase_at` decides; a transition superseded on its day has an empty range.
    following = func.lead(col(PhaseTransition.effective_on)).over(
        order_by=col(PhaseTransition.position)
    )
    return (
        select(
            col(PhaseTransition.position).label("position"),
            col(PhaseTransition.to_phase).label("phase"),
            col(PhaseTransition.effective_on).label("start"),
            following.label("next_start"),
        )
        .where(col(PhaseTransition.episode_id) == episode_id)
        .subquery("segment")
    )


def session_phases(episode_id: Any) -> CTE:
    """The episode's sessions with their date, status, phase and segment position."""
    # One range join of the sessions on the segments instead of a `phase_at` lookup per
    # session: the same answer (a test holds them equal), computed once per statement.
    seg = segments(episode_id)
    # A closed episode's last segment ends on `ended_on`: a session cancelled after the end
    # is in no segment, as it is in no phase of the treatment.
    ended_on = select(col(Episode.ended_on)).where(col(Episode.id) == episode_id)
    in_segment = sa.and_(
        col(Visit.starts_on) >= seg.c.start,
        sa.or_(seg.c.next_start.is_(None), col(Visit.starts_on) < seg.c.next_start),
        sa.or_(
            ended_on.scalar_subquery().is_(None), col(Visit.starts_on) <= ended_on.scalar_subquery()
        ),
    )
    return (
        select(
            col(Visit.id).label("session_id"),
            col(Visit.starts_on).label("on"),
            col(Visit.status).label("status"),
            seg.c.phase,
            seg.c.position,
        )
        .join(seg, in_segment)
        .where(col(Visit.episode_id) == episode_id)
        .cte("session_phase")
        # Materialized, so that the parts reading it share one computation.
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )


def held(sp: CTE) -> ColumnElement[bool]:
    """The session took place: findings of one later marked cancelled or missed count nowhere
    (new ones are refused on such a session, app/observations/service.py)."""
    return sp.c.status.not_in(sorted(NOT_HELD))


def _transitions(episode_id: Any) -> Select[Any]:
    """kind `transition`: position, phase and effective date of every transition."""
    return select(
        *_shape(
            "transition",
            phase=col(PhaseTransition.to_phase),
            position=col(PhaseTransition.position),
            first_on=col(PhaseTransition.effective_on),
        )
    ).where(col(PhaseTransition.episode_id) == episode_id)


def _session_counts(sp: CTE) -> Select[Any]:
    """kind `sessions`: sessions per segment position (`position`) and status (`code`)."""
    return select(
        *_shape("sessions", position=sp.c.position, code=sp.c.status, n=func.count())
    ).group_by(sp.c.position, sp.c.status)


def _per_session(sp: CTE) -> CTE:
    """Observations grouped by theme and session: count, intensity sum and maximum."""
    return (
        select(
            col(Observation.theme_id).label("theme_id"),
            sp.c.session_id,
            sp.c.on,
            sp.c.phase,
            func.count().label("n"),
            func.sum(col(Observation.intensity)).label("intensity_sum"),
            func.max(col(Observation.intensity)).label("intensity_max"),
        )
        .select_from(Observation)
        .join(sp, sp.c.session_id == col(Observation.session_id))
        .where(held(sp))
        .group_by(col(Observation.theme_id), sp.c.session_id, sp.c.on, sp.c.phase)
        .cte("per_session")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )


def _themes(ps: CTE) -> Select[Any]:
    """kind `theme`: per phase and theme, observations, sessions, intensity sum, dates."""
    # n: observations, m: sessions with the theme, x: intensity sum, first_on/last_on: dates.
    return (
        select(
            *_shape(
                "theme",
                phase=ps.c.phase,
                code=col(Theme.code),
                label=col(Theme.label),
                category=col(Theme.category),
                level=col(Theme.dmrs_level),
                n=func.sum(ps.c.n),
                m=func.count(),
                x=func.sum(ps.c.intensity_sum),
                first_on=func.min(ps.c.on),
                last_on=func.max(ps.c.on),
            )
        )
        .select_from(ps)
        .join(Theme, col(Theme.id) == ps.c.theme_id)
        .group_by(
            ps.c.phase,
            col(Theme.id),
            col(Theme.code),
            col(Theme.label),
            col(Theme.category),
            col(Theme.dmrs_level),
        )
    )


def _points(ps: CTE, every_code: Any, codes: Any) -> Select[Any]:
    """kind `point`: per theme (`code`) and session, its date, phase and highest intensity."""
    query = (
        select(
            *_shape(
                "point",
                phase=ps.c.phase,
                code=col(Theme.code),
                n=ps.c.intensity_max,
                first_on=ps.c.on,
            )
        )
        .select_from(ps)
        .join(Theme, col(Theme.id) == ps.c.theme_id)
    )
    return query.where(sa.or_(every_code, col(Theme.code).in_(codes)))


def _ccrt(sp: CTE) -> list[Select[Any]]:
    """kinds `wish`, `response_of_other`, `response_of_self`: counts per phase, code, valence."""
    re = RelationshipEpisode

    def part(component: str, code: Any, valence: Any) -> Select[Any]:
        """Counts of one component's codes (and valences) per phase."""
        grouping = [sp.c.phase, col(code)] + ([] if valence is None else [col(valence)])
        extra = None if valence is None else col(valence)
        return (
            select(
                *_shape(component, phase=sp.c.phase, code=col(code), extra=extra, n=func.count())
            )
            .select_from(re)
            .join(sp, sp.c.session_id == col(re.session_id))
            .where(held(sp))
            .group_by(*grouping)
        )

    return [
        part("wish", re.wish_code, None),
        part("response_of_other", re.response_of_other_code, re.response_of_other_valence),
        part("response_of_self", re.response_of_self_code, re.response_of_self_valence),
    ]


def _measures(*, episode_id: Any, client_id: Any, started_on: Any, ended_on: Any) -> Select[Any]:
    """kind `measure`: per phase and instrument, first and last total and date, severity."""
    # code: instrument, n: administrations, x/y: first/last total, extra: last severity.
    # A measure belongs to the episode when administered between its start and its end; its
    # phase is the one in effect on its administration date. On a day one episode ended and
    # the next began, it belongs to the one that was open when it was recorded: the earlier
    # if recorded before the later existed, else the later (app/measures/service.py).
    on = col(Measure.administered_on)
    recorded = col(Measure.created_at)
    this = aliased(Episode, name="this_episode")
    other = aliased(Episode, name="other_episode")
    created = select(col(this.created_at)).where(col(this.id) == episode_id).scalar_subquery()

    def another(*where: Any) -> Any:
        """Whether another episode of the client meets `where`."""
        others = [col(other.client_id) == client_id, col(other.id) != episode_id]
        return select(col(other.id)).where(*others, *where).exists()

    # A later episode (not one that ended that day) began that day before it was recorded.
    later_took_it = another(
        col(other.started_on) == on,
        col(other.created_at) > created,
        col(other.created_at) <= recorded,
    )
    earlier_had_it = another(col(other.ended_on) == on, col(other.created_at) < created)
    in_span = [
        col(Measure.client_id) == client_id,
        on >= started_on,
        sa.or_(ended_on.is_(None), on <= ended_on),
        sa.not_(sa.and_(ended_on.is_not(None), on == ended_on, later_took_it)),
        sa.not_(sa.and_(on == started_on, recorded < created, earlier_had_it)),
    ]
    base = (
        select(
            col(Measure.instrument),
            col(Measure.total),
            col(Measure.severity),
            col(Measure.administered_on),
            col(Measure.created_at),
            col(Measure.id),
            phase_at(episode_id, Measure.administered_on).label("phase"),
        )
        .where(*in_span)
        .subquery("measure_phase")
    )
    partition = (base.c.phase, base.c.instrument)
    oldest = (base.c.administered_on, base.c.created_at, base.c.id)
    ranked = select(
        *base.c,
        func.row_number().over(partition_by=partition, order_by=oldest).label("up"),
        func.row_number()
        .over(partition_by=partition, order_by=tuple(c.desc() for c in oldest))
        .label("down"),
    ).subquery("ranked")

    def at(rank: Any, value: Any) -> Any:
        """The value of the row ranked first (by `rank`) in its group."""
        return func.max(sa.case((rank == 1, value)))

    return (
        select(
            *_shape(
                "measure",
                phase=ranked.c.phase,
                code=ranked.c.instrument,
                n=func.count(),
                x=at(ranked.c.up, ranked.c.total),
                y=at(ranked.c.down, ranked.c.total),
                first_on=at(ranked.c.up, ranked.c.administered_on),
                last_on=at(ranked.c.down, ranked.c.administered_on),
                extra=at(ranked.c.down, ranked.c.severity),
            )
        )
        .where(ranked.c.phase.is_not(None))
        .group_by(ranked.c.phase, ranked.c.instrument)
    )


@cache
def progress_statement() -> CompoundSelect[Any]:
    """Every aggregate of the progress document as one statement, built once."""
    # Parameters: episode_id, client_id, started_on, ended_on (null while open), every_code
    # (true for all trajectories) and codes (the trajectories wanted otherwise).
    episode_id = sa.bindparam("episode_id", type_=sa.Uuid)
    ended_on = sa.bindparam("ended_on", type_=sa.Date)
    sp = session_phases(episode_id)
    ps = _per_session(sp)
    parts = [
        _transitions(episode_id),
        _session_counts(sp),
        _themes(ps),
        *_ccrt(sp),
        _measures(
            episode_id=episode_id,
            client_id=sa.bindparam("client_id", type_=sa.Uuid),
            started_on=sa.bindparam("started_on", type_=sa.Date),
            ended_on=ended_on,
        ),
        _points(
            ps,
            sa.bindparam("every_code", type_=sa.Boolean),
            sa.bindparam("codes", expanding=True, type_=sa.String),
        ),
    ]
    return sa.union_all(*parts)


def progress_parameters(
    *,
    episode_id: uuid.UUID,
    client_id: uuid.UUID,
    started_on: date,
    ended_on: date | None,
    codes: list[str] | None,
) -> dict[str, Any]:
    """The parameters of `progress_statement` for one episode (and theme filter)."""
    return {
        "episode_id": episode_id,
        "client_id": client_id,
        "started_on": started_on,
        "ended_on": ended_on,
        "every_code": codes is None,
        "codes": codes or [],
    }
