"""The connection pool's queue serves waiters first come, first served (app/pool.py)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.util.concurrency import greenlet_spawn
from sqlalchemy.util.queue import Empty, Full

from app.config import Settings
from app.db import create_engine
from app.pool import FairAsyncQueuePool, FairQueue
from tests.waiting import eventually


async def _get(queue: FairQueue[str], timeout: float | None = 5.0) -> str:
    # The pool calls get from SQLAlchemy's greenlet, as here.
    got: str = await greenlet_spawn(queue.get, True, timeout)
    return got


async def _waiting(queue: FairQueue[str], count: int) -> None:
    async def queued() -> bool:
        return len(queue._waiters) >= count

    await eventually(queued, interval=0)


async def test_waiters_are_served_in_order_and_newcomers_queue_behind() -> None:
    queue: FairQueue[str] = FairQueue(maxsize=2)
    served: list[str] = []

    async def ask(name: str) -> None:
        served.append(f"{name}:{await _get(queue)}")

    first = [asyncio.create_task(ask(name)) for name in ("a", "b", "c")]
    await _waiting(queue, 3)
    # Asks before the first waiter runs again (it is ready first): it must not take "x".
    late = asyncio.create_task(ask("d"))
    queue.put_nowait("x")
    await asyncio.sleep(0)
    queue.put_nowait("y")
    queue.put_nowait("z")
    await asyncio.gather(*first)
    assert served == ["a:x", "b:y", "c:z"]
    assert not late.done()
    queue.put_nowait("w")
    await late
    assert served[-1] == "d:w"


async def test_an_idle_item_is_taken_at_once() -> None:
    queue: FairQueue[str] = FairQueue(maxsize=2, use_lifo=True)
    queue.put_nowait("old")
    queue.put_nowait("new")
    assert queue.full()
    with pytest.raises(Full):
        queue.put_nowait("third")
    assert await _get(queue) == "new"  # LIFO when asked for, as SQLAlchemy's queue
    assert queue.get(block=False) == "old"
    with pytest.raises(Empty):
        queue.get(block=False)


async def test_a_waiter_that_times_out_leaves_the_line() -> None:
    queue: FairQueue[str] = FairQueue(maxsize=1)
    with pytest.raises(Empty):
        await _get(queue, timeout=0.01)
    queue.put_nowait("x")
    assert queue.qsize() == 1  # not handed to the waiter that gave up
    assert await _get(queue) == "x"


async def test_an_item_handed_to_a_cancelled_waiter_is_passed_on() -> None:
    queue: FairQueue[str] = FairQueue(maxsize=1)
    first = asyncio.create_task(_get(queue))
    second = asyncio.create_task(_get(queue))
    await _waiting(queue, 2)
    queue.put_nowait("x")  # handed to the first waiter ...
    first.cancel()  # ... which is cancelled before it runs
    assert await second == "x"
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_postgresql_engines_use_the_fair_pool() -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:5432/postgres")
    engine = create_engine(settings)
    try:
        assert isinstance(engine.pool, FairAsyncQueuePool)
    finally:
        await engine.dispose()


async def test_the_pool_keeps_its_idle_connections_in_the_fair_queue() -> None:
    """The SQLAlchemy internals the pool relies on (pinned below 2.2 in pyproject.toml).

    `QueueCommon`, `await_` and `_queue_class` are private: when an upgrade renames or
    bypasses them, this fails rather than the pool silently losing its order.
    """
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:5432/postgres")
    engine = create_engine(settings)
    try:
        assert isinstance(engine.pool, FairAsyncQueuePool)
        assert isinstance(engine.pool._pool, FairQueue)
    finally:
        await engine.dispose()
