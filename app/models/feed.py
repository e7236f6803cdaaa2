"""The change feed: one event per change, numbered per practice without gaps (SPEC §9)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, practice_fk


class FeedEvent(SQLModel, table=True):
    """A thin change event: ids and a type, never names or clinical text."""

    __tablename__ = "feed_event"
    __table_args__ = (
        sa.UniqueConstraint("practice_id", "position"),
        sa.Index("ix_feed_event_occurred_at", "occurred_at"),
    )

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = Field(foreign_key="practice.id")
    position: int = Field(sa_type=sa.BigInteger)
    type: str = Field(max_length=60)
    occurred_at: datetime = created_at_field()
    resource_type: str = Field(max_length=40)
    resource_id: uuid.UUID
    client_id: uuid.UUID | None = None
    actor_type: str = Field(max_length=20)
    actor_id: uuid.UUID | None = None
    # A `user.*` event of staff whom keys do not read (admins, auditors): admins see it alone.
    staff_only: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class FeedCounter(SQLModel, table=True):
    """The last position given out in a practice; its row lock orders concurrent writers."""

    __tablename__ = "feed_counter"

    practice_id: uuid.UUID = Field(foreign_key="practice.id", primary_key=True)
    position: int = Field(default=0, sa_type=sa.BigInteger)


__all__ = ["FeedCounter", "FeedEvent", "practice_fk"]
