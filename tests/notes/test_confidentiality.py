"""Protected text never rests in the database or the logs; moved ciphertexts fail loudly."""

from __future__ import annotations

import asyncio
import io
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from sqlalchemy import select
from sqlmodel import col

from app.models import AuditEvent, IdempotencyRecord, Note
from app.notes import service
from app.state import AppState
from tests.conftest import World
from tests.factories import create_client, create_session, open_episode
from tests.notes.support import PROGRESS, PSYCHOTHERAPY, NotesApi, make_case


def _fresh_key(headers: dict[str, str]) -> dict[str, str]:
    """The headers with a new Idempotency-Key, so the stored response is written too."""
    return headers | {"Idempotency-Key": uuid.uuid4().hex}


async def _case_via_api(
    client: httpx.AsyncClient, world: World, marker: str, *, therapist: str = "therapist"
) -> tuple[str, str]:
    """A client (concerns), episode (goals) and session made through the API: (client, session)."""
    me = world[therapist].headers
    made = await create_client(
        client,
        _fresh_key(me),
        given_name="Mara",
        family_name="Lind",
        presenting_concerns=f"Panic since the divorce {marker}",
    )
    episode = await open_episode(client, _fresh_key(me), made["id"], goals=f"Grieve {marker}")
    visit = await create_session(client, _fresh_key(me), made["id"], episode_id=episode["id"])
    return made["id"], str(visit["id"])


async def _write_everything(client: httpx.AsyncClient, world: World, marker: str) -> list[str]:
    """Every protected note field carries the marker, through every write path."""
    api = NotesApi(client)
    _, session_id = await _case_via_api(client, world, marker, therapist="trainee")
    trainee = world["trainee"].headers | {"Idempotency-Key": uuid.uuid4().hex}
    progress = await api.create(
        trainee,
        uuid.UUID(session_id),
        {
            "kind": "progress",
            "body": f"Body {marker}",
            "plan": f"Plan {marker}",
            "risk": {"level": "high", "details": f"Risk {marker}"},
        },
    )
    assert progress.status_code == 201, progress.text
    note_id = progress.json()["id"]
    edited = await api.patch(
        trainee, note_id, {"body": f"Edited {marker}"}, progress.headers["ETag"]
    )
    # The create's Idempotency-Key is for the create only: a sign with it would be 422.
    signer = world["trainee"].headers
    pending = await api.act(signer, note_id, "sign", edited.headers["ETag"])
    supervisor = world["supervisor"].headers
    returned = await api.act(
        supervisor, note_id, "return", pending.headers["ETag"], {"comment": f"Comment {marker}"}
    )
    assert returned.json()["return_comment"] == f"Comment {marker}"
    pending = await api.act(signer, note_id, "sign", returned.headers["ETag"])
    await api.act(supervisor, note_id, "cosign", pending.headers["ETag"])
    addendum = await api.add_addendum(
        trainee | {"Idempotency-Key": uuid.uuid4().hex},
        note_id,
        f"Addendum {marker}",
        f"Reason {marker}",
    )
    assert addendum.status_code == 201, addendum.text
    private = await api.create(
        world["trainee"].headers,
        uuid.UUID(session_id),
        {"kind": "psychotherapy", "body": f"Private {marker}"},
    )
    assert private.status_code == 201
    read = await api.get(world["trainee"].headers, note_id)
    assert marker in read.json()["body"]
    return [note_id, private.json()["id"]]


def _sqlite_files(database_url: str) -> list[Path]:
    path = Path(database_url.split("///", 1)[1])
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


