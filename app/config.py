"""Service configuration: one Settings class, environment prefix NOTES_."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def async_database_url(url: str) -> str:
    """Map the plain URLs people have to the async drivers this service uses."""
    for plain, driver in (
        ("postgresql+asyncpg://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite+aiosqlite://", "sqlite+aiosqlite://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    raise ValueError("NOTES_DATABASE_URL must start with postgresql:// or sqlite://")


class Settings(BaseSettings):
    """Everything the service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="NOTES_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    service_name: str = "session-notes-api"
    data_dir: Path = Path("./data")
    database_url: str | None = None
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_pool_timeout: float = Field(default=2.0, gt=0)
    db_connect_timeout: float = Field(default=2.0, gt=0)
    jwt_secret: SecretStr | None = None
    api_key_pepper: SecretStr | None = None
    encryption_keys: SecretStr | None = None
    audit_signing_key: SecretStr | None = None
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    max_body_bytes: int = 1024 * 1024
    demo: bool = False
    checkpoint_interval_seconds: float = Field(default=5.0, gt=0)
    # Where the audit sequencer runs (docs/audit.md, "The sequencer"): "auto" is a process
    # of its own beside `notes-api serve` on PostgreSQL and a task inside the app on SQLite;
    # "app" always the task; "external" none here (another process runs it, readiness reads
    # its lag from the database); "off" none at all.
    sequencer: Literal["auto", "app", "external", "off"] = "auto"
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str | None) -> str | None:
        if value is not None:
            async_database_url(value)
        return value

    @cached_property
    def sqlalchemy_url(self) -> str:
        """The async SQLAlchemy URL, defaulting to SQLite in the data folder."""
        if self.database_url:
            return async_database_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'notes.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is the embedded SQLite one."""
        return self.sqlalchemy_url.startswith("sqlite")

    @property
    def jwt_audience(self) -> str:
        """The `aud` claim of access tokens."""
        return f"{self.service_name}/v1"


def get_settings() -> Settings:
    """Read settings from the environment."""
    return Settings()
