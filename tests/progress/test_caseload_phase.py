"""The caseload agrees with the progress timeline on phases, and counts booked intakes as open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.conftest import World
from tests.factories import create_client, create_session, days_ago, move_phase, open_episode


async def test_superseded_same_day_transition_does_not_restart_phase(
    client: httpx.AsyncClient, world: World
) -> None:
    t = world["therapist"].headers
    c = await create_client(client, t, family_name="Zed")
    ep = await open_episode(client, t, c["id"], started_on=days_ago(60))
    for d in (50, 40, 30, 20):
        await create_session(client, t, c["id"], on=days_ago(d))
    # A mistaken move to exploration, corrected the same day (SPEC: "a mistake is corrected
    # by a new transition"); the progress document says the episode never left `initial`.
    await move_phase(client, t, ep["id"], "exploration", days_ago(10))
    await move_phase(client, t, ep["id"], "initial", days_ago(10), rationale="Recorded by mistake")
    doc = (await client.get(f"/v1/episodes/{ep['id']}/progress", headers=t)).json()
    assert [(s["phase"], s["start"]) for s in doc["segments"]] == [("initial", str(days_ago(60)))]
    report = (await client.get("/v1/reports/caseload", headers=t)).json()
    row = next(r for r in report["items"] if r["client_id"] == c["id"])
    assert row["current_phase"] == "initial"
    assert row["phase_since"] == doc["segments"][-1]["start"], row
    assert row["sessions_in_phase"] == 4, row


async def test_booked_intake_counts_as_open_episode(
    client: httpx.AsyncClient, world: World
) -> None:
    t = world["therapist"].headers
    c = await create_client(client, t, family_name="Yow")
    ahead = datetime.now(UTC).date() + timedelta(days=7)
    r = await client.post(
        "/v1/sessions",
        json={"client_id": c["id"], "starts_at": f"{ahead}T10:00:00+00:00", "status": "scheduled"},
        headers=t,
    )
    assert r.status_code == 201, r.text
    assert r.json()["episode_opened"] is True
    report = (await client.get("/v1/reports/caseload", headers=t)).json()
    row = next(x for x in report["items"] if x["client_id"] == c["id"])
    assert row["episode_id"] is not None
    # The client has an open episode (intake booked): the summary must not say otherwise.
    assert report["summary"]["without_open_episode"] == 0, (report["summary"], row)
