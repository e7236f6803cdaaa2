"""A reschedule holds its episode open until commit: a close beside it waits (ADR 0021)."""

from __future__ import annotations

import httpx
import pytest

from app.sessions import service as sessions_service
from tests.close_race import close_beside, open_case, pause_after
from tests.conftest import World
from tests.factories import at, days_ago


async def test_close_between_check_and_reschedule(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = world["therapist"].headers
    ep, s = await open_case(client, me)
    pause = pause_after(monkeypatch, sessions_service, "bump_version")
    body = {"starts_at": at(days_ago(1))}
    write = client.patch(f"/v1/sessions/{s['id']}", json=body, headers=me)
    patched, _, closed_first = await close_beside(client, me, ep, write, pause)
    if closed_first:
        assert patched.status_code == 409, patched.text
