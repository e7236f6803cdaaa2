"""A private, migrated database for tests that must not share the suite's (fuzzing, servers)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app import migrations
from tests.conftest import PG_ENV, create_pg_database, drop_pg_database, pg_admin_url


@contextmanager
def scratch_database(backend: str, folder: Path) -> Iterator[str]:
    """Create and migrate a fresh database of this backend; drop it afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'scratch.db'}"
        migrations.upgrade(url)
        yield url
        return
    admin = pg_admin_url()
    if not admin:
        pytest.skip(f"{PG_ENV} not set")
    name = f"notes_scratch_{uuid.uuid4().hex[:12]}"
    url = asyncio.run(create_pg_database(admin, name))
    try:
        migrations.upgrade(url)
        yield url
    finally:
        asyncio.run(drop_pg_database(admin, name))
