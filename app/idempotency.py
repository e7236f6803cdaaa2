"""Idempotency-Key for every POST: replay, mismatch (422), in-flight (409), reach re-checked."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import Header, Request
from fastapi.responses import Response
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import col

from app.audit.context import audit_context
from app.db import utcnow
from app.errors import Conflict, Unprocessable
from app.models import IdempotencyRecord
from app.security import access
from app.security.caller import CallerDep
from app.security.encryption import KeyRing
from app.security.fields import unseal
from app.state import SessionDep, app_state

# SPEC §4 asks for at least 24 hours; `notes-api purge-idempotency` deletes older records.
RETENTION = timedelta(hours=48)
# POSTs without Idempotency-Key (docs/adr/0015-http-idempotency-and-replays.md): their bodies
# carry passwords or tokens, and a stored request hash is a fast, unsalted hash of them; and
# starting a password reset, whose answer is a one-time token never stored (a retry starts a
# new reset, which voids the earlier token).
EXEMPT_PREFIXES = ("/v1/auth/", "/v1/me/password", "/v1/users/{id}/password-reset")


class IdempotentReplay(Exception):
    """A stored response to send again instead of running the request."""

    def __init__(self, record: IdempotencyRecord):
        self.record = record


def replay_response(record: IdempotencyRecord, key_ring: KeyRing) -> Response:
    """Rebuild the stored response, marked as a replay."""
    headers = dict(record.response_headers)
    media_type = headers.pop("content-type", "application/json")
    headers["Idempotent-Replayed"] = "true"
    content = unseal(key_ring, record, "response_body") or ""
    return Response(
        content=content,
        status_code=record.response_status or 200,
        headers=headers,
        media_type=media_type,
    )


async def idempotency(
    request: Request,
    caller: CallerDep,
    session: SessionDep,
    idempotency_key: Annotated[
        str | None,
        # An empty key would be one key for every POST of the caller: refused (422).
        Header(
            min_length=1,
            max_length=255,
            description="Repeat a create safely: the same key replays.",
        ),
    ] = None,
) -> None:
    """Claim the key inside the request's transaction, or replay what it answered before."""
    if idempotency_key is None:
        return
    body = await request.body()
    digest = hashlib.sha256(
        request.method.encode() + b" " + request.url.path.encode() + b"\n" + body
    ).hexdigest()
    caller_key = f"{caller.kind}:{caller.id}"
    existing = await _find(session, caller_key, idempotency_key)
    if existing is None:
        # Not finished before: run it, unless a twin is running it now (409 at once).
        if not await _first_running(session, f"{caller_key}\n{idempotency_key}"):
            raise Conflict("A request with this Idempotency-Key is still in progress")
        existing = await _find(session, caller_key, idempotency_key)  # finished meanwhile
    if existing is None:
        record = IdempotencyRecord(
            practice_id=caller.practice_id,
            caller_key=caller_key,
            idempotency_key=idempotency_key,
            request_hash=digest,
        )
        try:
            # A concurrent twin holds the same unique key until it commits: wait briefly.
            # The row is added inside the savepoint: added outside it, a failed flush leaves the
            # whole transaction rolled back instead of just the savepoint.
            async with session.begin_nested():
                session.add(record)
                await session.flush()
        except IntegrityError:
            existing = await _find(session, caller_key, idempotency_key)
        except OperationalError:
            raise Conflict("A request with this Idempotency-Key is still in progress") from None
        else:
            audit_context(request).idempotency = record
            return
    if existing is None or existing.response_status is None:
        raise Conflict("A request with this Idempotency-Key is still in progress")
    if existing.request_hash != digest:
        raise Unprocessable("Idempotency-Key was already used with a different request")
    ctx = audit_context(request)
    if existing.resource_type is not None:
        ctx.target(existing.resource_type, existing.resource_id)
    ctx.add_clients(*(uuid.UUID(c) for c in existing.client_ids or ()))
    if existing.resource_type is not None and existing.resource_id is not None:
        await access.authorize_replay(
            session=session,
            caller=caller,
            kind=existing.resource_type,
            resource_id=existing.resource_id,
            ctx=ctx,
        )
    if existing.caller_role is not None and existing.caller_role != caller.role:
        # The stored body shows what the former role could see (SPEC §2.1): not replayed.
        raise Conflict("Idempotency-Key was used before your role changed; use a new key")
    # Its event says so: a replayed cosign or care-team change is not a second one.
    ctx.details = {**(ctx.details or {}), "idempotent_replay": True}
    raise IdempotentReplay(existing)


_TRY_LOCK = select(func.pg_try_advisory_xact_lock(func.hashtextextended(bindparam("k"), 0)))


async def _first_running(session: SessionDep, key: str) -> bool:
    """Whether this request is the only one running with its key (PostgreSQL), held to the
    end of its transaction: a twin sent meanwhile is 409 at once (SPEC §4) rather than
    waiting on the unique index. SQLite runs one writer at a time anyway."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return True
    return bool(await session.scalar(_TRY_LOCK, {"k": key}))


_FIND = select(IdempotencyRecord).where(
    col(IdempotencyRecord.caller_key) == bindparam("caller_key"),
    col(IdempotencyRecord.idempotency_key) == bindparam("key"),
)


async def _find(session: SessionDep, caller_key: str, key: str) -> IdempotencyRecord | None:
    result = await session.execute(_FIND, {"caller_key": caller_key, "key": key})
    return result.scalar_one_or_none()


async def purge_expired(session: SessionDep) -> int:
    """Drop stored responses older than the retention period (at least 24 hours)."""
    result = await session.execute(
        delete(IdempotencyRecord).where(col(IdempotencyRecord.created_at) < utcnow() - RETENTION)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


__all__ = [
    "EXEMPT_PREFIXES",
    "RETENTION",
    "IdempotentReplay",
    "app_state",
    "idempotency",
    "purge_expired",
    "replay_response",
]
