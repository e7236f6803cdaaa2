"""Tests of the audit log's Merkle tree against RFC 6962 vectors and an independent reference.

The reference in this file is written from the RFC 9162 §2.1 *definitions* (MTH, PATH,
SUBPROOF) and verifies proofs structurally, by replaying that recursion; it deliberately does
not reuse the app's bit-twiddling verifiers (RFC 9162 §2.1.3.2 / §2.1.4.2), so the two check
each other.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from functools import cache
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from app.audit.ledger import merkle
from app.audit.ledger.merkle import (
    EMPTY_ROOT,
    CompactTree,
    MissingNodeError,
    consistency_proof_ranges,
    event_leaf_hash,
    fold_range,
    frontier_nodes,
    hashes_for_ranges,
    inclusion_proof_ranges,
    leaf_hash,
    mth,
    new_complete_nodes,
    node_hash,
    node_range,
    nodes_needed,
    range_nodes,
    root_from_nodes,
    root_nodes,
    verify_consistency,
    verify_inclusion,
)

Store = dict[tuple[int, int], bytes]

# ----------------------------------------------------------------------------------------
# Independent reference (RFC 9162 §2.1 definitions, plain hashlib)


def ref_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def ref_node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def ref_k(n: int) -> int:
    """Largest power of two strictly less than n, found by counting up."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(leaves: Sequence[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = ref_k(len(leaves))
    return ref_node(ref_mth(leaves[:k]), ref_mth(leaves[k:]))


def ref_path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1."""
    n = len(leaves)
    if n == 1:
        return []
    k = ref_k(n)
    if m < k:
        return [*ref_path(m, leaves[:k]), ref_mth(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), ref_mth(leaves[:k])]


def ref_subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 9162 §2.1.4.1."""
    n = len(leaves)
    if m == n:
        return [] if whole else [ref_mth(leaves)]
    k = ref_k(n)
    if m <= k:
        return [*ref_subproof(m, leaves[:k], whole), ref_mth(leaves[k:])]
    return [*ref_subproof(m - k, leaves[k:], False), ref_mth(leaves[:k])]


def ref_verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Replay PATH's recursion top-down to learn each sibling's side, then fold bottom-up."""
    if not 0 <= index < size:
        return False
    sibling_on_right: list[bool] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = ref_k(hi - lo)
        if index < lo + k:
            sibling_on_right.append(True)
            hi = lo + k
        else:
            sibling_on_right.append(False)
            lo += k
    if len(sibling_on_right) != len(proof):
        return False
    acc = leaf
    for on_right, sibling in zip(reversed(sibling_on_right), proof, strict=True):
        acc = ref_node(acc, sibling) if on_right else ref_node(sibling, acc)
    return acc == root


def ref_verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Replay SUBPROOF's recursion, consuming the proof from its end, and rebuild both roots."""
    if not 0 < first < second:
        return False
    remaining = list(proof)

    def take() -> bytes:
        if not remaining:
            raise IndexError
        return remaining.pop()

    def rec(m: int, n: int, whole: bool) -> tuple[bytes, bytes]:
        """Return (MTH of the old part, MTH of the new part) of this subtree."""
        if m == n:
            if whole:
                return first_root, first_root
            value = take()
            return value, value
        k = ref_k(n)
        if m <= k:
            right = take()
            old, new = rec(m, k, whole)
            return old, ref_node(new, right)
        left = take()
        old, new = rec(m - k, n - k, False)
        return ref_node(left, old), ref_node(left, new)

    try:
        old_root, new_root = rec(first, second, True)
    except IndexError:
        return False
    return not remaining and old_root == first_root and new_root == second_root


# ----------------------------------------------------------------------------------------
# RFC 6962 test vectors, as published by Certificate Transparency
# (transparency-dev/merkle testonly/constants.go and proof/verify_test.go).

CT_LEAF_INPUTS = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_LEAVES = [ref_leaf(d) for d in CT_LEAF_INPUTS]

