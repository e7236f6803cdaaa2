"""An idle deliverer pass takes no SQLite write lock: it would queue behind, and block, every
write of the API (app/webhooks/deliverer.py, app/webhooks/owners.py)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from app.state import AppState
from tests.webhooks.support import deliverer


async def test_idle_fan_out_does_not_wait_for_the_write_lock(state: AppState) -> None:
    url = state.settings.database_url or ""
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's database-wide write lock")
    d = deliverer(state)
    await d.fan_out()  # catch up on whatever is there
    path = url.removeprefix("sqlite:///")
    # Waits for the lock as the API's connections do (busy_timeout): the suite's other
    # writers on this database (the sequencer) may hold it for a moment.
    writer = sqlite3.connect(path, isolation_level=None, timeout=30)
    writer.execute("BEGIN IMMEDIATE")  # an API request's write transaction, say
    try:
        await asyncio.wait_for(d.fan_out(), timeout=2)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        await d.close()
