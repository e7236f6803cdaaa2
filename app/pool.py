"""A connection pool that serves waiting requests in the order they came.

SQLAlchemy's asyncio pool waits on an ``asyncio.Queue``: a returned connection wakes the
first waiter, but any request that asks before that waiter runs takes the connection
instead, and the waiter queues again at the back. Under load some requests then wait many
turns while others wait none, which stretches the latency tail. Here a returned connection
is handed straight to the longest waiter, and a new request queues behind every waiter:
each waits its turn. It subclasses SQLAlchemy's private queue, so SQLAlchemy is pinned
below its next minor version and tests/test_pool.py checks the pool still uses this queue
(docs/adr/0003-fair-connection-pool.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Generic, TypeVar

from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util.concurrency import await_
from sqlalchemy.util.queue import Empty, Full, QueueCommon

# SQLAlchemy names a pool's logger after the pool class's module. Its own live under
# "sqlalchemy", which it keeps at WARNING; ours would inherit INFO from the root and log
# every dispose and re-creation.
logging.getLogger(__name__).setLevel(logging.WARNING)

_T = TypeVar("_T")


class FairQueue(QueueCommon[_T], Generic[_T]):
    """First come, first served: items go to waiters in order; idle items wait in a deque."""

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        self.maxsize = maxsize
        self.use_lifo = use_lifo
        self._items: deque[_T] = deque()
        self._waiters: deque[asyncio.Future[_T]] = deque()

    def empty(self) -> bool:
        return not self._items

    def full(self) -> bool:
        return 0 < self.maxsize <= len(self._items)

    def qsize(self) -> int:
        return len(self._items)

    def put_nowait(self, item: _T) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(item)
                return
        if self.full():
            raise Full()
        self._items.append(item)

    def put(self, item: _T, block: bool = True, timeout: float | None = None) -> None:
        # The pool never blocks to return a connection; a full queue closes it instead.
        self.put_nowait(item)

    def get_nowait(self) -> _T:
        if not self._items:
            raise Empty()
        return self._items.pop() if self.use_lifo else self._items.popleft()

    def get(self, block: bool = True, timeout: float | None = None) -> _T:
        if self._items or not block:
            return self.get_nowait()
        return await_(self._wait(timeout))

    async def _wait(self, timeout: float | None) -> _T:
        waiter: asyncio.Future[_T] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                return await waiter
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled():
                self.put_nowait(waiter.result())  # handed over as we gave up: pass it on
            else:
                waiter.cancel()  # put_nowait skips it
            if isinstance(exc, TimeoutError):
                raise Empty() from exc
            raise


class FairAsyncQueuePool(AsyncAdaptedQueuePool):
    """SQLAlchemy's asyncio queue pool with :class:`FairQueue` for its idle connections."""

    _queue_class = FairQueue[ConnectionPoolEntry]
