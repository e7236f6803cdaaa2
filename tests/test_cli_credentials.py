"""`notes-api create-user` and `reset-password`: the policy holds, and each use is logged."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from app import migrations
from app.cli import app as cli
from app.config import async_database_url
from app.security.tokens import keyed_hash
from tests.conftest import create_pg_database, drop_pg_database, pg_admin_url

runner = CliRunner()
PEPPER = "p" * 40


@pytest.fixture
def env(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment naming a fresh, migrated database and a data folder."""
    tmp = tmp_path_factory.mktemp("cli-credentials")
    admin = pg_admin_url() if backend == "postgresql" else None
    name = f"notes_cli_{uuid.uuid4().hex[:10]}"
    url = asyncio.run(create_pg_database(admin, name)) if admin else f"sqlite:///{tmp / 'n.db'}"
    migrations.upgrade(url)
    yield {
        "NOTES_ENV": "test",
        "NOTES_DATABASE_URL": url,
        "NOTES_DATA_DIR": str(tmp),
        "NOTES_JWT_SECRET": "j" * 40,
        "NOTES_API_KEY_PEPPER": PEPPER,
        "NOTES_ARGON2_TIME_COST": "1",
        "NOTES_ARGON2_MEMORY_KIB": "64",
        "NOTES_LOG_LEVEL": "WARNING",
    }
    if admin:
        asyncio.run(drop_pg_database(admin, name))


def _rows(env: dict[str, str], sql: str) -> list[tuple[object, ...]]:
    async def main() -> list[tuple[object, ...]]:
        engine = create_async_engine(async_database_url(env["NOTES_DATABASE_URL"]))
        try:
            async with engine.connect() as conn:
                return [tuple(r) for r in await conn.execute(sa.text(sql))]
        finally:
            await engine.dispose()

    return asyncio.run(main())


def test_operator_creates_and_resets_a_user(env: dict[str, str]) -> None:
    practice = runner.invoke(cli, ["create-practice", "--name", "Clinic"], env=env)
    assert practice.exit_code == 0, practice.output
    practice_id = practice.output.strip()
    base = ["create-user", "--practice", practice_id, "--email", "ops@test.example"]
    weak = runner.invoke(cli, [*base, "--role", "admin", "--password", "aaaaaaaaaaaa"], env=env)
    assert weak.exit_code == 2
    assert "invalid password" in weak.output
    made = runner.invoke(
        cli, [*base, "--role", "admin", "--password", "violet tugboat minds the harbour"], env=env
    )
    assert made.exit_code == 0, made.output
    user_id = made.output.strip()
    # Without --display-name: not the whole email, which `users:read` keys never see.
    assert _rows(env, 'SELECT display_name FROM "user"') == [("ops",)]

    reset = runner.invoke(cli, ["reset-password", "--email", "OPS@test.example"], env=env)
    assert reset.exit_code == 0, reset.output
    token = reset.output.strip()
    assert token.startswith("nsp_")
    hashes = _rows(env, "SELECT token_hash, purpose, created_by FROM password_token")
    assert hashes == [(keyed_hash(PEPPER.encode(), token), "reset", None)]
    [(password_hash,)] = _rows(env, 'SELECT password_hash FROM "user"')
    assert password_hash == ""  # the old password no longer works
    logged = _rows(env, "SELECT action, actor_type, resource_id, method FROM audit_event")
    assert sorted(logged) == [
        ("user.create", "operator", user_id, "CLI"),
        ("user.password_reset", "operator", user_id, "CLI"),
    ]
    unknown = runner.invoke(cli, ["reset-password", "--email", "nobody@test.example"], env=env)
    assert unknown.exit_code != 0
