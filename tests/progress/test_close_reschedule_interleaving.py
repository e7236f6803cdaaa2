"""A reschedule holds its episode open until commit: a close beside it waits (ADR 0021)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

import app.etag
from app.sessions import service as sessions_service
from tests.conftest import World
from tests.factories import at, create_client, create_session, days_ago, open_episode


async def test_close_between_check_and_reschedule(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = world["therapist"].headers
    made = await create_client(client, me)
    ep = await open_episode(client, me, made["id"], started_on=days_ago(30))
    s = await create_session(client, me, made["id"], on=days_ago(10))
    checked, release = asyncio.Event(), asyncio.Event()
    original = app.etag.bump_version

    async def paused(*a, **kw):  # type: ignore[no-untyped-def]
        checked.set()
        await release.wait()
        return await original(*a, **kw)

    monkeypatch.setattr(sessions_service, "bump_version", paused)
    patch_task = asyncio.create_task(
        client.patch(f"/v1/sessions/{s['id']}", json={"starts_at": at(days_ago(1))}, headers=me)
    )
    await checked.wait()
    close_task = asyncio.create_task(
        client.post(
            f"/v1/episodes/{ep['id']}/close",
            json={"ended_on": days_ago(5).isoformat(), "reason": "completed"},
            headers=me | {"If-Match": ep["etag"]},
        )
    )
    done, _ = await asyncio.wait({close_task}, timeout=2)
    closed_first = bool(done) and close_task.result().status_code == 200
    release.set()
    patched = await patch_task
    await close_task
    if closed_first:
        assert patched.status_code == 409, patched.text
