"""Installed as operators install it: the wheel in a fresh virtual environment, no source tree.

The steps are the Dockerfile's (tests/test_deploy_files.py checks that they stay so): build
the wheel, install it, then migrate and serve from a directory that holds nothing else.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import create_pg_database, drop_pg_database, pg_admin_url
from tests.server_process import free_port

pytestmark = [pytest.mark.server, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
# The Dockerfile's two steps, its paths aside.
BUILD_WHEEL = ("pip", "wheel", "--no-deps", "--wheel-dir")
INSTALL_WHEEL = ("pip", "install")


def _run(argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{argv} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh virtual environment with only the built wheel (and its dependencies) in it."""
    work = tmp_path_factory.mktemp("install")
    # Nothing of the checkout or the test environment leaks in; pip keeps its cache.
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", str(work))}
    env.update({k: v for k, v in os.environ.items() if k.startswith("PIP_")})
    # What the Dockerfile copies, into a tree of its own: setuptools reuses a build/ folder,
    # which in the checkout could still hold modules deleted since.
    source = work / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "app", source / "app", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = work / "wheels"
    _run([sys.executable, "-m", *BUILD_WHEEL, str(wheels), "."], cwd=source, env=env)
    [wheel] = wheels.glob("session_notes_api-*.whl")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=work, env=env)
    python = venv / "bin" / "python"
    _run([str(python), "-m", *INSTALL_WHEEL, "-q", str(wheel)], cwd=work, env=env, timeout=600)
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
    return venv / "bin" / "notes-api", env


def _serve_ready(command: Path, cwd: Path, env: dict[str, str]) -> None:
    """`notes-api serve` from ``cwd`` answers 200 on /health/ready, then stops cleanly."""
    port = free_port()
    with (cwd / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [str(command), "serve", "--port", str(port), "--no-migrate"],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code
            except httpx.HTTPError:
                status = None
            if status == 200:
                break
            time.sleep(0.3)
        assert status == 200, (cwd / "serve.log").read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "Traceback" not in (cwd / "serve.log").read_text()


def test_wheel_migrates_and_serves_sqlite_from_an_empty_directory(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    command, env = installed
    empty = tmp_path / "empty"
    empty.mkdir()
    out = _run([str(command), "migrate"], cwd=empty, env=env)
    assert "database at head" in out
    assert (empty / "data" / "notes.db").exists()  # NOTES_DATA_DIR's default, ./data
    _serve_ready(command, empty, env)


def test_wheel_migrates_and_serves_postgresql_from_an_empty_directory(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    admin = pg_admin_url()
    if not admin:
        pytest.skip("NOTES_TEST_DATABASE_URL not set")
    command, env = installed
    name = f"notes_install_{uuid.uuid4().hex[:10]}"
    url = asyncio.run(create_pg_database(admin, name))
    try:
        empty = tmp_path / "empty"
        empty.mkdir()
        pg_env = {**env, "NOTES_DATABASE_URL": url}
        assert "database at head" in _run([str(command), "migrate"], cwd=empty, env=pg_env)
        _serve_ready(command, empty, pg_env)  # with its sequencer beside it
    finally:
        asyncio.run(drop_pg_database(admin, name))
