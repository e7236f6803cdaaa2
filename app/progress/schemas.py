"""The progress document and the caseload report."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from app.episodes.schemas import Phase
from app.measures.schemas import Severity


class SessionCounts(BaseModel):
    """Sessions by status."""

    total: int = 0
    scheduled: int = 0
    attended: int = 0
    cancelled: int = 0
    late_cancelled: int = 0
    no_show: int = 0


class Segment(BaseModel):
    """One stretch of the phase timeline: from a transition to the day before the next."""

    phase: Phase
    start: date
    end: date | None = Field(description="Last day of the segment; null while current.")
    days: int = Field(description="Calendar days covered, the first and last included.")
    sessions: SessionCounts


class ThemeSummary(BaseModel):
    """How a theme showed in a phase."""

    code: str
    label: str
    category: str
    dmrs_level: int | None
    count: int = Field(description="Observations of the theme.")
    sessions: int = Field(description="Distinct sessions it was observed in.")
    mean_intensity: float = Field(description="Mean intensity (1-5), two decimals.")
    first_seen: date
    last_seen: date


class LevelCount(BaseModel):
    """Defense observations at one DMRS level."""

    level: int
    name: str
    count: int


class DefensiveFunctioning(BaseModel):
    """Overall Defensive Functioning: the mean DMRS level of the defense observations."""

    odf: float | None = Field(description="1.00-7.00, two decimals; null without defenses.")
    defense_observations: int
    by_level: list[LevelCount]


class ComponentCount(BaseModel):
    """How often a CCRT wish code was told."""

    code: str
    count: int


class ResponseCount(BaseModel):
    """How often a CCRT response code was told, and with which valence."""

    code: str
    count: int
    positive: int
    negative: int


class Ccrt(BaseModel):
    """The CCRT components of a phase's relationship episodes, most frequent first."""

    relationship_episodes: int
    wish: list[ComponentCount]
    response_of_other: list[ResponseCount]
    response_of_self: list[ResponseCount]


class MeasureSummary(BaseModel):
    """One instrument's administrations in a phase."""

    instrument: str
    n: int
    first: int | float = Field(description="Total of the first administration.")
    last: int | float = Field(description="Total of the last administration.")
    change: int | float = Field(description="last - first")
    first_on: date
    last_on: date
    last_severity: Severity | None


class PhaseProgress(BaseModel):
    """Everything that happened while the episode was in one phase (all its segments)."""

    phase: Phase
    segments: int
    days: int
    sessions: SessionCounts
    themes: list[ThemeSummary]
    emerging_themes: list[str] = Field(
        description="Themes whose first observation in the episode fell in this phase."
    )
    receding_themes: list[str] = Field(
        description="Themes observed before this phase was first entered, and not in it."
    )
    defensive_functioning: DefensiveFunctioning
    ccrt: Ccrt
    measures: list[MeasureSummary]


class TrajectoryPoint(TypedDict):
    """A theme's intensity in one session (the highest when observed more than once)."""

    # A TypedDict rather than a model: an episode has thousands of points, built as dicts.

    on: date
    phase: str
    intensity: int


class ThemeTrajectory(BaseModel):
    """A theme across the episode, session by session."""

    code: str
    label: str
    category: str
    points: list[TrajectoryPoint]


