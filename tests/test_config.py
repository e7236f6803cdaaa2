"""Configuration: URL mapping, generated secrets, production refusal."""

from __future__ import annotations

import base64
import stat
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from app.config import Settings
from app.db import create_engine
from app.security.secrets import ConfigurationError, load_secrets
from tests.conftest import pg_admin_url


def test_default_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.sqlalchemy_url == f"sqlite+aiosqlite:///{tmp_path.resolve()}/notes.db"
    assert settings.is_sqlite


def test_generated_secrets_are_private_and_stable(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = load_secrets(settings)
    assert set(first.generated) == {
        "jwt_secret",
        "api_key_pepper",
        "encryption_keys",
        "audit_signing_key",
    }
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    for path in (tmp_path / "data").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    second = load_secrets(settings)
    assert second.generated == ()
    assert second.jwt_secret == first.jwt_secret
    assert second.key_ring.active_key_id == first.key_ring.active_key_id


PG = "postgresql://notes@db:5432/notes"
KEY = "main:" + base64.b64encode(b"k" * 32).decode()
SEED = base64.b64encode(b"s" * 32).decode()
COMPLETE: dict[str, object] = {
    "env": "production",
    "database_url": PG,
    "jwt_secret": "j" * 32,
    "api_key_pepper": "p" * 32,
    "encryption_keys": KEY,
    "audit_signing_key": SEED,
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"database_url": None}, "NOTES_DATABASE_URL: SQLite is for development"),
        ({"database_url": "sqlite:///x.db"}, "NOTES_DATABASE_URL: SQLite is for development"),
        ({"jwt_secret": None}, "NOTES_JWT_SECRET must be set when NOTES_ENV=production"),
        ({"api_key_pepper": None}, "NOTES_API_KEY_PEPPER must be set"),
        ({"encryption_keys": None}, "NOTES_ENCRYPTION_KEYS must be set"),
        ({"audit_signing_key": None}, "NOTES_AUDIT_SIGNING_KEY must be set"),
        ({"jwt_secret": "changeme"}, "NOTES_JWT_SECRET is a default value"),
        ({"api_key_pepper": "secret"}, "NOTES_API_KEY_PEPPER is a default value"),
        ({"jwt_secret": "j" * 31}, "NOTES_JWT_SECRET is 31 bytes; production needs 32"),
        # 15 characters, 30 bytes: the length that counts is the key's, in bytes.
        ({"jwt_secret": "é" * 15}, "NOTES_JWT_SECRET is 30 bytes"),
    ],
)
def test_production_refuses_each_with_a_one_line_reason(
    tmp_path: Path, change: dict[str, object], reason: str
) -> None:
    values = {**COMPLETE, "data_dir": tmp_path / "data", **change}
    with pytest.raises(ConfigurationError) as caught:
        load_secrets(Settings(**values))  # type: ignore[arg-type]
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "data").exists()  # nothing generated


def test_production_ignores_key_files_generated_earlier(tmp_path: Path) -> None:
    load_secrets(Settings(data_dir=tmp_path))  # development generates them
    values = {**COMPLETE, "data_dir": tmp_path, "encryption_keys": None}
    with pytest.raises(ConfigurationError, match="NOTES_ENCRYPTION_KEYS must be set"):
        load_secrets(Settings(**values))  # type: ignore[arg-type]


def test_multibyte_secret_of_32_bytes_is_enough(tmp_path: Path) -> None:
    values = {**COMPLETE, "data_dir": tmp_path, "jwt_secret": "é" * 16}
    assert load_secrets(Settings(**values)).jwt_secret == ("é" * 16).encode()  # type: ignore[arg-type]


def test_production_starts_with_configured_secrets(tmp_path: Path) -> None:
    secrets = load_secrets(Settings(**{**COMPLETE, "data_dir": tmp_path}))  # type: ignore[arg-type]
    assert secrets.generated == ()
    assert secrets.key_ring.active_key_id == "main"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["Praxis Notes", "notes+prod", "", "é-notes"])
def test_a_service_name_no_note_verifier_reads_is_refused(tmp_path: Path, name: str) -> None:
    """It names the checkpoints' origin and key (C2SP signed-note): no space, no "+"."""
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, service_name=name)
    assert Settings(data_dir=tmp_path, service_name="notes.example.org/log").service_name


async def test_a_statement_that_hangs_gives_up_after_the_command_timeout(tmp_path: Path) -> None:
    """NOTES_DB_COMMAND_TIMEOUT bounds one statement: a database that stops answering (hung,
    not down) is given up after it, not after a fixed half minute."""
    admin = pg_admin_url()
    if admin is None:
        pytest.skip("needs a PostgreSQL server (NOTES_TEST_DATABASE_URL)")
    settings = Settings(data_dir=tmp_path, database_url=admin, db_command_timeout=0.5)
    engine = create_engine(settings)
    started = time.monotonic()
    try:
        with pytest.raises((TimeoutError, DBAPIError)):
            async with engine.connect() as conn:
                await conn.execute(sa.text("SELECT pg_sleep(5)"))
    finally:
        await engine.dispose()
    assert time.monotonic() - started < 3
