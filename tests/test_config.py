"""Configuration: URL mapping, generated secrets, production refusal."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app.config import Settings, async_database_url
from app.security.secrets import ConfigurationError, load_secrets


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///data/notes.db", "sqlite+aiosqlite:///data/notes.db"),
        ("sqlite:////abs/notes.db", "sqlite+aiosqlite:////abs/notes.db"),
    ],
)
def test_plain_urls_map_to_async_drivers(given: str, expected: str) -> None:
    assert async_database_url(given) == expected


def test_unknown_scheme_rejected() -> None:
    with pytest.raises(ValueError, match="postgresql:// or sqlite://"):
        Settings(database_url="mysql://x/y")


def test_default_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.sqlalchemy_url == f"sqlite+aiosqlite:///{tmp_path.resolve()}/notes.db"


def test_generated_secrets_are_private_and_stable(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = load_secrets(settings)
    assert set(first.generated) == {
        "jwt_secret",
        "api_key_pepper",
        "encryption_keys",
        "audit_signing_key",
    }
    for path in (tmp_path / "data").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    second = load_secrets(settings)
    assert second.generated == ()
    assert second.jwt_secret == first.jwt_secret
    assert second.key_ring.active_key_id == first.key_ring.active_key_id


def test_production_refuses_generated_or_default_secrets(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="NOTES_JWT_SECRET"):
        load_secrets(Settings(env="production", data_dir=tmp_path))
    with pytest.raises(ConfigurationError, match="default or too short"):
        load_secrets(
            Settings(
                env="production", data_dir=tmp_path, jwt_secret="changeme", api_key_pepper="p" * 40
            )
        )
    with pytest.raises(ConfigurationError, match="NOTES_ENCRYPTION_KEYS"):
        load_secrets(
            Settings(
                env="production", data_dir=tmp_path, jwt_secret="j" * 40, api_key_pepper="p" * 40
            )
        )
    assert not (tmp_path / "jwt_secret.key").exists()


def test_production_starts_with_configured_secrets(tmp_path: Path) -> None:
    import base64

    key = base64.b64encode(b"k" * 32).decode()
    seed = base64.b64encode(b"s" * 32).decode()
    secrets = load_secrets(
        Settings(
            env="production",
            data_dir=tmp_path,
            jwt_secret="j" * 40,
            api_key_pepper="p" * 40,
            encryption_keys=f"main:{key}",
            audit_signing_key=seed,
        )
    )
    assert secrets.generated == ()
    assert secrets.key_ring.active_key_id == "main"
    assert list(tmp_path.iterdir()) == []
