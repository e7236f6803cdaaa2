"""Output shapes of the change feed: thin events, ids and types only."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

_EXAMPLE: dict[str, Any] = {
    "id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9e01",
    "position": 42,
    "type": "session.updated",
    "occurred_at": "2026-11-23T17:55:00Z",
    "resource": {"type": "session", "id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d61"},
    "client_id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d21",
    "actor": {"type": "api_key", "id": "0193a5c4-7f7e-7b61-9a57-3c4f1b0a9d71"},
}


class ResourceRef(BaseModel):
    """The changed resource: its kind and id."""

    type: str
    id: uuid.UUID


class ActorRef(BaseModel):
    """Who made the change: a user, an API key, the operator's command line or the system."""

    type: str
    id: uuid.UUID | None


class FeedEventOut(BaseModel):
    """One change: what changed and who changed it, never names or clinical text."""

    model_config = ConfigDict(json_schema_extra={"example": _EXAMPLE})

    id: uuid.UUID
    position: int
    type: str
    occurred_at: datetime
    resource: ResourceRef
    client_id: uuid.UUID | None
    actor: ActorRef


class FeedPage(BaseModel):
    """Events after the given position, in position order."""

    model_config = ConfigDict(
        json_schema_extra={"example": {"items": [_EXAMPLE], "next_cursor": "42"}}
    )

    items: list[FeedEventOut]
    next_cursor: str | None


def event_out(row: Any) -> FeedEventOut:
    """The API form of a feed_event row."""
    return FeedEventOut(
        id=row.id,
        position=row.position,
        type=row.type,
        occurred_at=row.occurred_at,
        resource=ResourceRef(type=row.resource_type, id=row.resource_id),
        client_id=row.client_id,
        actor=ActorRef(type=row.actor_type, id=row.actor_id),
    )


def payload(row: Any) -> str:
    """The JSON body a webhook delivers for a feed event (the same thin event)."""
    return event_out(row).model_dump_json()
