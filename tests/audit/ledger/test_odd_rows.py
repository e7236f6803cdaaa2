"""Rows written behind the recorder's back (the application role may INSERT into audit
tables): they must neither stop the sequencer nor crash or pass ``verify``."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.audit.ledger import events, merkle, tree
from app.audit.ledger.checkpoint import public_key_raw, verify_checkpoint
from app.audit.ledger.sequencer import run_once
from app.audit.ledger.tree import CHECKPOINT, EVENT, LEAF
from app.audit.ledger.verify import Report, verify_log
from app.audit.recorder import add_event_on
from app.config import Settings
from app.db import create_engine, utcnow, uuid7
from app.security.secrets import Secrets, load_secrets

INSERT = sa.text(
    "INSERT INTO audit_event (id, occurred_at, practice_id, request_id, actor_type, action,"
    " client_ids, outcome, http_status, method)"
    " VALUES (:id, :at, NULL, 'r', 'anonymous', 'x', :client_ids, 'success', 200, 'GET')"
)


@dataclass
class Fresh:
    """A migrated database of its own: odd rows must not reach the shared one."""

    backend: str
    settings: Settings
    secrets: Secrets
    engine: AsyncEngine

    async def verify(self) -> Report:
        key = self.secrets.signing_key
        async with self.engine.connect() as conn:
            return await verify_log(
                conn,
                seal_key=events.seal_key(key),
                public_key=public_key_raw(key),
                origin=self.settings.service_name,
            )

    async def sequence(self) -> dict[str, Any] | None:
        return await run_once(
            self.engine, settings=self.settings, signing_key=self.secrets.signing_key
        )

    async def add(self, count: int) -> list[uuid.UUID]:
        ids = []
        for _ in range(count):
            event = _event()
            async with self.engine.connect() as conn:
                await add_event_on(conn, event)
            ids.append(event["id"])
        return ids

    async def insert_raw(self, client_ids: str) -> uuid.UUID:
        """A plain INSERT, as the application role may do."""
        event_id = uuid7()
        at = utcnow()
        async with self.engine.begin() as conn:
            await conn.execute(
                INSERT,
                {
                    "id": event_id if self.backend == "postgresql" else event_id.hex,
                    "at": at if self.backend == "postgresql" else at.isoformat(sep=" "),
                    "client_ids": client_ids,
                },
            )
        return event_id

    async def edit_behind_triggers(self, event_id: uuid.UUID, column: str, raw: str) -> None:
        """A superuser's UPDATE that the append-only triggers would refuse."""
        async with self.engine.begin() as conn:
            if self.backend == "postgresql":
                await conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
                where = sa.text(f"UPDATE audit_event SET {column} = :v WHERE id = :id")
                await conn.execute(where, {"v": raw, "id": event_id})
                return
            trigger = (
                await conn.execute(
                    sa.text("SELECT sql FROM sqlite_master WHERE name = 'audit_event_no_update'")
                )
            ).scalar_one()
            await conn.execute(sa.text("DROP TRIGGER audit_event_no_update"))
            where = sa.text(f"UPDATE audit_event SET {column} = :v WHERE id = :id")
            await conn.execute(where, {"v": raw, "id": event_id.hex})
            await conn.execute(sa.text(trigger))


def _event() -> dict[str, Any]:
    return {
        "id": uuid7(),
        "occurred_at": utcnow(),
        "practice_id": uuid.uuid4(),
        "request_id": uuid.uuid4().hex,
        "actor_type": "anonymous",
        "actor_id": None,
        "actor_role": None,
        "action": "client.read",
        "resource_type": "client",
        "resource_id": None,
        "client_ids": [str(uuid.uuid4())],
        "outcome": "success",
        "http_status": 200,
        "purpose_of_use": "TREAT",
        "break_glass_reason": None,
        "source_ip": "203.0.113.9",
        "user_agent": "pytest",
        "method": "GET",
        "route": "/v1/clients/{id}",
        "details": None,
    }


@pytest.fixture
async def fresh(backend: str, fresh_settings: Settings) -> AsyncIterator[Fresh]:
    engine = create_engine(fresh_settings)
    yield Fresh(backend, fresh_settings, load_secrets(fresh_settings), engine)
    await engine.dispose()


async def _leaves(conn: AsyncConnection) -> dict[uuid.UUID, tuple[int, bytes]]:
    rows = await conn.execute(sa.select(LEAF.c.event_id, LEAF.c.seq, LEAF.c.leaf_hash))
    return {uuid.UUID(str(e)): (int(s), bytes(h)) for e, s, h in rows}


