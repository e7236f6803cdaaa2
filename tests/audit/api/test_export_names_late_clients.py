"""An export names every client whose events it streamed, those of events committed while it
ran included: a second event, pointing at the first, names them (SPEC §6)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, MutableMapping
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI

from app.audit.api import export, service
from app.audit.api import router as audit_router
from app.db import utcnow
from app.state import AppState
from tests.audit.conftest import Spec, events_of_request, seed
from tests.conftest import World
from tests.factories import create_client


async def test_the_export_names_the_clients_of_events_written_while_it_ran(
    client: httpx.AsyncClient, world: World, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = await create_client(client, world["therapist"].headers)  # its events: before `since`
    since = utcnow()
    early = await create_client(client, world["therapist"].headers)
    counted = service.clients_in

    async def then_a_read_of_late_commits(*args: Any, **kwargs: Any) -> list[uuid.UUID]:
        found = await counted(*args, **kwargs)
        therapist = world["therapist"].id
        await seed(state, world.practice_id, [Spec(actor_id=therapist, clients=[late["id"]])])
        return found

    monkeypatch.setattr(service, "clients_in", then_a_read_of_late_commits)
    rid = uuid.uuid4().hex
    answer = await client.get(
        "/v1/audit/export",
        params={"format": "ndjson", "from": since.isoformat()},
        headers=world["auditor"].headers | {"X-Request-ID": rid},
    )
    assert answer.status_code == 200, answer.text
    exported: set[str] = set()
    for line in answer.text.splitlines():
        exported.update(json.loads(line)["client_ids"])
    assert {late["id"], early["id"]} <= exported
    first, later = sorted(await events_of_request(state, rid), key=lambda e: e.occurred_at)
    assert late["id"] not in first.client_ids
    assert set(first.client_ids) | set(later.client_ids) == exported
    assert (later.action, later.details) == ("audit.export", {"export_event_id": str(first.id)})
    # An export that nothing wrote beside names them all in its one event.
    monkeypatch.setattr(service, "clients_in", counted)
    again = uuid.uuid4().hex
    headers = world["auditor"].headers | {"X-Request-ID": again}
    answer = await client.get(
        "/v1/audit/export", params={"from": since.isoformat()}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    [only] = await events_of_request(state, again)
    assert {late["id"], early["id"]} <= set(only.client_ids)


async def test_the_late_clients_are_named_before_their_events_are_sent(
    app: FastAPI,
    client: httpx.AsyncClient,
    world: World,
    state: AppState,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    late = await create_client(client, world["therapist"].headers)
    since = utcnow()
    await create_client(client, world["therapist"].headers)
    counted = service.clients_in

    async def then_a_read_of_late_commits(*args: Any, **kwargs: Any) -> list[uuid.UUID]:
        found = await counted(*args, **kwargs)
        await seed(
            state, world.practice_id, [Spec(actor_id=world["therapist"].id, clients=[late["id"]])]
        )
        return found

    monkeypatch.setattr(service, "clients_in", then_a_read_of_late_commits)

    # A large export: more chunks are still being read after the one with the late event
    # (stands in for the next DB round trip of a long export).
    original = export.export_stream

    async def long_export(*args: Any, **kwargs: Any) -> AsyncIterator[bytes]:
        async for chunk in original(*args, **kwargs):
            yield chunk
        await asyncio.sleep(1)  # the next chunk's read

    monkeypatch.setattr(audit_router, "export_stream", long_export)

    rid = uuid.uuid4().hex
    query = urlencode({"format": "ndjson", "from": since.isoformat()}).encode()
    headers = [
        (b"host", b"testserver"),
        (b"authorization", world["auditor"].headers["Authorization"].encode()),
        (b"x-request-id", rid.encode()),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},  # as uvicorn announces
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/audit/export",
        "raw_path": b"/v1/audit/export",
        "root_path": "",
        "query_string": query,
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    gone = asyncio.Event()
    received = bytearray()
    sent_request = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.body":
            received.extend(message.get("body", b""))
            if late["id"].encode() in received:
                gone.set()  # the auditor has the late client's event, then hangs up

    await asyncio.wait_for(app(scope, receive, send), 10)
    exported: set[str] = set()
    for line in bytes(received).decode().splitlines():
        exported.update(json.loads(line)["client_ids"])
    assert late["id"] in exported  # the late client's event left the service
    named: set[str] = set()
    for event in await events_of_request(state, rid):
        named.update(event.client_ids)
    assert late["id"] in named
