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

    def _bound(self, dialect: sa.Dialect, values: dict[str, Any]) -> tuple[str, list[Any]]:
        sql, params, fixed = self._for(dialect)
        given = fixed | values
        return sql, [
            given[name] if convert is None or given[name] is None else convert(given[name])
            for name, convert in params
        ]

    async def _driver(self, conn: AsyncConnection) -> asyncpg.Connection:
        raw = await conn.get_raw_connection()
        driver: asyncpg.Connection = raw.driver_connection
        return driver

    async def fetchrow_opening(self, conn: AsyncConnection, values: dict[str, Any]) -> Any:
        """``fetchrow`` as the first statement of the connection's transaction.

        Run through SQLAlchemy's driver-level path, which sends BEGIN first: a statement sent
        straight to the driver would run outside any transaction and commit by itself.
        """
        sql, args = self._bound(conn.dialect, values)
        row = (await conn.exec_driver_sql(sql, tuple(args))).first()
        return None if row is None else row._mapping

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
