"""Verify the whole log from the database: recompute every leaf, rebuild the tree, compare.

Shared by ``GET /v1/audit/verify`` and ``notes-api audit verify``. Leaves are read in
``seq`` order in chunks (constant memory) and checked (``rebuild.check_chunk``) in a worker
thread while the next chunk is read, or, for the CLI on a large log, in worker processes
that each read their chunks on a connection of their own; the tree is rebuilt in order.
A saved checkpoint file is one more signed root to match, and proves truncation when the
log is now shorter. Problems are ``{seq, event_id, kind}``, sorted so that the first names
the first bad event.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import uuid
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import NullPool

from app.audit.ledger import checkpoint, events, tree
from app.audit.ledger.rebuild import (
    KINDS,
    MAX_PROBLEMS,
    Checked,
    Chunk,
    Problem,
    Rebuild,
    Report,
    check_chunk,
)
from app.audit.ledger.tree import CHECKPOINT, EVENT, EVENT_CLIENT, LEAF, NODE, REVIEW
from app.database_url import connect, database_options, source_url

CHUNK: Final = 5000
PARALLEL_CHUNKS: Final = 20  # below this many chunks, starting processes costs more
_worker: tuple[asyncio.AbstractEventLoop, AsyncEngine] | None = None
__all__ = ["CHUNK", "Problem", "Report", "verify_log"]


def _index_matches() -> Any:
    """PostgreSQL: whether an event's per-client index rows are exactly its ``client_ids``.

    Index rows are unique per (event, client), so the event's distinct ids, matched one for
    one with the same practice and time, are the whole set. Asked per row in the chunk
    query: shipping 5,000 ids out and the index rows back cost more CPU than the hashing.
    """
    index = EVENT_CLIENT.alias("index_row")
    ids = sa.cast(EVENT.c.client_ids, postgresql.JSONB)
    is_array = sa.func.jsonb_typeof(ids) == "array"
    wanted = sa.case(
        (
            is_array,
            sa.select(sa.func.count(sa.distinct(sa.column("value"))))
            .select_from(sa.func.jsonb_array_elements_text(ids))
            .scalar_subquery(),
        ),
        else_=1,
    )
    listed = sa.case(
        (is_array, ids.op("?")(sa.cast(index.c.client_id, sa.Text))),
        else_=sa.cast(index.c.client_id, sa.Text)
        == ids.op("#>>")(sa.literal_column("'{}'::text[]")),
    )
    same = sa.and_(
        listed,
        index.c.practice_id.is_not_distinct_from(EVENT.c.practice_id),
        index.c.occurred_at == EVENT.c.occurred_at,
    )
    found = sa.select(
        sa.and_(
            sa.func.count() == wanted,
            sa.func.coalesce(sa.func.bool_and(same), sa.true()),
        )
    ).where(index.c.event_id == EVENT.c.id)
    return found.correlate(EVENT).scalar_subquery().label("index_ok")


async def _read_chunk(conn: AsyncConnection, start: int, end: int) -> Chunk:
    postgres = conn.dialect.name == "postgresql"
    result = await conn.execute(
        sa.select(
            LEAF.c.seq,
            *tree.fast_columns(conn, LEAF.c.event_id.label("leaf_event_id")),
            LEAF.c.leaf_hash.label("stored_leaf"),
            LEAF.c.seal,
            *tree.fast_columns(conn, *EVENT.c),
            *([_index_matches()] if postgres else []),
        )
        .select_from(LEAF.outerjoin(EVENT, EVENT.c.id == LEAF.c.event_id))
        .where(LEAF.c.seq >= start, LEAF.c.seq < end)
        .order_by(LEAF.c.seq)
    )
    rows = tree.plain_rows(result, result.keys())
    nodes, digest = await _stored_nodes(conn, start, end)
    clients: dict[Any, set[tuple[str, str | None, datetime]]] | None = None
    if not postgres:
        # By event id, not a join on the seq range: that would scan the whole index table.
        ids = [uuid.UUID(str(r.leaf_event_id)) for r in rows]
        index_rows = await conn.execute(
            sa.select(*tree.fast_columns(conn, *EVENT_CLIENT.c)).where(
                EVENT_CLIENT.c.event_id.in_(ids)
            )
        )
        clients = {}
        for r in index_rows:
            practice = None if r.practice_id is None else str(r.practice_id)
            clients.setdefault(r.event_id, set()).add((str(r.client_id), practice, r.occurred_at))
    checkpoints = await conn.execute(
        sa.select(CHECKPOINT)
        .where(CHECKPOINT.c.tree_size > start, CHECKPOINT.c.tree_size <= end)
        .order_by(CHECKPOINT.c.tree_size)
    )
    return Chunk(
        rows=rows,
        clients=clients,
        checkpoints=[tree.checkpoint_json(c) for c in checkpoints],
        nodes=nodes,
        node_digest=digest,
    )


async def _stored_nodes(
    conn: AsyncConnection, start: int, end: int
) -> tuple[dict[tuple[int, int], bytes] | None, tuple[int, bytes | None] | None]:
    """The nodes completed by leaves [start, end): rows, or on PostgreSQL only a digest."""
    ranges = []
    level = 0
    while (1 << level) <= end:
        low, high = start >> level, (end >> level) - 1
        if low <= high:
            ranges.append(sa.and_(NODE.c.level == level, NODE.c.index.between(low, high)))
        level += 1
    if not ranges:
        return ({}, None) if conn.dialect.name != "postgresql" else (None, (0, None))
    where = sa.or_(*ranges)
    if conn.dialect.name == "postgresql":
        ordered: Any = postgresql.aggregate_order_by(
            sa.literal_column("''::bytea"), NODE.c.level, NODE.c.index
        )
        count, digest = (
            await conn.execute(
                sa.select(
                    sa.func.count(), sa.func.sha256(sa.func.string_agg(NODE.c.hash, ordered))
                ).where(where)
            )
        ).one()
        return None, (int(count), None if digest is None else bytes(digest))
    found = await conn.execute(sa.select(NODE.c.level, NODE.c.index, NODE.c.hash).where(where))
    return {(int(lv), int(ix)): bytes(h) for lv, ix, h in found}, None


def _saved_target(rebuild: Rebuild, saved: dict[str, Any] | None) -> dict[str, Any] | None:
    """Check the saved checkpoint's signature; a valid one becomes a root to match."""
    if saved is None:
        return None
    if not checkpoint.verify_checkpoint(saved, rebuild.public_key, rebuild.origin):
        rebuild.add(Problem(None, None, "checkpoint_file_signature"))
        return None
    rebuild.target(
        int(saved["tree_size"]), bytes.fromhex(saved["root_hash"]), "checkpoint_file_mismatch"
    )
    return saved


