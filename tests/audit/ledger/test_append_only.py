"""Append-only: triggers refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL) of audit tables."""

from __future__ import annotations

import uuid

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.state import AppState
from tests.audit.conftest import Spec, seed, sequence_now
from tests.conftest import World

# A statement that touches at least one row of each table, once rows exist.
TABLES = {
    "audit_event": "id IN (SELECT id FROM audit_event LIMIT 1)",
    "audit_event_client": "event_id IN (SELECT event_id FROM audit_event_client LIMIT 1)",
    "audit_leaf": "seq = 0",
    "audit_node": 'level = 0 AND "index" = 0',
    "audit_checkpoint": "tree_size IN (SELECT tree_size FROM audit_checkpoint LIMIT 1)",
    "audit_review": "id IN (SELECT id FROM audit_review LIMIT 1)",
}
SET = {
    "audit_event": "outcome = 'success'",
    "audit_event_client": "client_id = client_id",
    "audit_leaf": "seq = seq",
    "audit_node": "hash = hash",
    "audit_checkpoint": "tree_size = tree_size",
    "audit_review": "decision = decision",
}


@pytest.fixture
async def populated(state: AppState, client: httpx.AsyncClient, world: World) -> None:
    [event_id] = await seed(
        state,
        world.practice_id,
        [Spec(actor_id=world["therapist"].id, clients=[uuid.uuid4()], break_glass="Crisis call")],
    )
    await sequence_now(state)
    response = await client.post(
        f"/v1/audit/events/{event_id}/review",
        headers=world["auditor"].headers,
        json={"decision": "justified"},
    )
    assert response.status_code == 201


async def refused(state: AppState, statement: str) -> str:
    """Run a statement in a transaction that is always rolled back; return the error."""
    for _ in range(5):
        async with state.engine.connect() as conn:
            try:
                result = await conn.execute(sa.text(statement))
            except DBAPIError as exc:
                # The app's background sequencer may hold a lock the TRUNCATE also wants:
                # PostgreSQL then cancels one of the two, which says nothing of the trigger.
                if "deadlock detected" in str(exc.orig):
                    continue
                return str(exc.orig)
            finally:
                await conn.rollback()
        pytest.fail(f"accepted ({result.rowcount} rows): {statement}")
    pytest.fail(f"deadlocked five times: {statement}")


@pytest.mark.usefixtures("populated")
@pytest.mark.parametrize("table", sorted(TABLES))
async def test_update_and_delete_are_refused(state: AppState, table: str) -> None:
    for statement in (
        f"UPDATE {table} SET {SET[table]} WHERE {TABLES[table]}",
        f"DELETE FROM {table} WHERE {TABLES[table]}",
    ):
        assert "append-only" in await refused(state, statement)


@pytest.mark.usefixtures("populated")
@pytest.mark.parametrize("table", sorted(TABLES))
async def test_truncate_is_refused(state: AppState, backend: str, table: str) -> None:
    # SQLite has no TRUNCATE; its equivalent, an unqualified DELETE, is refused too.
    statement = f"TRUNCATE {table} CASCADE" if backend == "postgresql" else f"DELETE FROM {table}"
    assert "append-only" in await refused(state, statement)


async def test_triggers_exist_on_every_audit_table(state: AppState, backend: str) -> None:
    async with state.engine.connect() as conn:
        if backend == "postgresql":
            rows = await conn.execute(
                sa.text(
                    "SELECT event_object_table, event_manipulation "
                    "FROM information_schema.triggers WHERE trigger_name LIKE 'audit_%'"
                )
            )
            found = {(t, op) for t, op in rows}
            expected = {(t, op) for t in TABLES for op in ("UPDATE", "DELETE")}
        else:
            rows = await conn.execute(
                sa.text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            )
            found = {(t, n.rsplit("_", 1)[1].upper()) for t, n in rows if t in TABLES}
            expected = {(t, op) for t in TABLES for op in ("UPDATE", "DELETE")}
    assert expected <= found
