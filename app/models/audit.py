"""The confidentiality access log: one row per audited request, never updated or deleted."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field


class AuditEvent(SQLModel, table=True):
    """Who did what to which client's data, when, why, and with what outcome."""

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_practice_id_occurred_at", "practice_id", "occurred_at", "id"),
        sa.Index("ix_audit_event_actor_id_occurred_at", "actor_id", "occurred_at", "id"),
    )

    id: uuid.UUID = id_field()
    occurred_at: datetime = created_at_field()
    practice_id: uuid.UUID | None = Field(default=None)
    request_id: str = Field(max_length=128)
    actor_type: str = Field(max_length=16)
    actor_id: uuid.UUID | None = None
    actor_role: str | None = Field(default=None, max_length=20)
    action: str = Field(max_length=64)
    resource_type: str | None = Field(default=None, max_length=40)
    resource_id: str | None = Field(default=None, max_length=80)
    client_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    outcome: str = Field(max_length=16)
    http_status: int
    purpose_of_use: str | None = Field(default=None, max_length=16)
    break_glass_reason: str | None = Field(default=None, max_length=500)
    source_ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)
    method: str = Field(max_length=10)
    route: str | None = Field(default=None, max_length=200)


class AuditEventClient(SQLModel, table=True):
    """Index of events by client, so "who looked at this client" is one range scan."""

    __tablename__ = "audit_event_client"
    __table_args__ = (
        sa.Index("ix_audit_event_client_client_id_occurred_at", "client_id", "occurred_at",
                 "event_id"),
    )

    event_id: uuid.UUID = Field(foreign_key="audit_event.id", primary_key=True)
    client_id: uuid.UUID = Field(primary_key=True)
    practice_id: uuid.UUID | None = None
    occurred_at: datetime = created_at_field()
