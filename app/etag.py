"""ETags from row versions, and the If-Match rules for changes (428 without, 412 stale)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Final

import sqlalchemy as sa
from fastapi import Header, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import SQLModel

from app.errors import PreconditionFailed, PreconditionRequired
from app.models.clinical import PHASES

# If-Match where SPEC §4 does not require it (sessions, users, themes, webhook endpoints).
OptionalIfMatch = Annotated[
    str | None,
    Header(max_length=200, description="Optional: the resource's ETag; a stale one is 412."),
]


def etag_for(row_id: uuid.UUID, version: int, derived: str | None = None) -> str:
    """A strong ETag naming the row and its version, and what the body derives from others.

    `derived` is part of the body that changes without the row (a session's phase, moved by
    a backdated transition): a read must not be answered 304 over it. If-Match ignores it:
    a change races only with the row's own version.
    """
    if derived is None:
        return f'"{row_id.hex}-{version}"'
    return f'"{row_id.hex}-{version}.{derived}"'


def set_view_etag(response: Response, row_id: uuid.UUID, view: BaseModel) -> None:
    """An ETag from what a reduced view shows, for readers who never change the row: the
    row's version moves with fields they do not see, and must not tell them it did."""
    digest = hashlib.sha256(view.model_dump_json().encode()).hexdigest()[:16]
    response.headers["ETag"] = f'"{row_id.hex}-{digest}"'


def set_etag(
    response: Response, row_id: uuid.UUID, version: int, derived: str | None = None
) -> None:
    """Put the row's ETag on the response."""
    response.headers["ETag"] = etag_for(row_id, version, derived)


# What a tag may derive beyond its row: a session's phase, or that the body was a client's
# clinical view. Any other suffix is a tag the server never issued, and matches nothing.
DERIVED: Final = frozenset({*PHASES, "clinical"})


def _row_part(tag: str) -> str:
    """The tag without what it derives from other rows (see `etag_for`)."""
    head, dot, rest = tag.partition(".")
    if dot and rest[:-1] in DERIVED and tag.endswith('"') and not head.startswith("W/"):
        return f'{head}"'
    return tag


def require_match(if_match: str | None, row_id: uuid.UUID, version: int) -> int:
    """Check If-Match against the current version; returns the version to update from."""
    if if_match is None:
        raise PreconditionRequired("If-Match with the resource's ETag is required")
    tags = [_row_part(tag.strip()) for tag in if_match.split(",")]
    if "*" in tags:
        # `*` matches any version: it would let a change overwrite one its sender never read.
        raise PreconditionRequired("If-Match must name the resource's ETag; `*` is not accepted")
    # Strong comparison (RFC 9110 §13.1.1): a weak tag `W/"…"` never matches.
    if etag_for(row_id, version) not in tags:
        raise PreconditionFailed("The resource changed since it was read (stale ETag)")
    return version


def optional_match(if_match: str | None, row_id: uuid.UUID, version: int) -> int | None:
    """Where If-Match is optional: the version to update from if one was sent, else None.

    `*` asks only that the resource exist (RFC 9110 §13.1.1), which a loaded row does.
    """
    if if_match is None or if_match.strip() == "*":
        return None
    return require_match(if_match, row_id, version)


async def bump_version(session: AsyncSession, row: SQLModel, expected: int | None) -> None:
    """Move the row to its next version in SQL; with `expected`, only from that one (else 412).

    The compare-and-set (`WHERE version = expected`) lets exactly one of concurrent writers
    holding the same ETag win. Without `expected` (no If-Match was sent) the increment is
    unconditional, so a concurrent change never turns a request that set no condition into a
    412, and two writers never end on the same version.
    """
    table = type(row)
    condition = table.id == row.id  # type: ignore[attr-defined]
    if expected is not None:
        condition = sa.and_(condition, table.version == expected)  # type: ignore[attr-defined]
    result = await session.execute(
        sa.update(table)
        .where(condition)
        .values(version=table.version + 1)  # type: ignore[attr-defined]
        .returning(table.version)  # type: ignore[attr-defined]
    )
    version = result.scalar_one_or_none()
    if version is None:
        raise PreconditionFailed("The resource changed since it was read (stale ETag)")
    # Written already: the ORM's copy agrees without sending the column again.
    set_committed_value(row, "version", version)
    session.add(row)
    await session.flush()
