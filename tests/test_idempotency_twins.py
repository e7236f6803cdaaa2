"""A twin sent while the first request with its Idempotency-Key still runs is 409 at once
(SPEC §4), rather than waiting for the first to finish."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

import app.middleware
from app.state import AppState
from tests.conftest import World


async def test_a_twin_of_a_running_request_is_409_at_once(
    client: httpx.AsyncClient, world: World, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    if state.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the twin waits for the lock")
    running, finish = asyncio.Event(), asyncio.Event()
    original = app.middleware.add_event  # type: ignore[attr-defined]

    async def held(session: Any, event: dict[str, Any]) -> None:
        if event["action"] == "client.create":
            running.set()
            await finish.wait()
        await original(session, event)

    monkeypatch.setattr(app.middleware, "add_event", held)
    headers = world["therapist"].headers | {"Idempotency-Key": uuid.uuid4().hex}
    body = {"given_name": "Twin", "family_name": "Running"}
    first = asyncio.create_task(client.post("/v1/clients", json=body, headers=headers))
    await running.wait()
    twin = await asyncio.wait_for(client.post("/v1/clients", json=body, headers=headers), 5)
    assert twin.status_code == 409, twin.text
    assert "still in progress" in twin.json()["detail"]
    finish.set()
    assert (await first).status_code == 201
    again = await client.post("/v1/clients", json=body, headers=headers)
    assert again.headers["idempotent-replayed"] == "true"
