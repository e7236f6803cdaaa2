"""Reads of the stored Merkle tree: size, nodes, roots, proofs and checkpoints."""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import SQLModel

from app.audit.ledger import checkpoint, merkle
from app.db import UTCDateTime
from app.models import (
    AuditCheckpoint,
    AuditEvent,
    AuditEventClient,
    AuditLeaf,
    AuditNode,
    AuditReview,
)

Executor = AsyncConnection | AsyncSession

_TABLES = SQLModel.metadata.tables
EVENT = _TABLES[AuditEvent.__tablename__]
EVENT_CLIENT = _TABLES[AuditEventClient.__tablename__]
LEAF = _TABLES[AuditLeaf.__tablename__]
NODE = _TABLES[AuditNode.__tablename__]
CHECKPOINT = _TABLES[AuditCheckpoint.__tablename__]
REVIEW = _TABLES[AuditReview.__tablename__]
_PAGE = 100


def fast_columns(conn: AsyncConnection, *columns: Any) -> list[Any]:
    """On PostgreSQL, ids as text and timestamps as plain timestamptz: the same values as
    ``event_json`` prints, without converting millions of them through Python types."""
    if conn.dialect.name != "postgresql":
        return list(columns)
    out = []
    for column in columns:
        if isinstance(column.type, sa.Uuid):
            column = sa.cast(column, sa.Text).label(column.key)
        elif isinstance(column.type, UTCDateTime):
            column = sa.type_coerce(column, sa.DateTime(timezone=True)).label(column.key)
        out.append(column)
    return out


@lru_cache(maxsize=32)
def _record(fields: tuple[str, ...]) -> Any:
    return namedtuple("Record", fields)  # noqa: PYI024 - fields known only at run time


def plain_rows(result: Iterable[Any], fields: Iterable[str]) -> list[Any]:
    """Rows as named tuples with the same field names, for loops over millions of rows.

    A SQLAlchemy ``Row`` answers an attribute many times slower than a named tuple, and
    export and verification read about twenty of them per event.
    """
    make = _record(tuple(fields))._make
    return [make(row) for row in result]


class TreeError(Exception):
    """A proof or root was asked for sizes the tree cannot answer."""


async def tree_size(db: Executor) -> int:
    """Number of sequenced events (the next sequence number)."""
    value = (await db.execute(sa.select(sa.func.max(LEAF.c.seq)))).scalar_one_or_none()
    return 0 if value is None else int(value) + 1


async def fetch_nodes(db: Executor, nodes: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """The stored hashes of the given (level, index) nodes, in one query."""
    by_level: dict[int, list[int]] = defaultdict(list)
    for level, index in nodes:
        by_level[level].append(index)
    if not by_level:
        return {}
    condition = sa.or_(
        *(
            sa.and_(NODE.c.level == level, NODE.c.index.in_(sorted(set(indexes))))
            for level, indexes in sorted(by_level.items())
        )
    )
    rows = await db.execute(sa.select(NODE.c.level, NODE.c.index, NODE.c.hash).where(condition))
    return {(int(level), int(index)): bytes(value) for level, index, value in rows}


async def root_at(db: Executor, size: int) -> bytes:
    """The root hash of the first ``size`` leaves, folded from O(log n) stored nodes."""
    nodes = await fetch_nodes(db, merkle.root_nodes(size))
    return merkle.root_from_nodes(size, nodes)


async def inclusion_proof(db: Executor, seq: int, size: int) -> tuple[list[bytes], bytes]:
    """The audit path of leaf ``seq`` in the tree of ``size`` leaves, and that tree's root."""
    if not 0 <= seq < size:
        raise TreeError("tree_size must be larger than the event's seq")
    ranges = merkle.inclusion_proof_ranges(seq, size)
    nodes = await fetch_nodes(db, merkle.nodes_needed(ranges) | set(merkle.root_nodes(size)))
    return merkle.hashes_for_ranges(ranges, nodes), merkle.root_from_nodes(size, nodes)


async def consistency_proof(
    db: Executor, first: int, second: int
) -> tuple[list[bytes], bytes, bytes]:
    """The RFC 9162 consistency proof between two tree sizes, with both roots."""
    if not 0 <= first <= second:
        raise TreeError("need 0 <= first <= second")
    ranges = merkle.consistency_proof_ranges(first, second)
    wanted = merkle.nodes_needed(ranges) | set(merkle.root_nodes(first))
    nodes = await fetch_nodes(db, wanted | set(merkle.root_nodes(second)))
    return (
        merkle.hashes_for_ranges(ranges, nodes),
        merkle.root_from_nodes(first, nodes),
        merkle.root_from_nodes(second, nodes),
    )


def checkpoint_json(row: Any) -> dict[str, Any]:
    """A stored checkpoint as SPEC §6 presents it."""
    return {
        "tree_size": int(row.tree_size),
        "root_hash": bytes(row.root_hash).hex(),
        "timestamp": row.timestamp,
        "key_id": row.key_id,
        "signed_note": row.signed_note,
        "signature": row.signature,
    }


async def latest_checkpoint(
    db: Executor, *, public_key: bytes, origin: str
) -> dict[str, Any] | None:
    """The newest checkpoint signed with the service's key, or None before the first one."""
    # The application role may INSERT into audit_checkpoint: a row whose signature fails
    # must neither pose as the tree head nor stop the writer.
    query = sa.select(CHECKPOINT).order_by(CHECKPOINT.c.tree_size.desc()).limit(_PAGE)
    before: int | None = None
    while True:
        page = query if before is None else query.where(CHECKPOINT.c.tree_size < before)
        rows = (await db.execute(page)).all()
        for row in rows:
            found = checkpoint_json(row)
            if checkpoint.verify_checkpoint(found, public_key, origin):
                return found
        if len(rows) < _PAGE:
            return None
        before = int(rows[-1].tree_size)


async def checkpoints_page(db: Executor, *, before: int | None, limit: int) -> list[Any]:
    """Checkpoints newest first, below a tree size (keyset), ``limit`` rows."""
    query = sa.select(CHECKPOINT).order_by(CHECKPOINT.c.tree_size.desc()).limit(limit)
    if before is not None:
        query = query.where(CHECKPOINT.c.tree_size < before)
    return list((await db.execute(query)).all())
