"""Helpers for the tests of the one request path: callers of every form, and their events."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import jwt
import sqlalchemy as sa

from app.api_keys.service import create_key
from app.db import utcnow
from app.models import AuditEvent, AuditEventClient, RevokedAccessToken
from app.security.tokens import decode_access_token, issue_access_token
from app.state import AppState
from tests.conftest import World

_EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]
_EVENT_CLIENTS = AuditEventClient.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Key:
    """An API key of a test practice: its row id and the headers to use it."""

    id: uuid.UUID
    headers: dict[str, str]


async def api_key(state: AppState, world: World, *scopes: str) -> Key:
    """A new API key of the world's practice with these scopes."""
    async with state.sessionmaker() as db:
        row, key = create_key(
            practice_id=world.practice_id,
            name="one-path test",
            scopes=list(scopes),
            created_by=None,
            pepper=state.secrets.api_key_pepper,
        )
        db.add(row)
        await db.commit()
        return Key(row.id, {"Authorization": f"Bearer {key}"})


async def revoked_headers(state: AppState, world: World, who: str) -> dict[str, str]:
    """Authorization headers with a valid token of `who` that logout has revoked."""
    member = world[who]
    token, _ = issue_access_token(
        settings=state.settings,
        secret=state.secrets.jwt_secret,
        user_id=member.id,
        practice_id=world.practice_id,
        role=member.role,
    )
    claims = decode_access_token(token, settings=state.settings, secret=state.secrets.jwt_secret)
    async with state.sessionmaker() as db:
        db.add(
            RevokedAccessToken(
                jti=claims.jti,
                practice_id=world.practice_id,
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
        await db.commit()
    return {"Authorization": f"Bearer {token}"}


def expired_headers(state: AppState, world: World, who: str) -> dict[str, str]:
    """Authorization headers with a well-signed token of `who` that expired a minute ago."""
    now = int(time.time())
    claims = {
        "sub": str(world[who].id),
        "practice": str(world.practice_id),
        "role": world[who].role,
        "iat": now - 3600,
        "exp": now - 60,
        "aud": state.settings.jwt_audience,
        "iss": state.settings.service_name,
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode(claims, state.secrets.jwt_secret, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


async def only_event(state: AppState, request_id: str) -> dict[str, Any]:
    """The one audit event a request left (fails on none or several), with its index rows.

    `indexed` holds the client ids of its per-client index rows, sorted, as strings.
    """
    async with state.engine.connect() as conn:
        events = (
            (await conn.execute(sa.select(_EVENTS).where(_EVENTS.c.request_id == request_id)))
            .mappings()
            .all()
        )
        assert len(events) == 1, (request_id, events)
        event = dict(events[0])
        indexed = await conn.scalars(
            sa.select(_EVENT_CLIENTS.c.client_id).where(_EVENT_CLIENTS.c.event_id == event["id"])
        )
        event["indexed"] = sorted(str(c) for c in indexed)
    return event


def actor(world: World, who: str) -> dict[str, Any]:
    """The actor fields of an event by a member of a world."""
    member = world[who]
    return {
        "actor_type": "user",
        "actor_id": member.id,
        "actor_role": member.role,
        "practice_id": world.practice_id,
    }


def key_actor(world: World, key: Key) -> dict[str, Any]:
    """The actor fields of an event by an API key."""
    return {
        "actor_type": "api_key",
        "actor_id": key.id,
        "actor_role": None,
        "practice_id": world.practice_id,
    }


ANONYMOUS: dict[str, Any] = {
    "actor_type": "anonymous",
    "actor_id": None,
    "actor_role": None,
    "practice_id": None,
}


def outcome(status: int) -> str:
    """The audit outcome the log must show for an HTTP status."""
    if status < 400:
        return "success"
    return {401: "denied", 403: "denied", 404: "not_found"}.get(status, "error")


def check_event(
    event: dict[str, Any],
    *,
    action: str,
    status: int,
    who: dict[str, Any],
    clients: list[uuid.UUID],
    purpose: str | None,
    reason: str | None = None,
    context: object = None,
) -> None:
    """Assert an event's action, outcome, actor, clients (and index), purpose and reason."""
    expected = {
        "action": action,
        "http_status": status,
        "outcome": outcome(status),
        **who,
        "client_ids": sorted(str(c) for c in clients),
        "indexed": sorted(str(c) for c in clients),
        "purpose_of_use": purpose,
        "break_glass_reason": reason,
    }
    got = {name: event[name] for name in expected}
    differ = {k: (got[k], expected[k]) for k in expected if got[k] != expected[k]}
    assert not differ, (context, differ)


def request_id() -> dict[str, str]:
    """A fresh X-Request-ID header, to find the request's event."""
    return {"X-Request-ID": uuid.uuid4().hex}


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    headers: dict[str, str],
    **kwargs: Any,
) -> httpx.Response:
    """Send a request under a fresh X-Request-ID (read back from the response header)."""
    response = await client.request(method, url, headers=headers | request_id(), **kwargs)
    return response
