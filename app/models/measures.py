"""Scored outcome questionnaires (PHQ-9, GAD-7, WAI-SR), scored on the server."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, practice_fk


class Measure(SQLModel, table=True):
    """One administration of a questionnaire; scores are computed once, on creation."""

    __table_args__ = (
        sa.CheckConstraint("instrument IN ('phq9', 'gad7', 'wai_sr')", name="instrument_known"),
        sa.Index(
            "ix_measure_client_id_instrument_administered_on",
            "client_id",
            "instrument",
            "administered_on",
        ),
    )

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    client_id: uuid.UUID = Field(foreign_key="client.id")
    session_id: uuid.UUID | None = Field(default=None, foreign_key="session.id", index=True)
    instrument: str = Field(max_length=10)
    administered_on: date
    item_responses: list[int] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    total: float
    subscales: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    severity: str | None = Field(default=None, max_length=20)
    risk_flag: bool = False
    recorded_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = created_at_field()
