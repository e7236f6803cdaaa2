"""The audit sequencer: numbers committed events gaplessly, grows the tree, signs checkpoints.

Design (docs/audit.md has the long form):

* One sequencer at a time, everywhere. Each batch runs in one transaction that first takes
  ``pg_try_advisory_xact_lock`` on PostgreSQL, so replicas and workers take turns and a
  crashed holder releases the lock with its connection. SQLite has one writer anyway; a
  process-local lock keeps this process's tasks apart, and the primary key on
  ``audit_leaf.seq`` and the unique ``event_id`` refuse any duplicate that slipped through.
* Order is commit visibility: each batch takes the oldest *visible* unsequenced events by
  (occurred_at, id). An event that commits late with an earlier occurred_at is found by the
  look-back window (5 s every tick, 2 min every 30 s, the whole table at start-up and every
  hour) and gets the next number: numbers are never reused or changed.
* Sequencing only INSERTs: a leaf row per event and the Merkle nodes it completes.
* A checkpoint is written at most every ``checkpoint_interval_seconds`` when the tree grew.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import metrics
from app.audit.ledger import checkpoint, events, merkle, tree
from app.audit.ledger.tree import CHECKPOINT, EVENT, LEAF, NODE
from app.audit.ledger.watch import LAG_LIMIT, SequencerWatch
from app.config import Settings
from app.db import utcnow
from app.logging import RepeatedFailure

if TYPE_CHECKING:
    from fastapi import FastAPI

    from app.state import AppState

log = logging.getLogger("notes.audit.sequencer")

LOCK_KEY: Final = 0x6E6F7465735F7371  # "notes_sq"
BATCH: Final = 2000
# The server's own passes take smaller batches: reading and hashing a batch holds the event
# loop, and at 1,400 events/s a 2,000-event batch held it long enough to show in p99.
LIVE_BATCH: Final = 250
SHORT_LOOKBACK: Final = timedelta(seconds=5)
LONG_LOOKBACK: Final = timedelta(seconds=120)
LONG_EVERY: Final = 30.0
SWEEP_EVERY: Final = 3600.0
PASS_BUDGET: Final = 2.0
_local_locks: dict[tuple[str, int], asyncio.Lock] = {}


@dataclass
class PassResult:
    """What one sequencing pass did."""

    sequenced: int = 0
    tree_size: int = 0
    oldest: datetime | None = None
    newest: datetime | None = None
    drained: bool = True
    locked_out: bool = False


def _local_lock(engine: AsyncEngine) -> asyncio.Lock:
    key = (str(engine.url), id(asyncio.get_running_loop()))
    return _local_locks.setdefault(key, asyncio.Lock())


@asynccontextmanager
async def exclusive(engine: AsyncEngine, *, wait: bool) -> AsyncIterator[AsyncConnection | None]:
    """A transaction holding the sequencer lock, or None when another sequencer holds it."""
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            # Walk the (occurred_at, id) index and probe audit_leaf per row, whatever the
            # statistics say after a bulk load: a hash anti-join would read both tables.
            for setting in ("enable_hashjoin", "enable_mergejoin", "enable_seqscan"):
                await conn.execute(sa.text(f"SET LOCAL {setting} = off"))
            if wait:
                await conn.execute(sa.text("SET LOCAL lock_timeout = '60s'"))
                await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_KEY)))
                got = True
            else:
                query = sa.select(sa.func.pg_try_advisory_xact_lock(LOCK_KEY))
                got = bool((await conn.execute(query)).scalar_one())
            yield conn if got else None
        return
    lock = _local_lock(engine)
    if not wait and lock.locked():
        yield None
        return
    async with lock, engine.begin() as conn:
        yield conn


def _hash_batch(
    rows: Sequence[Any], size: int, frontier: dict[merkle.Node, bytes], key: bytes
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Leaf rows and newly completed node rows for events appended at ``size`` (CPU only)."""
    now = utcnow()
    leaves: list[bytes] = []
    leaf_rows: list[dict[str, Any]] = []
    for offset, row in enumerate(rows):
        value, canonical = events.row_leaf(row)
        seq = size + offset
        if not canonical:
            log.warning(
                "audit event %s is not RFC 8785 JSON: sequenced as %d, fallback leaf", row.id, seq
            )
        leaves.append(value)
        leaf_rows.append(
            {
                "seq": seq,
                "event_id": row.id,
                "leaf_hash": value,
                "seal": events.seal(key, seq, row.id, value),
                "sequenced_at": now,
            }
        )

    def stored(level: int, index: int) -> bytes:
        value = frontier.get((level, index))
        if value is None:
            raise merkle.MissingNodeError(level, index)
        return value

    nodes = merkle.new_complete_nodes(size, leaves, stored)
    return leaf_rows, [{"level": lv, "index": ix, "hash": h} for lv, ix, h in nodes]


