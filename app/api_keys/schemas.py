"""API key input and output shapes."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.db import utcnow
from app.models import ApiKey
from app.schema_types import Integer, Name, SaneDatetime
from app.security.api_keys import SCOPES, KeyKind, Scope

DEFAULT_GRACE = timedelta(hours=24)
MAX_GRACE = timedelta(days=7)
KeyStatus = Literal["pending_approval", "active", "expired", "revoked"]


class ApiKeyCreate(BaseModel):
    """A new integration credential."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "name": "Scheduling sync",
                "scopes": ["clients:write", "sessions:write", "users:read"],
                "expires_at": "2027-11-21T00:00:00Z",
            }
        },
    )

    name: Name
    scopes: list[Scope] = Field(min_length=1, max_length=len(SCOPES))
    expires_at: SaneDatetime | None = Field(
        default=None, description="When the key stops working (never, if omitted)."
    )


class ApiKeyRotate(BaseModel):
    """How long the replaced secret keeps working."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"grace_seconds": 3600}}
    )

    grace_seconds: Integer = Field(
        default=int(DEFAULT_GRACE.total_seconds()),
        ge=0,
        le=int(MAX_GRACE.total_seconds()),
        description="Seconds the old secret keeps working: default 24 hours, at most 7 days.",
    )


class ApiKeyOut(BaseModel):
    """An API key without its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    kind: KeyKind = Field(description="audit, clinical or operational: who manages the key.")
    status: KeyStatus = Field(description="A clinical key is pending until a supervisor approves.")
    created_by: uuid.UUID | None
    created_at: datetime
    expires_at: datetime | None
    approved_by: uuid.UUID | None
    approved_at: datetime | None
    rotated_at: datetime | None
    previous_secret_expires_at: datetime | None = Field(
        description="Until when the secret replaced by the last rotation still works."
    )
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    """A new API key (or a rotated one), with the secret shown this once."""

    key: str | None = Field(
        description="The secret, shown this once. Null in an idempotent replay: it is never "
        "stored (only its keyed hash); rotate the key instead."
    )


def key_status(row: ApiKey) -> KeyStatus:
    """What the key can do now."""
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= utcnow():
        return "expired"
    return "pending_approval" if row.pending_approval else "active"


def key_view(row: ApiKey) -> ApiKeyOut:
    """The key as its managers see it."""
    fields = {name: getattr(row, name) for name in ApiKeyOut.model_fields if name != "status"}
    return ApiKeyOut(**fields, status=key_status(row))
