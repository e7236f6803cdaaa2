"""An observation holds its episode open until commit: a close beside it waits or is seen."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.observations import service as obs_service
from tests.conftest import World
from tests.factories import create_client, create_session, days_ago, open_episode


async def test_close_between_check_and_insert(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = world["therapist"].headers
    made = await create_client(client, me)
    ep = await open_episode(client, me, made["id"], started_on=days_ago(30))
    s = await create_session(client, me, made["id"], on=days_ago(10))
    checked, release = asyncio.Event(), asyncio.Event()
    original = obs_service.ensure_changeable

    async def paused(**kw):  # type: ignore[no-untyped-def]
        result = await original(**kw)
        checked.set()
        await release.wait()
        return result

    monkeypatch.setattr(obs_service, "ensure_changeable", paused)
    obs_task = asyncio.create_task(
        client.post(
            f"/v1/sessions/{s['id']}/observations",
            json={"theme_code": "affect.shame", "intensity": 3},
            headers=me,
        )
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
    obs = await obs_task
    await close_task
    if closed_first:
        # the close committed before the observation was written: it must be refused
        assert obs.status_code == 409, obs.text
