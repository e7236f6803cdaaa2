"""Driver statements (app/driver.py) run where SQLAlchemy's would: in the session's transaction."""

from __future__ import annotations

import inspect
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection

from app.db import connection_of
from app.driver import DriverStatement
from app.state import AppState

_TABLE = sa.table("driver_probe", sa.column("id", sa.Uuid()))
_INSERT = DriverStatement(
    sa.insert(_TABLE).values(id=sa.bindparam("id", type_=sa.Uuid())).returning(_TABLE.c.id)
)


def test_the_adapter_still_begins_lazily_with_an_async_start() -> None:
    # app/driver.py sends the adapter's BEGIN itself (sqlalchemy is pinned < 2.2 for it).
    start = AsyncAdapt_asyncpg_connection._start_transaction
    assert inspect.iscoroutinefunction(start)


@pytest.fixture
async def probe(state: AppState, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("driver statements go through SQLAlchemy on SQLite")
    async with state.engine.begin() as conn:
        await conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS driver_probe (id uuid PRIMARY KEY)")


async def _count(state: AppState, id: uuid.UUID) -> int:
    async with state.engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(_TABLE).where(_TABLE.c.id == id)
        return int((await conn.execute(query)).scalar_one())


@pytest.mark.usefixtures("probe")
async def test_a_first_statement_opens_the_session_transaction_and_rollback_undoes_it(
    state: AppState,
) -> None:
    rolled, kept = uuid.uuid4(), uuid.uuid4()
    session = state.sessionmaker()
    conn = await session.connection()
    driver: Any = (await conn.get_raw_connection()).driver_connection
    assert not driver.is_in_transaction()  # SQLAlchemy began lazily: no BEGIN sent yet
    assert await _INSERT.first(conn, {"id": rolled}) == {"id": rolled}
    assert driver.is_in_transaction()
    assert await _count(state, rolled) == 0  # not visible outside before commit
    await session.rollback()
    await session.close()
    assert await _count(state, rolled) == 0

    session = state.sessionmaker()
    conn = await session.connection()
    await _INSERT.run(conn, {"id": kept})
    async with session.begin_nested():  # a savepoint inside the driver's transaction
        await conn.execute(sa.insert(_TABLE).values(id=uuid.uuid4()))
    await session.commit()
    await session.close()
    assert await _count(state, kept) == 1


@pytest.mark.usefixtures("probe")
async def test_a_connection_that_began_nothing_goes_through_sqlalchemy(state: AppState) -> None:
    id = uuid.uuid4()
    async with state.engine.connect() as conn:
        assert not conn.in_transaction()
        await _INSERT.run(conn, {"id": id})  # SQLAlchemy autobegins and sends BEGIN itself
        assert conn.in_transaction()
        await conn.rollback()
    assert await _count(state, id) == 0


async def test_the_remembered_connection_is_asked_anew_after_a_commit(state: AppState) -> None:
    session = state.sessionmaker()
    first = await connection_of(session)
    assert await connection_of(session) is first
    await session.commit()  # the session's connection goes back to the pool
    assert first.closed
    again = await connection_of(session)
    assert again is not first
    assert not again.closed
    assert (await again.execute(sa.text("SELECT 1"))).scalar_one() == 1
    assert again is await session.connection()
    await session.close()
