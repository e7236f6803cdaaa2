"""A write raced against its episode's close: paused after its check, the close sent beside it.

A write that depends on the episode being open holds it until commit (ADR 0021): the close
then either waits for the write, or ran first and the write must see the episode closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import httpx
import pytest

from tests.factories import create_client, create_session, days_ago, open_episode


def pause_after(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str
) -> tuple[asyncio.Event, asyncio.Event]:
    """Make `module.name` stop once it has run: (set when it has, set to let it go on)."""
    checked, release = asyncio.Event(), asyncio.Event()
    original = getattr(module, name)

    async def paused(*args: Any, **kwargs: Any) -> Any:
        result = await original(*args, **kwargs)
        checked.set()
        await release.wait()
        return result

    monkeypatch.setattr(module, name, paused)
    return checked, release


async def open_case(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An open episode 30 days old and an attended session 10 days ago in it."""
    made = await create_client(client, headers)
    episode = await open_episode(client, headers, made["id"], started_on=days_ago(30))
    return episode, await create_session(client, headers, made["id"], on=days_ago(10))


async def close_beside(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    episode: dict[str, Any],
    write: Coroutine[Any, Any, httpx.Response],
    pause: tuple[asyncio.Event, asyncio.Event],
) -> tuple[httpx.Response, httpx.Response, bool]:
    """The write's answer, the close's, and whether the close finished while the write waited."""
    checked, release = pause
    write_task = asyncio.create_task(write)
    await asyncio.wait_for(checked.wait(), 5)
    close_task = asyncio.create_task(
        client.post(
            f"/v1/episodes/{episode['id']}/close",
            json={"ended_on": days_ago(5).isoformat(), "reason": "completed"},
            headers=headers | {"If-Match": episode["etag"]},
        )
    )
    done, _ = await asyncio.wait({close_task}, timeout=2)
    closed_first = bool(done) and close_task.result().status_code == 200
    release.set()
    return await write_task, await close_task, closed_first