CT_ROOTS = [  # indexed by tree size 0..8
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

CT_NODE_HASHES = [  # [level][index] for every complete subtree of the 8-leaf tree
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]

# (leaf index, tree size, audit path); CT numbers leaves from 1, these are 0-based.
CT_INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (0, 1, []),
]

CT_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]

SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def build_store(leaves: Sequence[bytes], batch: int = 1000) -> Store:
    """Store every complete node of a tree, appending in batches through the app."""
    store: Store = {}
    for start in range(0, len(leaves), batch):
        rows = new_complete_nodes(
            start, leaves[start : start + batch], lambda lvl, idx: store[(lvl, idx)]
        )
        for level, index, value in rows:
            assert (level, index) not in store
            store[(level, index)] = value
    return store


def app_inclusion_proof(index: int, size: int, store: Store) -> list[bytes]:
    ranges = inclusion_proof_ranges(index, size)
    needed = nodes_needed(ranges)
    assert all(node_range(*node)[1] <= size for node in needed)
    return hashes_for_ranges(ranges, {node: store[node] for node in needed})


def app_consistency_proof(first: int, second: int, store: Store) -> list[bytes]:
    ranges = consistency_proof_ranges(first, second)
    needed = nodes_needed(ranges)
    assert all(node_range(*node)[1] <= second for node in needed)
    return hashes_for_ranges(ranges, {node: store[node] for node in needed})


def app_root(size: int, store: Store) -> bytes:
    return root_from_nodes(size, {node: store[node] for node in root_nodes(size)})


CT_STORE = build_store(CT_LEAVES)

SMALL_LEAVES = [ref_leaf(i.to_bytes(2, "big") + b"small") for i in range(64)]
SMALL_STORE = build_store(SMALL_LEAVES, batch=7)
SMALL_ROOTS = [ref_mth(SMALL_LEAVES[:n]) for n in range(65)]

BIG_N = 5000
BIG_LEAVES = [ref_leaf(b"event-%d" % i) for i in range(BIG_N)]
BIG_STORE = build_store(BIG_LEAVES, batch=333)


@cache
def big_mth(start: int, end: int) -> bytes:
    """Reference MTH(BIG_LEAVES[start:end]), memoized on the same recursion."""
    if end - start == 1:
        return BIG_LEAVES[start]
    k = ref_k(end - start)
    return ref_node(big_mth(start, start + k), big_mth(start + k, end))


def big_path(m: int, start: int, end: int) -> list[bytes]:
    if end - start == 1:
        return []
    k = ref_k(end - start)
    if m < k:
        return [*big_path(m, start, start + k), big_mth(start + k, end)]
    return [*big_path(m - k, start + k, end), big_mth(start, start + k)]


