"""A note write holds its episode open until commit: a close beside it waits, or the note
sees it closed (SPEC §1.1: a closed episode is read-only)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.notes import service as notes_service
from tests.conftest import World
from tests.factories import create_client, create_session, days_ago, open_episode
from tests.notes.support import PROGRESS


async def test_close_between_note_check_and_insert(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = world["therapist"].headers
    made = await create_client(client, me)
    ep = await open_episode(client, me, made["id"], started_on=days_ago(30))
    s = await create_session(client, me, made["id"], on=days_ago(10))
    checked, release = asyncio.Event(), asyncio.Event()
    original = notes_service.ensure_episode_open

    async def paused(*a: Any, **kw: Any) -> None:
        await original(*a, **kw)
        checked.set()
        await release.wait()

    monkeypatch.setattr(notes_service, "ensure_episode_open", paused)
    note_task = asyncio.create_task(
        client.post(f"/v1/sessions/{s['id']}/notes", json=PROGRESS, headers=me)
    )
    await asyncio.wait_for(checked.wait(), 5)
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
    note = await note_task
    close = await close_task
    if closed_first:  # the close did not wait: the note must see it
        assert note.status_code == 409, note.text
    else:  # the close waited for the note, and then ended the episode with it in
        assert (note.status_code, close.status_code) == (201, 200), (note.text, close.text)
