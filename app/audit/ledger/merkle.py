"""RFC 6962 / RFC 9162 Merkle tree over audit-event leaf hashes (pure functions, no database).

Tree: RFC 9162 §2.1.1. MTH({}) = SHA-256(), MTH({d}) = SHA-256(0x00 || d), and for n > 1
MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) with k the largest power of two < n.
The leaves of this log are already leaf hashes (``event_leaf_hash``), so the functions below
work on leaf hashes, never on raw leaf data.

Stored-node model: the service keeps, insert-only, the hash of every *complete aligned
subtree*. Node ``(level, index)`` covers leaves ``[index * 2**level, (index + 1) * 2**level)``;
level 0 holds the leaf hashes. Every root, inclusion proof and consistency proof is then
folded from O(log n) stored nodes:

* appending: ``frontier_nodes(size)`` names the stored nodes ``new_complete_nodes`` may need
  (fetch them in one query), and ``new_complete_nodes`` returns the rows to insert;
* roots: ``root_nodes(size)`` then ``root_from_nodes(size, nodes)``;
* proofs: ``inclusion_proof_ranges`` / ``consistency_proof_ranges`` give leaf ranges, and
  ``nodes_needed(ranges)`` every stored node they need (one query), then
  ``hashes_for_ranges(ranges, nodes)`` the proof hashes.

Verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2 step by step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import rfc8785

HASH_SIZE: Final = 32
LEAF_PREFIX: Final = b"\x00"
NODE_PREFIX: Final = b"\x01"
EMPTY_ROOT: Final[bytes] = hashlib.sha256(b"").digest()
#: Keys of an event object that are not covered by its own leaf hash.
EVENT_HASH_EXCLUDED_KEYS: Final = frozenset({"seq", "leaf_hash"})

Node = tuple[int, int]
"""A stored node ``(level, index)``."""
Range = tuple[int, int]
"""A half-open leaf range ``(start, end)``."""


class MissingNodeError(LookupError):
    """A stored node needed to fold a hash was not supplied."""

    def __init__(self, level: int, index: int) -> None:
        """Remember which node was missing."""
        super().__init__(f"stored Merkle node (level={level}, index={index}) is missing")
        self.level = level
        self.index = index


# --------------------------------------------------------------------------- hashing


def leaf_hash(data: bytes) -> bytes:
    """Return SHA-256(0x00 || data), the RFC 6962 leaf hash."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return SHA-256(0x01 || left || right), the RFC 6962 interior node hash."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def canonical_event_json(event: Mapping[str, Any]) -> bytes:
    """Return the RFC 8785 canonical JSON of an event without its ``seq`` and ``leaf_hash``."""
    body = {key: value for key, value in event.items() if key not in EVENT_HASH_EXCLUDED_KEYS}
    return rfc8785.dumps(body)


def event_leaf_hash(event: Mapping[str, Any]) -> bytes:
    """Return the leaf hash of an event object as the API/export presents it (JSON values)."""
    return leaf_hash(canonical_event_json(event))


def _check_hash(value: bytes) -> bytes:
    """Return value if it is a 32-byte hash, else raise ValueError."""
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        raise ValueError(f"expected a {HASH_SIZE}-byte hash")
    return bytes(value)


def _is_hash(value: object) -> bool:
    """Tell whether value is a 32-byte hash."""
    return isinstance(value, bytes | bytearray) and len(value) == HASH_SIZE


# --------------------------------------------------------------------------- geometry


def split_point(n: int) -> int:
    """Return RFC 9162's k for a list of n >= 2 leaves: the largest power of two < n."""
    if n < 2:
        raise ValueError("split_point needs n >= 2")
    return 1 << ((n - 1).bit_length() - 1)


def node_range(level: int, index: int) -> Range:
    """Return the leaf range ``[start, end)`` covered by stored node (level, index)."""
    if level < 0 or index < 0:
        raise ValueError("level and index must be >= 0")
    return index << level, (index + 1) << level


def _aligned_node(start: int, end: int) -> Node | None:
    """Return the stored node covering exactly [start, end), if that range is one."""
    n = end - start
    if n <= 0 or n & (n - 1) or start % n:
        return None
    level = n.bit_length() - 1
    return level, start >> level


def _check_range(start: int, end: int) -> None:
    """Raise ValueError unless 0 <= start <= end."""
    if not 0 <= start <= end:
        raise ValueError(f"invalid leaf range [{start}, {end})")


def _collect(start: int, end: int, out: list[Node]) -> None:
    """Append to out the stored nodes of MTH(D[start:end]) in split order (start < end)."""
    while True:
        node = _aligned_node(start, end)
        if node is not None:
            out.append(node)
            return
        k = split_point(end - start)
        _collect(start, start + k, out)
        start += k


def range_nodes(start: int, end: int) -> list[Node]:
    """Return the stored nodes MTH(D[start:end]) is folded from, left to right in split order."""
    _check_range(start, end)
    out: list[Node] = []
    if start < end:
        _collect(start, end, out)
    return out


def _fold(start: int, end: int, nodes: Mapping[Node, bytes]) -> bytes:
    """Return MTH(D[start:end]) for start < end from stored nodes, recursing as RFC 9162 does."""
    node = _aligned_node(start, end)
    if node is not None:
        value = nodes.get(node)
        if value is None:
            raise MissingNodeError(*node)
        return _check_hash(value)
    k = split_point(end - start)
    return node_hash(_fold(start, start + k, nodes), _fold(start + k, end, nodes))


def fold_range(start: int, end: int, nodes: Mapping[Node, bytes]) -> bytes:
    """Return MTH(D[start:end]) (RFC 9162 §2.1.1) from the stored nodes of ``range_nodes``."""
    _check_range(start, end)
    if start == end:
        return EMPTY_ROOT
    return _fold(start, end, nodes)