async def verify_log(
    conn: AsyncConnection,
    *,
    seal_key: bytes | None,
    public_key: bytes,
    origin: str,
    saved: dict[str, Any] | None = None,
    chunk: int = CHUNK,
    workers: int = 1,
) -> Report:
    """Verify every sequenced event, node and checkpoint; optionally a saved checkpoint."""
    rebuild = Rebuild(seal_key=seal_key, public_key=public_key, origin=origin)
    size = await tree.tree_size(conn)
    saved = _saved_target(rebuild, saved)
    if workers > 1 and size >= PARALLEL_CHUNKS * chunk:
        url = source_url(conn.engine)
        await _in_processes(rebuild, url, size, chunk, workers)
    else:
        await _in_thread(conn, rebuild, size, chunk)
    await _check_reviews(conn, rebuild)
    return await _conclude(conn, rebuild, size, saved)


async def _check_reviews(conn: AsyncConnection, rebuild: Rebuild) -> None:
    """Each review row against what its own event committed to (``events.review_details``).

    The review row is not hashed; its event is. Reviews recorded before events carried
    ``details`` have nothing to compare and are skipped.
    """
    result = await conn.execute(
        sa.select(
            REVIEW.c.id,
            REVIEW.c.event_id,
            REVIEW.c.review_event_id,
            REVIEW.c.practice_id,
            REVIEW.c.decision,
            REVIEW.c.comment,
            EVENT.c.id.label("found"),
            EVENT.c.resource_id,
            EVENT.c.details,
            LEAF.c.seq,
        )
        .select_from(
            REVIEW.outerjoin(EVENT, EVENT.c.id == REVIEW.c.review_event_id).outerjoin(
                LEAF, LEAF.c.event_id == REVIEW.c.review_event_id
            )
        )
        .order_by(REVIEW.c.id)
    )
    for row in result:
        if row.found is not None and row.details is None:
            continue
        wanted = events.review_details(uuid.UUID(str(row.id)), row.decision, row.comment)
        if row.details != wanted or row.resource_id != str(row.event_id):
            seq = None if row.seq is None else int(row.seq)
            practice = str(row.practice_id)
            rebuild.add(Problem(seq, str(row.review_event_id), "review_mismatch", practice))


