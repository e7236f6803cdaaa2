"""Tampering behind the triggers' back: `verify` catches every edit and names the first one.

A log of a few thousand events is built once per backend in its own database. Each
example then plays a superuser who edits, deletes, reorders or truncates it and recomputes
the leaf hashes and Merkle nodes to cover the tracks (PostgreSQL: triggers off with
``session_replication_role = replica`` inside a transaction that is rolled back; SQLite:
triggers dropped in a throwaway copy of the file). ``verify`` against the checkpoint saved
before the attack must report a problem whose first entry is the first bad event.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from app import migrations
from app.audit.ledger import events, merkle
from app.audit.ledger.checkpoint import public_key_raw
from app.audit.ledger.sequencer import run_once
from app.audit.ledger.tree import CHECKPOINT, EVENT, EVENT_CLIENT, LEAF, NODE
from app.audit.ledger.verify import Report, verify_log
from app.config import async_database_url
from app.db import create_engine, utcnow
from app.security.secrets import load_secrets
from bench import audit_generate as generate
from tests.conftest import create_pg_database, drop_pg_database, make_settings, pg_admin_url

N = 2000
AUDIT_TABLES = (
    "audit_event",
    "audit_event_client",
    "audit_leaf",
    "audit_node",
    "audit_checkpoint",
    "audit_review",
)
FIELDS = (
    "outcome",
    "actor_id",
    "client_ids",
    "occurred_at",
    "user_agent",
    "http_status",
    "break_glass_reason",
)


@dataclass
class Leaf:
    seq: int
    event_id: uuid.UUID
    leaf_hash: bytes
    seal: bytes


@dataclass
class Log:
    """The pristine log and what an attacker (and the verifier) need to know about it."""

    backend: str
    url: str
    loop: asyncio.AbstractEventLoop
    verify_args: dict[str, Any]
    leaves: list[Leaf] = field(default_factory=list)
    nodes: dict[merkle.Node, bytes] = field(default_factory=dict)
    saved: dict[str, Any] = field(default_factory=dict)
    saved_at: datetime = field(default_factory=utcnow)
    engine: AsyncEngine = field(init=False)


async def _build(log: Log, settings: Any, signing_key: Any) -> None:
    engine = create_engine(settings)
    practice = uuid.uuid4()
    for part in range(4):  # four rounds: several stored checkpoints
        for rows in generate.batches(
            count=N // 4, practice_id=practice, clients=300, days=1, seed=part
        ):
            await generate.insert(engine, rows)
        latest = await run_once(engine, settings=settings, signing_key=signing_key)
    assert latest is not None
    assert latest["tree_size"] == N
    log.saved = latest
    async with engine.connect() as conn:
        log.leaves = [
            Leaf(r.seq, r.event_id, bytes(r.leaf_hash), bytes(r.seal))
            for r in await conn.execute(sa.select(LEAF).order_by(LEAF.c.seq))
        ]
        log.nodes = {
            (lv, ix): bytes(h)
            for lv, ix, h in await conn.execute(sa.select(NODE.c.level, NODE.c.index, NODE.c.hash))
        }
        if log.backend == "sqlite":
            await conn.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
    await engine.dispose()


@pytest.fixture(scope="module")
def log(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Log]:
    tmp = tmp_path_factory.mktemp("tamper")
    loop = asyncio.new_event_loop()
    admin = pg_admin_url() if backend == "postgresql" else None
    name = f"notes_tamper_{uuid.uuid4().hex[:10]}"
    if backend == "postgresql":
        assert admin
        url = loop.run_until_complete(create_pg_database(admin, name))
    else:
        url = f"sqlite:///{tmp / 'base.db'}"
    try:
        migrations.upgrade(url)
        app_settings = make_settings(tmp, url)
        key = load_secrets(app_settings).signing_key
        log = Log(
            backend=backend,
            url=url,
            loop=loop,
            verify_args={
                "seal_key": events.seal_key(key),
                "public_key": public_key_raw(key),
                "origin": app_settings.service_name,
            },
        )
        loop.run_until_complete(_build(log, app_settings, key))
        # A plain engine: no foreign-key pragma on SQLite, like a hand-held sqlite3 shell.
        log.engine = create_async_engine(async_database_url(url))
        yield log
        loop.run_until_complete(log.engine.dispose())
    finally:
        if backend == "postgresql" and admin:
            loop.run_until_complete(drop_pg_database(admin, name))
        loop.close()


# --------------------------------------------------------------------------- the attacker


async def _rewrite_nodes(conn: AsyncConnection, log: Log, hashes: list[bytes]) -> None:
    """Make audit_node the consistent tree of the forged leaves (only what changed)."""
    forged = {(lv, ix): h for lv, ix, h in merkle.new_complete_nodes(0, hashes, lambda *_: b"")}
    stale = {n for n in log.nodes if forged.get(n) != log.nodes[n]}
    by_level: dict[int, list[int]] = {}
    for lv, ix in stale:
        by_level.setdefault(lv, []).append(ix)
    for lv, indexes in by_level.items():
        await conn.execute(sa.delete(NODE).where(NODE.c.level == lv, NODE.c.index.in_(indexes)))
    fresh = [
        {"level": lv, "index": ix, "hash": h}
        for (lv, ix), h in forged.items()
        if log.nodes.get((lv, ix)) != h
    ]
    if fresh:
        await conn.execute(sa.insert(NODE), fresh)


async def _relay(conn: AsyncConnection, log: Log, start: int, leaves: list[Leaf]) -> None:
    """Rewrite audit_leaf from ``start`` with the given rows (keeping their old seals)."""
    await conn.execute(sa.delete(LEAF).where(LEAF.c.seq >= start))
    now = log.saved_at
    rows = [
        {
            "seq": start + i,
            "event_id": x.event_id,
            "leaf_hash": x.leaf_hash,
            "seal": x.seal,
            "sequenced_at": now,
        }
        for i, x in enumerate(leaves)
    ]
    if rows:
        await conn.execute(sa.insert(LEAF), rows)


async def _drop_events(conn: AsyncConnection, ids: list[uuid.UUID]) -> None:
    await conn.execute(sa.delete(EVENT_CLIENT).where(EVENT_CLIENT.c.event_id.in_(ids)))
    await conn.execute(sa.delete(EVENT).where(EVENT.c.id.in_(ids)))


async def edit(conn: AsyncConnection, log: Log, k: int, column: str, rehash: bool) -> Any:
    target = log.leaves[k]
    row = (await conn.execute(sa.select(EVENT).where(EVENT.c.id == target.event_id))).one()
    value: Any = {
        "outcome": "denied" if row.outcome != "denied" else "success",
        "actor_id": uuid.uuid4(),
        "client_ids": [*row.client_ids, str(uuid.uuid4())],
        "occurred_at": row.occurred_at + timedelta(microseconds=1),
        "user_agent": "innocent browser",
        "http_status": row.http_status + 1,
        "break_glass_reason": None if row.break_glass_reason else "covering my tracks",
    }[column]
    await conn.execute(
        sa.update(EVENT).where(EVENT.c.id == target.event_id).values({column: value})
    )
    if rehash:
        changed = (await conn.execute(sa.select(EVENT).where(EVENT.c.id == target.event_id))).one()
        digest = events.row_leaf_hash(changed)
        await conn.execute(sa.update(LEAF).where(LEAF.c.seq == k).values(leaf_hash=digest))
        hashes = [x.leaf_hash for x in log.leaves]
        hashes[k] = digest
        await _rewrite_nodes(conn, log, hashes)
    return k, str(target.event_id)


async def delete(conn: AsyncConnection, log: Log, k: int) -> Any:
    rest = log.leaves[k + 1 :]
    await _relay(conn, log, k, rest)
    await _drop_events(conn, [log.leaves[k].event_id])
    kept = log.leaves[:k] + rest
    await _rewrite_nodes(conn, log, [x.leaf_hash for x in kept])
    await conn.execute(sa.delete(CHECKPOINT).where(CHECKPOINT.c.tree_size > len(kept)))
    return k, str(rest[0].event_id) if rest else None


async def swap(conn: AsyncConnection, log: Log, i: int, j: int) -> Any:
    i, j = min(i, j), max(i, j)
    order = list(log.leaves)
    order[i], order[j] = order[j], order[i]
    await conn.execute(sa.delete(LEAF).where(LEAF.c.seq.in_([i, j])))
    for seq in (i, j):
        x = order[seq]
        await conn.execute(
            sa.insert(LEAF).values(
                seq=seq,
                event_id=x.event_id,
                leaf_hash=x.leaf_hash,
                seal=x.seal,
                sequenced_at=log.saved_at,
            )
        )
    await _rewrite_nodes(conn, log, [x.leaf_hash for x in order])
    return i, str(order[i].event_id)


async def truncate(conn: AsyncConnection, log: Log, m: int) -> Any:
    size = len(log.leaves) - m
    await conn.execute(sa.delete(LEAF).where(LEAF.c.seq >= size))
    await _drop_events(conn, [x.event_id for x in log.leaves[size:]])
    await _rewrite_nodes(conn, log, [x.leaf_hash for x in log.leaves[:size]])
    await conn.execute(sa.delete(CHECKPOINT).where(CHECKPOINT.c.tree_size > size))
    return size, None


Attack = Callable[[AsyncConnection, Log], Awaitable[Any]]


async def attacked(log: Log, attack: Attack | None) -> tuple[Report, Any]:
    """Run an attack where the triggers cannot see it, verify, and undo it (roll back)."""
    async with log.engine.connect() as conn:
        if log.backend == "postgresql":
            await conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        else:
            # An explicit BEGIN makes SQLite's DDL part of the transaction we roll back.
            await conn.exec_driver_sql("BEGIN")
            for table in AUDIT_TABLES:
                for verb in ("update", "delete"):
                    await conn.exec_driver_sql(f"DROP TRIGGER {table}_no_{verb}")
        try:
            expected = await attack(conn, log) if attack else None
            report = await verify_log(conn, saved=log.saved, **log.verify_args)
        finally:
            await conn.rollback()
    return report, expected


ATTACKS = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, N - 1), st.sampled_from(FIELDS), st.booleans()),
    st.tuples(st.just("delete"), st.integers(0, N - 1)),
    st.tuples(st.just("swap"), st.integers(0, N - 1), st.integers(0, N - 1)).filter(
        lambda t: t[1] != t[2]
    ),
    st.tuples(st.just("truncate"), st.integers(1, 64)),
)


def _attack(spec: tuple[Any, ...]) -> Attack:
    kind, *args = spec
    functions: dict[str, Callable[..., Awaitable[Any]]] = {
        "edit": edit,
        "delete": delete,
        "swap": swap,
        "truncate": truncate,
    }
    return lambda conn, log: functions[kind](conn, log, *args)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ATTACKS)
def test_every_attack_is_caught_and_the_first_bad_event_named(
    log: Log, spec: tuple[Any, ...]
) -> None:
    report, (seq, event_id) = log.loop.run_until_complete(attacked(log, _attack(spec)))
    assert not report.ok, spec
    first = report.problems[0]
    assert first.seq == seq, (spec, report.problems[:3])
    assert first.event_id == event_id, (spec, report.problems[:3])


def test_no_false_alarms(log: Log) -> None:
    for _ in range(3):
        report, _ = log.loop.run_until_complete(attacked(log, None))
        assert report.ok, report.problems[:5]
        assert (report.checked, report.tree_size) == (N, N)
        assert report.root_hash == log.saved["root_hash"]


@pytest.mark.slow
def test_worker_processes_agree(log: Log) -> None:
    async def both() -> tuple[Report, Report]:
        async with log.engine.connect() as conn:
            alone = await verify_log(conn, saved=log.saved, chunk=100, **log.verify_args)
            shared = await verify_log(
                conn, saved=log.saved, chunk=100, workers=2, **log.verify_args
            )
        return alone, shared

    alone, shared = log.loop.run_until_complete(both())
    assert alone == shared
    assert shared.ok
    assert shared.root_hash == log.saved["root_hash"]


async def _index_attack(conn: AsyncConnection, log: Log, how: str) -> tuple[int, str]:
    """Change the per-client index rows of one event that names clients (not hashed)."""
    ids = [leaf.event_id for leaf in log.leaves]
    found = (
        await conn.execute(
            sa.select(EVENT_CLIENT).where(EVENT_CLIENT.c.event_id.in_(ids[N // 2 :])).limit(1)
        )
    ).one()
    target = EVENT_CLIENT.c.event_id == found.event_id
    if how == "drop":
        await conn.execute(sa.delete(EVENT_CLIENT).where(target))
    elif how == "add":
        extra = {**found._asdict(), "client_id": uuid.uuid4()}
        await conn.execute(sa.insert(EVENT_CLIENT), [extra])
    else:
        change = {
            "move": {"client_id": uuid.uuid4()},
            "retime": {"occurred_at": found.occurred_at + timedelta(microseconds=1)},
            "repractice": {"practice_id": uuid.uuid4()},
        }[how]
        await conn.execute(sa.update(EVENT_CLIENT).where(target).values(change))
    seq = ids.index(found.event_id)
    return seq, str(found.event_id)


@pytest.mark.parametrize("how", ["drop", "add", "move", "retime", "repractice"])
def test_client_index_tampering_is_named(log: Log, how: str) -> None:
    async def attack(conn: AsyncConnection, log: Log) -> tuple[int, str]:
        return await _index_attack(conn, log, how)

    report, (seq, event_id) = log.loop.run_until_complete(attacked(log, attack))
    assert [(p.seq, p.event_id, p.kind) for p in report.problems] == [
        (seq, event_id, "client_index_mismatch")
    ]
