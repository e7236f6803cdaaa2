"""Episode, phase-transition and close input and output shapes (all clinical)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schema_types import Absent, LongText, Rationale, SaneDate

Phase = Literal["initial", "exploration", "working_through", "termination"]
CloseReason = Literal["completed", "client_withdrew", "referred", "other"]
EpisodeStatus = Literal["open", "closed"]

_EPISODE_ID = "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d41"
_CLIENT_ID = "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21"
_THERAPIST_ID = "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d31"
_GOALS = "Understand the recurring pattern of withdrawal in close relationships."


class EpisodeCreate(BaseModel):
    """A new course of treatment; it starts in the `initial` phase on `started_on`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "started_on": "2026-09-01",
                "goals": _GOALS,
                "therapist_id": _THERAPIST_ID,
            }
        },
    )

    started_on: SaneDate = Field(description="Not in the future.")
    goals: LongText | None = Field(default=None, description="Stored encrypted.")
    therapist_id: uuid.UUID | None = Field(
        default=None, description="The treating clinician; default the primary therapist."
    )


class EpisodeUpdate(BaseModel):
    """Changes to an open episode's goals or treating therapist."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"goals": _GOALS}})

    goals: LongText | None = None
    therapist_id: uuid.UUID | Absent = None


class PhaseTransitionCreate(BaseModel):
    """A move to another phase; skipping ahead or going back needs a rationale."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "to_phase": "exploration",
                "effective_on": "2026-10-06",
                "rationale": None,
            }
        },
    )

    to_phase: Phase
    effective_on: SaneDate = Field(
        description="Not before the episode start or the last transition, not in the future."
    )
    rationale: Rationale | None = Field(default=None, description="Stored encrypted.")


class EpisodeClose(BaseModel):
    """Closing an episode from any phase; a closed episode is read-only."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "ended_on": "2027-03-30",
                "reason": "completed",
                "summary": "Goals reached; planned ending over six sessions.",
            }
        },
    )

    ended_on: SaneDate
    reason: CloseReason
    summary: LongText | None = Field(default=None, description="Stored encrypted.")


class EpisodeOut(BaseModel):
    """An episode of care as clinicians (and `progress:read` keys) see it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "id": _EPISODE_ID,
                "client_id": _CLIENT_ID,
                "therapist_id": _THERAPIST_ID,
                "status": "open",
                "started_on": "2026-09-01",
                "ended_on": None,
                "close_reason": None,
                "close_summary": None,
                "goals": _GOALS,
                "current_phase": "exploration",
                "version": 2,
                "created_at": "2026-09-01T09:00:00Z",
                "updated_at": "2026-10-06T09:00:00Z",
            }
        },
    )

    id: uuid.UUID
    client_id: uuid.UUID
    therapist_id: uuid.UUID
    status: EpisodeStatus
    started_on: date
    ended_on: date | None
    close_reason: CloseReason | None
    close_summary: str | None
    goals: str | None
    current_phase: Phase
    version: int
    created_at: datetime
    updated_at: datetime


class PhaseTransitionOut(BaseModel):
    """One entry of an episode's append-only phase history (position 0: the start)."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d51",
                "episode_id": _EPISODE_ID,
                "position": 1,
                "from_phase": "initial",
                "to_phase": "exploration",
                "effective_on": "2026-10-06",
                "rationale": None,
                "recorded_by": _THERAPIST_ID,
                "recorded_at": "2026-10-06T09:00:00Z",
            }
        },
    )

    id: uuid.UUID
    episode_id: uuid.UUID
    position: int
    from_phase: Phase | None
    to_phase: Phase
    effective_on: date
    rationale: str | None
    recorded_by: uuid.UUID
    recorded_at: datetime