async def _in_thread(conn: AsyncConnection, rebuild: Rebuild, size: int, chunk: int) -> None:
    """Read chunk i+1 while chunk i is checked in a worker thread."""
    pending: asyncio.Task[Chunk] | None = None
    start = 0
    if size:
        pending = asyncio.ensure_future(_read_chunk(conn, 0, min(chunk, size)))
    try:
        while pending is not None:
            current = await pending
            start += chunk
            pending = (
                asyncio.ensure_future(_read_chunk(conn, start, min(start + chunk, size)))
                if start < size
                else None
            )
            # Hash in a worker thread while the next chunk is read; the loop stays free.
            await asyncio.to_thread(rebuild.feed, current)
    finally:
        if pending is not None and not pending.done():
            pending.cancel()


def _worker_init(url: str) -> None:
    """Worker process start: an event loop and an engine for the process's lifetime."""
    global _worker  # one per worker process
    loop = asyncio.new_event_loop()
    _worker = (loop, connect(database_options(url), poolclass=NullPool))


def _check_range(start: int, end: int, seal_key: bytes | None) -> Checked:
    """Worker process: read leaves [start, end) and check them."""
    assert _worker is not None  # noqa: S101 - set by _worker_init
    loop, engine = _worker

    async def run() -> Checked:
        async with engine.connect() as conn:
            return check_chunk(await _read_chunk(conn, start, end), seal_key)

    return loop.run_until_complete(run())


async def _in_processes(rebuild: Rebuild, url: str, size: int, chunk: int, workers: int) -> None:
    """Check chunks in worker processes, two per worker in flight; rebuild in order here."""
    loop = asyncio.get_running_loop()
    starts = iter(range(0, size, chunk))
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=spawn, initializer=_worker_init, initargs=(url,)
    ) as pool:
        queue: deque[asyncio.Future[Checked]] = deque()

        def submit() -> None:
            start = next(starts, None)
            if start is not None:
                queue.append(
                    loop.run_in_executor(
                        pool, _check_range, start, min(start + chunk, size), rebuild.seal_key
                    )
                )

        for _ in range(2 * workers):
            submit()
        while queue:
            checked = await queue.popleft()
            submit()
            rebuild.absorb(checked)


async def _checkpoints_beyond(
    conn: AsyncConnection, rebuild: Rebuild, size: int, now_size: int
) -> bool:
    """Name unsigned checkpoints the chunks did not cover; whether a signed one is too large."""
    rows = await conn.execute(
        sa.select(CHECKPOINT)
        .where(sa.or_(CHECKPOINT.c.tree_size > size, CHECKPOINT.c.tree_size < 1))
        .order_by(CHECKPOINT.c.tree_size)
        .limit(MAX_PROBLEMS)
    )
    truncated = False
    for row in rows:
        data = tree.checkpoint_json(row)
        if not checkpoint.verify_checkpoint(data, rebuild.public_key, rebuild.origin):
            rebuild.add(Problem(data["tree_size"], None, "checkpoint_signature"))
        elif data["tree_size"] > now_size:  # the sequencer may have signed meanwhile
            truncated = True
    return truncated


async def _conclude(
    conn: AsyncConnection, rebuild: Rebuild, size: int, saved: dict[str, Any] | None
) -> Report:
    """Suspect nodes, truncation and leftovers, then the sorted report."""
    for suspect in rebuild.suspects:  # a digest differed: find the nodes themselves
        stored = await tree.fetch_nodes(conn, [(c[0], c[1]) for c in suspect])
        rebuild.compare_nodes(suspect, stored)
    # One statement, one snapshot: the sequencer may have grown the log meanwhile.
    now_size, node_count = (
        await conn.execute(
            sa.select(
                sa.select(sa.func.max(LEAF.c.seq)).scalar_subquery(),
                sa.select(sa.func.count()).select_from(NODE).scalar_subquery(),
            )
        )
    ).one()
    now_size = 0 if now_size is None else int(now_size) + 1
    truncated = await _checkpoints_beyond(conn, rebuild, size, now_size)
    if saved is not None and int(saved["tree_size"]) <= size:
        kept = (
            await conn.execute(
                sa.select(CHECKPOINT.c.root_hash).where(
                    CHECKPOINT.c.tree_size == int(saved["tree_size"])
                )
            )
        ).scalar()
        if kept is None or bytes(kept).hex() != saved["root_hash"]:
            rebuild.add(Problem(None, None, "checkpoint_missing"))
    rebuild.finish(
        truncated_at=now_size if truncated else None,
        extra_nodes=int(node_count or 0) > 2 * now_size - bin(now_size).count("1"),
    )
    order = {kind: i for i, kind in enumerate(KINDS)}
    problems = sorted(
        rebuild.problems, key=lambda p: (p.seq is None, p.seq or 0, order.get(p.kind, len(order)))
    )
    return Report(
        tree_size=size, root_hash=rebuild.root().hex(), checked=rebuild.size, problems=problems
    )
