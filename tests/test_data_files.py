"""What the service writes to its data folder is its owner's alone; bad URLs are one line."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import create_engine
from tests.conftest import pg_admin_url

pytestmark = pytest.mark.server


def _cli(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={"PATH": os.environ["PATH"], "NOTES_DATA_DIR": str(data), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


def test_migrate_and_serve_files_are_private_under_a_lax_umask(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = os.umask(0o022)  # the usual umask, inherited by the command
    try:
        done = _cli(data, "migrate")
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    modes = _modes(data)
    assert "notes.db" in modes
    assert {"jwt_secret.key", "encryption.keys", "audit_signing.pem"} <= set(modes)
    assert set(modes.values()) == {0o600}, modes


async def test_engine_makes_the_database_wal_and_shm_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = os.umask(0o022)
    try:
        engine = create_engine(Settings(data_dir=data))
        async with engine.connect() as conn:
            await conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            await conn.commit()
            modes = _modes(data)
        await engine.dispose()
    finally:
        os.umask(old)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert {"notes.db", "notes.db-wal", "notes.db-shm"} <= set(modes)
    assert set(modes.values()) == {0o600}, modes


@pytest.mark.parametrize(
    ("url", "line"),
    [
        (
            "postgresql://u@h/db?sslmode=foo",
            "error: NOTES_DATABASE_URL: unknown sslmode 'foo' "
            "(one of disable, allow, prefer, require, verify-ca, verify-full)",
        ),
        ("mysql://u@h/db", "error: NOTES_DATABASE_URL: unsupported scheme 'mysql'"),
        ("postgresql://u@h:99999/db", "error: NOTES_DATABASE_URL: port 99999 is out of range"),
    ],
)
@pytest.mark.parametrize("command", [("migrate",), ("serve",), ("audit", "verify")])
def test_an_unusable_url_is_one_line_and_status_2(
    tmp_path: Path, url: str, line: str, command: tuple[str, ...]
) -> None:
    done = _cli(tmp_path, *command, NOTES_DATABASE_URL=url)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0].startswith(line), done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr


@pytest.mark.parametrize("command", [("migrate",), ("audit", "verify")])
def test_an_unreachable_database_is_one_line_and_status_2(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """No traceback for an operator when the server is down (here: a port nobody serves)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://postgres@127.0.0.1:{port}/notes?connect_timeout=2"
    done = _cli(tmp_path, *command, NOTES_DATABASE_URL=url)
    assert done.returncode == 2, done.stderr
    # The first run of a data folder also says which keys it generated, one line each.
    errors = [line for line in done.stderr.splitlines() if not line.startswith("generated ")]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith("error: cannot use the database: ConnectionRefusedError"), errors


@pytest.mark.parametrize("problem", ["no such database", "no such role"])
def test_a_refusing_server_is_one_line_and_status_2(tmp_path: Path, problem: str) -> None:
    """A database that does not exist, or a role the server refuses, is the operator's
    one-line error too (the server answers, then refuses the connection)."""
    admin = pg_admin_url()
    if admin is None:
        pytest.skip("needs a PostgreSQL server (NOTES_TEST_DATABASE_URL)")
    url = make_url(admin.replace("postgresql+asyncpg://", "postgresql://"))
    if problem == "no such database":
        url = url.set(database=f"missing_{os.getpid()}")
    else:
        url = url.set(username=f"nobody_{os.getpid()}")
    done = _cli(tmp_path, "migrate", NOTES_DATABASE_URL=url.render_as_string(False))
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if not line.startswith("generated ")]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith("error: cannot use the database: "), errors
    assert "does not exist" in errors[0], errors


async def _touch_database(settings: Settings, *statements: str) -> None:
    """Open the service's engine, run statements in one transaction, close every connection."""
    engine = create_engine(settings)
    async with engine.begin() as conn:
        for statement in statements:
            await conn.exec_driver_sql(statement)
    await engine.dispose()


async def test_sqlite_creates_its_files_private_without_a_later_chmod(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No moment where the new database (and so its WAL and SHM) is readable by others."""
    monkeypatch.setattr("app.db.private_sqlite_files", lambda _path: None)
    data = tmp_path / "data"
    data.mkdir(mode=0o755)  # a folder that was already there, not made private by the service
    old = os.umask(0o022)
    try:
        engine = create_engine(Settings(data_dir=data))
        async with engine.begin() as conn:
            await conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            modes = _modes(data)
        await engine.dispose()
    finally:
        os.umask(old)
    assert {"notes.db", "notes.db-wal", "notes.db-shm"} <= set(modes)
    assert set(modes.values()) == {0o600}, modes


async def test_wal_and_shm_made_after_startup_are_private(tmp_path: Path) -> None:
    """SQLite removes -wal and -shm with its last connection and makes them anew later."""
    data = tmp_path / "data"
    settings = Settings(data_dir=data)
    old = os.umask(0o022)
    try:
        await _touch_database(settings, "CREATE TABLE t (x INTEGER)")
        assert set(_modes(data)) == {"notes.db"}  # the last connection removed them
        engine = create_engine(settings)
        async with engine.connect() as reader:
            await reader.exec_driver_sql("SELECT count(*) FROM t")
            after_reopen = _modes(data)
            async with engine.begin() as writer:
                await writer.exec_driver_sql("INSERT INTO t VALUES (1)")
            await reader.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            await reader.commit()
            async with engine.begin() as writer:
                await writer.exec_driver_sql("INSERT INTO t VALUES (2)")
            after_checkpoint = _modes(data)
        await engine.dispose()
    finally:
        os.umask(old)
    for modes in (after_reopen, after_checkpoint):
        assert {"notes.db", "notes.db-wal", "notes.db-shm"} <= set(modes)
        assert set(modes.values()) == {0o600}, modes


async def test_a_lax_database_left_by_an_older_version_is_made_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "notes.db").touch(mode=0o644)
    (data / "notes.db").chmod(0o644)
    await _touch_database(Settings(data_dir=data), "CREATE TABLE t (x INTEGER)")
    assert set(_modes(data).values()) == {0o600}, _modes(data)


@pytest.mark.slow
def test_demo_and_rotate_keys_leave_only_private_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = os.umask(0o022)
    try:
        seeded = _cli(data, "demo", NOTES_ARGON2_TIME_COST="1", NOTES_ARGON2_MEMORY_KIB="64")
        assert seeded.returncode == 0, seeded.stderr
        after_demo = _modes(data)
        rotated = _cli(data, "rotate-keys")
        assert rotated.returncode == 0, rotated.stderr
        after_rotation = _modes(data)
    finally:
        os.umask(old)
    for modes in (after_demo, after_rotation):
        assert "notes.db" in modes
        assert set(modes.values()) == {0o600}, modes
