"""Alembic environment: URL from Settings (or the caller), async drivers, batch on SQLite."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

import app.models  # noqa: F401 - registers every table on the metadata
from app.config import Settings
from app.database_url import DatabaseOptions, connect, database_options
from app.db import prepare_sqlite, private_sqlite_files

config = context.config
target_metadata = SQLModel.metadata


def _options() -> DatabaseOptions:
    url = config.attributes.get("url")
    return database_options(url) if url else Settings().database


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=False,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    options = _options()
    prepare_sqlite(options)
    engine = connect(options, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
    finally:
        await engine.dispose()
        if options.sqlite_path is not None:
            private_sqlite_files(options.sqlite_path)


def run_migrations_online() -> None:
    """Run migrations on a live connection (reusing one the caller passed in, if any)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    asyncio.run(_run_async())


if context.is_offline_mode():
    context.configure(url=_options().url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