_COUNTS = {
    "total": 4,
    "scheduled": 0,
    "attended": 3,
    "cancelled": 0,
    "late_cancelled": 0,
    "no_show": 1,
}
_LEVELS = [
    {"level": level, "name": name, "count": count}
    for level, name, count in (
        (1, "Action", 0),
        (2, "Major image-distorting", 0),
        (3, "Disavowal", 5),
        (4, "Minor image-distorting", 1),
        (5, "Other neurotic", 0),
        (6, "Obsessional", 0),
        (7, "High adaptive", 0),
    )
]
_PROGRESS_EXAMPLE: dict[str, Any] = {
    "episode_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41",
    "client_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
    "status": "open",
    "started_on": "2026-01-05",
    "ended_on": None,
    "current_phase": "exploration",
    "as_of": "2026-02-20",
    "segments": [
        {
            "phase": "initial",
            "start": "2026-01-05",
            "end": "2026-02-01",
            "days": 28,
            "sessions": _COUNTS,
        },
        {
            "phase": "exploration",
            "start": "2026-02-02",
            "end": None,
            "days": 19,
            "sessions": _COUNTS | {"total": 3, "attended": 3, "no_show": 0},
        },
    ],
    "phases": [
        {
            "phase": "initial",
            "segments": 1,
            "days": 28,
            "sessions": _COUNTS,
            "themes": [
                {
                    "code": "defense.denial",
                    "label": "Denial",
                    "category": "defense",
                    "dmrs_level": 3,
                    "count": 2,
                    "sessions": 2,
                    "mean_intensity": 3.5,
                    "first_seen": "2026-01-05",
                    "last_seen": "2026-01-12",
                },
            ],
            "emerging_themes": ["defense.denial"],
            "receding_themes": [],
            "defensive_functioning": {"odf": 3.17, "defense_observations": 6, "by_level": _LEVELS},
            "ccrt": {
                "relationship_episodes": 1,
                "wish": [{"code": "to_be_close", "count": 1}],
                "response_of_other": [
                    {"code": "rejects", "count": 1, "positive": 0, "negative": 1}
                ],
                "response_of_self": [
                    {"code": "withdraws", "count": 1, "positive": 0, "negative": 1}
                ],
            },
            "measures": [
                {
                    "instrument": "phq9",
                    "n": 2,
                    "first": 18,
                    "last": 16,
                    "change": -2,
                    "first_on": "2026-01-05",
                    "last_on": "2026-01-26",
                    "last_severity": "moderately_severe",
                },
            ],
        },
    ],
    "theme_trajectories": [
        {
            "code": "defense.denial",
            "label": "Denial",
            "category": "defense",
            "points": [
                {"on": "2026-01-05", "phase": "initial", "intensity": 4},
                {"on": "2026-01-12", "phase": "initial", "intensity": 3},
            ],
        },
    ],
}


class Progress(BaseModel):
    """How a treatment has moved, phase by phase."""

    model_config = ConfigDict(json_schema_extra={"example": _PROGRESS_EXAMPLE})

    episode_id: uuid.UUID
    client_id: uuid.UUID
    status: str
    started_on: date
    ended_on: date | None
    current_phase: Phase | None
    as_of: date
    segments: list[Segment]
    phases: list[PhaseProgress]
    theme_trajectories: list[ThemeTrajectory]


class LatestMeasure(BaseModel):
    """The latest administration of an instrument."""

    total: int | float
    severity: Severity | None
    administered_on: date


class RiskFlag(BaseModel):
    """A risk signal that the latest data still shows."""

    source: str = Field(description="`phq9_item9` or `progress_note`.")
    on: date
    level: str | None = Field(description="The progress note's risk level, when from a note.")


class CaseloadRow(BaseModel):
    """One client of the caseload."""

    client_id: uuid.UUID
    given_name: str
    family_name: str
    preferred_name: str | None
    primary_therapist_id: uuid.UUID
    episode_id: uuid.UUID | None
    current_phase: Phase | None
    phase_since: date | None
    days_in_phase: int | None
    sessions_in_phase: int = Field(description="Attended sessions since the phase began.")
    last_session_on: date | None = Field(description="The latest attended session.")
    phq9: LatestMeasure | None
    gad7: LatestMeasure | None
    risk_flags: list[RiskFlag]


class CaseloadSummary(BaseModel):
    """Clients of the whole caseload (before `?phase=`) per current phase."""

    clients: int
    by_phase: dict[str, int]
    without_open_episode: int
    with_risk_flags: int


class Caseload(BaseModel):
    """The caller's caseload (a supervisor's includes their supervisees')."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "as_of": "2026-02-20",
                "summary": {
                    "clients": 1,
                    "by_phase": {
                        "initial": 0,
                        "exploration": 1,
                        "working_through": 0,
                        "termination": 0,
                    },
                    "without_open_episode": 0,
                    "with_risk_flags": 1,
                },
                "items": [
                    {
                        "client_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
                        "given_name": "Jonas",
                        "family_name": "Okafor",
                        "preferred_name": None,
                        "primary_therapist_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d40",
                        "episode_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41",
                        "current_phase": "exploration",
                        "phase_since": "2026-02-02",
                        "days_in_phase": 19,
                        "sessions_in_phase": 3,
                        "last_session_on": "2026-02-16",
                        "phq9": {
                            "total": 12,
                            "severity": "moderate",
                            "administered_on": "2026-02-16",
                        },
                        "gad7": None,
                        "risk_flags": [{"source": "phq9_item9", "on": "2026-02-16", "level": None}],
                    }
                ],
            }
        }
    )

    as_of: date
    summary: CaseloadSummary
    items: list[CaseloadRow]
