"""Clients, care teams, episodes of care and their phase history."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, practice_fk

PHASES = ("initial", "exploration", "working_through", "termination")


class Client(SQLModel, table=True):
    """A person in treatment; `presenting_concerns` holds AES-GCM ciphertext."""

    __table_args__ = (
        sa.UniqueConstraint("practice_id", "external_id"),
        sa.Index("ix_client_practice_id_created_at", "practice_id", "created_at", "id"),
        sa.Index("ix_client_practice_id_updated_at", "practice_id", "updated_at", "id"),
    )

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    external_id: str | None = Field(default=None, max_length=100)
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    preferred_name: str | None = Field(default=None, max_length=100)
    date_of_birth: date | None = None
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    presenting_concerns: str | None = Field(default=None, sa_type=sa.Text)
    status: str = Field(default="active", max_length=20)
    primary_therapist_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    version: int = 1
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class CareTeamMember(SQLModel, table=True):
    """A clinician on a client's care team (besides or including the primary therapist)."""

    __tablename__ = "care_team_member"

    client_id: uuid.UUID = Field(foreign_key="client.id", primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True, index=True)
    practice_id: uuid.UUID = practice_fk()
    added_at: datetime = created_at_field()


class Episode(SQLModel, table=True):
    """One course of treatment (FHIR EpisodeOfCare); goals and summary are ciphertext."""

    __table_args__ = (
        sa.Index(
            "uq_episode_open_per_client",
            "client_id",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
    )

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    therapist_id: uuid.UUID = Field(foreign_key="user.id")
    status: str = Field(default="open", max_length=10)
    started_on: date
    ended_on: date | None = None
    close_reason: str | None = Field(default=None, max_length=20)
    close_summary: str | None = Field(default=None, sa_type=sa.Text)
    goals: str | None = Field(default=None, sa_type=sa.Text)
    current_phase: str = Field(default="initial", max_length=20)
    version: int = 1
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class PhaseTransition(SQLModel, table=True):
    """Append-only phase history; position 0 is the start; `rationale` is ciphertext."""

    __tablename__ = "phase_transition"
    __table_args__ = (sa.UniqueConstraint("episode_id", "position"),)

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    episode_id: uuid.UUID = Field(foreign_key="episode.id")
    position: int
    from_phase: str | None = Field(default=None, max_length=20)
    to_phase: str = Field(max_length=20)
    effective_on: date
    rationale: str | None = Field(default=None, sa_type=sa.Text)
    recorded_by: uuid.UUID = Field(foreign_key="user.id")
    recorded_at: datetime = created_at_field()
