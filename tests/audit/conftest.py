"""Helpers for the audit tests: seeding events, API keys, sequencing on demand."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from app import migrations
from app.api_keys.service import create_key
from app.audit.ledger.sequencer import run_once
from app.audit.ledger.tree import EVENT, LEAF
from app.audit.recorder import add_event
from app.config import Settings
from app.db import utcnow, uuid7
from app.state import AppState
from tests.conftest import (
    World,
    create_pg_database,
    drop_pg_database,
    make_settings,
    pg_admin_url,
)


@dataclass
class Spec:
    """One synthetic event to seed."""

    actor_id: uuid.UUID | None = None
    role: str | None = "therapist"
    action: str = "client.read"
    outcome: str = "success"
    status: int = 200
    clients: list[uuid.UUID] = field(default_factory=list)
    resource_type: str | None = "client"
    purpose: str | None = "TREAT"
    break_glass: str | None = None
    at: datetime | None = None


async def seed(
    state: AppState, practice_id: uuid.UUID | None, specs: list[Spec]
) -> list[uuid.UUID]:
    """Insert events as the pipeline would (with their client index rows); returns ids."""
    base = utcnow()
    ids: list[uuid.UUID] = []
    async with state.sessionmaker() as session:
        for i, spec in enumerate(specs):
            event_id = uuid7()
            event: dict[str, Any] = {
                "id": event_id,
                "occurred_at": spec.at or base + timedelta(milliseconds=i),
                "practice_id": practice_id,
                "request_id": uuid.uuid4().hex,
                "actor_type": "user" if spec.actor_id else "anonymous",
                "actor_id": spec.actor_id,
                "actor_role": spec.role if spec.actor_id else None,
                "action": spec.action,
                "resource_type": spec.resource_type,
                "resource_id": str(spec.clients[0]) if spec.clients else None,
                "client_ids": sorted(str(c) for c in spec.clients),
                "outcome": spec.outcome,
                "http_status": spec.status,
                "purpose_of_use": spec.purpose,
                "break_glass_reason": spec.break_glass,
                "source_ip": "203.0.113.9",
                "user_agent": "pytest",
                "method": "GET",
                "route": "/v1/clients/{id}",
            }
            await add_event(session, event)
            ids.append(event_id)
        await session.commit()
    return ids


async def api_key_headers(state: AppState, world: World, scopes: list[str]) -> dict[str, str]:
    """Create an API key in the world's practice; returns its Authorization header."""
    async with state.sessionmaker() as session:
        row, key = create_key(
            practice_id=world.practice_id,
            name="test",
            scopes=scopes,
            created_by=None,
            pepper=state.secrets.api_key_pepper,
        )
        session.add(row)
        await session.commit()
    return {"Authorization": f"Bearer {key}"}


async def sequence_now(state: AppState) -> dict[str, Any]:
    """Sequence every committed event and return the checkpoint covering them."""
    made = await run_once(
        state.engine, settings=state.settings, signing_key=state.secrets.signing_key
    )
    assert made is not None
    return made


async def events_of_request(state: AppState, request_id: str) -> list[Any]:
    """The audit events a request left."""
    async with state.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(EVENT, LEAF.c.seq)
            .select_from(EVENT.outerjoin(LEAF, LEAF.c.event_id == EVENT.c.id))
            .where(EVENT.c.request_id == request_id)
        )
        return list(rows)


@pytest.fixture
def rid() -> str:
    """A fresh request id."""
    return uuid.uuid4().hex


@pytest.fixture
def fresh_settings(backend: str, tmp_path: Path) -> Iterator[Settings]:
    """A migrated database of its own, for tests that tamper with the log."""
    admin = pg_admin_url()
    name = f"notes_odd_{uuid.uuid4().hex[:10]}"
    if backend == "postgresql":
        assert admin
        url = asyncio.run(create_pg_database(admin, name))
    else:
        url = f"sqlite:///{tmp_path / 'odd.db'}"
    try:
        migrations.upgrade(url)
        yield make_settings(tmp_path, url)
    finally:
        if backend == "postgresql" and admin:
            asyncio.run(drop_pg_database(admin, name))