async def _sequence_batch(
    conn: AsyncConnection,
    *,
    since: datetime | None,
    after: tuple[datetime, Any] | None,
    limit: int,
    key: bytes,
) -> tuple[list[Any], int]:
    """Sequence up to ``limit`` visible unsequenced events; returns them and the new size."""
    size = await tree.tree_size(conn)
    query = sa.select(EVENT).where(~sa.exists().where(LEAF.c.event_id == EVENT.c.id))
    if since is not None:
        query = query.where(EVENT.c.occurred_at >= since)
    if after is not None:
        query = query.where(sa.tuple_(EVENT.c.occurred_at, EVENT.c.id) > after)
    query = query.order_by(EVENT.c.occurred_at, EVENT.c.id).limit(limit)
    result = await conn.execute(query)
    rows = tree.plain_rows(result, result.keys())  # hashed field by field: named tuples
    if not rows:
        return rows, size
    frontier = await tree.fetch_nodes(conn, merkle.frontier_nodes(size))
    leaf_rows, node_rows = await asyncio.to_thread(_hash_batch, rows, size, frontier, key)
    await insert_rows(conn, LEAF, leaf_rows)
    await insert_rows(conn, NODE, node_rows)
    return rows, size + len(rows)


async def insert_rows(conn: AsyncConnection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in the open transaction: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        await conn.execute(sa.insert(table), rows)
        return
    columns = list(rows[0])
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    await driver.copy_records_to_table(
        table.name, records=[tuple(r[c] for c in columns) for r in rows], columns=columns
    )


async def sequence_pass(
    engine: AsyncEngine,
    *,
    key: bytes,
    since: datetime | None,
    wait: bool = False,
    batch: int = BATCH,
    budget: float | None = None,
) -> PassResult:
    """Sequence visible events from ``since`` (None: the whole table), batch by batch."""
    result = PassResult()
    after: tuple[datetime, Any] | None = None
    deadline = None if budget is None else time.monotonic() + budget
    while True:
        async with exclusive(engine, wait=wait) as conn:
            if conn is None:
                result.locked_out = True
                return result
            rows, result.tree_size = await _sequence_batch(
                conn, since=since, after=after, limit=batch, key=key
            )
        if not rows:
            return result
        result.sequenced += len(rows)
        first, last = rows[0].occurred_at, rows[-1].occurred_at
        result.oldest = first if result.oldest is None else min(result.oldest, first)
        result.newest = last if result.newest is None else max(result.newest, last)
        after = (last, rows[-1].id)
        if len(rows) < batch:
            return result
        if deadline is not None and time.monotonic() > deadline:
            result.drained = False
            return result


async def write_checkpoint(
    engine: AsyncEngine,
    *,
    signing_key: Ed25519PrivateKey,
    origin: str,
    interval: float,
    wait: bool = False,
) -> dict[str, Any] | None:
    """Sign the current tree when it grew and the last checkpoint is ``interval`` s old."""
    async with exclusive(engine, wait=wait) as conn:
        if conn is None:
            return None
        size = await tree.tree_size(conn)
        latest = await tree.latest_checkpoint(
            conn, public_key=checkpoint.public_key_raw(signing_key), origin=origin
        )
        if latest is not None:
            metrics.TREE_SIZE.set(latest["tree_size"])
        if size == 0 or (latest is not None and latest["tree_size"] >= size):
            return None
        now = utcnow()
        if latest is not None:
            age = (now - checkpoint.parse_timestamp(latest["timestamp"])).total_seconds()
            if age < interval:
                return None
        root = await tree.root_at(conn, size)
        made = checkpoint.make_checkpoint(
            signing_key, origin, size, root, checkpoint.format_timestamp(now)
        )
        await conn.execute(
            sa.insert(CHECKPOINT).values(
                tree_size=size,
                root_hash=root,
                timestamp=made["timestamp"],
                key_id=made["key_id"],
                signed_note=made["signed_note"],
                signature=made["signature"],
            )
        )
    metrics.TREE_SIZE.set(size)
    return made


async def run_once(
    engine: AsyncEngine, *, settings: Settings, signing_key: Ed25519PrivateKey
) -> dict[str, Any] | None:
    """Sequence every visible event, sign a checkpoint over them, return the latest one."""
    key = events.seal_key(signing_key)
    await sequence_pass(engine, key=key, since=None, wait=True, batch=10_000)
    interval = settings.checkpoint_interval_seconds
    public_key, origin = checkpoint.public_key_raw(signing_key), settings.service_name
    async with engine.connect() as conn:
        latest = await tree.latest_checkpoint(conn, public_key=public_key, origin=origin)
    if latest is not None:
        age = (utcnow() - checkpoint.parse_timestamp(latest["timestamp"])).total_seconds()
        if 0 <= age < interval:
            await asyncio.sleep(interval - age)  # "at most every interval", even when asked
    await write_checkpoint(
        engine, signing_key=signing_key, origin=settings.service_name, interval=interval, wait=True
    )
    async with engine.connect() as conn:
        return await tree.latest_checkpoint(conn, public_key=public_key, origin=origin)


class Sequencer:
    """The background task: a pass every tick, a checkpoint when due, lag for readiness."""

    def __init__(
        self, *, engine: AsyncEngine, settings: Settings, signing_key: Ed25519PrivateKey
    ) -> None:
        """Bind to an engine and the checkpoint signing key."""
        self.engine = engine
        self.settings = settings
        self.signing_key = signing_key
        self.key = events.seal_key(signing_key)
        self.interval = settings.checkpoint_interval_seconds
        self.tick = min(1.0, self.interval / 2)
        self.lag = 0.0
        self.watermark: datetime | None = None
        self._last_long = self._last_sweep = 0.0
        self._started = time.monotonic()
        self._last_ok: float | None = None
        self._error: str | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the background task."""
        self._task = asyncio.create_task(self._run(), name="audit-sequencer")

    async def stop(self) -> None:
        """Cancel the background task and wait for it."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        failing = RepeatedFailure(log, "audit sequencer pass failed")
        while True:
            try:
                await self.step()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep sequencing after a failed pass
                self._error = type(exc).__name__
                failing.failed(self._error, exc_info=True)
            else:
                failing.succeeded()
            await asyncio.sleep(self.tick)

    def _since(self, now: float) -> datetime | None:
        """Where this pass looks from: everything, or a look-back before the watermark."""
        if self.watermark is None or now - self._last_sweep >= SWEEP_EVERY:
            self._last_sweep = self._last_long = now
            return None
        if now - self._last_long >= LONG_EVERY:
            self._last_long = now
            return self.watermark - LONG_LOOKBACK
        return self.watermark - SHORT_LOOKBACK

    async def step(self) -> PassResult:
        """One tick: sequence what is visible, then checkpoint if due."""
        started = utcnow()
        result = await sequence_pass(
            self.engine,
            key=self.key,
            since=self._since(time.monotonic()),
            batch=LIVE_BATCH,
            budget=PASS_BUDGET,
        )
        if not result.locked_out:
            if result.newest is not None:
                self.watermark = max(self.watermark or result.newest, result.newest)
            elif self.watermark is None:
                self.watermark = started
            waiting = result.oldest if result.drained else result.newest
            self.lag = 0.0 if waiting is None else max(0.0, (started - waiting).total_seconds())
            metrics.SEQUENCER_LAG.set(self.lag)
            metrics.UNSEQUENCED.set(0 if result.drained else result.sequenced)
        await write_checkpoint(
            self.engine,
            signing_key=self.signing_key,
            origin=self.settings.service_name,
            interval=self.interval,
        )
        self._last_ok, self._error = time.monotonic(), None
        return result

    async def async_readiness(self) -> str:
        """The readiness check's form of ``readiness``."""
        return self.readiness()

    def readiness(self) -> str:
        """'ok', or why the log is not keeping up."""
        now = time.monotonic()
        stalled_after = max(30.0, 10 * self.tick)
        if self._last_ok is None:
            if now - self._started < stalled_after:
                return "ok"
            return f"not running ({self._error or 'no pass yet'})"
        if now - self._last_ok > stalled_after:
            return f"stalled ({self._error or 'no recent pass'})"
        if self.lag > LAG_LIMIT:
            return f"lagging {self.lag:.0f}s behind"
        return "ok"


def start_sequencer(app: FastAPI, state: AppState) -> Sequencer | None:
    """Start the in-app sequencer, or watch one that runs elsewhere; register readiness."""
    mode = state.settings.sequencer
    if mode == "off":
        return None
    if mode == "external":
        watch = SequencerWatch(state.engine)
        app.state.sequencer_watch = watch
        app.state.readiness_checks["audit_sequencer"] = watch.readiness
        return None
    sequencer = Sequencer(
        engine=state.engine, settings=state.settings, signing_key=state.secrets.signing_key
    )
    app.state.sequencer = sequencer
    app.state.readiness_checks["audit_sequencer"] = sequencer.async_readiness
    sequencer.start()
    return sequencer
