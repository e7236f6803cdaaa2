"""What a session brought: observed themes and CCRT relationship episodes (texts encrypted)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, practice_fk

_VALENCES = "('positive', 'negative')"


class Observation(SQLModel, table=True):
    """A theme observed in a session, with its intensity 1-5; `evidence` is ciphertext."""

    __table_args__ = (sa.CheckConstraint("intensity BETWEEN 1 AND 5", name="intensity_range"),)

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    session_id: uuid.UUID = Field(foreign_key="session.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    theme_id: uuid.UUID = Field(foreign_key="theme.id", index=True)
    intensity: int
    evidence: str | None = Field(default=None, sa_type=sa.Text)
    observed_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = created_at_field()


class RelationshipEpisode(SQLModel, table=True):
    """A CCRT relationship episode: wish, response of other, response of self (texts encrypted)."""

    __tablename__ = "relationship_episode"
    __table_args__ = (
        sa.CheckConstraint(
            f"response_of_other_valence IN {_VALENCES}", name="response_of_other_valence"
        ),
        sa.CheckConstraint(
            f"response_of_self_valence IN {_VALENCES}", name="response_of_self_valence"
        ),
    )

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    session_id: uuid.UUID = Field(foreign_key="session.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    other_person: str = Field(sa_type=sa.Text)
    wish_code: str = Field(max_length=40)
    wish_text: str | None = Field(default=None, sa_type=sa.Text)
    response_of_other_code: str = Field(max_length=40)
    response_of_other_text: str | None = Field(default=None, sa_type=sa.Text)
    response_of_other_valence: str = Field(max_length=10)
    response_of_self_code: str = Field(max_length=40)
    response_of_self_text: str | None = Field(default=None, sa_type=sa.Text)
    response_of_self_valence: str = Field(max_length=10)
    recorded_by: uuid.UUID = Field(foreign_key="user.id")
    created_at: datetime = created_at_field()
