"""API keys of a practice: issue, list, read and revoke (flush, never commit)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import utcnow
from app.errors import NotFound
from app.feed import outbox as feed
from app.models import ApiKey
from app.pagination import PageParams, oldest_first
from app.security.api_keys import new_api_key


def create_key(
    *,
    practice_id: uuid.UUID,
    name: str,
    scopes: Sequence[str],
    created_by: uuid.UUID | None,
    pepper: bytes,
) -> tuple[ApiKey, str]:
    """Build a key row and return it with the plain key (never stored)."""
    key, prefix, digest = new_api_key(pepper)
    row = ApiKey(
        practice_id=practice_id,
        name=name,
        prefix=prefix,
        secret_hash=digest,
        scopes=sorted(set(scopes)),
        created_by=created_by,
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
) -> tuple[ApiKey, str]:
    """Store a new key; return its row and the plain key, which is shown once."""
    row, key = create_key(
        practice_id=practice_id, name=name, scopes=scopes, created_by=created_by, pepper=pepper
    )
    session.add(row)
    await session.flush()
    feed.record(session, type="api_key.created", practice_id=practice_id, resource_id=row.id)
    return row, key


async def list_keys(
    *, session: AsyncSession, practice_id: uuid.UUID, page: PageParams
) -> list[ApiKey]:
    """The practice's keys, revoked ones included, oldest first (one more than the page)."""
    query = select(ApiKey).where(col(ApiKey.practice_id) == practice_id)
    return await oldest_first(session, query, ApiKey, page)


async def get_live_key(
    *, session: AsyncSession, practice_id: uuid.UUID, key_id: uuid.UUID
) -> ApiKey:
    """One of the practice's unrevoked keys, or 404 (a revoked key is gone)."""
    row = await session.get(ApiKey, key_id)
    if row is None or row.practice_id != practice_id or row.revoked_at is not None:
        raise NotFound("No such API key")
    return row


async def revoke_key(*, session: AsyncSession, practice_id: uuid.UUID, key_id: uuid.UUID) -> None:
    """Revoke a live key at once; it stays listed with `revoked_at`."""
    row = await get_live_key(session=session, practice_id=practice_id, key_id=key_id)
    row.revoked_at = utcnow()
    session.add(row)
    # Revoking is the key's deletion (docs/architecture.md, "Created resources").
    feed.record(session, type="api_key.deleted", practice_id=practice_id, resource_id=row.id)