def root_nodes(size: int) -> list[Node]:
    """Return the stored nodes the root of a tree of ``size`` leaves is folded from."""
    return range_nodes(0, size)


def root_from_nodes(size: int, nodes: Mapping[Node, bytes]) -> bytes:
    """Return the root hash of the tree of ``size`` leaves from its stored nodes."""
    return fold_range(0, size, nodes)


# --------------------------------------------------------------------------- appending


def frontier_nodes(size: int) -> list[Node]:
    """Return the stored nodes ``new_complete_nodes(size, ...)`` may ask ``get`` for."""
    return root_nodes(size)


def new_complete_nodes(
    size_before: int,
    new_leaves: Sequence[bytes],
    get: Callable[[int, int], bytes],
) -> list[tuple[int, int, bytes]]:
    """Return every (level, index, hash) completed by appending new_leaves at size_before."""
    if size_before < 0:
        raise ValueError("size_before must be >= 0")
    out: list[tuple[int, int, bytes]] = []
    fresh: dict[Node, bytes] = {}

    def lookup(level: int, index: int) -> bytes:
        """Return a node from this batch, else from storage."""
        value = fresh.get((level, index))
        return value if value is not None else _check_hash(get(level, index))

    for offset, leaf in enumerate(new_leaves):
        value = _check_hash(leaf)
        level, index = 0, size_before + offset
        fresh[(level, index)] = value
        out.append((level, index, value))
        # A right child completes its parent; climb while we are a right child.
        while index & 1:
            value = node_hash(lookup(level, index - 1), value)
            level, index = level + 1, index >> 1
            fresh[(level, index)] = value
            out.append((level, index, value))
    return out


class CompactTree:
    """Streaming Merkle tree keeping only O(log n) hashes (for offline rebuilds)."""

    def __init__(self) -> None:
        """Start an empty tree."""
        self.size = 0
        self._stack: list[bytes] = []

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash."""
        value = _check_hash(leaf)
        index = self.size
        while index & 1:
            value = node_hash(self._stack.pop(), value)
            index >>= 1
        self._stack.append(value)
        self.size += 1

    def root(self) -> bytes:
        """Return the current root hash."""
        if not self._stack:
            return EMPTY_ROOT
        acc = self._stack[-1]
        for value in reversed(self._stack[:-1]):
            acc = node_hash(value, acc)
        return acc


def mth(leaves: Sequence[bytes]) -> bytes:
    """Return MTH of a list of leaf hashes by RFC 9162's recursive definition (in memory)."""

    def rec(start: int, end: int) -> bytes:
        """Return MTH(leaves[start:end]) for start < end."""
        if end - start == 1:
            return leaves[start]
        k = split_point(end - start)
        return node_hash(rec(start, start + k), rec(start + k, end))

    return rec(0, len(leaves)) if leaves else EMPTY_ROOT


# --------------------------------------------------------------------------- proofs


def inclusion_proof_ranges(index: int, size: int) -> list[Range]:
    """Return the leaf ranges whose MTHs form PATH(index, D[size]) (RFC 9162 §2.1.3.1)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    top_down: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        mid = start + split_point(end - start)
        if index < mid:
            top_down.append((mid, end))
            end = mid
        else:
            top_down.append((start, mid))
            start = mid
    top_down.reverse()
    return top_down


def consistency_proof_ranges(first: int, second: int) -> list[Range]:
    """Return the leaf ranges whose MTHs form PROOF(first, D[second]) (RFC 9162 §2.1.4.1)."""
    if not 0 <= first <= second:
        raise ValueError(f"invalid consistency request {first} -> {second}")
    if first in (0, second):
        return []
    top_down: list[Range] = []
    start, end, m, whole = 0, second, first, True
    # SUBPROOF(m, D[start:end], whole), with m counted from start.
    while True:
        n = end - start
        if m == n:
            if not whole:
                top_down.append((start, end))
            break
        k = split_point(n)
        if m <= k:
            top_down.append((start + k, end))
            end = start + k
        else:
            top_down.append((start, start + k))
            start, m, whole = start + k, m - k, False
    top_down.reverse()
    return top_down


def nodes_needed(ranges: Iterable[Range]) -> set[Node]:
    """Return every stored node needed to fold the MTH of each range (fetch in one query)."""
    needed: set[Node] = set()
    for start, end in ranges:
        needed.update(range_nodes(start, end))
    return needed


def hashes_for_ranges(ranges: Iterable[Range], nodes: Mapping[Node, bytes]) -> list[bytes]:
    """Return MTH(D[start:end]) for each range, folded from stored nodes."""
    return [fold_range(start, end, nodes) for start, end in ranges]


# --------------------------------------------------------------------------- verifiers


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Verify an inclusion proof as RFC 9162 §2.1.3.2 prescribes."""
    if not 0 <= index < size:
        return False
    if not (_is_hash(leaf_hash) and _is_hash(root) and all(_is_hash(p) for p in proof)):
        return False
    fn, sn = index, size - 1
    r = bytes(leaf_hash)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Verify a consistency proof as RFC 9162 §2.1.4.2 prescribes (plus the trivial cases)."""
    if not 0 <= first <= second:
        return False
    if not (_is_hash(first_root) and _is_hash(second_root) and all(_is_hash(c) for c in proof)):
        return False
    if first == 0:
        # The empty tree is a prefix of every tree; nothing to prove.
        return not proof and first_root == EMPTY_ROOT
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = [bytes(c) for c in proof]
    if first & (first - 1) == 0:
        path.insert(0, bytes(first_root))
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
