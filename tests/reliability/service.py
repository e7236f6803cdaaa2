"""The real `notes-api serve` process on a private database, for tests that break things."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pydantic import SecretStr

from app.config import Settings
from tests.server_process import free_port, start_server, stop_server


def server_env(settings: Settings, **overrides: object) -> dict[str, str]:
    """NOTES_* variables that make a server process run with exactly these settings."""
    env: dict[str, str] = {}
    for name, value in settings.model_dump(exclude_none=True).items():
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        env[f"NOTES_{name.upper()}"] = str(value)
    env.update({f"NOTES_{k.upper()}": str(v) for k, v in overrides.items()})
    env["NOTES_LOG_LEVEL"] = "WARNING"
    return env


@dataclass
class Service:
    """One server process; it can be started, killed with SIGKILL and started again."""

    settings: Settings
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """Where the server listens."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        """The server's combined output (appended to across restarts)."""
        return self.settings.data_dir / f"server-{self.port}.log"

    def start(self) -> None:
        """Start on the same port; the schema is already migrated."""
        self.process = start_server(
            self.settings.data_dir, self.port, env=self.env, args=("--no-migrate",)
        )

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, connections dropped mid-flight."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        """Terminate gracefully (if running)."""
        if self.process is not None:
            stop_server(self.process)
            self.process = None

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `notes-api <args>` against the same database and data folder."""
        return subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def client(self, **kwargs: object) -> httpx.AsyncClient:
        """An HTTP client for this server."""
        kwargs.setdefault("timeout", 30)
        return httpx.AsyncClient(base_url=self.base_url, **kwargs)  # type: ignore[arg-type]
