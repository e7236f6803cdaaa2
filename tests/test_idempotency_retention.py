"""Idempotency-Key records are kept at least 24 hours and purged after 48 (`notes-api`)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import httpx
import sqlalchemy as sa
from typer.testing import CliRunner

from app.cli import app as cli
from app.db import utcnow
from app.models import IdempotencyRecord
from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case

MEASURE = {"instrument": "gad7", "items": [1, 1, 2, 1, 0, 1, 1]}
RECORD = IdempotencyRecord.__table__  # type: ignore[attr-defined]


async def _age(state: AppState, key: str, hours: int) -> None:
    async with state.engine.begin() as conn:
        await conn.execute(
            sa.update(RECORD)
            .where(RECORD.c.idempotency_key == key)
            .values(created_at=utcnow() - timedelta(hours=hours))
        )


def _purge(state: AppState) -> str:
    settings = state.settings
    env = {
        "NOTES_ENV": "test",
        "NOTES_DATABASE_URL": settings.database_url,
        "NOTES_DATA_DIR": str(settings.data_dir),
        "NOTES_JWT_SECRET": "test-jwt-secret-" + "x" * 48,
        "NOTES_API_KEY_PEPPER": "test-api-key-pepper-" + "y" * 32,
        "NOTES_LOG_LEVEL": "WARNING",
    }
    result = CliRunner().invoke(cli, ["purge-idempotency"], env=env)
    assert result.exit_code == 0, result.output
    return result.output


async def test_a_key_replays_for_a_day_and_is_purged_after_two(
    state: AppState, client: httpx.AsyncClient, world: World
) -> None:
    case = await clinical_case(client, world)
    key = f"kept-{uuid.uuid4().hex}"
    me = {**world["therapist"].headers, "Idempotency-Key": key}
    path = f"/v1/clients/{case.client_id}/measures"
    first = await client.post(path, json=MEASURE, headers=me)
    assert first.status_code == 201, first.text

    await _age(state, key, 47)
    await asyncio.to_thread(_purge, state)
    kept = await client.post(path, json=MEASURE, headers=me)
    assert (kept.headers.get("Idempotent-Replayed"), kept.json()["id"]) == (
        "true",
        first.json()["id"],
    )

    await _age(state, key, 49)
    output = await asyncio.to_thread(_purge, state)
    assert "older than 48 hours deleted" in output
    fresh = await client.post(path, json=MEASURE, headers=me)
    assert fresh.status_code == 201, fresh.text
    assert "Idempotent-Replayed" not in fresh.headers
    assert fresh.json()["id"] != first.json()["id"]
