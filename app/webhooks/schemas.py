"""Webhook endpoint and delivery shapes; the signing secret appears only when it is made."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from app.feed.types import TYPE_NAMES
from app.schema_types import Absent, Boolean, ShortText, SingleLine

_IDS = {
    "endpoint": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9f01",
    "delivery": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9f11",
    "attempt": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9f21",
}
# The catalogue, and each kind as `kind.*` (docs/integrations.md).
EventType = Annotated[
    str,
    StringConstraints(min_length=1, max_length=60),
    SingleLine,
    WithJsonSchema({"type": "string", "enum": list(TYPE_NAMES)}),
]
EventTypes = list[EventType]
# An http(s) URL with a host name or IPv4 address (ASCII; an IDN host in its xn-- form), no
# credentials, printable ASCII after it. In production only https is taken (docs/integrations.md).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
URL_PATTERN = (
    rf"^[Hh][Tt][Tt][Pp][Ss]?://{_LABEL}(?:\.{_LABEL})*\.?(?::[0-9]{{1,5}})?"
    r"(?:[/?#][\x21-\x7e]*)?$"
)
Url = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000, pattern=URL_PATTERN),
    SingleLine,
]
_ENDPOINT_EXAMPLE: dict[str, Any] = {
    "id": _IDS["endpoint"],
    "url": "https://scheduler.example.com/hooks/notes",
    "description": "Scheduling system",
    "event_types": ["session.created", "session.updated"],
    "enabled": True,
    "disabled_at": None,
    "disabled_reason": None,
    "failing_since": None,
    "previous_secret_expires_at": None,
    "created_at": "2026-11-23T09:00:00Z",
    "updated_at": "2026-11-23T09:00:00Z",
}
_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # noqa: S105 - an example, never used


class WebhookEndpointCreate(BaseModel):
    """A receiver URL and the event types it wants."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "url": _ENDPOINT_EXAMPLE["url"],
                "event_types": _ENDPOINT_EXAMPLE["event_types"],
                "description": "Scheduling system",
            }
        },
    )

    url: Url
    event_types: EventTypes = Field(min_length=1, max_length=50)
    description: ShortText | None = None


class WebhookEndpointUpdate(BaseModel):
    """Fields to change; `enabled: true` re-enables an endpoint that was disabled."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"enabled": True, "event_types": ["session.*"]}},
    )

    url: Url | Absent = None
    # Constraints inside the type: on `X | Absent` pydantic would not render them as JSON Schema.
    event_types: Annotated[EventTypes, Field(min_length=1, max_length=50)] | Absent = None
    description: ShortText | None = None
    enabled: Boolean | Absent = None


class WebhookEndpointOut(BaseModel):
    """An endpoint, without its secret."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"example": _ENDPOINT_EXAMPLE}
    )

    id: uuid.UUID
    url: str
    description: str | None
    event_types: list[str]
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: str | None
    failing_since: datetime | None
    previous_secret_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


class WebhookEndpointCreated(WebhookEndpointOut):
    """The new endpoint with its signing secret, shown only in this response."""

    model_config = ConfigDict(
        json_schema_extra={"example": {**_ENDPOINT_EXAMPLE, "secret": _SECRET}}
    )

    secret: str | None = Field(
        description="The signing secret, shown this once. Null in an idempotent replay: "
        "rotate the secret instead."
    )


class SecretRotated(BaseModel):
    """The new signing secret (shown once); the old one signs too until the time given."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {"secret": _SECRET, "previous_secret_expires_at": "2026-11-24T09:00:00Z"}
        }
    )

    secret: str | None = Field(
        description="The new signing secret, shown this once. Null in an idempotent replay: "
        "rotate again instead."
    )
    previous_secret_expires_at: datetime


class WebhookAttemptOut(BaseModel):
    """One HTTP request made for a delivery."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    attempted_at: datetime
    outcome: str
    response_status: int | None
    duration_ms: int
    error: str | None


class WebhookDeliveryOut(BaseModel):
    """A message owed to an endpoint, with every attempt made so far."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": _IDS["delivery"],
                "endpoint_id": _IDS["endpoint"],
                "webhook_id": "msg_0193a5c47f7e7b619a573c4f1b0a9f11",
                "event_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9e01",
                "event_type": "session.updated",
                "position": 42,
                "status": "succeeded",
                "attempt_count": 1,
                "next_attempt_at": None,
                "created_at": "2026-11-23T17:55:00Z",
                "attempts": [
                    {
                        "id": _IDS["attempt"],
                        "attempted_at": "2026-11-23T17:55:01Z",
                        "outcome": "success",
                        "response_status": 204,
                        "duration_ms": 37,
                        "error": None,
                    }
                ],
            }
        }
    )

    id: uuid.UUID
    endpoint_id: uuid.UUID
    webhook_id: str
    event_id: uuid.UUID | None
    event_type: str
    position: int
    status: str
    attempt_count: int
    next_attempt_at: datetime | None
    created_at: datetime
    attempts: list[WebhookAttemptOut]
