"""Two retries of a request that finished long ago both replay it: 409 is only "while the
first is still running" (SPEC §4), whatever the retries overlap."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

import app.middleware
from app.state import AppState
from tests.conftest import World


async def test_concurrent_replays_of_a_finished_request_both_replay(
    client: httpx.AsyncClient, world: World, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    if state.engine.dialect.name != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL only")
    headers = world["therapist"].headers | {"Idempotency-Key": uuid.uuid4().hex}
    body = {"given_name": "Twin", "family_name": "Replayed"}
    first = await client.post("/v1/clients", json=body, headers=headers)
    assert first.status_code == 201
    # The first request is over (committed). Now two retries arrive together.
    running, finish = asyncio.Event(), asyncio.Event()
    original = app.middleware.add_event  # type: ignore[attr-defined]

    async def held(session: Any, event: dict[str, Any]) -> None:
        if event["action"] == "client.create" and not running.is_set():
            running.set()
            await finish.wait()
        await original(session, event)

    monkeypatch.setattr(app.middleware, "add_event", held)
    retry1 = asyncio.create_task(client.post("/v1/clients", json=body, headers=headers))
    await asyncio.wait_for(running.wait(), 5)
    retry2 = await asyncio.wait_for(client.post("/v1/clients", json=body, headers=headers), 5)
    finish.set()
    r1 = await retry1
    assert r1.status_code == 201
    assert r1.headers["idempotent-replayed"] == "true"
    # The first request is not running: this must be its replay, not "still in progress".
    assert retry2.status_code == 201, retry2.text
    assert retry2.headers.get("idempotent-replayed") == "true"
