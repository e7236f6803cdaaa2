"""Verify the whole log from the database: recompute every leaf, rebuild the tree, compare.

Shared by ``GET /v1/audit/verify`` and ``notes-api audit verify``. It reads the leaves in
``seq`` order in chunks (constant memory) and, for each one, recomputes the leaf hash from
the event row (an edited event), checks the leaf's seal (a leaf re-hashed, renumbered or
moved by someone without the key), the per-client index rows, and every stored Merkle node
the leaf completes; at each signed checkpoint's size it compares the rebuilt root. A saved
checkpoint file is one more root to match, and proves truncation when the log is shorter.
Problems are ``{seq, event_id, kind}``, sorted so that the first names the first bad event.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from app.audit import checkpoint, events, merkle, tree
from app.audit.tree import CHECKPOINT, EVENT, EVENT_CLIENT, LEAF, NODE
from app.db import UTCDateTime

CHUNK: Final = 5000
MAX_PROBLEMS: Final = 1000
# Order of kinds at the same seq: what the row itself shows first.
KINDS: Final = (
    "seq_gap",
    "event_missing",
    "leaf_mismatch",
    "seal_mismatch",
    "client_index_mismatch",
    "node_missing",
    "node_mismatch",
    "checkpoint_mismatch",
    "checkpoint_file_mismatch",
    "truncated",
    "node_extra",
    "checkpoint_signature",
    "checkpoint_file_signature",
    "checkpoint_missing",
)
_LEAF_KINDS: Final = frozenset(KINDS[:7])


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the log, at a sequence number when it has one."""

    seq: int | None
    event_id: str | None
    kind: str
    practice_id: str | None = field(default=None, compare=False)

    def as_dict(self, practice_id: uuid.UUID | None = None) -> dict[str, Any]:
        """The public form; with a practice, other practices' event ids are withheld."""
        hidden = practice_id is not None and self.practice_id != str(practice_id)
        return {"seq": self.seq, "event_id": None if hidden else self.event_id, "kind": self.kind}


@dataclass
class Report:
    """The outcome of a verification."""

    tree_size: int
    root_hash: str
    checked: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def as_dict(self, practice_id: uuid.UUID | None = None) -> dict[str, Any]:
        """``{ok, tree_size, root_hash, checked, problems}``."""
        return {
            "ok": self.ok,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "checked": self.checked,
            "problems": [p.as_dict(practice_id) for p in self.problems],
        }


@dataclass
class Chunk:
    """Leaves ``[start, end)`` with their events, stored nodes, index rows and checkpoints."""

    rows: list[Any]
    nodes: dict[merkle.Node, bytes]
    clients: dict[Any, set[tuple[str, str | None, datetime]]]
    checkpoints: list[Any]


@dataclass
class _Target:
    size: int
    root: bytes
    kind: str


