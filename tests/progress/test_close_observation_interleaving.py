"""An observation holds its episode open until commit: a close beside it waits or is seen."""

from __future__ import annotations

import httpx
import pytest

from app.observations import service as obs_service
from tests.close_race import close_beside, open_case, pause_after
from tests.conftest import World


async def test_close_between_check_and_insert(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = world["therapist"].headers
    ep, s = await open_case(client, me)
    pause = pause_after(monkeypatch, obs_service, "ensure_changeable")
    body = {"theme_code": "affect.shame", "intensity": 3}
    write = client.post(f"/v1/sessions/{s['id']}/observations", json=body, headers=me)
    obs, _, closed_first = await close_beside(client, me, ep, write, pause)
    if closed_first:
        # the close committed before the observation was written: it must be refused
        assert obs.status_code == 409, obs.text
