"""Webhook endpoints, the deliveries owed to them and every attempt made (SPEC §9)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import (
    created_at_field,
    id_field,
    json_list_field,
    practice_fk,
    timestamp_field,
)


class WebhookEndpoint(SQLModel, table=True):
    """A receiver URL of a practice with its subscribed event types and signing secrets."""

    __tablename__ = "webhook_endpoint"

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = practice_fk()
    url: str = Field(max_length=2000)
    description: str | None = Field(default=None, max_length=500)
    event_types: list[str] = json_list_field()
    # Encryption tokens (app/security/fields.py), never the plain `whsec_` value.
    secret: str = Field(sa_type=sa.Text)
    previous_secret: str | None = Field(default=None, sa_type=sa.Text)
    previous_secret_expires_at: datetime | None = timestamp_field()
    enabled: bool = True
    disabled_at: datetime | None = timestamp_field()
    disabled_reason: str | None = Field(default=None, max_length=200)
    failing_since: datetime | None = timestamp_field()
    # The API key that created or last enabled it: revoked or expired, the endpoint stops.
    owner_key_id: uuid.UUID | None = Field(default=None, foreign_key="api_key.id")
    # The last feed position already turned into deliveries for this endpoint.
    cursor_position: int = Field(default=0, sa_type=sa.BigInteger)
    # Which deliverer works on this endpoint, and until when (several deliverers share work).
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = timestamp_field()
    version: int = 1
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class WebhookDelivery(SQLModel, table=True):
    """One message owed to one endpoint; its id is the `webhook-id` of every attempt."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.Index("ix_webhook_delivery_endpoint_id_status", "endpoint_id", "status", "position"),
        sa.Index("ix_webhook_delivery_endpoint_id_created_at", "endpoint_id", "created_at", "id"),
    )

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = Field(foreign_key="practice.id")
    endpoint_id: uuid.UUID = Field(foreign_key="webhook_endpoint.id")
    event_id: uuid.UUID | None = None
    position: int = Field(sa_type=sa.BigInteger)
    event_type: str = Field(max_length=60)
    payload: str = Field(sa_type=sa.Text)
    status: str = Field(default="pending", max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = created_at_field()
    # The retry window runs from here (a message queued behind a failing one waits untried).
    first_attempt_at: datetime | None = timestamp_field()
    last_attempt_at: datetime | None = timestamp_field()
    created_at: datetime = created_at_field()


class WebhookAttempt(SQLModel, table=True):
    """One HTTP request made for a delivery, with its outcome."""

    __tablename__ = "webhook_attempt"
    __table_args__ = (
        sa.Index("ix_webhook_attempt_delivery_id_attempted_at", "delivery_id", "attempted_at"),
    )

    id: uuid.UUID = id_field()
    practice_id: uuid.UUID = Field(foreign_key="practice.id")
    delivery_id: uuid.UUID = Field(foreign_key="webhook_delivery.id")
    attempted_at: datetime = created_at_field()
    duration_ms: int
    response_status: int | None = None
    outcome: str = Field(max_length=20)
    error: str | None = Field(default=None, max_length=200)
