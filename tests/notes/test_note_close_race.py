"""A note write holds its episode open until commit: a close beside it waits, or the note
sees it closed (SPEC §1.1: a closed episode is read-only)."""

from __future__ import annotations

import httpx
import pytest

from app.notes import service as notes_service
from tests.close_race import close_beside, open_case, pause_after
from tests.conftest import World
from tests.notes.support import PROGRESS


async def test_close_between_note_check_and_insert(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = world["therapist"].headers
    ep, s = await open_case(client, me)
    pause = pause_after(monkeypatch, notes_service, "ensure_episode_open")
    write = client.post(f"/v1/sessions/{s['id']}/notes", json=PROGRESS, headers=me)
    note, close, closed_first = await close_beside(client, me, ep, write, pause)
    if closed_first:  # the close did not wait: the note must see it
        assert note.status_code == 409, note.text
    else:  # the close waited for the note, and then ended the episode with it in
        assert (note.status_code, close.status_code) == (201, 200), (note.text, close.text)
