"""The real server process: migrations on start, demo logins, HTTP round trips."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.server_process import free_port, start_server, stop_server

pytestmark = pytest.mark.server


def test_serve_migrates_seeds_demo_and_answers(tmp_path: Path) -> None:
    port = free_port()
    process = start_server(tmp_path, port, env={"NOTES_DEMO": "1"})
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            token = http.post(
                "/v1/auth/token",
                data={"username": "therapist@demo.example", "password": "demo-therapist-pass"},
            )
            assert token.status_code == 200, token.text
            access = token.json()["access_token"]
            me = http.get("/v1/me", headers={"Authorization": f"Bearer {access}"})
            assert me.json()["role"] == "therapist"
            assert me.headers["x-request-id"]
            assert http.get("/openapi.json").json()["info"]["title"] == "Session Notes API"
            missing = http.get("/v1/none")
            assert missing.status_code == 404
            assert missing.headers["content-type"] == "application/problem+json"
    finally:
        stop_server(process)
    log = (tmp_path / f"server-{port}.log").read_text()
    assert "demo-therapist-pass" in log  # the demo logins are printed once at start
    assert "Traceback" not in log


def test_cli_creates_practice_user_and_key(tmp_path: Path) -> None:
    env = {
        "NOTES_DATA_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "NOTES_ARGON2_TIME_COST": "1",
        "NOTES_ARGON2_MEMORY_KIB": "64",
    }

    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return done.stdout.strip()

    cli("migrate")
    practice = cli("create-practice", "--name", "Clinic")
    user = cli(
        "create-user",
        "--practice",
        practice,
        "--email",
        "A@B.example",
        "--role",
        "admin",
        "--password",
        "long-enough-password",
    )
    key = cli(
        "create-api-key",
        "--practice",
        practice,
        "--name",
        "sync",
        "--scopes",
        "clients:read,sessions:read",
    )
    assert len(practice) == len(user) == 36
    assert key.startswith("nsk_")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "create-user",
            "--practice",
            practice,
            "--email",
            "x@b.example",
            "--role",
            "admin",
            "--password",
            "short",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0
    dup = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "create-user",
            "--practice",
            practice,
            "--email",
            "a@b.example",
            "--role",
            "admin",
            "--password",
            "long-enough-password",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dup.returncode == 1
    assert "already exists" in dup.stderr


def test_a_refusal_reads_the_client_from_a_body_without_waiting(tmp_path: Path) -> None:
    """The pipeline reads a refused request's body for the client it names: once, whether the
    route read it (a booking) or not (sign), sent whole or chunked — never waiting for more."""
    port = free_port()
    process = start_server(tmp_path, port, env={"NOTES_DEMO": "1"})
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:

            def login(who: str) -> dict[str, str]:
                form = {"username": f"{who}@demo.example", "password": f"demo-{who}-pass"}
                token = http.post("/v1/auth/token", data=form).json()["access_token"]
                return {"Authorization": f"Bearer {token}"}

            therapist = login("therapist")
            client_id = http.get("/v1/clients", headers=therapist).json()["items"][0]["id"]
            named = b'{"client_id": "' + client_id.encode() + b'"}'
            sign = f"/v1/notes/{uuid.uuid4()}/sign"
            answers = [
                http.post(sign, content=named, headers=therapist | _JSON | {"If-Match": '"x"'}),
                http.post(
                    sign,
                    content=iter([named[:10], named[10:]]),  # chunked
                    headers=therapist | _JSON | {"If-Match": '"x"'},
                ),
                http.post(
                    "/v1/sessions",
                    json={"client_id": client_id, "starts_at": "2026-11-02T10:00:00"},
                    headers=therapist,
                ),
            ]
            assert [a.status_code for a in answers] == [404, 404, 422]
            search = http.get(
                "/v1/audit/events",
                params={"client_id": client_id, "limit": 100},
                headers=login("auditor"),
            )
            logged = {e["request_id"] for e in search.json()["items"]}
            assert {a.headers["x-request-id"] for a in answers} <= logged
    finally:
        stop_server(process)


_JSON = {"Content-Type": "application/json"}
