"""The phase in effect on a date, computed in SQL from the append-only transition history.

A session's (or observation's, or measure's) phase is never stored: it is the `to_phase` of
the episode's last transition effective on or before that date, so a back-dated transition
changes every read and filter at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, select
from sqlmodel import col

from app.models import PHASES, PhaseTransition

PHASE_ORDER = {phase: index for index, phase in enumerate(PHASES)}


def phase_at(episode_id: Any, on: Any) -> ColumnElement[str]:
    """Scalar subquery: the phase of `episode_id` in effect on date `on` (SQL expressions)."""
    return (
        select(col(PhaseTransition.to_phase))
        .where(
            col(PhaseTransition.episode_id) == episode_id, col(PhaseTransition.effective_on) <= on
        )
        .order_by(col(PhaseTransition.position).desc())
        .limit(1)
        .correlate_except(PhaseTransition)
        .scalar_subquery()
    )


def phase_on(transitions: list[PhaseTransition], on: date) -> str | None:
    """The phase in effect on a date, from an episode's transitions already loaded."""
    current = None
    for transition in sorted(transitions, key=lambda t: t.position):
        if transition.effective_on <= on:
            current = transition.to_phase
    return current


def is_next(from_phase: str, to_phase: str) -> bool:
    """Whether a move is one step forward (needs no rationale)."""
    return PHASE_ORDER[to_phase] == PHASE_ORDER[from_phase] + 1


__all__ = ["PHASES", "PHASE_ORDER", "is_next", "phase_at", "phase_on", "sa"]