async def _pg_dump(database_url: str) -> bytes:
    process = await asyncio.create_subprocess_exec(
        "pg_dump",
        "--no-owner",
        f"--dbname={database_url}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out


async def test_no_plaintext_at_rest(
    client: httpx.AsyncClient, world: World, state: AppState, database_url: str, backend: str
) -> None:
    marker = f"M4RK{uuid.uuid4().hex}"
    note_ids = await _write_everything(client, world, marker)
    if backend == "sqlite":
        stored = b"".join(p.read_bytes() for p in _sqlite_files(database_url))
    else:
        stored = await _pg_dump(database_url)
    assert note_ids[0].replace("-", "").encode() in stored.replace(b"-", b"")  # rows are there
    assert marker.encode() not in stored
    async with state.sessionmaker() as db:
        replays = (
            (
                await db.execute(
                    select(col(IdempotencyRecord.response_body)).where(
                        col(IdempotencyRecord.caller_key) == f"user:{world['trainee'].id}"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert len(replays) >= 4  # stored responses of creating POSTs, encrypted too
    assert all(body is not None and body.startswith("v1.") for body in replays)
    assert marker.encode("utf-16-le") not in stored


@pytest.fixture
def app_log() -> Iterator[io.StringIO]:
    """Everything the application logs, rendered exactly as in production."""
    root = logging.getLogger()
    rendered = [
        h for h in root.handlers if isinstance(h.formatter, structlog.stdlib.ProcessorFormatter)
    ]
    assert rendered, "the application's log handler is not installed"
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(rendered[0].formatter)
    for log_filter in rendered[0].filters:
        handler.addFilter(log_filter)
    handler.addFilter(lambda record: not record.name.startswith("httpx"))  # the test's client
    root.addHandler(handler)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)


async def _move_ciphertext(
    state: AppState, source_id: str, target_id: str, column: str = "body"
) -> str | None:
    """Copy a note's body ciphertext into another note (or column); returns the old value."""
    async with state.sessionmaker() as db:
        source, target = (
            await db.get(Note, uuid.UUID(source_id)),
            await db.get(Note, uuid.UUID(target_id)),
        )
        assert source is not None
        assert target is not None
        old: str | None = getattr(target, column)
        setattr(target, column, source.body)
        await db.commit()
        return old


async def _restore(state: AppState, note_id: str, column: str, value: str | None) -> None:
    async with state.sessionmaker() as db:
        note = await db.get(Note, uuid.UUID(note_id))
        assert note is not None
        setattr(note, column, value)
        await db.commit()


async def test_moved_ciphertext_is_an_error_not_a_leak(
    client: httpx.AsyncClient, world: World, state: AppState, app_log: io.StringIO
) -> None:
    case = await make_case(client, world, sessions=2)
    api, me = NotesApi(client), world["therapist"].headers
    marker = f"M4RK{uuid.uuid4().hex}"
    first = await api.signed(me, case.session_ids[0], PROGRESS | {"body": f"First {marker}"})
    second = await api.signed(me, case.session_ids[1], PROGRESS | {"body": "Second"})
    for target, column in ((second, "body"), (first, "plan")):
        old = await _move_ciphertext(state, first, target, column)
        try:
            request_id = f"moved-{uuid.uuid4().hex}"
            response = await api.get(me | {"X-Request-ID": request_id}, target)
            assert response.status_code == 500
            assert response.headers["content-type"] == "application/problem+json"
            problem = response.json()
            assert set(problem) == {"type", "title", "status", "detail", "instance", "request_id"}
            assert problem["detail"] == "Unexpected error"
            assert marker not in response.text
            listed = await api.list(me, case.session_ids[0 if target == first else 1])
            assert listed.status_code == 500
            assert marker not in listed.text
            async with state.sessionmaker() as db:
                event = (
                    await db.execute(
                        select(AuditEvent).where(col(AuditEvent.request_id) == request_id)
                    )
                ).scalar_one()
            assert (event.outcome, event.http_status) == ("error", 500)
            assert f"note.{column} of row {target}" in app_log.getvalue()
        finally:
            await _restore(state, target, column, old)
    assert (await api.get(me, second)).json()["body"] == "Second"
    errors = [line for line in app_log.getvalue().splitlines() if '"level": "error"' in line]
    assert len(errors) == 4
    assert all("security event" in line for line in errors)
    assert marker not in app_log.getvalue()


async def test_logs_hold_no_protected_text(
    client: httpx.AsyncClient,
    world: World,
    state: AppState,
    app_log: io.StringIO,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marker = f"M4RK{uuid.uuid4().hex}"
    note_ids = await _write_everything(client, world, marker)
    api, trainee = NotesApi(client), world["trainee"].headers
    session_id = (await api.get(trainee, note_ids[0])).json()["session_id"]
    # Failures that carry the marker in what was sent.
    await api.create(trainee, uuid.UUID(session_id), PROGRESS | {"body": marker})  # 409
    await api.create(trainee, uuid.UUID(session_id), PSYCHOTHERAPY | {"plan": marker})  # 422
    await api.create(trainee, uuid.UUID(session_id), {"kind": marker, "body": marker})  # 422
    await client.get(f"/v1/sessions/{session_id}/notes?cursor={marker}", headers=trainee)
    await client.get(f"/v1/clients?q={marker}", headers=trainee)
    await api.get(world["admin"].headers | {"X-Break-Glass-Reason": marker}, note_ids[0])
    # A moved ciphertext, then an unexpected error whose message and locals hold the marker.
    old = await _move_ciphertext(state, note_ids[1], note_ids[0])
    try:
        assert (await api.get(trainee, note_ids[0])).status_code == 500
    finally:
        await _restore(state, note_ids[0], "body", old)

    def broken(ring: Any, note: Note) -> Any:
        secret = f"plaintext {marker}"
        raise ValueError(f"cannot render {secret}")

    monkeypatch.setattr(service, "note_out", broken)
    assert (await api.get(trainee, note_ids[0])).status_code == 500
    monkeypatch.undo()
    logged = app_log.getvalue()
    assert "security event" in logged
    assert '"exc_type": "ValueError"' in logged
    assert marker not in logged
    for clear_text in ("Mara", "Lind", "divorce", "Panic"):
        assert clear_text not in logged
