"""The aggregate queries behind the progress document; each groups by the phase in effect.

Session-based figures start from `session_phases`: the episode's sessions with the phase and
segment in effect on each session's date, read from the transition history at query time, so
a back-dated transition moves everything at once. Measures use `phase_at` on their date.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import CTE, Select, Subquery, func, select
from sqlmodel import col

from app.episodes.phases import phase_at
from app.models import Measure, Observation, PhaseTransition, RelationshipEpisode, Theme
from app.models import TherapySession as Visit


def segments(episode_id: uuid.UUID) -> Subquery:
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


def session_phases(episode_id: uuid.UUID) -> CTE:
    """The episode's sessions with their date, status, phase and segment position."""
    # One range join of the sessions on the segments instead of a `phase_at` lookup per
    # session and per query: the same answer (a test holds them equal), computed once.
    seg = segments(episode_id)
    in_segment = sa.and_(
        col(Visit.starts_on) >= seg.c.start,
        sa.or_(seg.c.next_start.is_(None), col(Visit.starts_on) < seg.c.next_start),
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
        # Materialized so that the statements reading it several times compute it once.
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )


def session_counts(sp: CTE) -> Select[Any]:
    """Sessions per segment position and status."""
    return (
        select(sp.c.position, sp.c.status, func.count().label("n"))
        .where(sp.c.position.is_not(None))
        .group_by(sp.c.position, sp.c.status)
    )


def _per_session(sp: CTE) -> Subquery:
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
        .group_by(col(Observation.theme_id), sp.c.session_id, sp.c.on, sp.c.phase)
        .subquery("per_session")
    )


def theme_counts(sp: CTE) -> Select[Any]:
    """Per phase and theme: observations, sessions, intensity sum, first and last date."""
    ps = _per_session(sp)
    return (
        select(
            ps.c.phase,
            col(Theme.code),
            col(Theme.label),
            col(Theme.category),
            col(Theme.dmrs_level),
            func.sum(ps.c.n).label("n"),
            func.count().label("sessions"),
            func.sum(ps.c.intensity_sum).label("intensity_sum"),
            func.min(ps.c.on).label("first_seen"),
            func.max(ps.c.on).label("last_seen"),
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


def ccrt_counts(sp: CTE) -> sa.CompoundSelect[Any]:
    """Per phase: how often each CCRT code (and valence, for responses) was told."""
    re = RelationshipEpisode

    def part(component: str, code: Any, valence: Any) -> Select[Any]:
        """Counts of one component's codes (and valences) per phase."""
        valence_col = sa.cast(sa.null(), sa.String) if valence is None else col(valence)
        grouping = [sp.c.phase, col(code)] + ([] if valence is None else [col(valence)])
        return (
            select(
                sa.literal(component).label("component"),
                sp.c.phase,
                col(code).label("code"),
                valence_col.label("valence"),
                func.count().label("n"),
            )
            .select_from(re)
            .join(sp, sp.c.session_id == col(re.session_id))
            .where(sp.c.phase.is_not(None))
            .group_by(*grouping)
        )

    return sa.union_all(
        part("wish", re.wish_code, None),
        part("response_of_other", re.response_of_other_code, re.response_of_other_valence),
        part("response_of_self", re.response_of_self_code, re.response_of_self_valence),
    )


def measure_summaries(
    *, episode_id: uuid.UUID, client_id: uuid.UUID, started_on: date, ended_on: date | None
) -> Select[Any]:
    """Per phase and instrument: n, first and last total and date, last severity."""
    # A measure belongs to the episode when administered between its start and its end; its
    # phase is the one in effect on its administration date.
    in_span = [col(Measure.client_id) == client_id, col(Measure.administered_on) >= started_on]
    if ended_on is not None:
        in_span.append(col(Measure.administered_on) <= ended_on)
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
    ranked = select(
        *base.c,
        func.row_number()
        .over(
            partition_by=partition,
            order_by=(base.c.administered_on, base.c.created_at, base.c.id),
        )
        .label("up"),
        func.row_number()
        .over(
            partition_by=partition,
            order_by=(
                base.c.administered_on.desc(),
                base.c.created_at.desc(),
                base.c.id.desc(),
            ),
        )
        .label("down"),
    ).subquery("ranked")

    def at(rank: Any, value: Any) -> Any:
        """The value of the row ranked first (by `rank`) in its group."""
        return func.max(sa.case((rank == 1, value)))

    return (
        select(
            ranked.c.phase,
            ranked.c.instrument,
            func.count().label("n"),
            at(ranked.c.up, ranked.c.total).label("first"),
            at(ranked.c.down, ranked.c.total).label("last"),
            at(ranked.c.up, ranked.c.administered_on).label("first_on"),
            at(ranked.c.down, ranked.c.administered_on).label("last_on"),
            at(ranked.c.down, ranked.c.severity).label("last_severity"),
        )
        .where(ranked.c.phase.is_not(None))
        .group_by(ranked.c.phase, ranked.c.instrument)
    )


def trajectory_points(sp: CTE, codes: list[str] | None) -> Select[Any]:
    """Per theme and session: the session's date and phase, and the highest intensity."""
    ps = _per_session(sp)
    query = (
        select(col(Theme.code), ps.c.on, ps.c.phase, ps.c.intensity_max.label("intensity"))
        .select_from(ps)
        .join(Theme, col(Theme.id) == ps.c.theme_id)
        .order_by(col(Theme.code), ps.c.on, ps.c.session_id)
    )
    if codes is not None:
        query = query.where(col(Theme.code).in_(codes))
    return query
