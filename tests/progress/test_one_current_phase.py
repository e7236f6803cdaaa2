"""One current phase everywhere: a transition may bear the latest date that is today somewhere
(UTC+14), and the episode, its progress document and the caseload then agree on the phase
(SPEC §1.1, §1.5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from tests.conftest import World
from tests.factories import create_client, create_session, days_ago, move_phase, open_episode


def _today() -> date:
    return datetime.now(UTC).date()


async def test_a_transition_dated_tomorrow_in_utc_is_the_current_phase_everywhere(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From 10:00 UTC the latest date that is today somewhere is tomorrow's UTC date (pinned
    here, so that the test holds at any hour)."""
    import app.episodes.service as episodes_service
    import app.progress.caseload as caseload_module

    tomorrow = _today() + timedelta(days=1)
    monkeypatch.setattr(episodes_service, "latest_today", lambda: tomorrow)
    monkeypatch.setattr(caseload_module, "latest_today", lambda: tomorrow)
    me = world["therapist"].headers
    made = await create_client(client, me)
    ep = await open_episode(client, me, made["id"], started_on=days_ago(10))
    await create_session(client, me, made["id"], on=_today())
    await move_phase(client, me, ep["id"], "exploration", tomorrow)
    episode = (await client.get(f"/v1/episodes/{ep['id']}", headers=me)).json()
    progress = (await client.get(f"/v1/episodes/{ep['id']}/progress", headers=me)).json()
    caseload = (await client.get("/v1/reports/caseload", headers=me)).json()
    [row] = [r for r in caseload["items"] if r["client_id"] == made["id"]]
    assert episode["current_phase"] == progress["current_phase"] == "exploration"
    assert (row["current_phase"], row["phase_since"]) == ("exploration", tomorrow.isoformat())
    assert row["days_in_phase"] == 1
    assert caseload["summary"]["by_phase"]["exploration"] >= 1
