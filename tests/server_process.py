"""Start the real `notes-api serve` process for tests that talk to it over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


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
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not become ready")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
