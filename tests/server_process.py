"""Start the real `notes-api serve` process for tests that talk to it over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.waiting import eventually_sync


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    data_dir: Path, port: int, *, env: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> subprocess.Popen[bytes]:
    """Launch `notes-api serve` and wait until /health/ready answers 200."""
    full_env = {
        **os.environ,
        "NOTES_DATA_DIR": str(data_dir),
        "NOTES_ARGON2_TIME_COST": "1",
        "NOTES_ARGON2_MEMORY_KIB": "64",
        **(env or {}),
    }
    with (data_dir / f"server-{port}.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port), *args],
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=5)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    try:
        eventually_sync(ready, timeout=120, interval=0.2)
    except AssertionError:
        process.kill()
        process.wait()
        raise
    return process


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