@pytest.mark.parametrize("client_ids", ["[1e999]", "[12345678901234567890]"])
async def test_a_row_rfc8785_refuses_is_sequenced_and_reported(
    fresh: Fresh, client_ids: str
) -> None:
    before = await fresh.add(1)
    odd = await fresh.insert_raw(client_ids)
    after = await fresh.add(3)
    latest = await fresh.sequence()
    assert latest is not None
    assert latest["tree_size"] == 5  # nothing after the odd row is left unnumbered
    async with fresh.engine.connect() as conn:
        leaves = await _leaves(conn)
        row = (await conn.execute(sa.select(EVENT).where(EVENT.c.id == odd))).one()
    assert set(leaves) == {*before, odd, *after}
    # The fallback form commits to the stored values; an outside verifier recomputes it.
    fallback = events.fallback_json(events.event_body(row))
    assert leaves[odd][1] == merkle.leaf_hash(fallback)
    exported = json.loads(events.export_line(row, seq=leaves[odd][0], leaf_hash=leaves[odd][1]))
    body = {k: v for k, v in exported.items() if k not in ("seq", "leaf_hash")}
    assert merkle.leaf_hash(events.fallback_json(body)) == leaves[odd][1]
    report = await fresh.verify()
    assert not report.ok
    found = {(p.seq, p.event_id, p.kind) for p in report.problems}
    # Inserted without its per-client index rows, too.
    assert found == {
        (leaves[odd][0], str(odd), "event_not_canonical"),
        (leaves[odd][0], str(odd), "client_index_mismatch"),
    }


async def test_verify_names_an_edit_rfc8785_refuses(fresh: Fresh) -> None:
    ids = await fresh.add(5)
    await fresh.sequence()
    assert (await fresh.verify()).ok
    await fresh.edit_behind_triggers(ids[2], "client_ids", "[1e999]")
    async with fresh.engine.connect() as conn:
        seq = (await _leaves(conn))[ids[2]][0]
    report = await fresh.verify()
    assert [(p.seq, p.event_id, p.kind) for p in report.problems][:1] == [
        (seq, str(ids[2]), "leaf_mismatch")
    ]


async def test_a_forged_checkpoint_is_not_the_latest_and_is_named(fresh: Fresh) -> None:
    await fresh.add(1)
    await fresh.sequence()
    async with fresh.engine.begin() as conn:
        await conn.execute(
            sa.insert(CHECKPOINT).values(
                tree_size=10**12,
                root_hash=b"\0" * 32,
                timestamp="2026-01-01T00:00:00.000000Z",
                key_id="x",
                signed_note="x",
                signature="x",
            )
        )
    await fresh.add(3)
    latest = await fresh.sequence()  # the writer is not stopped by the forged size
    assert latest is not None
    assert latest["tree_size"] == 4
    key = public_key_raw(fresh.secrets.signing_key)
    assert verify_checkpoint(latest, key, fresh.settings.service_name)
    async with fresh.engine.connect() as conn:
        served = await tree.latest_checkpoint(
            conn, public_key=key, origin=fresh.settings.service_name
        )
    assert served == latest
    report = await fresh.verify()
    assert [(p.seq, p.event_id, p.kind) for p in report.problems] == [
        (10**12, None, "checkpoint_signature")
    ]


async def test_a_time_no_reader_can_hold_is_refused(fresh: Fresh) -> None:
    # One such row made every unfiltered search and every sequencer pass fail on reading it.
    [event_id] = await fresh.add(1)
    ident = str(event_id) if fresh.backend == "postgresql" else event_id.hex
    statements = {
        "audit_event": "INSERT INTO audit_event (id, occurred_at, practice_id, request_id,"
        " actor_type, action, client_ids, outcome, http_status, method) VALUES"
        " ('{id}', '{at}', NULL, 'r', 'anonymous', 'x', '[]', 'success', 200, 'GET')",
        "audit_event_client": "INSERT INTO audit_event_client (event_id, client_id,"
        " practice_id, occurred_at) VALUES ('{event}', '{id}', NULL, '{at}')",
    }
    for table, statement in statements.items():
        for at in ("10000-01-01 00:00:00", "0000-12-31 00:00:00"):
            fresh_id = uuid7()
            text = statement.format(
                id=fresh_id if fresh.backend == "postgresql" else fresh_id.hex,
                event=ident,
                at=at + ("+00" if fresh.backend == "postgresql" else ""),
            )
            with pytest.raises(sa.exc.DBAPIError, match="occurred_at"):
                async with fresh.engine.begin() as conn:
                    await conn.execute(sa.text(text))
        async with fresh.engine.begin() as conn:  # the same row with a time one can hold
            fresh_id = uuid7()
            await conn.execute(
                sa.text(
                    statement.format(
                        id=fresh_id if fresh.backend == "postgresql" else fresh_id.hex,
                        event=ident,
                        at="2026-01-01 00:00:00" + ("+00" if fresh.backend == "postgresql" else ""),
                    )
                )
            )
        assert table
