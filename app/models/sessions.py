"""Appointments (FHIR Encounter); the phase is derived from the episode's transitions."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime
from app.models.base import created_at_field, id_field, practice_fk


class TherapySession(SQLModel, table=True):
    """One appointment; `starts_on` is the local date of `starts_at` in the offset given."""

    __tablename__ = "session"
    __table_args__ = (
        sa.UniqueConstraint("practice_id", "external_id"),
        sa.Index("ix_session_practice_id_starts_at", "practice_id", "starts_at", "id"),
        sa.Index("ix_session_episode_id_starts_on", "episode_id", "starts_on"),
        sa.Index("ix_session_practice_id_updated_at", "practice_id", "updated_at", "id"),
    )

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    external_id: str | None = Field(default=None, max_length=100)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    episode_id: uuid.UUID = Field(foreign_key="episode.id")
    therapist_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    starts_on: date
    utc_offset_minutes: int = 0
    duration_minutes: int
    modality: str = Field(max_length=20)
    status: str = Field(default="scheduled", max_length=20)
    version: int = 1
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