def big_subproof(m: int, start: int, end: int, whole: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if whole else [big_mth(start, end)]
    k = ref_k(n)
    if m <= k:
        return [*big_subproof(m, start, start + k, whole), big_mth(start + k, end)]
    return [*big_subproof(m - k, start + k, end, False), big_mth(start, start + k)]


def flipped(proof: Sequence[bytes], i: int) -> list[bytes]:
    out = list(proof)
    out[i] = bytes([out[i][0] ^ 0x08]) + out[i][1:]
    return out


# ----------------------------------------------------------------------------------------
# Hashing and the RFC 6962 vectors


def test_hash_primitives() -> None:
    assert EMPTY_ROOT.hex() == CT_ROOTS[0]
    assert leaf_hash(b"").hex() == CT_ROOTS[1]
    assert node_hash(CT_LEAVES[0], CT_LEAVES[1]).hex() == CT_ROOTS[2]
    for data in CT_LEAF_INPUTS:
        assert leaf_hash(data) == ref_leaf(data)


@pytest.mark.parametrize("size", range(9))
def test_ct_roots(size: int) -> None:
    leaves = CT_LEAVES[:size]
    assert ref_mth(leaves).hex() == CT_ROOTS[size]
    assert mth(leaves).hex() == CT_ROOTS[size]
    assert app_root(size, CT_STORE).hex() == CT_ROOTS[size]
    tree = CompactTree()
    for leaf in leaves:
        tree.append(leaf)
    assert tree.size == size
    assert tree.root().hex() == CT_ROOTS[size]


def test_ct_node_hashes() -> None:
    expected = {
        (level, index): bytes.fromhex(h)
        for level, row in enumerate(CT_NODE_HASHES)
        for index, h in enumerate(row)
    }
    assert CT_STORE == expected


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_ct_inclusion_vectors(index: int, size: int, path: list[str]) -> None:
    proof = [bytes.fromhex(h) for h in path]
    root = bytes.fromhex(CT_ROOTS[size])
    leaf = CT_LEAVES[index]
    assert app_inclusion_proof(index, size, CT_STORE) == proof
    assert ref_path(index, CT_LEAVES[:size]) == proof
    assert verify_inclusion(index, size, leaf, proof, root)
    assert ref_verify_inclusion(index, size, leaf, proof, root)
    # The corruptions Certificate Transparency's own verifier tests reject.
    probes: list[tuple[int, int, bytes, list[bytes], bytes]] = [
        (index - 1, size, leaf, proof, root),
        (index + 1, size, leaf, proof, root),
        (index ^ 2, size, leaf, proof, root),
        (index, size * 2, leaf, proof, root),
        (index, size // 2, leaf, proof, root),
        (index, size, b"WrongLeaf", proof, root),
        (index, size, leaf, proof, EMPTY_ROOT),
        (index, size, leaf, proof, SOME_HASH),
        (index, size, leaf, [*proof, b""], root),
        (index, size, leaf, [*proof, root], root),
        (index, size, leaf, [b"", *proof], root),
        (index, size, leaf, [root, *proof], root),
    ]
    probes += [(index, size, leaf, flipped(proof, i), root) for i in range(len(proof))]
    if proof:
        probes.append((index, size, leaf, proof[:-1], root))
    if len(proof) > 1:
        probes.append((index, size, leaf, [proof[0], SOME_HASH, *proof[1:]], root))
    for probe in probes:
        assert not verify_inclusion(*probe), probe[:2]


@pytest.mark.parametrize(("first", "second", "path"), CT_CONSISTENCY)
def test_ct_consistency_vectors(first: int, second: int, path: list[str]) -> None:
    proof = [bytes.fromhex(h) for h in path]
    root1 = bytes.fromhex(CT_ROOTS[first])
    root2 = bytes.fromhex(CT_ROOTS[second])
    assert app_consistency_proof(first, second, CT_STORE) == proof
    assert verify_consistency(first, second, root1, root2, proof)
    if first == second:
        return
    assert ref_subproof(first, CT_LEAVES[:second], True) == proof
    assert ref_verify_consistency(first, second, root1, root2, proof)
    probes: list[tuple[int, int, bytes, bytes, list[bytes]]] = [
        (first - 1, second, root1, root2, proof),
        (first + 1, second, root1, root2, proof),
        (first ^ 2, second, root1, root2, proof),
        (first, second * 2, root1, root2, proof),
        (first, second // 2, root1, root2, proof),
        (first, second, b"WrongRoot", root2, proof),
        (first, second, root1, b"WrongRoot", proof),
        (first, second, root2, root1, proof),
        (first, second, root1, root2, []),
        (first, second, root1, root2, [*proof, b""]),
        (first, second, root1, root2, [*proof, root1]),
        (first, second, root1, root2, [*proof, root2]),
        (first, second, root1, root2, [b"", *proof]),
        (first, second, root1, root2, [root1, *proof]),
        (first, second, root1, root2, [root2, *proof]),
        (first, second, root1, root2, [proof[0], *proof]),
        (first, second, root1, root2, proof[:-1]),
    ]
    probes += [(first, second, root1, root2, flipped(proof, i)) for i in range(len(proof))]
    for probe in probes:
        assert not verify_consistency(*probe), probe[:2]


def test_consistency_trivial_cases() -> None:
    r1, r2 = bytes.fromhex(CT_ROOTS[1]), bytes.fromhex(CT_ROOTS[2])
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(0, 5, EMPTY_ROOT, SOME_HASH, [])
    assert not verify_consistency(0, 5, SOME_HASH, SOME_HASH, [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, SOME_HASH, [EMPTY_ROOT])
    assert verify_consistency(3, 3, SOME_HASH, SOME_HASH, [])
    assert not verify_consistency(3, 3, SOME_HASH, r1, [])
    assert not verify_consistency(3, 3, SOME_HASH, SOME_HASH, [SOME_HASH])
    assert not verify_consistency(2, 1, r2, r1, [])
    assert not verify_consistency(1, 2, r1, r2, [])
    assert not verify_consistency(-1, 2, r1, r2, [])
    assert consistency_proof_ranges(0, 7) == []
    assert consistency_proof_ranges(7, 7) == []
    with pytest.raises(ValueError, match="invalid"):
        consistency_proof_ranges(3, 2)


def test_inclusion_edge_cases() -> None:
    only = CT_LEAVES[0]
    assert verify_inclusion(0, 1, only, [], only)
    assert not verify_inclusion(0, 1, only, [], b"")
    assert not verify_inclusion(0, 1, b"", [], only)
    for index, size in [(0, 0), (1, 0), (1, 1), (2, 1), (-1, 4)]:
        assert not verify_inclusion(index, size, SOME_HASH, [], EMPTY_ROOT)
        with pytest.raises(ValueError, match="not in a tree"):
            inclusion_proof_ranges(index, size)


# ----------------------------------------------------------------------------------------
# Exhaustive small trees


def test_every_inclusion_proof_up_to_64() -> None:
    for size in range(1, 65):
        root = SMALL_ROOTS[size]
        assert app_root(size, SMALL_STORE) == root
        for index in range(size):
            leaf = SMALL_LEAVES[index]
            proof = app_inclusion_proof(index, size, SMALL_STORE)
            assert proof == ref_path(index, SMALL_LEAVES[:size]), (index, size)
            assert ref_verify_inclusion(index, size, leaf, proof, root), (index, size)
            assert verify_inclusion(index, size, leaf, proof, root), (index, size)
            # Rejections: flipped byte, truncated, extended, wrong index, wrong leaf/root.
            for i in range(len(proof)):
                assert not verify_inclusion(index, size, leaf, flipped(proof, i), root)
            if proof:
                assert not verify_inclusion(index, size, leaf, proof[:-1], root)
            assert not verify_inclusion(index, size, leaf, [*proof, root], root)
            assert not verify_inclusion(index, size, SOME_HASH, proof, root)
            assert not verify_inclusion(index, size, leaf, proof, SOME_HASH)
            for other in {index - 1, index + 1, index ^ 1, index ^ 2, size}:
                if other != index:
                    assert not verify_inclusion(other, size, leaf, proof, root), (index, size)


def test_every_consistency_proof_up_to_64() -> None:
    for second in range(1, 65):
        root2 = SMALL_ROOTS[second]
        for first in range(1, second + 1):
            root1 = SMALL_ROOTS[first]
            proof = app_consistency_proof(first, second, SMALL_STORE)
            assert verify_consistency(first, second, root1, root2, proof), (first, second)
            if first == second:
                assert proof == []
                continue
            assert proof == ref_subproof(first, SMALL_LEAVES[:second], True), (first, second)
            assert ref_verify_consistency(first, second, root1, root2, proof), (first, second)
            for i in range(len(proof)):
                assert not verify_consistency(first, second, root1, root2, flipped(proof, i))
            assert not verify_consistency(first, second, root1, root2, proof[:-1])
            assert not verify_consistency(first, second, root1, root2, [*proof, root1])
            assert not verify_consistency(first, second, root2, root1, proof)
            assert not verify_consistency(first, second, SOME_HASH, root2, proof)
            assert not verify_consistency(first, second, root1, SOME_HASH, proof)
            # A wrong first size must fail. (A wrong *second* size can legitimately pass when
            # both sizes give the same tree shape, e.g. 1 -> 3 vs 1 -> 4: RFC 9162 proofs bind
            # the roots, and the signed checkpoint binds each root to its size.)
            for f in (first - 1, first + 1):
                if 0 < f < second:
                    assert not verify_consistency(f, second, root1, root2, proof), (first, second)


def test_proof_cost_is_logarithmic() -> None:
    for size in [*range(1, 65), 1000, 4097, BIG_N]:
        bound = 2 * size.bit_length() + 2
        assert len(root_nodes(size)) <= size.bit_length()
        for index in {0, size // 3, size // 2, size - 1}:
            assert len(nodes_needed(inclusion_proof_ranges(index, size))) <= bound
        for first in {1, size // 3, size // 2, size - 1}:
            if first:
                assert len(nodes_needed(consistency_proof_ranges(first, size))) <= bound


# ----------------------------------------------------------------------------------------
# Large random trees


@settings(max_examples=150, deadline=None, database=None)
@given(st.data())
def test_random_inclusion_proofs(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, BIG_N), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    root = big_mth(0, size)
    leaf = BIG_LEAVES[index]
    proof = app_inclusion_proof(index, size, BIG_STORE)
    assert proof == big_path(index, 0, size)
    assert ref_verify_inclusion(index, size, leaf, proof, root)
    assert verify_inclusion(index, size, leaf, proof, root)
    i = data.draw(st.integers(0, max(len(proof) - 1, 0)), label="flip")
    if proof:
        assert not verify_inclusion(index, size, leaf, flipped(proof, i), root)
        assert not verify_inclusion(index, size, leaf, proof[:-1], root)
    other = data.draw(st.integers(0, size - 1), label="other")
    if other != index:
        assert not verify_inclusion(other, size, leaf, proof, root)


@settings(max_examples=150, deadline=None, database=None)
@given(st.data())
def test_random_consistency_proofs(data: st.DataObject) -> None:
    second = data.draw(st.integers(2, BIG_N), label="second")
    first = data.draw(st.integers(1, second - 1), label="first")
    root1, root2 = big_mth(0, first), big_mth(0, second)
    proof = app_consistency_proof(first, second, BIG_STORE)
    assert proof == big_subproof(first, 0, second, True)
    assert ref_verify_consistency(first, second, root1, root2, proof)
    assert verify_consistency(first, second, root1, root2, proof)
    i = data.draw(st.integers(0, len(proof) - 1), label="flip")
    assert not verify_consistency(first, second, root1, root2, flipped(proof, i))
    assert not verify_consistency(first, second, root1, root2, proof[:-1])
    assert not verify_consistency(first + 1, second, root1, root2, proof)
    assert not verify_consistency(first, second, root2, root1, proof)


@settings(max_examples=100, deadline=None, database=None)
@given(st.integers(0, 300), st.integers(0, 300))
def test_fold_any_range(a: int, b: int) -> None:
    start, end = min(a, b), max(a, b)
    nodes = range_nodes(start, end)
    assert sorted(nodes, key=lambda n: node_range(*n)) == nodes  # left to right
    covered = [leaf for node in nodes for leaf in range(*node_range(*node))]
    assert covered == list(range(start, end))
    value = fold_range(start, end, {node: BIG_STORE[node] for node in nodes})
    assert value == (ref_mth(BIG_LEAVES[start:end]) if end > start else EMPTY_ROOT)


def test_fold_is_right_heavy_not_a_left_fold() -> None:
    # [0, 7) decomposes into [0,4) [4,6) [6,7); MTH = H(A, H(B, C)), not H(H(A, B), C).
    assert range_nodes(0, 7) == [(2, 0), (1, 2), (0, 6)]
    a, b, c = SMALL_STORE[(2, 0)], SMALL_STORE[(1, 2)], SMALL_STORE[(0, 6)]
    assert root_from_nodes(7, SMALL_STORE) == ref_node(a, ref_node(b, c)) == SMALL_ROOTS[7]
    assert ref_node(ref_node(a, b), c) != SMALL_ROOTS[7]


def test_missing_node_is_reported() -> None:
    nodes = {node: SMALL_STORE[node] for node in root_nodes(7)}
    del nodes[(1, 2)]
    with pytest.raises(MissingNodeError) as info:
        root_from_nodes(7, nodes)
    assert (info.value.level, info.value.index) == (1, 2)


# ----------------------------------------------------------------------------------------
# Incremental building


@settings(max_examples=40, deadline=None, database=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=25))
def test_incremental_building_matches_mth(batches: list[int]) -> None:
    leaves = [ref_leaf(b"inc-%d" % i) for i in range(sum(batches))]
    store: Store = {}
    asked: list[tuple[int, int]] = []

    def get(level: int, index: int) -> bytes:
        asked.append((level, index))
        return store[(level, index)]

    size = 0
    for count in batches:
        frontier = set(frontier_nodes(size))
        asked.clear()
        rows = new_complete_nodes(size, leaves[size : size + count], get)
        assert set(asked) <= frontier
        assert len(asked) <= size.bit_length()
        assert len(rows) <= 2 * count + size.bit_length()
        for level, index, value in rows:
            assert (level, index) not in store  # insert-only
            store[(level, index)] = value
        size += count
        # Exactly the complete aligned subtrees of [0, size) are stored, with the right hashes.
        expected = {
            (level, index) for level in range(size.bit_length()) for index in range(size >> level)
        }
        assert set(store) == expected
        for node, value in store.items():
            start, end = node_range(*node)
            assert value == ref_mth(leaves[start:end])
        assert root_from_nodes(size, store) == mth(leaves[:size]) == ref_mth(leaves[:size])


def test_new_complete_nodes_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="32-byte"):
        new_complete_nodes(0, [b"short"], lambda level, index: b"")
    with pytest.raises(ValueError, match="size_before"):
        new_complete_nodes(-1, [SOME_HASH], lambda level, index: b"")


def test_compact_tree_matches_mth() -> None:
    tree = CompactTree()
    assert tree.root() == EMPTY_ROOT
    for n, leaf in enumerate(SMALL_LEAVES, start=1):
        tree.append(leaf)
        assert tree.root() == SMALL_ROOTS[n]


def test_mth_matches_reference_on_random_sizes() -> None:
    rng = random.Random(6962)
    for _ in range(30):
        n = rng.randint(0, 700)
        expected = big_mth(0, n) if n else EMPTY_ROOT
        assert mth(BIG_LEAVES[:n]) == expected


# ----------------------------------------------------------------------------------------
# Event leaf hashes


def test_event_leaf_hash_excludes_seq_and_leaf_hash() -> None:
    event = {"b": 1, "a": "x", "seq": 5, "leaf_hash": "ff"}
    canonical = b'{"a":"x","b":1}'
    expected = hashlib.sha256(b"\x00" + canonical).digest()
    assert merkle.canonical_event_json(event) == canonical
    assert event_leaf_hash(event) == expected
    assert event_leaf_hash({"a": "x", "b": 1}) == expected
    assert event_leaf_hash({"a": "x", "b": 2}) != expected


def test_event_leaf_hash_is_rfc8785() -> None:
    event: dict[str, Any] = {
        "outcome": "success",
        "client_ids": ["c2", "c1"],
        "actor": {"type": "user", "role": "clinician", "id": "u1"},
        "status": 200,
        "reason": None,
        "é": True,
    }
    canonical = (
        '{"actor":{"id":"u1","role":"clinician","type":"user"},"client_ids":["c2","c1"],'
        '"outcome":"success","reason":null,"status":200,"é":true}'
    ).encode()
    assert rfc8785.dumps(event) == canonical
    assert event_leaf_hash({**event, "seq": 1}) == ref_leaf(canonical)
