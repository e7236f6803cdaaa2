"""The CPU half of verification: recompute leaves, rebuild the tree, compare.

Two steps per chunk of leaves (``verify.py`` reads them in ``seq`` order):

* ``check_chunk`` (pure, runs in a worker thread or process): recompute each leaf hash
  from its event row (an edited event), check the leaf's seal (a leaf re-hashed,
  renumbered or moved by someone without the key) and the per-client index rows;
* ``Rebuild.absorb`` (in order): append the leaves to the tree, compare the stored Merkle
  nodes they complete and, at each signed checkpoint's size, the rebuilt root.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from app.audit.ledger import checkpoint, events, merkle

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
    "event_not_canonical",
    "review_mismatch",
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
    # Index rows by event id; None on PostgreSQL, where each row carries ``index_ok``.
    clients: dict[Any, set[tuple[str, str | None, datetime]]] | None
    checkpoints: list[dict[str, Any]]
    nodes: dict[merkle.Node, bytes] | None = None
    node_digest: tuple[int, bytes | None] | None = None


Leaf = tuple[int, str, str | None, bytes]
"""A checked leaf: (seq, event id, practice id, the leaf hash to build the tree from)."""
Completed = tuple[int, int, bytes, int, str, str | None]
"""A node the rebuild completed: (level, index, hash, seq, event id, practice id)."""


@dataclass
class Checked:
    """What ``check_chunk`` found: the leaves to append and the problems of the rows."""

    leaves: list[Leaf]
    problems: list[Problem]
    checkpoints: list[dict[str, Any]]
    nodes: dict[merkle.Node, bytes] | None
    node_digest: tuple[int, bytes | None] | None


def check_chunk(chunk: Chunk, seal_key: bytes | None) -> Checked:
    """Recompute each row's leaf hash and check its seal and client index rows."""
    leaves: list[Leaf] = []
    problems: list[Problem] = []
    for row in chunk.rows:
        seq, event_id = int(row.seq), str(row.leaf_event_id)
        practice = None if row.practice_id is None else str(row.practice_id)
        stored = bytes(row.stored_leaf)
        value = stored
        if row.id is None:
            problems.append(Problem(seq, event_id, "event_missing"))
        else:
            value, canonical = events.row_leaf(row)
            if value != stored:
                problems.append(Problem(seq, event_id, "leaf_mismatch", practice))
            elif not canonical:
                problems.append(Problem(seq, event_id, "event_not_canonical", practice))
            if not (
                row.index_ok
                if chunk.clients is None
                else _client_rows(row) == chunk.clients.get(row.id, set())
            ):
                problems.append(Problem(seq, event_id, "client_index_mismatch", practice))
        if seal_key is not None and not _same(
            events.seal(seal_key, seq, row.leaf_event_id, stored), row.seal
        ):
            problems.append(Problem(seq, event_id, "seal_mismatch", practice))
        leaves.append((seq, event_id, practice, value))
    return Checked(leaves, problems, chunk.checkpoints, chunk.nodes, chunk.node_digest)


@dataclass
class _Target:
    size: int
    root: bytes
    kind: str


class Rebuild:
    """Rebuilds the tree leaf by leaf (CPU only) and records what disagrees."""

    def __init__(self, *, seal_key: bytes | None, public_key: bytes, origin: str) -> None:
        """Start from the empty tree."""
        self.seal_key, self.public_key, self.origin = seal_key, public_key, origin
        self.size = 0
        self.next_seq = 0
        self.stack: list[tuple[int, int, bytes]] = []
        self.problems: list[Problem] = []
        self.targets: list[_Target] = []
        self.good_size = 0  # size of the last signed root that matched
        self.good_event: tuple[str | None, str | None] | None = None
        self.completed: list[Completed] = []
        self.suspects: list[list[Completed]] = []  # chunks whose node digest differed

    def add(self, problem: Problem) -> None:
        """Record a problem (up to MAX_PROBLEMS)."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

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

    def _blame(self, size: int, kind: str) -> Problem:
        """A root differs at ``size``: name the first bad leaf since the last good root."""
        found = [
            p
            for p in self.problems
            if p.kind in _LEAF_KINDS and p.seq is not None and self.good_size <= p.seq < size
        ]
        if found:
            first = min(found, key=lambda p: p.seq or 0)
            return Problem(first.seq, first.event_id, kind, first.practice_id)
        event_id, practice = self.good_event or (None, None)
        return Problem(self.good_size, event_id, kind, practice)

    def _check_targets(self) -> None:
        while self.targets and self.targets[0].size <= self.size:
            wanted = self.targets.pop(0)
            if wanted.size < self.size:
                continue  # cannot happen: targets are added before their leaves
            if self.root() == wanted.root:
                if wanted.kind == "checkpoint_mismatch":
                    self.good_size, self.good_event = self.size, None
                continue
            self.add(self._blame(self.size, wanted.kind))

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
        """Check a chunk of leaves and append it to the tree (both steps, one thread)."""
        self.absorb(check_chunk(chunk, self.seal_key))

    def absorb(self, checked: Checked) -> None:
        """Append checked leaves in seq order: nodes, signed roots, gaps."""
        for data in checked.checkpoints:
            if checkpoint.verify_checkpoint(data, self.public_key, self.origin):
                self.target(
                    data["tree_size"], bytes.fromhex(data["root_hash"]), "checkpoint_mismatch"
                )
            else:
                self.add(Problem(data["tree_size"], None, "checkpoint_signature"))
        for problem in checked.problems:
            self.add(problem)
        for seq, event_id, practice, value in checked.leaves:
            if seq != self.next_seq:
                self.add(Problem(self.next_seq, None, "seq_gap"))
            self.next_seq = seq + 1
            if self.good_event is None and self.size == self.good_size:
                self.good_event = (event_id, practice)
            done = [(lv, ix, h, seq, event_id, practice) for lv, ix, h in self._append(value)]
            if checked.nodes is None:
                self.completed += done
            else:
                self.compare_nodes(done, checked.nodes)
            self._check_targets()
        if checked.node_digest is not None:
            self.completed.sort()
            digest = hashlib.sha256(b"".join(c[2] for c in self.completed)).digest()
            count, stored = checked.node_digest
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
