"""`notes-api create-api-key`: any scopes, working at once, recorded as an operator action."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from app.cli import app as cli
from app.models import ApiKey, AuditEvent
from app.state import AppState
from tests.conftest import World
from tests.factories import clinical_case

runner = CliRunner()


@pytest.fixture
def env(state: AppState) -> dict[str, str]:
    """The environment of an operator working on the suite's database."""
    settings = state.settings
    assert settings.jwt_secret is not None
    assert settings.api_key_pepper is not None
    return {
        "NOTES_ENV": "test",
        "NOTES_DATABASE_URL": settings.plain_database_url,
        "NOTES_DATA_DIR": str(settings.data_dir),
        "NOTES_JWT_SECRET": settings.jwt_secret.get_secret_value(),
        "NOTES_API_KEY_PEPPER": settings.api_key_pepper.get_secret_value(),
        "NOTES_LOG_LEVEL": "WARNING",
    }


async def _events(state: AppState, key_id: uuid.UUID) -> list[AuditEvent]:
    async with state.sessionmaker() as db:
        found = await db.execute(
            sa.select(AuditEvent).where(sa.column("resource_id") == str(key_id))
        )
        return list(found.scalars())


async def test_operator_key_has_any_scopes_at_once_and_is_logged(
    client: httpx.AsyncClient, world: World, state: AppState, env: dict[str, str]
) -> None:
    case = await clinical_case(client, world)
    args = ["--practice", str(world.practice_id), "--name", "EHR bridge"]
    scopes = "notes:read,progress:read,audit:read"
    done = await asyncio.to_thread(
        runner.invoke, cli, ["create-api-key", *args, "--scopes", scopes], env=env
    )
    assert done.exit_code == 0, done.output
    secret = done.output.strip()
    key = {"Authorization": f"Bearer {secret}"}
    assert (await client.get(f"/v1/episodes/{case.episode_id}", headers=key)).status_code == 200
    assert (await client.get("/v1/audit/events", headers=key)).status_code == 200
    async with state.sessionmaker() as db:
        row = (
            await db.execute(sa.select(ApiKey).where(ApiKey.prefix == secret[:10]))  # type: ignore[arg-type]
        ).scalar_one()
    assert (row.kind, row.pending_approval, row.created_by) == ("audit", False, None)
    [event] = await _events(state, row.id)
    assert (event.actor_type, event.actor_id, event.action) == ("operator", None, "api_key.create")
    assert (event.practice_id, event.method, event.route) == (
        world.practice_id,
        "CLI",
        "notes-api create-api-key",
    )
    assert event.outcome == "success"
