"""Constant Core statements of every request, sent on asyncpg's own connection.

SQLAlchemy's execution path costs about as much CPU per statement as asyncpg's own. A
``DriverStatement`` is compiled once from Core constructs — table and column names still
come from the models — with each parameter's bind conversion and each result column's
result conversion (UTC timestamps), and runs on the driver connection under a SQLAlchemy
connection or session, inside its transaction when one is open. Other databases (SQLite)
run the same statement through SQLAlchemy.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.compiler import SQLCompiler

_Convert = Callable[[Any], Any]
_Compiled = tuple[
    str, list[tuple[str, _Convert | None]], dict[str, Any], list[tuple[str, _Convert | None]]
]


def _result_processor(type_: sa.types.TypeEngine[Any], dialect: sa.Dialect) -> _Convert | None:
    """SQLAlchemy's conversion of a result column, where it does not depend on the wire type.

    Numeric types choose theirs from the column's wire type, which a driver-level row does
    not carry: their values stay as asyncpg gives them (float for double precision, which is
    what SQLAlchemy gives too).
    """
    if isinstance(type_, sa.Numeric | sa.Float):
        return None
    processor: _Convert | None = type_.dialect_impl(dialect).result_processor(dialect, None)
    return processor


class _as_sqlalchemy_errors:  # noqa: N801 - used as a context manager, like a function
    """Errors of a statement sent to the driver, raised as SQLAlchemy raises them.

    The handlers (503 for an unreachable database, 422 for a refused value) and the pool
    (which must drop a broken connection) expect SQLAlchemy's exceptions. A class rather than
    an `asynccontextmanager`: it wraps every statement, and a generator costs more.
    """

    __slots__ = ("conn", "sql")

    def __init__(self, conn: AsyncConnection, sql: str) -> None:
        self.conn, self.sql = conn, sql

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, kind: Any, exc: BaseException | None, tb: Any) -> bool:
        # A lost connection (SQLSTATE class 08) is an outage, not a refused statement.
        lost = isinstance(exc, asyncpg.PostgresConnectionError) or (
            isinstance(exc, asyncpg.PostgresError) and (exc.sqlstate or "").startswith("08")
        )
        if isinstance(exc, asyncpg.PostgresError) and not lost:
            code = exc.sqlstate or ""
            error: type[DBAPIError] = DBAPIError
            if code.startswith("22"):
                error = DataError
            elif code.startswith("23"):
                error = IntegrityError
            raise error(self.sql, None, exc) from exc
        if exc is not None and (
            lost or isinstance(exc, OSError | TimeoutError | asyncpg.InterfaceError)
        ):
            await self.conn.invalidate()
            raise OperationalError(self.sql, None, exc, connection_invalidated=True) from exc
        return False


async def _pooled(conn: AsyncConnection) -> PoolProxiedConnection:
    """The connection's pooled DBAPI connection.

    Read off the connection while it holds a live one; `get_raw_connection` would take a
    greenlet hop for that on every statement. Otherwise (invalidated, closed) SQLAlchemy's
    own way, which reconnects where it must.
    """
    sync = conn.sync_connection
    if sync is not None and not sync.closed and not sync.invalidated:
        return sync.connection
    return await conn.get_raw_connection()


class DriverStatement:
    """One statement as asyncpg text, its parameter order and conversions, per dialect."""

    def __init__(self, statement: sa.Executable) -> None:
        self.statement = statement
        self._compiled: weakref.WeakKeyDictionary[sa.Dialect, _Compiled] = (
            weakref.WeakKeyDictionary()
        )

    def _for(self, dialect: sa.Dialect) -> _Compiled:
        known = self._compiled.get(dialect)
        if known is not None:
            return known
        assert isinstance(self.statement, sa.ClauseElement)  # noqa: S101 - Core statements only
        compiled = self.statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)  # noqa: S101 - a statement compiles so
        binds = compiled.binds
        params: list[tuple[str, _Convert | None]] = [
            (name, binds[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in compiled.positiontup or ()
        ]
        # Literals of the statement itself (a LIMIT, kind = 'progress') keep their value.
        fixed = {name: bind.value for name, bind in binds.items() if not bind.required}
        results = [
            (entry.keyname, _result_processor(entry.type, dialect))
            for entry in compiled._result_columns
        ]
        found: _Compiled = (compiled.string, params, fixed, results)
        self._compiled[dialect] = found
        return found

    def _bound(self, dialect: sa.Dialect, values: dict[str, Any]) -> tuple[str, list[Any]]:
        sql, params, fixed, _ = self._for(dialect)
        given = fixed | values
        return sql, [
            given[name] if convert is None or given[name] is None else convert(given[name])
            for name, convert in params
        ]

    async def first(self, conn: AsyncConnection, values: dict[str, Any]) -> dict[str, Any] | None:
        """The statement's first row by column name, converted as SQLAlchemy would.

        On asyncpg straight to the driver when the connection autocommits (a read) or its
        transaction is open, else through SQLAlchemy's driver-level path, which opens it.
        """
        dialect = conn.dialect
        if dialect.driver != "asyncpg":
            row = (await conn.execute(self.statement, values)).first()
            return None if row is None else dict(row._mapping)
        record: Any
        driver = await self._direct(conn)
        if driver is not None:
            sql, args = self._bound(dialect, values)
            async with _as_sqlalchemy_errors(conn, sql):
                record = await driver.fetchrow(sql, *args)
        else:
            sql, args = self._bound(dialect, values)
            record = (await conn.exec_driver_sql(sql, tuple(args))).first()
        if record is None:
            return None
        results = self._for(dialect)[3]
        return {
            name: value if convert is None or value is None else convert(value)
            for (name, convert), value in zip(results, tuple(record), strict=True)
        }

    async def run(self, conn: AsyncConnection, values: dict[str, Any]) -> None:
        """Run it for its effect: as `first` does, without reading a row."""
        if conn.dialect.driver != "asyncpg":
            await conn.execute(self.statement, values)
            return
        sql, args = self._bound(conn.dialect, values)
        driver = await self._direct(conn)
        if driver is not None:
            async with _as_sqlalchemy_errors(conn, sql):
                await driver.execute(sql, *args)
        else:
            await conn.exec_driver_sql(sql, tuple(args))

    async def _direct(self, conn: AsyncConnection) -> asyncpg.Connection | None:
        """The driver connection when a statement sent to it runs where SQLAlchemy's would.

        That is in autocommit (each statement its own transaction) or inside the transaction
        SQLAlchemy began; None when SQLAlchemy has begun none (it must send BEGIN itself).
        """
        raw = await _pooled(conn)
        driver: asyncpg.Connection = raw.driver_connection
        if conn.sync_engine.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return driver
        if driver.is_in_transaction():
            return driver
        if not conn.in_transaction():
            return None
        # SQLAlchemy began a transaction and its driver adapter sends BEGIN with the first
        # statement; sent here instead, the first statement skips SQLAlchemy's execution
        # path (a write's costliest statement). Private API: sqlalchemy is pinned < 2.2 and
        # tests/test_driver.py holds it to what it does.
        adapter: Any = raw.dbapi_connection
        try:
            await adapter._start_transaction()
        except Exception as exc:
            await conn.invalidate()
            raise OperationalError("BEGIN", None, exc, connection_invalidated=True) from exc
        return driver

    async def _driver(self, conn: AsyncConnection) -> asyncpg.Connection:
        driver: asyncpg.Connection = (await _pooled(conn)).driver_connection
        return driver

    async def execute(self, conn: AsyncConnection, values: dict[str, Any]) -> None:
        """Run it for its effect (inside the transaction SQLAlchemy opened, if any)."""
        sql, args = self._bound(conn.dialect, values)
        await (await self._driver(conn)).execute(sql, *args)

    async def fetchrow(
        self, conn: AsyncConnection, values: dict[str, Any]
    ) -> asyncpg.Record | None:
        """Run it and return its first row (asyncpg's types: its own UUIDs, aware datetimes)."""
        sql, args = self._bound(conn.dialect, values)
        row: asyncpg.Record | None = await (await self._driver(conn)).fetchrow(sql, *args)
        return row
