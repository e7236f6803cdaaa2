"""API keys of a practice: issue, approve, rotate, list, read and revoke (flush, never commit)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable
from app.feed import outbox as feed
from app.models import ApiKey
from app.pagination import PageParams, oldest_first
from app.security.api_keys import key_kind, new_api_key
from app.webhooks import owners


def create_key(
    *,
    practice_id: uuid.UUID,
    name: str,
    scopes: Sequence[str],
    created_by: uuid.UUID | None,
    pepper: bytes,
    pending_approval: bool = False,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Build a key row and return it with the plain key (never stored)."""
    key, prefix, digest = new_api_key(pepper)
    row = ApiKey(
        practice_id=practice_id,
        name=name,
        prefix=prefix,
        secret_hash=digest,
        scopes=sorted(set(scopes)),
        kind=key_kind(scopes),
        created_by=created_by,
        pending_approval=pending_approval,
        expires_at=expires_at,
    )
    return row, key


async def add_key(
    *,
    session: AsyncSession,
    practice_id: uuid.UUID,
    name: str,
    scopes: Sequence[str],
    created_by: uuid.UUID | None,
    pepper: bytes,
    pending_approval: bool,
    expires_at: datetime | None,
) -> tuple[ApiKey, str]:
    """Store a new key; return its row and the plain key, which is shown once."""
    if expires_at is not None and expires_at <= utcnow():
        raise Unprocessable("expires_at must lie in the future")
    row, key = create_key(
        practice_id=practice_id,
        name=name,
        scopes=scopes,
        created_by=created_by,
        pepper=pepper,
        pending_approval=pending_approval,
        expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    feed.record(session, type="api_key.created", practice_id=practice_id, resource_id=row.id)
    return row, key


async def list_keys(
    *, session: AsyncSession, practice_id: uuid.UUID, kinds: Collection[str], page: PageParams
) -> list[ApiKey]:
    """The practice's keys of these kinds, revoked ones included, oldest first (one more)."""
    query = select(ApiKey).where(
        col(ApiKey.practice_id) == practice_id, col(ApiKey.kind).in_(sorted(kinds))
    )
    return await oldest_first(session, query, ApiKey, page)


async def get_live_key(
    *, session: AsyncSession, practice_id: uuid.UUID, kinds: Collection[str], key_id: uuid.UUID
) -> ApiKey:
    """One of the practice's unrevoked keys of these kinds, or 404 (a revoked key is gone)."""
    row = await session.get(ApiKey, key_id)
    if (
        row is None
        or row.practice_id != practice_id
        or row.kind not in kinds
        or row.revoked_at is not None
    ):
        raise NotFound("Not found")
    return row


async def revoke_key(*, session: AsyncSession, row: ApiKey) -> None:
    """Revoke a live key at once, both secrets; it stays listed with `revoked_at`.

    The webhook endpoints it set up stop with it: no event leaves for their URLs.
    """
    row.revoked_at = utcnow()
    session.add(row)
    await session.flush()
    await owners.disable_ownerless(session, row.revoked_at, row)
    # Revoking is the key's deletion (docs/architecture.md, "Created resources").
    feed.record(session, type="api_key.deleted", practice_id=row.practice_id, resource_id=row.id)


async def _update_if(
    session: AsyncSession, row: ApiKey, condition: sa.ColumnElement[bool], **values: Any
) -> bool:
    """Change the key in one UPDATE, only while `condition` holds; False when it no longer did.

    Of two concurrent approvals or rotations of one key exactly one then wins: the other
    finds the row changed and gets 409, rather than both answering 200 over a lost update.
    """
    found = await session.execute(
        sa.update(ApiKey)
        .where(col(ApiKey.id) == row.id, col(ApiKey.revoked_at).is_(None), condition)
        .values(**values)
        .returning(col(ApiKey.id))
        .execution_options(synchronize_session=False)
    )
    if found.first() is None:
        return False
    for field, value in values.items():
        set_committed_value(row, field, value)
    return True


async def approve_key(*, session: AsyncSession, row: ApiKey, approved_by: uuid.UUID) -> None:
    """A supervisor lets a clinical key work; 409 for a key that awaits no approval."""
    approved = await _update_if(
        session,
        row,
        col(ApiKey.pending_approval).is_(True),
        pending_approval=False,
        approved_by=approved_by,
        approved_at=utcnow(),
    )
    if not approved:
        raise Conflict("This API key awaits no approval")
    feed.record(session, type="api_key.updated", practice_id=row.practice_id, resource_id=row.id)


async def rotate_key(
    *, session: AsyncSession, row: ApiKey, grace: timedelta, pepper: bytes, approve_again: bool
) -> str:
    """Give the key a new secret; the one it replaces works for `grace` more, then never.

    A secret replaced earlier stops at once: a key has at most two working secrets. With
    `approve_again` (a clinical key rotated by an admin) the new secret works only once a
    supervisor approves it, as a new key would; a secret that awaited approval itself gets
    no grace, having never worked.
    """
    now = utcnow()
    if row.expires_at is not None and row.expires_at <= now:
        raise Conflict("This API key has expired; create a new one")
    if row.pending_approval:
        grace = timedelta(0)
    approval: dict[str, Any] = (
        {"pending_approval": True, "approved_by": None, "approved_at": None}
        if approve_again
        else {}
    )
    key, prefix, digest = new_api_key(pepper)
    rotated = await _update_if(
        session,
        row,
        col(ApiKey.secret_hash) == row.secret_hash,  # the secret this rotation replaces
        previous_secret_hash=row.secret_hash,
        previous_secret_expires_at=now + grace,
        secret_hash=digest,
        prefix=prefix,
        rotated_at=now,
        **approval,
    )
    if not rotated:
        raise Conflict("This API key was rotated or revoked meanwhile; read it again")
    feed.record(session, type="api_key.updated", practice_id=row.practice_id, resource_id=row.id)
    return key
