"""Clinical notes and their addenda; bodies, risk details, plans and comments are ciphertext."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, practice_fk, timestamp_field


class Note(SQLModel, table=True):
    """A progress note (the record) or a psychotherapy note (private to its author)."""

    __table_args__ = (
        sa.Index(
            "uq_note_progress_per_session",
            "session_id",
            unique=True,
            sqlite_where=sa.text("kind = 'progress'"),
            postgresql_where=sa.text("kind = 'progress'"),
        ),
        sa.Index(
            "uq_note_psychotherapy_per_author",
            "session_id",
            "author_id",
            unique=True,
            sqlite_where=sa.text("kind = 'psychotherapy'"),
            postgresql_where=sa.text("kind = 'psychotherapy'"),
        ),
    )

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    session_id: uuid.UUID = Field(foreign_key="session.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    kind: str = Field(max_length=20)
    author_id: uuid.UUID = Field(foreign_key="user.id")
    status: str = Field(default="draft", max_length=20)
    body: str | None = Field(default=None, sa_type=sa.Text)
    interventions: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    risk_level: str | None = Field(default=None, max_length=20)
    risk_details: str | None = Field(default=None, sa_type=sa.Text)
    plan: str | None = Field(default=None, sa_type=sa.Text)
    share_with_supervisor: bool = False
    return_comment: str | None = Field(default=None, sa_type=sa.Text)
    signed_at: datetime | None = timestamp_field()
    signed_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    cosigned_at: datetime | None = timestamp_field()
    cosigned_by: uuid.UUID | None = Field(default=None, foreign_key="user.id")
    version: int = 1
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class Addendum(SQLModel, table=True):
    """An immutable amendment to a signed note; body and reason are ciphertext."""

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    note_id: uuid.UUID = Field(foreign_key="note.id", index=True)
    author_id: uuid.UUID = Field(foreign_key="user.id")
    body: str = Field(sa_type=sa.Text)
    reason: str = Field(sa_type=sa.Text)
    created_at: datetime = created_at_field()
