"""ETags from row versions, and the If-Match rules for changes (428 without, 412 stale)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from fastapi import Response
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from app.errors import PreconditionFailed, PreconditionRequired


def etag_for(row_id: uuid.UUID, version: int) -> str:
    """A strong ETag naming the row and its version."""
    return f'"{row_id.hex[:12]}-{version}"'


def set_etag(response: Response, row_id: uuid.UUID, version: int) -> None:
    """Put the row's ETag on the response."""
    response.headers["ETag"] = etag_for(row_id, version)


def require_match(if_match: str | None, row_id: uuid.UUID, version: int) -> int:
    """Check If-Match against the current version; returns the version to update from."""
    if if_match is None:
        raise PreconditionRequired("If-Match with the resource's ETag is required")
    current = etag_for(row_id, version)
    # Strong comparison (RFC 9110 §13.1.1): a weak tag `W/"…"` never matches.
    tags = [tag.strip() for tag in if_match.split(",")]
    if current not in tags and "*" not in tags:
        raise PreconditionFailed("The resource changed since it was read (stale ETag)")
    return version


async def bump_version(session: AsyncSession, row: SQLModel, expected: int) -> None:
    """Flush a change only if nobody else changed the row meanwhile (else 412).

    The compare-and-set runs in SQL (`WHERE version = expected`), so of concurrent writers
    holding the same ETag exactly one wins.
    """
    table = type(row)
    result = await session.execute(
        sa.update(table)
        .where(table.id == row.id, table.version == expected)  # type: ignore[attr-defined]
        .values(version=expected + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise PreconditionFailed("The resource changed since it was read (stale ETag)")
    row.version = expected + 1
    session.add(row)
    await session.flush()
