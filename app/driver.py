"""Constant statements sent on asyncpg's own connection, for the hottest paths only.

SQLAlchemy's execution path costs about 0.1 ms of CPU per statement on top of asyncpg's
(docs/performance.md). A ``DriverStatement`` is compiled once from Core constructs — table
and column names still come from the models — with each parameter's own bind conversion
(JSON, UTC timestamps, arrays), and runs on the driver connection under a SQLAlchemy
connection or session, inside its transaction when one is open.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.compiler import SQLCompiler


def unreachable(exc: BaseException) -> bool:
    """Whether the database could not be reached (else a statement failed)."""
    if isinstance(exc, asyncpg.PostgresError):
        return False
    return isinstance(exc, OSError | TimeoutError | SQLAlchemyError | asyncpg.InterfaceError)


_Compiled = tuple[str, list[tuple[str, Callable[[Any], Any] | None]], dict[str, Any]]


class DriverStatement:
    """One statement as asyncpg text, its parameter order and conversions, per dialect."""

    def __init__(self, statement: sa.ClauseElement) -> None:
        self.statement = statement
        self._compiled: weakref.WeakKeyDictionary[sa.Dialect, _Compiled] = (
            weakref.WeakKeyDictionary()
        )

    def _for(self, dialect: sa.Dialect) -> _Compiled:
        found = self._compiled.get(dialect)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            assert isinstance(compiled, SQLCompiler)  # noqa: S101 - a statement compiles so
            binds = compiled.binds
            params: list[tuple[str, Callable[[Any], Any] | None]] = [
                (name, binds[name].type.dialect_impl(dialect).bind_processor(dialect))
                for name in compiled.positiontup or ()
            ]
            # Literals of the statement itself (a LIMIT, kind = 'progress') keep their value.
            fixed = {name: bind.value for name, bind in binds.items() if not bind.required}
            found = (compiled.string, params, fixed)
            self._compiled[dialect] = found
        return found

    async def _call(
        self, conn: AsyncConnection, values: dict[str, Any]
    ) -> tuple[asyncpg.Connection, str, list[Any]]:
        sql, params, fixed = self._for(conn.dialect)
        given = fixed | values
        args = [
            given[name] if convert is None or given[name] is None else convert(given[name])
            for name, convert in params
        ]
        raw = await conn.get_raw_connection()
        driver: asyncpg.Connection = raw.driver_connection
        return driver, sql, args

    async def execute(self, conn: AsyncConnection, values: dict[str, Any]) -> None:
        """Run it for its effect."""
        driver, sql, args = await self._call(conn, values)
        await driver.execute(sql, *args)

    async def fetchrow(
        self, conn: AsyncConnection, values: dict[str, Any]
    ) -> asyncpg.Record | None:
        """Run it and return its first row (asyncpg's types: its own UUIDs, aware datetimes)."""
        driver, sql, args = await self._call(conn, values)
        row: asyncpg.Record | None = await driver.fetchrow(sql, *args)
        return row
