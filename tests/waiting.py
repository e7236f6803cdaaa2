"""Wait for a condition, with a generous deadline: how tests wait for processes and tasks.

A test that sleeps a fixed time and then asserts bets on the scheduler; on a loaded machine
it loses. These ask again and again until the condition holds, and fail only when it has
not held for `timeout` seconds: far longer than it takes on an idle machine, so that a
failure means the condition does not come, not that it came late.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

T = TypeVar("T")

TIMEOUT: Final = 60.0


async def eventually(
    probe: Callable[[], Awaitable[T | None]], *, timeout: float = TIMEOUT, interval: float = 0.05
) -> T:
    """Await `probe()` until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while not (value := await probe()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{probe.__qualname__} still {value!r} after {timeout} s")
        await asyncio.sleep(interval)
    return value


def eventually_sync(
    probe: Callable[[], T | None], *, timeout: float = TIMEOUT, interval: float = 0.05
) -> T:
    """Call `probe()` until it returns something truthy, and return that (blocks the thread)."""
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{probe.__qualname__} still {value!r} after {timeout} s")
        time.sleep(interval)
    return value
