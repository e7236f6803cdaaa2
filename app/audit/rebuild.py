"""The CPU half of verification: recompute leaves and the tree chunk by chunk, and compare.

``Rebuild`` is fed chunks of leaves in ``seq`` order (``verify.py`` reads them). For each
leaf it recomputes the leaf hash from the event row (an edited event), checks the leaf's
seal (a leaf re-hashed, renumbered or moved by someone without the key), the per-client
index rows and the stored Merkle nodes the leaf completes; at each signed checkpoint's size
it compares the rebuilt root.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from app.audit import checkpoint, events, merkle, tree

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
    """Leaves in seq order with their events, index rows, checkpoints and stored nodes.

    ``nodes`` holds the stored nodes the leaves complete; on PostgreSQL it is None and
    ``node_digest`` holds (count, SHA-256 of their hashes in (level, index) order) instead,
    so that two million node rows need not cross the wire when they are all intact.
    """

    rows: list[Any]
    clients: dict[Any, set[tuple[str, str | None, datetime]]]
    checkpoints: list[Any]
    nodes: dict[merkle.Node, bytes] | None = None
    node_digest: tuple[int, bytes | None] | None = None


Completed = tuple[int, int, bytes, int, str, str | None]
"""A node the rebuild completed: (level, index, hash, seq, event id, practice id)."""


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
        self.completed: list[Completed] = []
        self.suspects: list[list[Completed]] = []  # chunks whose node digest differed

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
        if chunk.node_digest is not None:
            self.completed.sort()
            digest = hashlib.sha256(b"".join(c[2] for c in self.completed)).digest()
            count, stored = chunk.node_digest
            if count != len(self.completed) or (count and stored != digest):
                self.suspects.append(self.completed)
            self.completed = []

    def compare_nodes(self, completed: list[Completed], stored: dict[merkle.Node, bytes]) -> None:
        """Name the leaves whose completed nodes differ from the stored ones."""
        for level, index, value, seq, event_id, practice in completed:
            kept = stored.get((level, index))
            if kept is None:
                self.add(Problem(seq, event_id, "node_missing", practice))
            elif kept != value:
                self.add(Problem(seq, event_id, "node_mismatch", practice))

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
        completed = [(lv, ix, h, seq, event_id, practice) for lv, ix, h in self._append(value)]
        if chunk.nodes is None:
            self.completed += completed
        else:
            self.compare_nodes(completed, chunk.nodes)
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
