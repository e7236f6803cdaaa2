"""Alembic is the schema: upgrade, downgrade, upgrade again, and no autogenerate drift."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import app.models  # noqa: F401 - registers every table
from app import migrations
from app.config import async_database_url
from tests.conftest import create_pg_database, drop_pg_database, pg_admin_url


def _diff(url: str) -> list[object]:
    async def run() -> list[object]:
        engine = create_async_engine(async_database_url(url))
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}),
                    SQLModel.metadata,
                )
            )
        await engine.dispose()
        return list(diff)

    return asyncio.run(run())


def _round_trip(url: str) -> None:
    migrations.upgrade(url)
    assert _diff(url) == []
    migrations.downgrade(url, "base")
    migrations.upgrade(url)
    assert _diff(url) == []


def test_sqlite_round_trip(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'm.db'}")


def test_postgresql_round_trip() -> None:
    admin = pg_admin_url()
    if not admin:
        pytest.skip("NOTES_TEST_DATABASE_URL not set")
    name = f"notes_mig_{uuid.uuid4().hex[:10]}"
    url = asyncio.run(create_pg_database(admin, name))
    try:
        _round_trip(url)
    finally:
        asyncio.run(drop_pg_database(admin, name))