class Rebuild:
    """Recomputes the tree leaf by leaf (CPU only) and records what disagrees."""

    def __init__(self, *, seal_key: bytes | None, public_key: bytes, origin: str) -> None:
        """Start from the empty tree."""
        self.seal_key, self.public_key, self.origin = seal_key, public_key, origin
        self.size = 0
        self.next_seq = 0
        self.stack: list[tuple[int, int, bytes]] = []
        self.problems: list[Problem] = []
        self.targets: list[_Target] = []
        self.good_size = 0
        self.blame: Problem | None = None  # first leaf problem since the last good root
        self.good_event: tuple[str | None, str | None] | None = None

    def add(self, problem: Problem) -> None:
        """Record a problem (up to MAX_PROBLEMS)."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        if problem.kind in _LEAF_KINDS and self.blame is None:
            self.blame = problem

    def target(self, size: int, root: bytes, kind: str) -> None:
        """A signed root the rebuilt tree must match at ``size``."""
        self.targets.append(_Target(size, root, kind))
        self.targets.sort(key=lambda t: t.size)
        self._check_targets()

    def root(self) -> bytes:
        """The rebuilt root at the current size."""
        if not self.stack:
            return merkle.EMPTY_ROOT
        acc = self.stack[-1][2]
        for _, _, value in reversed(self.stack[:-1]):
            acc = merkle.node_hash(value, acc)
        return acc

    def _check_targets(self) -> None:
        while self.targets and self.targets[0].size <= self.size:
            wanted = self.targets.pop(0)
            if wanted.size < self.size:
                continue  # cannot happen: targets are added before their leaves
            if self.root() == wanted.root:
                if wanted.kind == "checkpoint_mismatch":
                    self.good_size, self.blame, self.good_event = self.size, None, None
                continue
            blame = self.blame
            if blame is not None:
                self.add(Problem(blame.seq, blame.event_id, wanted.kind, blame.practice_id))
            else:
                event_id, practice = self.good_event or (None, None)
                self.add(Problem(self.good_size, event_id, wanted.kind, practice))

    def _append(self, value: bytes) -> list[tuple[int, int, bytes]]:
        level, index, current = 0, self.size, value
        completed = [(0, index, value)]
        while index & 1:
            _, _, left = self.stack.pop()
            current = merkle.node_hash(left, current)
            level, index = level + 1, index >> 1
            completed.append((level, index, current))
        self.stack.append((level, index, current))
        self.size += 1
        return completed

    def feed(self, chunk: Chunk) -> None:
        """Check a chunk of leaves, in seq order."""
        for cp in chunk.checkpoints:
            data = tree.checkpoint_json(cp)
            if checkpoint.verify_checkpoint(data, self.public_key, self.origin):
                self.target(data["tree_size"], bytes(cp.root_hash), "checkpoint_mismatch")
            else:
                self.add(Problem(None, None, "checkpoint_signature"))
        for row in chunk.rows:
            self._leaf(row, chunk)

    def _leaf(self, row: Any, chunk: Chunk) -> None:
        seq, event_id = int(row.seq), str(row.leaf_event_id)
        practice = None if row.practice_id is None else str(row.practice_id)
        if seq != self.next_seq:
            self.add(Problem(self.next_seq, None, "seq_gap"))
        self.next_seq = seq + 1
        if self.good_event is None and self.size == self.good_size:
            self.good_event = (event_id, practice)
        stored = bytes(row.stored_leaf)
        value = stored
        if row.id is None:
            self.add(Problem(seq, event_id, "event_missing"))
        else:
            value = events.row_leaf_hash(row)
            if value != stored:
                self.add(Problem(seq, event_id, "leaf_mismatch", practice))
            if _client_rows(row) != chunk.clients.get(row.id, set()):
                self.add(Problem(seq, event_id, "client_index_mismatch", practice))
        if self.seal_key is not None and not _same(
            events.seal(self.seal_key, seq, row.leaf_event_id, stored), row.seal
        ):
            self.add(Problem(seq, event_id, "seal_mismatch", practice))
        for level, index, value_ in self._append(value):
            kept = chunk.nodes.get((level, index))
            if kept is None:
                self.add(Problem(seq, event_id, "node_missing", practice))
            elif kept != value_:
                self.add(Problem(seq, event_id, "node_mismatch", practice))
        self._check_targets()

    def finish(self, *, truncated_at: int | None, extra_nodes: bool) -> None:
        """Truncation and leftovers once every leaf was seen."""
        if self.targets:  # the saved checkpoint covers leaves that are gone
            self.add(Problem(self.size, None, "truncated"))
            self.targets.clear()
        if truncated_at is not None:
            self.add(Problem(truncated_at, None, "truncated"))
        if extra_nodes:
            self.add(Problem(self.size, None, "node_extra"))


def _same(a: bytes, b: Any) -> bool:
    return b is not None and a == bytes(b)


def _client_rows(row: Any) -> set[tuple[str, str | None, datetime]]:
    ids = row.client_ids if isinstance(row.client_ids, list) else [row.client_ids]
    practice = None if row.practice_id is None else str(row.practice_id)
    return {(str(c), practice, row.occurred_at) for c in ids}


def _raw(conn: AsyncConnection, *columns: Any) -> list[Any]:
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


async def _read_chunk(conn: AsyncConnection, start: int, end: int) -> Chunk:
    rows = (
        await conn.execute(
            sa.select(
                LEAF.c.seq,
                *_raw(conn, LEAF.c.event_id.label("leaf_event_id")),
                LEAF.c.leaf_hash.label("stored_leaf"),
                LEAF.c.seal,
                *_raw(conn, *EVENT.c),
            )
            .select_from(LEAF.outerjoin(EVENT, EVENT.c.id == LEAF.c.event_id))
            .where(LEAF.c.seq >= start, LEAF.c.seq < end)
            .order_by(LEAF.c.seq)
        )
    ).all()
    ranges = []
    level = 0
    while (1 << level) <= end:
        low, high = start >> level, (end >> level) - 1
        if low <= high:
            ranges.append(sa.and_(NODE.c.level == level, NODE.c.index.between(low, high)))
        level += 1
    nodes: dict[merkle.Node, bytes] = {}
    if ranges:
        found = await conn.execute(
            sa.select(NODE.c.level, NODE.c.index, NODE.c.hash).where(sa.or_(*ranges))
        )
        nodes = {(int(lv), int(ix)): bytes(h) for lv, ix, h in found}
    # By event id, not a join on the seq range: that would scan the whole index table.
    ids = [uuid.UUID(str(r.leaf_event_id)) for r in rows]
    if conn.dialect.name == "postgresql":  # one array parameter, not 5,000 placeholders
        wanted = EVENT_CLIENT.c.event_id == sa.any_(
            sa.bindparam("ids", ids, type_=postgresql.ARRAY(sa.Uuid()))
        )
    else:
        wanted = EVENT_CLIENT.c.event_id.in_(ids)
    index_rows = await conn.execute(sa.select(*_raw(conn, *EVENT_CLIENT.c)).where(wanted))
    clients: dict[Any, set[tuple[str, str | None, datetime]]] = {}
    for r in index_rows:
        practice = None if r.practice_id is None else str(r.practice_id)
        clients.setdefault(r.event_id, set()).add((str(r.client_id), practice, r.occurred_at))
    checkpoints = await conn.execute(
        sa.select(CHECKPOINT)
        .where(CHECKPOINT.c.tree_size > start, CHECKPOINT.c.tree_size <= end)
        .order_by(CHECKPOINT.c.tree_size)
    )
    return Chunk(rows=list(rows), nodes=nodes, clients=clients, checkpoints=list(checkpoints))


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
) -> Report:
    """Verify every sequenced event, node and checkpoint; optionally a saved checkpoint."""
    rebuild = Rebuild(seal_key=seal_key, public_key=public_key, origin=origin)
    size = await tree.tree_size(conn)
    saved = _saved_target(rebuild, saved)
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
    # One statement, one snapshot: the sequencer may have grown the log meanwhile.
    now_size, node_count, stored_max = (
        await conn.execute(
            sa.select(
                sa.select(sa.func.max(LEAF.c.seq)).scalar_subquery(),
                sa.select(sa.func.count()).select_from(NODE).scalar_subquery(),
                sa.select(sa.func.max(CHECKPOINT.c.tree_size)).scalar_subquery(),
            )
        )
    ).one()
    now_size = 0 if now_size is None else int(now_size) + 1
    if saved is not None and int(saved["tree_size"]) <= size:
        stored = (
            await conn.execute(
                sa.select(CHECKPOINT.c.root_hash).where(
                    CHECKPOINT.c.tree_size == int(saved["tree_size"])
                )
            )
        ).scalar()
        if stored is None or bytes(stored).hex() != saved["root_hash"]:
            rebuild.add(Problem(None, None, "checkpoint_missing"))
    rebuild.finish(
        truncated_at=now_size if stored_max is not None and stored_max > now_size else None,
        extra_nodes=int(node_count or 0) > 2 * now_size - bin(now_size).count("1"),
    )
    order = {kind: i for i, kind in enumerate(KINDS)}
    problems = sorted(
        rebuild.problems, key=lambda p: (p.seq is None, p.seq or 0, order.get(p.kind, len(order)))
    )
    return Report(
        tree_size=size, root_hash=rebuild.root().hex(), checked=rebuild.size, problems=problems
    )
