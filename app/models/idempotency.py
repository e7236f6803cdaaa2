"""Stored responses of creating POSTs, replayed for a repeated Idempotency-Key."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field


class IdempotencyRecord(SQLModel, table=True):
    """One caller's key, the hash of the request, and the response that was sent."""

    __tablename__ = "idempotency_record"
    __table_args__ = (sa.UniqueConstraint("caller_key", "idempotency_key"),)

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = Field(foreign_key="practice.id", index=True)
    caller_key: str = Field(max_length=80)
    idempotency_key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    response_status: int | None = None
    response_body: str | None = Field(default=None, sa_type=sa.Text)
    response_headers: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    # What the first request's audit event named, so that a replay's event names it too.
    resource_type: str | None = Field(default=None, max_length=40)
    resource_id: str | None = Field(default=None, max_length=80)
    client_ids: list[str] | None = Field(default=None, sa_type=sa.JSON)
    # The caller's role when the response was made: what it shows, that role could see.
    caller_role: str | None = Field(default=None, max_length=20)
    created_at: datetime = created_at_field()
