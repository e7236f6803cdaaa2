"""API key input and output shapes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.schema_types import Name
from app.security.api_keys import SCOPES, Scope


class ApiKeyCreate(BaseModel):
    """A new integration credential."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"name": "Scheduling sync", "scopes": ["clients:read", "sessions:write"]}
        },
    )

    name: Name
    scopes: list[Scope] = Field(min_length=1, max_length=len(SCOPES))


class ApiKeyOut(BaseModel):
    """An API key without its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    created_by: uuid.UUID | None
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    """A new API key, with the secret shown this once."""

    key: str
