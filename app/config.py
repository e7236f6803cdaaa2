"""Service configuration: one Settings class, environment prefix NOTES_."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.database_url import DatabaseOptions, database_options


def async_database_url(url: str) -> str:
    """The async SQLAlchemy URL of a plain one (without the options only the driver takes)."""
    return database_options(url).url.render_as_string(hide_password=False)


class Settings(BaseSettings):
    """Everything the service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="NOTES_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    # The checkpoints' origin and key name (C2SP signed-note): no space, no "+", so that
    # off-the-shelf note verifiers read them.
    service_name: str = Field(default="session-notes-api", pattern=r"^[!-*,-~]{1,100}$")
    data_dir: Path = Path("./data")
    database_url: str | None = None
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_pool_timeout: float = Field(default=2.0, gt=0)
    db_connect_timeout: float = Field(default=2.0, gt=0)
    # How long one statement may take before its connection is given up: a database that
    # stops answering (hung, not down) turns into 503 after this.
    db_command_timeout: float = Field(default=30.0, gt=0)
    jwt_secret: SecretStr | None = None
    api_key_pepper: SecretStr | None = None
    encryption_keys: SecretStr | None = None
    audit_signing_key: SecretStr | None = None
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    login_max_failures: int = Field(default=5, ge=1)
    # Failures from one source address across all accounts (password spraying).
    login_address_max_failures: int = Field(default=30, ge=1)
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
    # The webhook deliverer (docs/integrations.md): "auto" is a process of its own beside
    # `notes-api serve`; "external" none here (its own service runs `notes-api webhooks
    # deliver`); "off" none at all.
    deliverer: Literal["auto", "external", "off"] = "auto"
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_poll_seconds: float = Field(default=0.5, gt=0)
    webhook_retry_base_seconds: float = Field(default=5.0, gt=0)
    webhook_retry_max_delay_seconds: float = Field(default=3600.0, gt=0)
    # A message is retried this long (at least 24 hours in production), then marked failed.
    webhook_retry_window_seconds: float = Field(default=3 * 86400.0, gt=0)
    webhook_disable_after_seconds: float = Field(default=5 * 86400.0, gt=0)
    webhook_lease_seconds: float = Field(default=60.0, gt=0)
    webhook_secret_grace_hours: float = Field(default=24.0, gt=0, le=7 * 24)
    webhook_endpoints_in_flight: int = Field(default=64, ge=1, le=1000)
    webhook_batch_size: int = Field(default=100, ge=1, le=1000)
    # The deliverer yields the CPU to the API (docs/adr/0019-deliverer-yields.md): "idle" is
    # Linux's SCHED_IDLE (it runs only on a core nothing else wants; nice 19 elsewhere),
    # "low" nice 19, "normal" the API's own priority.
    webhook_cpu_priority: Literal["idle", "low", "normal"] = "idle"
    # While the API works, one deliverer process sends at most this many messages a second,
    # over all its endpoints (0: always flat out); app/webhooks/pace.py.
    webhook_busy_per_second: float = Field(default=10.0, ge=0)

    @field_validator("database_url")
    @classmethod
    def _usable_url(cls, value: str | None) -> str | None:
        if value is not None:
            database_options(value)  # DatabaseURLError (a ValueError) names the problem
        return value

    @property
    def plain_database_url(self) -> str:
        """NOTES_DATABASE_URL as given, defaulting to SQLite in the data folder."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'notes.db').resolve()}"

    @cached_property
    def database(self) -> DatabaseOptions:
        """The async URL and the driver's connect arguments (app/database_url.py)."""
        return database_options(self.plain_database_url)

    @property
    def sqlalchemy_url(self) -> str:
        """The async SQLAlchemy URL (the driver's options are in `database`)."""
        return self.database.url.render_as_string(hide_password=False)

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite (development and single-process use)."""
        return self.database.is_sqlite

    @property
    def jwt_audience(self) -> str:
        """The `aud` claim of access tokens."""
        return f"{self.service_name}/v1"


def get_settings() -> Settings:
    """Read settings from the environment."""
    return Settings()


def configuration_problem(exc: Exception) -> str:
    """One line naming what is wrong with the configuration (the first problem of several)."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    error = exc.errors()[0]
    name = "NOTES_" + "_".join(str(part) for part in error["loc"]).upper()
    cause = error.get("ctx", {}).get("error")
    return f"{name}: {cause if isinstance(cause, ValueError) else error['msg']}"
