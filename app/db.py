"""Database engines, the metadata naming convention, column types and the request session."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.compiler import compiles
from sqlmodel import SQLModel

from app.config import Settings
from app.database_url import DatabaseOptions, connect
from app.pool import FairAsyncQueuePool

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7), kind to B-tree indexes."""
    ms = int(datetime.now(UTC).timestamp() * 1000)
    rand = int.from_bytes(uuid.uuid4().bytes[6:], "big") & ((1 << 74) - 1)
    value = (
        (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    )
    return uuid.UUID(int=value)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops offsets)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


PRIVATE_FOLDER: Final = 0o700
PRIVATE_FILE: Final = 0o600


def private_folder(path: Path) -> None:
    """Create a folder (the data folder, an SQLite file's) that only its owner can enter."""
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)


def private_sqlite_files(path: Path) -> None:
    """Mode 0600 for an SQLite database and its -wal and -shm files, whatever the umask was."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists() and file.stat().st_uid == os.getuid():
            file.chmod(PRIVATE_FILE)


def prepare_sqlite(options: DatabaseOptions) -> None:
    """The folder of an SQLite file and the empty file itself, both private before first use.

    SQLite gives a new -wal, -shm or -journal file the mode of its database file, so a database
    created 0600 here keeps every later file private whatever the umask; one left to SQLite
    would be readable by others until the first connection's chmod.
    """
    path = options.sqlite_path
    if path is None:
        return
    private_folder(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass  # an existing database: the connect hook makes it private


class text_lower(sa.sql.functions.FunctionElement[str]):  # noqa: N801 - an SQL function
    """`lower()` of any text. SQLite's own lowers ASCII only ("Özlem" stays "Özlem"): there
    it is Python's `str.lower`, registered on each connection, as the search terms are."""

    type = sa.String()
    inherit_cache = True


@compiles(text_lower)
def _lower(element: text_lower, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(text_lower, "sqlite")
def _lower_on_sqlite(element: text_lower, compiler: Any, **kw: Any) -> str:
    return f"notes_lower({compiler.process(element.clauses, **kw)})"


def _python_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _sqlite_pragmas(path: Path | None, dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on, WAL for concurrent readers, wait rather than fail on locks; and
    `notes_lower` (see `text_lower`)."""
    dbapi_connection.create_function("notes_lower", 1, _python_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    if path is not None:
        private_sqlite_files(path)


def _sqlite_begin_before_savepoint(conn: sa.Connection, _name: str) -> None:
    """Open the transaction a SAVEPOINT belongs in (pysqlite defers BEGIN to the first write).

    Outside a transaction SQLite's SAVEPOINT starts one of its own and its RELEASE commits it:
    an Idempotency-Key claimed in a savepoint would be committed at once, apart from the work
    it guards, and a crash or an error afterwards would leave the key claimed forever.
    """
    if not conn.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        conn.exec_driver_sql("BEGIN")


def create_engine(
    settings: Settings, *, pool_size: int | None = None, application_name: str | None = None
) -> AsyncEngine:
    """Build the async engine; parameters never appear in error messages or logs."""
    options = settings.database
    if options.is_sqlite:
        prepare_sqlite(options)
        engine = connect(options, hide_parameters=True, connect_args={"timeout": 10})
        event.listen(engine.sync_engine, "connect", partial(_sqlite_pragmas, options.sqlite_path))
        event.listen(engine.sync_engine, "savepoint", _sqlite_begin_before_savepoint)
        return engine
    url_args = options.connect_args
    name = application_name or url_args.get("server_settings", {}).get("application_name")
    return connect(
        options,
        hide_parameters=True,
        poolclass=FairAsyncQueuePool,  # waiting requests are served in order (app/pool.py)
        pool_size=pool_size or settings.db_pool_size,
        max_overflow=0,
        pool_timeout=settings.db_pool_timeout,
        pool_recycle=1800,
        connect_args={
            "timeout": url_args.get("timeout", settings.db_connect_timeout),
            "command_timeout": settings.db_command_timeout,
            "server_settings": {"application_name": name or settings.service_name},
        },
    )


_CONNECTION = "notes.connection"


async def connection_of(session: AsyncSession) -> AsyncConnection:
    """The session's connection, remembered: asking the session again costs a greenlet hop.

    A commit or rollback closes the session's connection; the next call then asks anew.
    """
    known: AsyncConnection | None = session.info.get(_CONNECTION)
    if known is None or known.closed or known.invalidated:
        known = session.info[_CONNECTION] = await session.connection()
    return known


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession] | None:
    """Sessions for GET requests: autocommit statements on PostgreSQL, no BEGIN/COMMIT.

    At READ COMMITTED every statement of a transaction takes its own snapshot anyway, so a
    read-only transaction buys no consistency; it costs two round trips. The request's one
    write, its audit event, is a single atomic statement (app/audit/recorder.py). SQLite
    keeps transactions (None: reads use the ordinary sessions): its event takes two statements.
    """
    if engine.dialect.name != "postgresql":
        return None
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    return async_sessionmaker(autocommit, class_=AsyncSession, expire_on_commit=False)


async def hold(session: AsyncSession, table: sa.Table, row_id: uuid.UUID, *still: Any) -> bool:
    """Hold a row for the rest of the transaction, if it still meets ``still``; else False.

    A write that depends on another row's state (a session on an open episode) holds that
    row while it writes, and so do the writes that change its state (closing the episode):
    whichever runs second sees the first's outcome. A no-op UPDATE rather than FOR UPDATE,
    which SQLite ignores; on SQLite it takes the database's write lock.
    """
    status = table.c.status
    result = await session.execute(
        sa.update(table)
        .where(table.c.id == row_id, *still)
        .values(status=status)
        .returning(table.c.id)
        .execution_options(synchronize_session=False)
    )
    return result.first() is not None


async def hold_on_sqlite(session: AsyncSession, table: sa.Table, row_id: Any) -> None:
    """On SQLite, which has no row locks, take the write lock now (`hold`), so that a check
    read before a write stays true until commit. On PostgreSQL the check's own statement
    share-locks the row instead (FOR SHARE), and writers of one kind do not wait for each
    other."""
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        await hold(session, table, row_id)
