"""The bench database, the service and floor processes, and the notes-api command line."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import httpx

from bench.server import REPO_ROOT, free_port, start_server, stop_server, wait_until_ready

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/notes_bench"
# Outside the repository's data/ folder, which tests and colleagues may wipe mid-run.
DATA_DIR = Path(os.environ.get("NOTES_BENCH_WORK_DIR", Path(tempfile.gettempdir()) / "notes-bench"))
RESULTS_DIR = REPO_ROOT / "bench" / "results"
NOTES_API = str(Path(sys.executable).parent / "notes-api")
FLOOR_TOKEN = "floor-token"  # noqa: S105 - the floor's benchmark-only token


def bench_url() -> str:
    """The plain PostgreSQL URL of the bench database (``NOTES_BENCH_DATABASE_URL``)."""
    return os.environ.get("NOTES_BENCH_DATABASE_URL", DEFAULT_URL)


def sibling_url(url: str, suffix: str) -> str:
    """The URL of a database on the same server named after ``url``'s plus ``suffix``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix))


def _plain(url: str) -> str:
    """asyncpg wants ``postgresql://``; accept the SQLAlchemy spelling too."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _recreate(url: str) -> None:
    parts = urlsplit(_plain(url))
    name = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        quoted = '"' + name.replace('"', '""') + '"'
        await admin.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {quoted}")
    finally:
        await admin.close()


def recreate_database(url: str) -> None:
    """Drop and create the database ``url`` names (via the server's ``postgres`` database)."""
    asyncio.run(_recreate(url))


def migrate(url: str) -> None:
    """Apply the service's migrations to ``url`` with its own Alembic setup."""
    from app import migrations
    from app.config import async_database_url

    migrations.upgrade(async_database_url(url))


async def _fetch(url: str, sql: str, *args: Any) -> list[Any]:
    conn = await asyncpg.connect(_plain(url))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


def query(url: str, sql: str, *args: Any) -> list[Any]:
    """Run one SQL statement against ``url`` and return its rows (measurement only)."""
    return asyncio.run(_fetch(url, sql, *args))


def service_env(url: str, pool_size: int) -> dict[str, str]:
    """Environment of the service under test and of the notes-api commands that seed it."""
    return {
        "NOTES_DATABASE_URL": url,
        "NOTES_DATA_DIR": str(DATA_DIR),
        "NOTES_DB_POOL_SIZE": str(pool_size),
        "NOTES_ACCESS_TOKEN_MINUTES": "1440",
        "NOTES_ENV": "development",
        "NOTES_DEMO": "0",
    }


def notes_api(args: list[str], env: Mapping[str, str], timeout: float = 3600) -> str:
    """Run ``notes-api <args>`` with ``env`` over ours; return stdout (raise on failure)."""
    return _run([NOTES_API, *args], f"notes-api {args[0]}", env, timeout).stdout


def run_module(module: str, args: list[str], env: Mapping[str, str], timeout: float = 3600) -> str:
    """Run ``python -m <module> <args>`` with ``env`` over ours; return stdout and stderr."""
    proc = _run([sys.executable, "-m", module, *args], module, env, timeout)
    return proc.stdout + proc.stderr


def _run(
    argv: list[str], name: str, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        argv,
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{name} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc


def cli_has(*command: str) -> bool:
    """Whether ``notes-api <command> --help`` exists (a colleague's command may not yet)."""
    proc = subprocess.run(
        [NOTES_API, *command, "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=False,
        timeout=60,
    )
    return proc.returncode == 0


@dataclass
class Server:
    """A running server process and its base URL."""

    name: str
    proc: subprocess.Popen[bytes]
    base: str

    def stop(self) -> None:
        """Stop the process (graceful, then its process group)."""
        stop_server(self.proc)


def start_service(env: Mapping[str, str], log_path: Path, workers: int = 1) -> Server:
    """``notes-api serve --no-migrate`` (``workers`` uvicorn workers) on a free port, ready."""
    port = free_port()
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [NOTES_API, "serve", "--no-migrate", "--port", str(port), "--workers", str(workers)],
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(f"{base}/health/live", 60, proc=proc)
    except Exception:
        stop_server(proc)
        raise
    return Server("service", proc, base)


def start_floor(floor_url: str, pool_size: int, log_path: Path, workers: int = 1) -> Server:
    """The floor app (``bench.floor``) under uvicorn: the service's worker count and pool size."""
    port = free_port()
    env = {
        "FLOOR_DATABASE_URL": _plain(floor_url),
        "FLOOR_POOL_SIZE": str(pool_size),
        "FLOOR_TOKEN": FLOOR_TOKEN,
    }
    proc = start_server("bench.floor:app", port, env, workers, log_path=log_path)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(f"{base}/notes/00000000-0000-0000-0000-000000000000", 60, proc=proc)
    except Exception:
        stop_server(proc)
        raise
    return Server("floor", proc, base)


def openapi_paths(base: str) -> dict[str, set[str]]:
    """The service's routes from its OpenAPI document: path template -> methods."""
    doc = httpx.get(f"{base}/openapi.json", timeout=30).json()
    return {path: {m.upper() for m in ops} for path, ops in doc.get("paths", {}).items()}


def wait_for(predicate: Any, timeout: float, interval: float = 0.5) -> bool:
    """Poll ``predicate()`` until true or ``timeout`` s pass; return its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
